from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from gongkai.ops import health, metrics

# The admin speaks of this platform, not of the framework it is built with.
admin.site.site_header = _("Government information disclosure platform: set-up")
admin.site.site_title = _("Set-up")
admin.site.index_title = _("Set-up")

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
    path("workspace/column/", include("gongkai.organs.urls_workspace")),
    path("workspace/interaction/", include("gongkai.interaction.urls_workspace")),
    path("workspace/webhealth/", include("gongkai.webhealth.urls_workspace")),
    path("workspace/", include("gongkai.workspace.urls")),
    path("apply/", include("gongkai.applications.urls_public")),
    path("interact/", include("gongkai.interaction.urls_public")),
    path("annual-reports/", include("gongkai.reports.urls_public")),
    path("", include("gongkai.portal.urls")),
]
# No stored file has a public address (no /media/ route, in any mode): each is served by a view that checks
# who may have it (gongkai.core.files, docs/security/media.md).

# Error pages in the site's layout (JSON under /api/): gongkai.core.views.
handler400 = "gongkai.core.views.bad_request"
handler403 = "gongkai.core.views.permission_denied"
handler404 = "gongkai.core.views.page_not_found"
handler500 = "gongkai.core.views.server_error"
