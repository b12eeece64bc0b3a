from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from gongkai.ops import health, metrics

urlpatterns = [
    # Operations: liveness, readiness (anonymous), Prometheus metrics (allowed addresses or bearer token).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("gongkai.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("gongkai.api.urls")),
    path("workspace/applications/", include("gongkai.applications.urls_workspace")),
    path("workspace/reports/", include("gongkai.reports.urls_workspace")),
    path("workspace/notifications/", include("gongkai.notify.urls")),
    path("workspace/letters/", include("gongkai.letters.urls")),
    path("workspace/", include("gongkai.workspace.urls")),
    path("apply/", include("gongkai.applications.urls_public")),
    path("annual-reports/", include("gongkai.reports.urls_public")),
    path("", include("gongkai.portal.urls")),
]

if not settings.S3_BUCKET:
    # Attachments on local disk. Behind nginx in production the same path is served by nginx (docs/deployment.md).
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
