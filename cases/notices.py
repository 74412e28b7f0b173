"""The written notices of a case (issue 3, item 7): correction (R-CASE-2), refusal (R-CASE-4), acceptance
(R-CASE-6), special procedure (R-CLK-4), extension (R-CLK-5) and decision (R-CASE-7) notices, as one A4 HTML
document that the browser prints and `common.pdf.render_pdf` turns into a PDF with the embedded Chinese fonts.

A notice is the issuing department's (the item's 实施部门): its name heads the notice and stands over the seal;
it is numbered in the centre's Chinese short name (`services.numbering`), set in a serif Chinese face where the
system has one (`common.pdf.pdf_serif_family`), and the acceptance notice lists the materials received and
carries a QR code of the public progress lookup (`progress_lookup_url`, `qr_data_uri`).

Two parts make a notice:
- the fixed structure, in code and in `cases/notices/notice.html`: the case facts the issuing service stored in
  `Notice.body` (the materials to correct, the reasons and the competent authority, the promised date and
  query code, the procedure and its expected duration, the new deadline, the result or the reasons and the
  remedies). A centre cannot change or drop them;
- the centre's texts (`NoticeTemplate`): title, opening and closing paragraphs and the footer (issuing organ
  and seal line), each falling back to the default here when the centre has none. They may name a few
  placeholders (`{中心}`, `{窗口}`, ...) filled from the case. The texts are versioned: a notice is printed with
  the texts in force when it was issued, so a reprint is the same document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import CaseType, SpecialProcedureKind
from common.pdf import pdf_font_family, pdf_serif_family, render_pdf
from org.models import Center, Role

from .models import Case, CaseMaterial, Notice, NoticeKind, NoticeTemplate
from .services.handling import REMEDIES_TEXT
from .services.intake import received_materials

DOCUMENT_TEMPLATE = "cases/notices/notice.html"

# The rule each kind of notice serves: cited in the history of its texts and in refusals about them.
NOTICE_RULES: dict[str, str] = {
    NoticeKind.CORRECTION: "R-CASE-2",
    NoticeKind.REFUSAL: "R-CASE-4",
    NoticeKind.ACCEPTANCE: "R-CASE-6",
    NoticeKind.SPECIAL_PROCEDURE: "R-CLK-4",
    NoticeKind.EXTENSION: "R-CLK-5",
    NoticeKind.APPROVAL: "R-CASE-7",
    NoticeKind.DENIAL: "R-CASE-7",
}
EDIT_ROLES = frozenset({Role.OFFICE, Role.SYSADMIN})
TEXT_FIELDS = ["title", "opening", "closing", "footer"]
TITLE_MAX = 60
TEXT_MAX = 2000

# The placeholders a centre's text may name, and what fills them.
PLACEHOLDERS: dict[str, Any] = {
    "中心": gettext_lazy("本中心名称"),
    "中心地址": gettext_lazy("本中心地址"),
    "窗口": gettext_lazy("受理窗口"),
    "部门": gettext_lazy("实施部门"),
    "事项": gettext_lazy("申请事项名称"),
    "申请人": gettext_lazy("申请人名称"),
    "咨询电话": gettext_lazy("事项咨询电话"),
    "监督电话": gettext_lazy("监督投诉电话"),
}
PLACEHOLDER_RE = re.compile(r"\{([^{}\s]{1,12})\}")

_CONTACTS = gettext_lazy("咨询电话：{咨询电话}；监督投诉电话：{监督电话}。")
_SEAL_DEPARTMENT = gettext_lazy("{部门}\n（盖章）")

DEFAULT_TEXTS: dict[str, dict[str, Any]] = {
    NoticeKind.CORRECTION: {
        "opening": gettext_lazy(
            "经审查，您提交的申请材料存在下列缺少或不符合要求的情形。依照《中华人民共和国行政许可法》"
            "第三十二条的规定，现一次性告知您需要补正的全部内容，请补正后重新提交。"
        ),
        "closing": gettext_lazy(
            "补正材料请送至{窗口}。补正材料提交后本窗口将重新审查，不再要求补正本告知书所列以外的材料。"
        ),
        "footer": _SEAL_DEPARTMENT,
    },
    NoticeKind.REFUSAL: {
        "opening": gettext_lazy(
            "经审查，您的申请依照《中华人民共和国行政许可法》第三十二条的规定不予受理，"
            "理由及有权受理的机关或窗口告知如下。"
        ),
        "closing": gettext_lazy("如有疑问，请向{窗口}咨询。"),
        "footer": _SEAL_DEPARTMENT,
    },
    NoticeKind.ACCEPTANCE: {
        "opening": gettext_lazy(
            "您提交的申请材料齐全、符合法定形式，本窗口依法予以受理，现将有关事项告知如下。"
        ),
        "closing": gettext_lazy(
            "请妥善保管本通知书。凭办件编号和查询码，可在本中心网站、自助服务终端或窗口查询办理进度。"
        ),
        "footer": _SEAL_DEPARTMENT,
    },
    NoticeKind.SPECIAL_PROCEDURE: {
        "opening": gettext_lazy(
            "您申请的事项在办理过程中需要履行下列特别程序。依照《中华人民共和国行政许可法》第四十五条的规定，"
            "特别程序所需时间不计算在办理期限内，现书面告知如下。"
        ),
        "closing": gettext_lazy("特别程序结束后，办理期限继续计算，本窗口将及时告知您办理进展。"),
        "footer": _SEAL_DEPARTMENT,
    },
    NoticeKind.EXTENSION: {
        "opening": gettext_lazy(
            "您申请的事项因下列原因不能在原定期限内办结，经本窗口机关负责人批准，依照《中华人民共和国"
            "行政许可法》第四十二条的规定延长办理期限，现将延长期限的理由告知如下。"
        ),
        "closing": gettext_lazy("本窗口将在延长后的期限内办结，并及时告知您办理结果。"),
        "footer": _SEAL_DEPARTMENT,
    },
    NoticeKind.APPROVAL: {
        "opening": gettext_lazy(
            "你（单位）提出的行政许可申请，经审查，符合法定条件、标准，依照《中华人民共和国行政许可法》"
            "第三十八条第一款的规定，决定准予行政许可。"
        ),
        "closing": gettext_lazy("请凭本决定书到{窗口}领取办理结果，或按您选择的方式送达。"),
        "footer": _SEAL_DEPARTMENT,
    },
    NoticeKind.DENIAL: {
        "opening": gettext_lazy(
            "你（单位）提出的行政许可申请，经审查，不符合法定条件、标准，依照《中华人民共和国行政许可法》"
            "第三十八条第二款的规定，决定不予行政许可。"
        ),
        "closing": gettext_lazy("如有疑问，请向{窗口}咨询。"),
        "footer": _SEAL_DEPARTMENT,
    },
}


@dataclass(frozen=True)
class NoticeTexts:
    """The variable parts of one kind of notice at a centre, blanks already filled with the defaults."""

    kind: str
    title: str
    opening: str
    closing: str
    footer: str
    template: NoticeTemplate | None = None  # the centre's row in force, None when only defaults apply
    customised: frozenset[str] = field(default_factory=frozenset)  # the parts the centre has set


def default_texts(kind: str) -> dict[str, str]:
    """The code's texts for `kind`: its label as title, the default paragraphs, the contact lines and seal."""
    spec = DEFAULT_TEXTS[kind]
    return {
        "title": str(NoticeKind(kind).label),
        "opening": str(spec["opening"]),
        "closing": f"{spec['closing']}{_CONTACTS}",
        "footer": str(spec["footer"]),
    }


