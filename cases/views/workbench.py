"""Views of the workbench screen (see cases/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
