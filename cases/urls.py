"""The staff pages of cases, mounted at /staff/cases/. Each screen's module declares its own `urlpatterns`."""

from .views import case, notices, workbench

app_name = "cases"

urlpatterns = [
    *workbench.urlpatterns,
    *case.urlpatterns,
    *notices.urlpatterns,
]
