from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("set/", views.policy_set, name="policy_set"),
]
