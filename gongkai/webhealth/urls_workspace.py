from django.urls import path

from gongkai.webhealth.views import workspace as views

app_name = "webhealth_ws"

urlpatterns = [
    path("", views.home, name="home"),
    path("organs/<int:organ_id>/", views.organ, name="organ"),
    path("organs/<int:organ_id>/links/", views.links, name="links"),
    path("organs/<int:organ_id>/sites/", views.site_add, name="site_add"),
    path("organs/<int:organ_id>/thresholds/", views.threshold, name="threshold"),
    path("sites/<int:site_id>/run/", views.run_start, name="run_start"),
    path("sites/<int:site_id>/export.xlsx", views.export_site, name="export"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("links/<int:link_id>/false-positive/", views.false_positive, name="false_positive"),
]
