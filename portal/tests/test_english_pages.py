"""No Chinese is left on a page shown in English, but the data (docs/i18n.md: names, guide texts, history
reasons stay as entered): every public page and the staff pages of the menu are rendered in English, every text
stored in the database is taken out, and what remains may hold no Chinese character.

A failure lists, per page, the Chinese left with the text around it: an interface string without an English
translation in locale/en/LC_MESSAGES/django.po, or text outside `{% translate %}`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from cases.tests.factories import make_case
from catalog.models import Item
from org.context_processors import STAFF_MENU

# A Tuesday at 10:00, when the hall is open: the staff board shows people.
MOMENT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


@pytest.fixture(autouse=True)
def english_afterwards() -> Any:
    yield
    translation.deactivate()


def _data_texts() -> list[str]:
    """Every text stored in the database (names, guide texts, reasons…), longest first, and the languages' own
    names (the switch names each language in itself)."""
    texts: set[str] = {name for _code, name in settings.LANGUAGES}
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value and CHINESE.search(str(value)):
                    texts.add(str(value))
                    texts.update(line.strip() for line in str(value).splitlines() if line.strip())
    return sorted(texts, key=len, reverse=True)


def _left_in(html: str, data: list[str]) -> list[str]:
    """The Chinese of `html` that is not data, each with the 20 characters either side."""
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    for text in data:
        html = html.replace(text, " ").replace(_escaped(text), " ")
    return [html[max(0, m.start() - 20) : m.end() + 20].replace("\n", " ") for m in CHINESE.finditer(html)]


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def _pages(
    client: Any, urls: list[str], posts: tuple[tuple[str, dict[str, str]], ...] = ()
) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 200, url
        pages[f"POST {url}"] = response.content.decode()
    return pages


def _assert_english(pages: dict[str, str]) -> None:
    data = _data_texts()
    left = {url: found for url, page in pages.items() if (found := _left_in(page, data))}
    assert left == {}, "\n".join(
        f"{url}:\n  " + "\n  ".join(sorted(set(found))) for url, found in left.items()
    )


def test_the_public_pages_in_english_hold_no_chinese_but_the_data(
    client: Any, hall: Any, guide_item: Item
) -> None:
    code = hall.center.code
    case = make_case(window=hall.window, item=guide_item, received_by=hall.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    urls = [reverse("portal:home")]  # two centres: the picker
    for name in ("home", "item_search", "departments", "staff_board", "case_lookup", "kiosk", "kiosk_guides"):
        urls.append(reverse(f"portal:{name}", kwargs={"center_code": code}))
    urls += [
        reverse("portal:kiosk_staff", kwargs={"center_code": code}),
        reverse("portal:kiosk_progress", kwargs={"center_code": code}),
        reverse("portal:item_search", kwargs={"center_code": code}) + "?q=zzz",
    ]
    for name in ("item_guide", "item_notice", "kiosk_item"):
        urls.append(reverse(f"portal:{name}", kwargs={"center_code": code, "item_code": guide_item.code}))
    with time_machine.travel(MOMENT, tick=False):
        lookup = reverse("portal:case_lookup", kwargs={"center_code": code})
        pages = _pages(client, urls, ((lookup, {"number": case.number, "query_code": case.query_code}),))
    assert case.number in pages[f"POST {lookup}"]  # found: the answer is shown
    assert '<html lang="en">' in pages[urls[0]]
    _assert_english(pages)


@pytest.mark.parametrize("persona", ["director", "sysadmin", "clerk"])
def test_the_staff_pages_in_english_hold_no_chinese_but_the_data(
    client: Any, hall: Any, guide_item: Item, persona: str
) -> None:
    make_case(window=hall.window, item=guide_item, received_by=hall.clerk)
    client.force_login(getattr(hall, persona).user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(MOMENT, tick=False):
        home = client.get(reverse("desk:home")).content.decode()
        menu = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', home, re.S)
        assert menu is not None
        urls = sorted(set(re.findall(r'href="([^"]+)"', menu.group(1))))
        assert len(urls) >= 8
        assert {reverse(e.url_name) for e in STAFF_MENU} & set(urls)
        urls += [
            reverse("org:post_detail", args=[hall.post.pk]),
            reverse("org:window_detail", args=[hall.window.pk]),
            reverse("org:department_detail", args=[hall.department.pk]),
            reverse("org:staff_detail", args=[hall.clerk.pk]),
            reverse("catalog:item_history", args=[guide_item.pk]),
        ]
        pages = _pages(client, urls)
    _assert_english(pages)


def test_a_refused_page_in_english_names_the_roles_in_english(client: Any, hall: Any) -> None:
    client.force_login(hall.clerk.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("supervision:dashboard"))
    assert response.status_code == 403
    _assert_english({"403": response.content.decode()})