def notice_template_in_force(center: Center, kind: str, at: datetime | None = None) -> NoticeTemplate | None:
    """The centre's texts for `kind` in force at `at` (the latest when `at` is None)."""
    rows = NoticeTemplate.objects.filter(center=center, kind=kind)
    if at is not None:
        rows = rows.filter(updated_at__lte=at)
    return rows.select_related("updated_by").order_by("-updated_at", "-id").first()


def notice_texts(center: Center, kind: str, at: datetime | None = None) -> NoticeTexts:
    """The texts of `kind` at `center` as of `at`: the centre's where it set them, else the defaults."""
    defaults = default_texts(kind)
    row = notice_template_in_force(center, kind, at)
    chosen = dict(defaults)
    customised: set[str] = set()
    if row is not None:
        for name in TEXT_FIELDS:
            value = getattr(row, name)
            if value:
                chosen[name] = value
                customised.add(name)
    return NoticeTexts(kind=kind, template=row, customised=frozenset(customised), **chosen)


def notice_template_history(center: Center) -> list[NoticeTemplate]:
    """Every version of the centre's texts, newest first (for the templates page)."""
    return list(
        NoticeTemplate.objects.filter(center=center)
        .select_related("updated_by")
        .order_by("-updated_at", "-id")[:200]
    )


