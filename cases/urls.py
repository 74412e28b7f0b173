"""The staff pages of cases, mounted at /staff/cases/."""

from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("chains/", views.chain_verify, name="chain_verify"),
]
