"""The interface is Chinese by default and English on request (Accept-Language, the language cookie, or the
language switcher), through the catalogue in locale/en/LC_MESSAGES/django.po.

The compiled catalogue (django.mo) is generated, not kept in the repository: the session fixture below
compiles it when it is missing or older than the .po file, under a file lock so that pytest-xdist workers
do not write it at the same time.
"""

from __future__ import annotations

import fcntl
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.local import Local
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from catalog.models import Item
from catalog.tests.factories import make_published_item
from common.errors import RuleViolation
from workdays import services as workdays_services

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")
LOCK_FILE = Path(tempfile.gettempdir()) / "govhall-compilemessages.lock"


def _stale() -> bool:
    return not EN_MO.exists() or EN_MO.stat().st_mtime < EN_PO.stat().st_mtime


def _forget_loaded_catalogues() -> None:
    """Drop the translations this process has already loaded, so the fresh .mo file is read."""
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]
    trans_real._active = Local()  # type: ignore[attr-defined]
    trans_real.translation_catalog_exists.cache_clear()  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue() -> Path:
    """Compile locale/*/LC_MESSAGES/django.po into place once, if the .mo is missing or out of date."""
    with LOCK_FILE.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _stale():
                # Every directory of the walk is ignored: only LOCALE_PATHS is compiled, never the venv.
                call_command("compilemessages", locale=["en"], ignore_patterns=["*"], verbosity=0)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    assert not _stale(), "locale/en/LC_MESSAGES/django.mo was not compiled (is GNU gettext installed?)"
    _forget_loaded_catalogues()
    return EN_MO


@pytest.fixture(autouse=True)
def default_language_afterwards() -> Iterator[None]:
    """A request in English leaves English active in the thread; later tests expect the default language."""
    yield
    translation.deactivate()


@pytest.fixture
def item(hall: Any) -> Item:
    return make_published_item(
        hall.center,
        hall.department,
        post=hall.post,
        code="FTB-001",
        name="对外贸易经营者备案登记",
        statutory_limit_days=20,
        promised_limit_days=5,
    )


def _home_url(hall: Any) -> str:
    return reverse("portal:home", kwargs={"center_code": hall.center.code})


def _guide_url(item: Item) -> str:
    return reverse("portal:item_guide", kwargs={"center_code": item.center.code, "item_code": item.code})


def _page(client: Any, url: str, **headers: str) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_portal_home_is_chinese_by_default(client: Any, hall: Any) -> None:
    page = _page(client, _home_url(hall))
    assert '<html lang="zh-hans">' in page
    for text in ["首页", "办事指南", "部门窗口", "窗口人员公示", "工作人员登录"]:
        assert text in page, text
    assert "Service guides" not in page


def test_portal_home_in_english_by_accept_language(client: Any, hall: Any) -> None:
    page = _page(client, _home_url(hall), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in page
    for text in ["Home", "Service guides", "Departments and windows", "Window staff", "Staff login"]:
        assert text in page, text
    for text in ["首页", "办事指南", "工作人员登录"]:
        assert text not in page, text
    assert "示范县政务服务中心" in page  # data stays as entered


def test_item_guide_is_chinese_by_default(client: Any, item: Item) -> None:
    page = _page(client, _guide_url(item))
    for text in ["对外贸易经营者备案登记", "一次性告知书", "承诺件", "20个工作日", "5个工作日", "申请材料"]:
        assert text in page, text


def test_item_guide_in_english_by_language_cookie(client: Any, item: Item) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _page(client, _guide_url(item))
    for text in [
        "One-time notification",
        "Promised case",
        "Statutory limit",
        "20 working days",
        "5 working days",
        "Application materials",
        "Fees and their legal basis",
    ]:
        assert text in page, text
    for text in ["一次性告知书", "承诺件", "20个工作日", "申请材料（"]:
        assert text not in page, text
    assert "对外贸易经营者备案登记" in page  # the item's own text is not translated


def test_one_working_day_is_singular_in_english(client: Any, hall: Any) -> None:
    quick = make_published_item(
        hall.center,
        hall.department,
        post=hall.post,
        code="FTB-002",
        name="对外贸易经营者备案变更",
        statutory_limit_days=2,
        promised_limit_days=1,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _page(client, _guide_url(quick))
    assert "1 working day" in page and "2 working days" in page
    assert "1 working days" not in page


def test_language_switcher_sets_english_for_the_next_pages(client: Any, item: Item) -> None:
    url = _guide_url(item)
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert "Promised case" in _page(client, url)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": url})
    assert "承诺件" in _page(client, url)


def test_refusals_are_translated_in_the_active_language() -> None:
    with translation.override("en"), pytest.raises(RuleViolation) as refused:
        workdays_services.add_working_days(center=None, start=None, days=-1)  # type: ignore[arg-type]
    assert refused.value.message == "The number of days cannot be negative."
    with pytest.raises(RuleViolation) as refused:
        workdays_services.add_working_days(center=None, start=None, days=-1)  # type: ignore[arg-type]
    assert refused.value.message == "时限天数不能为负数。"


def _po_entries(text: str) -> list[tuple[str, str, str]]:
    """(flags, msgid, msgstr of every form) of each entry of a .po file."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        key = ""
        for line in lines:
            match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d+\])?) \"(.*)\"$", line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        msgstrs = [value for name, value in fields.items() if name.startswith("msgstr")]
        entries.append((flags, fields.get("msgid", ""), "" if not all(msgstrs) else "ok"))
    return entries


def test_every_message_of_the_english_catalogue_is_translated() -> None:
    entries = [e for e in _po_entries(EN_PO.read_text(encoding="utf-8")) if e[1]]  # the header has no msgid
    assert len(entries) > 500
    assert [msgid for flags, msgid, _ in entries if "fuzzy" in flags] == []
    assert [msgid for _, msgid, translated in entries if not translated] == []
