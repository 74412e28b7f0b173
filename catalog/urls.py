from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("new/", views.item_create, name="item_create"),
    path("<int:pk>/", views.item_history, name="item_history"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/publish/", views.item_publish, name="item_publish"),
    path("<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("<int:pk>/preview/", views.item_preview, name="item_preview"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<int:pk>/materials/add/", views.material_add, name="material_add"),
    path("<int:pk>/materials/<int:row>/remove/", views.material_remove, name="material_remove"),
    path("<int:pk>/materials/<int:row>/form/", views.material_file, {"slot": "form"}, name="material_form"),
    path(
        "<int:pk>/materials/<int:row>/sample/",
        views.material_file,
        {"slot": "sample"},
        name="material_sample",
    ),
    path("<int:pk>/fees/add/", views.fee_add, name="fee_add"),
    path("<int:pk>/fees/<int:row>/remove/", views.fee_remove, name="fee_remove"),
    path("<int:pk>/steps/add/", views.step_add, name="step_add"),
    path("<int:pk>/steps/<int:row>/remove/", views.step_remove, name="step_remove"),
]