# --- the document ------------------------------------------------------------------------------------------------


def cn_date(value: Any) -> str:
    """2026-10-13 → 2026年10月13日; anything that is not a date is shown as it was stored."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    if isinstance(value, date):
        return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}
    return "" if value is None else str(value)


def _days(value: Any) -> str:
    return _("%(n)s个工作日") % {"n": value}


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace the known `{名称}` placeholders of `text`; anything else stays as written."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    wide: bool = False  # a long text (reasons): its own row under the label


@dataclass
class Document:
    """Everything `cases/notices/notice.html` shows; built from the notice alone, so a reprint is identical."""

    kind: str
    number: str
    issuer: str  # the issuing department (the centre's name only when the item has none)
    title: str
    addressee: str
    applicant_rows: list[Fact]
    opening: str
    facts: list[Fact]
    materials: list[dict[str, str]]  # a correction notice's materials to correct
    sequence: int
    remedies: str
    closing: str
    footer: str
    issued_on: str
    sample: bool = False
    received: list[dict[str, Any]] = field(default_factory=list)  # an acceptance notice's materials received
    lookup_url: str = ""  # the public progress lookup of the case (acceptance notice), also as `qr`
    qr: str = ""  # a PNG data URI of the QR code of `lookup_url`


# --- the progress lookup's address and its QR code (R-PUB-2) -----------------------------------------------------

QR_SCALE = 4  # pixels per module of the PNG; printed at a fixed size, drawn without smoothing
QR_BORDER = 4  # the quiet zone, in modules (the standard's minimum)
QR_ERROR = "m"  # error correction level M: survives a fold or a stain on a paper notice


def site_url(request: Any = None) -> str:
    """The public address of the site (scheme and host) that printed links and QR codes lead to:
    `settings.PUBLIC_BASE_URL` where set (a notice printed on the staff network must not carry an intranet
    address), else the address the request came to, else ""."""
    configured = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    if configured:
        return configured
    if request is not None:
        return str(request.build_absolute_uri("/")).rstrip("/")
    return ""


def progress_lookup_url(*, base: str, center_code: str, case_number: str) -> str:
    """The public progress lookup of `center_code` with the case number filled in (R-PUB-2), e.g.
    `https://zwfw.example.gov.cn/demo-county/progress/?number=DEMO-COUNTY-20260930-00001`.

    Deliberately without the query code: the address is printed as a QR code that anyone who sees the paper (or
    a photo of it) reads in a second, and addresses end up in browser histories, server and proxy logs and the
    link previews of chat apps. The number alone shows nothing (the lookup answers an unknown number and a wrong
    code alike); the code stays printed in words for the applicant to type. "" without a base address."""
    if not base or not case_number:
        return ""
    try:
        path = reverse("portal:case_lookup", kwargs={"center_code": center_code})
    except NoReverseMatch:
        return ""
    return f"{base.rstrip('/')}{path}?{urlencode({'number': case_number})}"


def qr_data_uri(payload: str) -> str:
    """The QR code of `payload` as a PNG data URI, for the notice's <img> (the HTML stays self-contained)."""
    import segno

    code = segno.make(payload, error=QR_ERROR, micro=False)
    return str(code.png_data_uri(scale=QR_SCALE, border=QR_BORDER))


# --- the materials an acceptance notice lists ------------------------------------------------------------------


