"""The REST API, mounted at /api/v1/. The schema is at /api/v1/openapi.json and described at /api/v1/docs/."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from .views import auth, calendar, catalog, docs, org

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("auth/token", auth.TokenView.as_view(), name="token"),
    # Calendar (R-CLK-1, R-CLK-2, R-CLK-3)
    path(
        "calendar/add-working-days", calendar.AddWorkingDaysView.as_view(), name="calendar_add_working_days"
    ),
    path(
        "calendar/count-working-days",
        calendar.CountWorkingDaysView.as_view(),
        name="calendar_count_working_days",
    ),
    path("calendar/days", calendar.CalendarDaysView.as_view(), name="calendar_days"),
    # Organisation (R-ORG-*)
    path("centers", org.CenterListView.as_view(), name="center_list"),
    path("centers/<slug:center>", org.CenterDetailView.as_view(), name="center_detail"),
    path("centers/<slug:center>/departments", org.DepartmentListView.as_view(), name="department_list"),
    path(
        "centers/<slug:center>/departments/<str:code>",
        org.DepartmentDetailView.as_view(),
        name="department_detail",
    ),
    path("centers/<slug:center>/windows", org.WindowListView.as_view(), name="window_list"),
    path("centers/<slug:center>/posts", org.PostListView.as_view(), name="post_list"),
    path("centers/<slug:center>/staff", org.StaffProfileListView.as_view(), name="staff_list"),
    path(
        "centers/<slug:center>/staff/<int:staff_id>/absences",
        org.AbsenceCreateView.as_view(),
        name="absence_create",
    ),
    path(
        "centers/<slug:center>/authorizations", org.AuthorizationListView.as_view(), name="authorization_list"
    ),
    path(
        "centers/<slug:center>/authorizations/<int:authorization_id>/revoke",
        org.AuthorizationRevokeView.as_view(),
        name="authorization_revoke",
    ),
    # Catalogue (R-CAT-*)
    path("centers/<slug:center>/items", catalog.ItemListView.as_view(), name="item_list"),
    path("centers/<slug:center>/items/<str:code>", catalog.ItemDetailView.as_view(), name="item_detail"),
    path("centers/<slug:center>/items/<str:code>/draft", catalog.ItemDraftView.as_view(), name="item_draft"),
    path(
        "centers/<slug:center>/items/<str:code>/draft/materials",
        catalog.DraftMaterialsView.as_view(),
        name="draft_materials",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/materials/<int:material_id>",
        catalog.DraftMaterialView.as_view(),
        name="draft_material",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/fees",
        catalog.DraftFeesView.as_view(),
        name="draft_fees",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/fees/<int:fee_id>",
        catalog.DraftFeeView.as_view(),
        name="draft_fee",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/steps",
        catalog.DraftStepsView.as_view(),
        name="draft_steps",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/draft/steps/<int:step_id>",
        catalog.DraftStepView.as_view(),
        name="draft_step",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/publish",
        catalog.ItemPublishView.as_view(),
        name="item_publish",
    ),
    path(
        "centers/<slug:center>/items/<str:code>/withdraw",
        catalog.ItemWithdrawView.as_view(),
        name="item_withdraw",
    ),
]
