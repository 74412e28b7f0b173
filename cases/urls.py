"""The staff pages of cases, mounted at /staff/cases/. Each screen's module declares its own `urlpatterns`."""

from django.urls import path

from .views import case, chains, notices, supervision, workbench

app_name = "cases"

urlpatterns = [
    path("chains/", chains.chain_verify, name="chain_verify"),
    *workbench.urlpatterns,
    *case.urlpatterns,
    *supervision.urlpatterns,
    *notices.urlpatterns,
]
