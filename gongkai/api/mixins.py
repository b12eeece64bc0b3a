"""What the API's views share."""

from rest_framework.permissions import AllowAny

from gongkai.api.throttling import AddressThrottle


class PublicReadMixin:
    """Anonymous, read-only, throttled."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]
