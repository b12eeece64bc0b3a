from django.http import HttpResponse
from django.urls import path

app_name = "applications_public"


def placeholder(request):
    return HttpResponse("")


urlpatterns = [
    path("", placeholder, name="apply"),
]