def _received(body: dict[str, Any], case: Case | None) -> list[dict[str, Any]]:
    """The body's list; for an acceptance notice issued before it was stored, the case's checked materials (they
    cannot change once the case is accepted)."""
    listed = body.get("received_materials")
    if listed is None and case is not None and case.pk is not None:
        listed = received_materials(CaseMaterial.objects.filter(case=case).select_related("material"))
    rows = []
    for m in listed or []:
        if not isinstance(m, dict):
            continue
        counts = []
        if m.get("originals"):
            counts.append(_("原件%(n)s份") % {"n": m["originals"]})
        if m.get("copies"):
            counts.append(_("复印件%(n)s份") % {"n": m["copies"]})
        rows.append(
            {
                "name": str(m.get("name", "")),
                "counts": "、".join(counts),
                "form": _("纸质、电子文件") if m.get("uploaded") else _("纸质"),
            }
        )
    return rows


def _case_values(center: Center, case: Case | None, body: dict[str, Any]) -> dict[str, str]:
    """What the placeholders and the missing facts of older bodies are filled from: the body first (what
    the notice said when issued), the case second."""

    def pick(*keys: str, fallback: str = "") -> str:
        for key in keys:
            value = body.get(key)
            if value:
                return str(value)
        return fallback

    version = case.version if case is not None else None
    window = case.window if case is not None else None
    department = case.item.department if case is not None else None
    return {
        "中心": pick("center", fallback=center.name),
        "中心地址": center.address,
        "窗口": pick("window", fallback=str(window) if window else ""),
        "部门": pick("department", fallback=department.name if department else ""),
        "事项": pick("item_name", "item", fallback=version.name if version else ""),
        "申请人": pick("organisation", "applicant", fallback=case.applicant_name if case else ""),
        "咨询电话": pick(
            "consultation_phone",
            fallback=(version.consultation_phone if version else "") or (window.phone if window else ""),
        )
        or "—",
        "监督电话": pick(
            "supervision_phone",
            fallback=(version.supervision_phone if version else "") or center.complaint_phone,
        )
        or "—",
    }


def _facts(kind: str, body: dict[str, Any], values: dict[str, str], case_number: str) -> list[Fact]:
    """The fixed facts of each kind of notice, from its body."""
    item = Fact(_("申请事项"), values["事项"])
    number = [Fact(_("办件编号"), case_number)] if case_number else []
    if kind == NoticeKind.CORRECTION:
        return [item, Fact(_("收件日期"), cn_date(body.get("received_on")))]
    if kind == NoticeKind.REFUSAL:
        return [
            item,
            Fact(_("收件日期"), cn_date(body.get("received_on"))),
            Fact(_("不予受理的理由"), str(body.get("reasons", "")), wide=True),
            Fact(_("有权受理的机关或窗口"), str(body.get("competent_authority", "")), wide=True),
        ]
    if kind == NoticeKind.ACCEPTANCE:
        case_type = str(body.get("case_type_label") or "")
        if not case_type and body.get("case_type") in CaseType.values:
            case_type = str(CaseType(body["case_type"]).label)
        limit = body.get("limit_days")
        promised = cn_date(body.get("promised_on"))
        if body.get("promised_provisional"):
            promised += _("（暂定：所跨年度的节假日安排尚未公布）")
        facts = [*number, item, Fact(_("受理日期"), cn_date(body.get("accepted_on")))]
        if body.get("deemed"):
            facts.append(
                Fact(_("受理方式"), _("视为受理：%(text)s") % {"text": body.get("text", "")}, wide=True)
            )
        facts += [Fact(_("办件类型"), case_type)] if case_type else []
        if limit:
            facts.append(Fact(_("承诺时限"), _("%(days)s（受理当日不计入）") % {"days": _days(limit)}))
        elif limit == 0:
            facts.append(Fact(_("承诺时限"), _("即办（当日办结）")))
        facts += [
            Fact(_("承诺办结日期"), promised),
            Fact(_("查询码"), str(body.get("query_code", ""))),
        ]
        return facts
    if kind == NoticeKind.SPECIAL_PROCEDURE:
        label = str(body.get("kind_label") or "")
        if not label and body.get("kind") in SpecialProcedureKind.values:
            label = str(SpecialProcedureKind(body["kind"]).label)
        facts = [
            *number,
            item,
            Fact(_("特别程序"), label),
            Fact(_("事由"), str(body.get("reason", "")), wide=True),
            Fact(_("开始日期"), cn_date(body.get("started_on"))),
            Fact(
                _("预计所需时间"),
                _("%(days)s（不计入办理期限）") % {"days": _days(body.get("expected_days"))},
            ),
        ]
        if body.get("remaining_days") is not None:
            facts.append(
                Fact(
                    _("剩余办理期限"),
                    _("%(days)s，自特别程序结束后继续计算") % {"days": _days(body["remaining_days"])},
                )
            )
        return facts
    if kind == NoticeKind.EXTENSION:
        return [
            *number,
            item,
            Fact(_("延长期限"), _days(body.get("days"))),
            Fact(_("延期理由"), str(body.get("reason", "")), wide=True),
            Fact(_("原办结期限"), cn_date(body.get("old_deadline"))),
            Fact(_("延长后的办结期限"), cn_date(body.get("new_deadline"))),
            Fact(_("批准人"), str(body.get("approved_by", ""))),
        ]
    facts = [
        *number,
        item,
        Fact(_("受理日期"), cn_date(body.get("accepted_on"))),
        Fact(_("决定日期"), cn_date(body.get("decided_on"))),
        Fact(_("决定"), str(body.get("decision") or NoticeKind(kind).label)),
    ]
    if kind == NoticeKind.APPROVAL:
        facts += [
            Fact(_("办理结果"), str(body.get("result_name", ""))),
            Fact(_("证照编号"), str(body.get("result_number", ""))),
        ]
        if body.get("result_valid_until"):
            facts.append(Fact(_("有效期至"), cn_date(body["result_valid_until"])))
        facts.append(Fact(_("发证机关"), str(body.get("result_issuer") or values["部门"])))
        return facts
    facts.append(Fact(_("不予许可的理由"), str(body.get("reasons", "")), wide=True))
    return facts


