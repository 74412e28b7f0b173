"""The staff pages of cases, mounted at /staff/cases/. Each screen's module declares its own `urlpatterns`."""

from .views import case, files, notices

app_name = "cases"

urlpatterns = [
    *case.urlpatterns,
    *notices.urlpatterns,
    *files.urlpatterns,
]
