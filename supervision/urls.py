"""The supervision section's pages, mounted at /staff/supervision/. Each screen's module declares its own URLs."""

from django.urls import path

from .views import chains, dashboard

app_name = "supervision"

urlpatterns = [
    path("", dashboard.supervision, name="dashboard"),
    path("chains/", chains.chain_verify, name="chain_verify"),
]