def build_document(
    *,
    center: Center,
    kind: str,
    number: str,
    issued_at: datetime,
    body: dict[str, Any],
    texts: NoticeTexts,
    case: Case | None,
    applicant_id_number: str = "",
    sample: bool = False,
    base_url: str = "",
) -> Document:
    """The notice's document. `applicant_id_number` is printed only when given: the caller passes it for
    a reader who may see it (and logs that it was shown). `base_url` is the public site's address (`site_url`):
    with it, an acceptance notice carries the QR code of the case's progress lookup."""
    values = _case_values(center, case, body)
    applicant = str(body.get("applicant") or (case.applicant_name if case else ""))
    organisation = str(body.get("organisation") or (case.organisation_name if case else ""))
    case_number = str(body.get("case_number") or (case.number if case else ""))
    rows = [Fact(_("申请人"), applicant)]
    if organisation and organisation != applicant:
        rows.append(Fact(_("申请单位"), organisation))
    if applicant_id_number:
        rows.append(Fact(_("证件号码"), applicant_id_number))
    materials = [
        {
            "name": str(m.get("name", "")),
            "problem": str(m.get("status_label") or m.get("status") or ""),
            "note": str(m.get("note") or ""),
        }
        for m in body.get("materials") or []
        if isinstance(m, dict)
    ]
    remedies = str(body.get("remedies") or "") if kind == NoticeKind.DENIAL else ""
    title = str(texts.title)
    if "title" not in texts.customised and body.get("title"):
        title = str(body["title"])
    received: list[dict[str, Any]] = []
    lookup = ""
    if kind == NoticeKind.ACCEPTANCE:
        received = _received(body, case)
        lookup = progress_lookup_url(base=base_url, center_code=center.code, case_number=case_number)
    return Document(
        kind=kind,
        number=number,
        # Every notice is the issuing department's (the centre hosts its window): the item's department.
        issuer=values["部门"] or values["中心"],
        title=fill_placeholders(title, values),
        addressee=organisation or applicant,
        applicant_rows=rows,
        opening=fill_placeholders(texts.opening, values),
        facts=_facts(kind, body, values, case_number),
        materials=materials,
        sequence=int(body.get("sequence") or 1) if kind == NoticeKind.CORRECTION else 1,
        remedies=remedies,
        closing=fill_placeholders(texts.closing, values),
        footer=fill_placeholders(texts.footer, values),
        issued_on=cn_date(issued_at),
        sample=sample,
        received=received,
        lookup_url=lookup,
        qr=qr_data_uri(lookup) if lookup else "",
    )


