from django.urls import include, path

from gongkai.api import views

app_name = "api"
urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", include("gongkai.applications.urls_api")),
]
