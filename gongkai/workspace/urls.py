from django.urls import include, path

from gongkai.workspace import views, views_audit

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", include("gongkai.catalogue.import_urls")),
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("items/<int:pk>/attachments/<int:attachment_pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("items/<int:pk>/submit/", views.item_submit, name="item_submit"),
    path("items/<int:pk>/review/", views.item_review, name="item_review"),
    path("items/<int:pk>/recall/", views.item_recall, name="item_recall"),
    path("items/<int:pk>/publish/", views.item_publish, name="item_publish"),
    path("items/<int:pk>/revise/", views.item_revise, name="item_revise"),
    path("items/<int:pk>/validity/", views.item_validity, name="item_validity"),
    path("items/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("items/<int:pk>/versions/<int:number>/", views.item_version, name="item_version"),
    path("items/<int:pk>/audit/", views.item_audit, name="item_audit"),
    path("findings/<int:pk>/resolve/", views.finding_resolve, name="finding_resolve"),
    path("withheld/", views.withheld_register, name="withheld"),
    path("uninterpreted/", views.uninterpreted, name="uninterpreted"),
    path("audit/", views.audit, name="audit"),
    path("audit/trail/", views_audit.audit_trail, name="audit_trail"),
    path("audit/trail/export.<str:fmt>", views_audit.audit_export, name="audit_export"),
]
