from django.urls import path

from gongkai.reports.views import public as views

app_name = "reports_public"

urlpatterns = [
    path("", views.index, name="index"),
    path("check/", views.check, name="check"),
    path("<slug:slug>/<int:year>/", views.report, name="report"),
    path("<slug:slug>/<int:year>/report.<str:fmt>", views.download, name="download"),
    path("<slug:slug>/<int:year>/government/", views.report, {"scope": "government"}, name="government_report"),
    path("<slug:slug>/<int:year>/government/report.<str:fmt>", views.download, {"scope": "government"}, name="government_download"),
]
