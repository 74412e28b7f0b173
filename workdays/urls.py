from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("calculate/", views.calculate, name="calculate"),
    path("days/", views.day_set, name="day_set"),
    path("upload/", views.year_upload, name="year_upload"),
]
