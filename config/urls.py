from django.contrib import admin
from django.urls import include, path

from common.views import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("staff/", include("desk.urls")),
    path("staff/", include("org.urls")),
    path("staff/calendar/", include("workdays.urls")),
    path("staff/catalog/", include("catalog.urls")),
    path("staff/policy/", include("policy.urls")),
    path("staff/cases/", include("cases.urls")),
    path("staff/supervision/", include("supervision.urls")),
    path("staff/agency/", include("agency.urls")),
    path("staff/joint/", include("joint.urls")),
    path("staff/hall/", include("hall.urls")),
    path("staff/staffing/", include("staffing.urls")),
    # Clock-in terminals (iClock / ADMS push): at the root, where a terminal configured with an address and
    # a port looks (staffing/iclock_views.py).
    path("iclock/", include("staffing.iclock_urls")),
    path("", include("portal.urls")),
]

handler400 = "config.handlers.bad_request"
handler403 = "config.handlers.permission_denied"
handler404 = "config.handlers.page_not_found"
handler500 = "config.handlers.server_error"
