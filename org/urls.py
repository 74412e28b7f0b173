from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("posts/", views.post_board, name="post_board"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/assign/", views.post_assign, name="post_assign"),
    path("posts/<int:pk>/deactivate/", views.post_deactivate, name="post_deactivate"),
    path("posts/<int:pk>/training/", views.training_create, name="training_create"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/windows/new/", views.window_create, name="window_create"),
    path("windows/<int:pk>/", views.window_detail, name="window_detail"),
    path("windows/<int:pk>/edit/", views.window_edit, name="window_edit"),
    path("windows/<int:pk>/posts/new/", views.post_create, name="post_create"),
    path("leadership/", views.leadership, name="leadership"),
    path("sections/new/", views.section_create, name="section_create"),
    path("people/", views.staff_list, name="staff_list"),
    path("people/new/", views.staff_create, name="staff_create"),
    path("people/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("people/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("people/<int:pk>/phone/", views.staff_phone_change, name="staff_phone_change"),
    path("people/<int:pk>/absences/new/", views.absence_create, name="absence_create"),
    path("absences/<int:pk>/end/", views.absence_end, name="absence_end"),
    path("absences/<int:pk>/cancel/", views.absence_cancel, name="absence_cancel"),
    path("authorizations/", views.authorization_list, name="authorization_list"),
    path("authorizations/new/", views.authorization_create, name="authorization_create"),
    path("authorizations/<int:pk>/", views.authorization_detail, name="authorization_detail"),
    path("authorizations/<int:pk>/revoke/", views.authorization_revoke, name="authorization_revoke"),
]
