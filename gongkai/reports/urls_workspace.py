from django.urls import path

from gongkai.reports.views import workspace as views

app_name = "reports_ws"

urlpatterns = [
    path("", views.home, name="home"),
    path("organ/<int:organ_id>/<int:year>/", views.organ_year, name="organ_year"),
    path("organ/<int:organ_id>/<int:year>/generate/", views.generate, name="generate"),
    path("r/<int:pk>/", views.report_detail, name="report"),
    path("r/<int:pk>/figures/", views.figures, name="figures"),
    path("r/<int:pk>/figures/import/", views.figures_import, name="figures_import"),
    path("r/<int:pk>/texts/", views.texts, name="texts"),
    path("r/<int:pk>/check/", views.run_checks, name="check"),
    path("r/<int:pk>/submit/", views.submit, name="submit"),
    path("r/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("r/<int:pk>/decide/", views.decide, name="decide"),
    path("r/<int:pk>/override/", views.override, name="override"),
    path("r/<int:pk>/publish/", views.publish, name="publish"),
    path("r/<int:pk>/return/", views.return_report, name="return"),
    path("r/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("r/<int:pk>/cell/<str:key>/", views.cell, name="cell"),
    path("supervision/<int:government_id>/", views.supervision, name="supervision"),
    path("supervision/<int:government_id>/<int:year>/aggregate/", views.aggregate, name="aggregate"),
    path("import/", views.import_view, name="import"),
    path("compare/", views.compare, name="compare"),
    path("statistics/", views.dashboard, name="dashboard"),
]
