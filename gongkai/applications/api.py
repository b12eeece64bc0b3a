"""API for other intake channels (e.g. a WeChat or Weibo service-account
bridge). Each channel has its own key (a ``credentials.Credential`` of the purpose
``application_channel``; header ``Authorization: Channel <key>``), may file only to the organs it is allowed,
and sees only the applications it filed. Applications filed here wait for the
organ to confirm receipt, like online ones (Art. 31)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.applications import services
from gongkai.applications.models import Application, DeliveryMethod, FormWanted, IdType
from gongkai.applications.taxonomy import ApplicantType
from gongkai.core.errors import DomainError
from gongkai.credentials.authentication import CredentialActor, CredentialAuthentication, HasCredential
from gongkai.credentials.models import Credential, Purpose
from gongkai.organs.models import Organ

if TYPE_CHECKING:
    from rest_framework.request import Request


class ApplicationInSerializer(serializers.Serializer):
    organ = serializers.SlugField(help_text="The organ's web address name (slug).")
    applicant_type = serializers.ChoiceField(choices=ApplicantType.choices)
    applicant_name = serializers.CharField(max_length=200)
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_number = serializers.CharField(max_length=40)
    contact_person = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
    subject = serializers.CharField(max_length=300)
    document_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    purpose = serializers.CharField(required=False, allow_blank=True)
    form_wanted = serializers.ChoiceField(choices=FormWanted.choices)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    external_reference = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                               help_text="The channel's own id; a repeated id returns the application already made.")


class ApplicationOutSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    secret = serializers.CharField(required=False, help_text="Shown once, on creation: give it to the applicant.")
    status = serializers.CharField()
    received_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)


def _out(application: Application, secret: str = "") -> dict:
    data = {"tracking_number": application.tracking_number, "status": application.status, "received_on": application.received_on,
            "due_on": application.due_on, "outcome": application.outcome}
    if secret:
        data["secret"] = secret
    return ApplicationOutSerializer(data).data


class ApplicationCreateView(APIView):
    authentication_classes = [CredentialAuthentication]
    permission_classes = [HasCredential]
    credential_purpose = Purpose.APPLICATION_CHANNEL

    @extend_schema(request=ApplicationInSerializer, responses={201: ApplicationOutSerializer, 200: ApplicationOutSerializer},
                   summary="File an application from another channel (依申请公开 intake)")
    def post(self, request: Request) -> Response:
        channel: Credential = request.auth
        serializer = ApplicationInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organ = Organ.objects.filter(slug=data.pop("organ"), is_active=True).first()
        if not channel.may_act_for(organ):
            return Response({"detail": _("This channel may not file applications to that organ."), "code": "forbidden"},
                            status=status.HTTP_403_FORBIDDEN)
        reference = data.get("external_reference", "")
        token = f"api-{channel.pk}-{hashlib.sha256(reference.encode()).hexdigest()[:40]}" if reference else None
        try:
            result = services.submit_application(organ=organ, channel="api", data=data, api_channel=channel, form_token=token,
                                                 by=str(CredentialActor(channel)))
        except DomainError as error:
            return Response({error.field or "non_field_errors": [str(error.message)]}, status=status.HTTP_400_BAD_REQUEST)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(_out(result.application, result.secret), status=code)


class ApplicationStatusView(APIView):
    authentication_classes = [CredentialAuthentication]
    permission_classes = [HasCredential]
    credential_purpose = Purpose.APPLICATION_CHANNEL

    @extend_schema(responses=ApplicationOutSerializer, summary="Status of an application this channel filed")
    def get(self, request: Request, tracking_number: str) -> Response:
        application = Application.objects.filter(tracking_number=tracking_number, api_channel=request.auth).first()
        if application is None:
            return Response({"detail": _("Not found."), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
        return Response(_out(application))
