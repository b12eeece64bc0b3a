from django.urls import include, path

from gongkai.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", include("gongkai.catalogue.import_urls")),
]
