"""The public portal, mounted at the site root.

Every page exists twice: under `/<center_code>/…` for a named centre, and without the code for the default
centre. Both patterns carry the same name; `reverse` picks by the arguments given.
"""

from django.urls import path

from . import views, views_complaints, views_progress

app_name = "portal"

_pages = [
    ("search/", views.item_search, "item_search"),
    ("departments/", views.departments, "departments"),
    ("board/", views.staff_board, "staff_board"),
    ("duty/", views.duty_roster, "duty_roster"),
    ("kiosk/", views.kiosk, "kiosk"),
    ("kiosk/guides/", views.kiosk_guides, "kiosk_guides"),
    ("kiosk/staff/", views.kiosk_staff, "kiosk_staff"),
    ("progress/", views_progress.case_lookup, "case_lookup"),
    ("kiosk/progress/", views_progress.kiosk_progress, "kiosk_progress"),
    ("complaints/new/", views_complaints.complaint_new, "complaint_new"),
    ("complaints/track/", views_complaints.complaint_track, "complaint_track"),
]

urlpatterns = [
    path("", views.home, name="home"),
    *[path(route, view, name=name) for route, view, name in _pages],
    path("<slug:center_code>/", views.home, name="home"),
    *[path(f"<slug:center_code>/{route}", view, name=name) for route, view, name in _pages],
    path("<slug:center_code>/items/<str:item_code>/", views.item_guide, name="item_guide"),
    path("<slug:center_code>/items/<str:item_code>/notice/", views.item_notice, name="item_notice"),
    path(
        "<slug:center_code>/items/<str:item_code>/notice.pdf", views.item_notice_pdf, name="item_notice_pdf"
    ),
    path("<slug:center_code>/kiosk/items/<str:item_code>/", views.kiosk_item, name="kiosk_item"),
    path(
        "<slug:center_code>/items/<str:item_code>/materials/<int:material_id>/form/",
        views.material_file,
        {"slot": "form"},
        name="material_form",
    ),
    path(
        "<slug:center_code>/items/<str:item_code>/materials/<int:material_id>/sample/",
        views.material_file,
        {"slot": "sample"},
        name="material_sample",
    ),
    path("<slug:center_code>/board/photos/<int:staff_id>/", views.staff_photo, name="staff_photo"),
]
