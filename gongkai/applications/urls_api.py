from django.urls import path

from gongkai.applications import api

app_name = "applications_api"

urlpatterns = [
    path("", api.ApplicationCreateView.as_view(), name="create"),
    path("<str:tracking_number>/", api.ApplicationStatusView.as_view(), name="status"),
]
