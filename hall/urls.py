"""The hall's staff pages, mounted at /staff/hall/."""

from .views import urlpatterns

app_name = "hall"

__all__ = ["app_name", "urlpatterns"]
