"""The staff face, mounted at /staff/: the home page and the window workbench with the pages it leads to."""

from django.urls import path

from .views import home, search, workbench

app_name = "desk"

urlpatterns = [
    path("", home.home, name="home"),
    *workbench.urlpatterns,
    *search.urlpatterns,
]
