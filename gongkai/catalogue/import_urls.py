from django.urls import path

from gongkai.catalogue import import_views

app_name = "catalogue_import"
urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("confirm/", import_views.confirm, name="confirm"),
    path("errors.csv", import_views.error_list, name="errors"),
]
