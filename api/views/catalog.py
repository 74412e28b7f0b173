"""The service catalogue (R-CAT-1 … R-CAT-6): published guides for anyone; drafts for the centre's staff;
writes for the coordination section, each calling one `catalog.services` function."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from catalog.models import Fee, Item, ItemStatus, ItemVersion, Material, Step, VersionState
from catalog.onetime import notice_prerender
from common.errors import NotFound
from org import access
from org.access import CAN_EDIT_CATALOG
from org.models import Department, Post

from ..permissions import fetch, public_center, require_role, sees_center, staff_center
from ..serializers import (
    FeeAddSerializer,
    FeeSerializer,
    ItemCreateSerializer,
    ItemDetailSerializer,
    ItemListSerializer,
    ItemQuery,
    MaterialAddSerializer,
    MaterialSerializer,
    PublishSerializer,
    ReasonSerializer,
    StepAddSerializer,
    StepSerializer,
    VersionFieldsSerializer,
    VersionSerializer,
)
from .base import CENTER, ITEM_CODE, ApiListView, ApiView, Conflict, errors, id_param, parse, referenced

TAGS = ["catalogue"]
MATERIAL_ID = id_param("material_id", "材料编号")
FEE_ID = id_param("fee_id", "收费编号")
STEP_ID = id_param("step_id", "环节编号")


class NoDraft(Conflict):
    default_code = "no_draft"
    default_detail = "该事项没有待发布的修订版本，请先新建修订（POST …/draft）。"


# --- fetching ------------------------------------------------------------------------------------------


def _items(center: Any) -> QuerySet[Item]:
    return Item.objects.filter(center=center).select_related("center", "department", "current_version")


def readable_item(user: Any, center_code: str, code: str) -> tuple[Item, bool]:
    """The item and whether the reader is staff of its centre. The public sees published and withdrawn
    items (R-CAT-3, R-CAT-6), never an unpublished one."""
    center = public_center(center_code)
    if sees_center(user, center):
        return fetch(user, _items(center), code=code), True
    item = (
        _items(center)
        .filter(code=code, current_version__isnull=False)
        .exclude(status=ItemStatus.DRAFT)
        .first()
    )
    if item is None:
        raise NotFound()
    return item, False


def editable_item(user: Any, center_code: str, code: str) -> Item:
    """The item, for a catalogue editor of its centre (404 outside the user's centres, 403 without the role)."""
    center = staff_center(user, center_code)
    require_role(user, center, CAN_EDIT_CATALOG)
    return fetch(user, _items(center), code=code)


def open_draft(item: Item) -> ItemVersion:
    draft = catalog_selectors.open_draft(item)
    if draft is None:
        raise NoDraft()
    return draft


def item_body(item: Item, *, staff: bool) -> dict[str, Any]:
    item = _items(item.center).get(pk=item.pk)
    draft_number = None
    if staff:
        draft_number = item.versions.filter(state=VersionState.DRAFT).values_list("number", flat=True).first()
    return {
        "center": item.center,
        "code": item.code,
        "status": item.status,
        "department": item.department,
        "withdrawn_at": item.withdrawn_at,
        "withdrawal_reason": item.withdrawal_reason,
        "guide": catalog_selectors.item_guide(item) if item.current_version_id else None,
        "draft_version": draft_number,
    }


def draft_body(item: Item) -> dict[str, Any]:
    return VersionSerializer(open_draft(item)).data


# --- items ---------------------------------------------------------------------------------------------


@extend_schema(tags=TAGS, parameters=[CENTER])
class ItemListView(ApiListView):
    serializer_class = ItemListSerializer
    queryset = Item.objects.none()
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Item]:
        if self.schema_only():
            return self.queryset
        query = parse(ItemQuery, self.request.query_params)["q"]
        center = public_center(self.kwargs["center"])
        if sees_center(self.request.user, center):
            items = catalog_selectors.staff_items(center, today=timezone.localdate(), query=query)
            return access.scoped(self.request.user, items)
        return catalog_selectors.search_items(center, query)

    @extend_schema(
        summary="服务事项列表与搜索",
        description="公众看到已发布的事项；本中心工作人员还看到未发布和已取消的事项及待发布的修订。",
        parameters=[ItemQuery],
        responses={200: ItemListSerializer(many=True), **errors(400, 404)},
        auth=[],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="新建服务事项（草稿第1版，R-CAT-1、R-CAT-2）",
        request=ItemCreateSerializer,
        responses={201: ItemDetailSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str) -> Response:
        data = parse(ItemCreateSerializer, request.data)
        where = staff_center(request.user, center)
        require_role(request.user, where, CAN_EDIT_CATALOG)
        department = referenced(
            request.user, Department.objects.filter(center=where), "department", code=data.pop("department")
        )
        item = catalog_services.item_create(actor=request.user, center=where, department=department, **data)
        return Response(
            ItemDetailSerializer(item_body(item, staff=True)).data, status=status.HTTP_201_CREATED
        )


class ItemDetailView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="服务指南（材料、收费、办理环节）",
        parameters=[CENTER, ITEM_CODE],
        responses={200: ItemDetailSerializer, **errors(404)},
        auth=[],
    )
    def get(self, request: Request, center: str, code: str) -> Response:
        item, staff = readable_item(request.user, center, code)
        return Response(ItemDetailSerializer(item_body(item, staff=staff)).data)


