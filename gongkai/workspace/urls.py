from django.urls import include, path

from gongkai.catalogue.views import workspace as catalogue
from gongkai.workspace import views, views_audit

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", include("gongkai.catalogue.import_urls")),
    path("items/", catalogue.item_list, name="items"),
    path("items/new/", catalogue.item_new, name="item_new"),
    path("items/<int:pk>/", catalogue.item_detail, name="item"),
    path("items/<int:pk>/edit/", catalogue.item_edit, name="item_edit"),
    path("items/<int:pk>/attachments/<int:attachment_pk>/", catalogue.attachment_download, name="attachment"),
    path("items/<int:pk>/attachments/<int:attachment_pk>/remove/", catalogue.attachment_remove, name="attachment_remove"),
    path("items/<int:pk>/submit/", catalogue.item_submit, name="item_submit"),
    path("items/<int:pk>/review/", catalogue.item_review, name="item_review"),
    path("items/<int:pk>/recall/", catalogue.item_recall, name="item_recall"),
    path("items/<int:pk>/publish/", catalogue.item_publish, name="item_publish"),
    path("items/<int:pk>/revise/", catalogue.item_revise, name="item_revise"),
    path("items/<int:pk>/validity/", catalogue.item_validity, name="item_validity"),
    path("items/<int:pk>/withdraw/", catalogue.item_withdraw, name="item_withdraw"),
    path("items/<int:pk>/discard/", catalogue.item_discard, name="item_discard"),
    path("items/<int:pk>/versions/<int:number>/", catalogue.item_version, name="item_version"),
    path("items/<int:pk>/audit/", catalogue.item_audit, name="item_audit"),
    path("findings/<int:pk>/resolve/", catalogue.finding_resolve, name="finding_resolve"),
    path("findings/<int:pk>/mask/", catalogue.finding_mask, name="finding_mask"),
    path("items/<int:pk>/return-for-changes/", catalogue.item_return_for_changes, name="item_return_for_changes"),
    path("withheld/", catalogue.withheld_register, name="withheld"),
    path("uninterpreted/", catalogue.uninterpreted, name="uninterpreted"),
    path("audit/", views.audit, name="audit"),
    path("audit/trail/", views_audit.audit_trail, name="audit_trail"),
    path("audit/trail/export.<str:fmt>", views_audit.audit_export, name="audit_export"),
]