def notice_document(notice: Notice, *, applicant_id_number: str = "", base_url: str = "") -> Document:
    """The document of an issued notice, with the centre's texts in force when it was issued."""
    case = notice.case
    texts = notice_texts(notice.center, notice.kind, notice.issued_at)
    return build_document(
        center=notice.center,
        kind=notice.kind,
        number=notice.number,
        issued_at=notice.issued_at,
        body=dict(notice.body or {}),
        texts=texts,
        case=case,
        applicant_id_number=applicant_id_number,
        base_url=base_url,
    )


def document_html(document: Document, *, for_pdf: bool, **extra: Any) -> str:
    """The notice's HTML. For the PDF it depends only on the document (and the fonts installed, named in it),
    so its hash names the cached PDF."""
    context = {
        "doc": document,
        "for_pdf": for_pdf,
        "pdf_font": pdf_font_family(),
        "serif_font": pdf_serif_family(),
        **extra,
    }
    return render_to_string(DOCUMENT_TEMPLATE, context)


def document_pdf(document: Document) -> bytes:
    """The notice as PDF (the serif face where installed, WenQuanYi otherwise, embedded), through the one PDF
    renderer (cached by content)."""
    return render_pdf(document_html(document, for_pdf=True))


# --- a sample notice for the templates page ---------------------------------------------------------------------


def sample_document(center: Center, kind: str, *, base_url: str = "") -> Document:
    """A notice of `kind` with made-up facts and the centre's current texts, to preview them."""
    today = timezone.localdate()
    iso = today.isoformat()
    body: dict[str, Any] = {
        "center": center.name,
        "window": _("（受理窗口）"),
        "department": _("（实施部门）"),
        "item_name": _("（申请事项）"),
        "applicant": _("（申请人）"),
        "case_number": "SAMPLE-00001",
        "received_on": iso,
        "accepted_on": iso,
        "decided_on": iso,
        "consultation_phone": center.consultation_phone,
        "supervision_phone": center.complaint_phone,
    }
    facts: dict[str, dict[str, Any]] = {
        NoticeKind.CORRECTION: {
            "materials": [
                {"name": _("（材料一）"), "status_label": _("缺少"), "note": ""},
                {"name": _("（材料二）"), "status_label": _("不符合要求"), "note": _("（说明）")},
            ]
        },
        NoticeKind.REFUSAL: {"reasons": _("（理由）"), "competent_authority": _("（有权受理的机关或窗口）")},
        NoticeKind.ACCEPTANCE: {
            "case_type": CaseType.PROMISED,
            "limit_days": 5,
            "promised_on": iso,
            "query_code": "000000",
            "received_materials": [
                {"name": _("（材料一）"), "originals": 1, "copies": 1, "uploaded": False},
                {"name": _("（材料二）"), "originals": 0, "copies": 2, "uploaded": True},
            ],
        },
        NoticeKind.SPECIAL_PROCEDURE: {
            "kind": SpecialProcedureKind.EXPERT_REVIEW,
            "reason": _("（事由）"),
            "started_on": iso,
            "expected_days": 10,
            "remaining_days": 3,
        },
        NoticeKind.EXTENSION: {
            "days": 5,
            "reason": _("（理由）"),
            "old_deadline": iso,
            "new_deadline": iso,
            "approved_by": _("（负责人）"),
        },
        NoticeKind.APPROVAL: {"result_name": _("（办理结果）"), "result_number": _("（证照编号）")},
        NoticeKind.DENIAL: {"reasons": _("（理由）"), "remedies": REMEDIES_TEXT},
    }
    body |= facts[kind]
    return build_document(
        center=center,
        kind=kind,
        number=_("（文号）"),
        issued_at=timezone.now(),
        body=body,
        texts=notice_texts(center, kind),
        case=None,
        sample=True,
        base_url=base_url,
    )