class ItemDraftView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="待发布的修订版本",
        parameters=[CENTER, ITEM_CODE],
        responses={200: VersionSerializer, **errors(401, 404, 409)},
    )
    def get(self, request: Request, center: str, code: str) -> Response:
        item, staff = readable_item(request.user, center, code)
        if not staff:
            raise NotFound()
        return Response(draft_body(item))

    @extend_schema(
        tags=TAGS,
        summary="新建修订版本（复制现行版本）；已有草稿时返回该草稿",
        parameters=[CENTER, ITEM_CODE],
        request=None,
        responses={200: VersionSerializer, 201: VersionSerializer, **errors(401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, code: str) -> Response:
        item = editable_item(request.user, center, code)
        existed = catalog_selectors.open_draft(item) is not None
        catalog_services.version_draft_for(actor=request.user, item=item)
        return Response(draft_body(item), status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="修改草稿内容（R-CAT-2 在保存时检查）",
        parameters=[CENTER, ITEM_CODE],
        request=VersionFieldsSerializer,
        responses={200: VersionSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    def patch(self, request: Request, center: str, code: str) -> Response:
        data = parse(VersionFieldsSerializer, request.data)
        item = editable_item(request.user, center, code)
        catalog_services.version_update(actor=request.user, version=open_draft(item), **data)
        return Response(draft_body(item))


class ItemPublishView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="发布草稿（R-CAT-3；R-CAT-2 再次检查）",
        parameters=[CENTER, ITEM_CODE],
        request=PublishSerializer,
        responses={200: ItemDetailSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    def post(self, request: Request, center: str, code: str) -> Response:
        data = parse(PublishSerializer, request.data)
        item = editable_item(request.user, center, code)
        version = catalog_services.version_publish(actor=request.user, version=open_draft(item), **data)
        notice_prerender(version)  # the PDF notice, rendered after commit off the request path
        return Response(ItemDetailSerializer(item_body(item, staff=True)).data)


class ItemWithdrawView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="取消事项（上级取消或调整，R-CAT-6）",
        parameters=[CENTER, ITEM_CODE],
        request=ReasonSerializer,
        responses={200: ItemDetailSerializer, **errors(400, 401, 403, 404, 422)},
    )
    def post(self, request: Request, center: str, code: str) -> Response:
        data = parse(ReasonSerializer, request.data)
        item = editable_item(request.user, center, code)
        catalog_services.item_withdraw(actor=request.user, item=item, reason=data["reason"])
        return Response(ItemDetailSerializer(item_body(item, staff=True)).data)


# --- the draft's materials, fees and steps -------------------------------------------------------------

DraftRow = TypeVar("DraftRow", Material, Fee, Step)


def draft_row(user: Any, center_code: str, code: str, model: type[DraftRow], pk: int) -> DraftRow:
    """A material, fee or step of the item's open draft, for an editor (404 if the draft has no such row)."""
    item = editable_item(user, center_code, code)
    row = model.objects.filter(version=open_draft(item), pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def draft_add_schema(summary: str, request: type[Serializer], created: type[Serializer]) -> Any:
    return extend_schema(
        tags=TAGS,
        summary=summary,
        parameters=[CENTER, ITEM_CODE],
        request=request,
        responses={201: created, **errors(400, 401, 403, 404, 409, 422)},
    )


def draft_remove_schema(summary: str, row_id: OpenApiParameter) -> Any:
    return extend_schema(
        tags=TAGS,
        summary=summary,
        parameters=[CENTER, ITEM_CODE, row_id],
        responses={204: OpenApiResponse(description="已删除"), **errors(401, 403, 404, 409, 422)},
    )


class DraftMaterialsView(ApiView):
    permission_classes = [IsAuthenticated]

    @draft_add_schema("草稿增加申请材料", MaterialAddSerializer, MaterialSerializer)
    def post(self, request: Request, center: str, code: str) -> Response:
        data = parse(MaterialAddSerializer, request.data)
        item = editable_item(request.user, center, code)
        material = catalog_services.material_add(actor=request.user, version=open_draft(item), **data)
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)


class DraftMaterialView(ApiView):
    permission_classes = [IsAuthenticated]

    @draft_remove_schema("草稿删除申请材料", MATERIAL_ID)
    def delete(self, request: Request, center: str, code: str, material_id: int) -> Response:
        material = draft_row(request.user, center, code, Material, material_id)
        catalog_services.material_remove(actor=request.user, material=material)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftFeesView(ApiView):
    permission_classes = [IsAuthenticated]

    @draft_add_schema("草稿增加收费项目（R-CAT-7）", FeeAddSerializer, FeeSerializer)
    def post(self, request: Request, center: str, code: str) -> Response:
        data = parse(FeeAddSerializer, request.data)
        item = editable_item(request.user, center, code)
        fee = catalog_services.fee_add(actor=request.user, version=open_draft(item), **data)
        return Response(FeeSerializer(fee).data, status=status.HTTP_201_CREATED)


class DraftFeeView(ApiView):
    permission_classes = [IsAuthenticated]

    @draft_remove_schema("草稿删除收费项目", FEE_ID)
    def delete(self, request: Request, center: str, code: str, fee_id: int) -> Response:
        fee = draft_row(request.user, center, code, Fee, fee_id)
        catalog_services.fee_remove(actor=request.user, fee=fee)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftStepsView(ApiView):
    permission_classes = [IsAuthenticated]

    @draft_add_schema("草稿增加办理环节（指定岗位）", StepAddSerializer, StepSerializer)
    def post(self, request: Request, center: str, code: str) -> Response:
        data = parse(StepAddSerializer, request.data)
        item = editable_item(request.user, center, code)
        post = referenced(
            request.user,
            Post.objects.filter(center=item.center).select_related("window"),
            "post",
            pk=data.pop("post"),
        )
        step = catalog_services.step_add(actor=request.user, version=open_draft(item), post=post, **data)
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)


class DraftStepView(ApiView):
    permission_classes = [IsAuthenticated]

    @draft_remove_schema("草稿删除办理环节", STEP_ID)
    def delete(self, request: Request, center: str, code: str, step_id: int) -> Response:
        step = draft_row(request.user, center, code, Step, step_id)
        catalog_services.step_remove(actor=request.user, step=step)
        return Response(status=status.HTTP_204_NO_CONTENT)
