"""`{% translate %}` and `{% url %}` of constants render once per language
(common/templatetags/constant_i18n.py, common/template_url.py), and render exactly what Django's own tags render: in Chinese and in English, with and
without autoescaping, under another address prefix or URL configuration, and with every form of the tags that
is not a constant left to Django."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Engine, engines
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix
from django.utils import translation

from common.template_url import ConstantURLNode
from common.templatetags.constant_i18n import ConstantTranslateNode

# Every form of the two tags, constants and not, with text to escape; constants in a block of another language
# and after it.
SOURCE = """{% load i18n constant_i18n %}
[{% translate "收件" %}]
[{% translate "退出" noop %}]
[{% translate "暂停计时" as paused %}{{ paused }}]
[{% translate "五月" context "月份" %}]
[{% translate word %}]
[{% translate "收件"|upper %}]
[{% translate "<b>" %}]
[{% language "en" %}{% translate "收件" %}{% endlanguage %}]
[{% language "zh-hans" %}{% translate "收件" %}{% endlanguage %}]
[{% translate "收件" %}]
[{% url 'desk:workbench' %}]
[{% url "cases:case_detail" 7 %}]
[{% url 'cases:case_detail' pk %}]
[{% url 'desk:home' as home %}{{ home }}]
[{% url 'no-such-page' as missing %}{{ missing }}]
[{% url 'set_language' %}]
"""
VALUES = {"word": "正常", "pk": 12}


def _djangos() -> Engine:
    """The project's engine as Django would build it without the two replacements."""
    project = engines["django"].engine
    return Engine(
        dirs=project.dirs,
        app_dirs=project.app_dirs,
        context_processors=project.context_processors,
        libraries={"i18n": "django.templatetags.i18n"},
        builtins=[],
        autoescape=project.autoescape,
    )


def _render(engine: Engine, *, language: str, autoescape: bool = True, source: str = SOURCE) -> str:
    """`source` rendered by `engine`; for Django's engine, without this project's library."""
    if engine is not _project():
        source = source.replace("{% load i18n constant_i18n %}", "{% load i18n %}")
    with translation.override(language):
        return engine.from_string(source).render(Context(VALUES, autoescape=autoescape))


def _project() -> Engine:
    return engines["django"].engine  # type: ignore[no-any-return]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_constant_tags_render_what_djangos_tags_render(language: str, autoescape: bool) -> None:
    template = _project().from_string(SOURCE)
    for _ in range(3):  # the first render fills the nodes; the next ones give what they kept
        with translation.override(language):
            ours = template.render(Context(VALUES, autoescape=autoescape))
        assert ours == _render(_djangos(), language=language, autoescape=autoescape)


def test_a_constant_is_rendered_in_each_language_in_turn() -> None:
    template = _project().from_string(
        '{% load i18n constant_i18n %}{% translate "收件" %} {% url "set_language" %}'
    )
    seen = []
    for language in ("zh-hans", "en", "zh-hans", "en"):
        with translation.override(language):
            seen.append(template.render(Context()))
    assert seen[0] == seen[2] and seen[1] == seen[3]
    assert seen[0] != seen[1]
    assert seen[0] == _render(_djangos(), language="zh-hans", source=template.source)
    assert seen[1] == _render(_djangos(), language="en", source=template.source)


def test_a_constant_in_a_language_block_is_in_the_blocks_language() -> None:
    """The language is asked once per template rendered, and again inside `{% language %}`: a constant there
    follows the block's language, whichever it is on each render, and the constants after the block the
    page's."""
    source = (
        '{% load i18n constant_i18n %}[{% translate "收件" %}]'
        '[{% language other %}{% translate "收件" %}{% endlanguage %}][{% translate "收件" %}]'
    )
    template, djangos = (
        _project().from_string(source),
        _djangos().from_string(source.replace(" constant_i18n", "")),
    )
    with translation.override("zh-hans"):
        for other in ("en", "zh-hans", "en"):
            shown = template.render(Context({"other": other}))
            assert shown == djangos.render(Context({"other": other}))
            assert ("Receive an application" in shown) == (other == "en")


def test_only_constants_are_kept() -> None:
    nodes = {type(node) for node in _project().from_string(SOURCE).nodelist}
    assert ConstantTranslateNode in nodes and ConstantURLNode in nodes
    kept = [node for node in _project().from_string(SOURCE).nodelist if hasattr(node, "rendered")]
    # Constants at the top level: 6 translations and 5 links ("收件"|upper and the two variables are Django's own
    # nodes; the two in a language block are inside it).
    assert len(kept) == 11, kept


def test_a_link_follows_the_address_prefix_and_the_url_configuration() -> None:
    template = _project().from_string("{% url 'desk:workbench' %}")
    plain = template.render(Context())
    try:
        set_script_prefix("/centre/")
        assert template.render(Context()) == "/centre/" + plain.lstrip("/")
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert template.render(Context()) == plain
    # A configuration without the page.
    with override_settings(ROOT_URLCONF=__name__), pytest.raises(NoReverseMatch):
        template.render(Context())
    assert template.render(Context()) == plain


def test_a_link_follows_the_requests_application_namespace(rf: RequestFactory) -> None:
    template = _project().from_string("{% url 'desk:workbench' %}")
    for current_app in ("desk", None, "other"):
        request: Any = rf.get("/")
        request.current_app = current_app
        ours, djangos = Context(), Context()
        ours.request = djangos.request = request  # as a RequestContext carries it
        assert template.render(ours) == _djangos().from_string(template.source).render(djangos)


urlpatterns: list[Any] = []  # the URL configuration of the test above that has no pages


# The buttons of templates/_language_form.html as a template loop, before they were written once per language.
BUTTONS_LOOP = (
    "{% load i18n %}{% get_available_languages as LANGUAGES %}"
    "{% for code, name in LANGUAGES %}{% if code != LANGUAGE_CODE %}{% get_language_info for code as other %}"
    '<button type="submit" class="link" name="language" value="{{ code }}" lang="{{ code }}">'
    "{{ other.name_local }}</button>{% endif %}{% endfor %}"
)


@pytest.mark.parametrize(
    "languages",
    [None, [("zh-hans", "简体中文"), ("en", "English"), ("zh-hant", "繁體中文")]],
    ids=["offered", "three"],
)
@pytest.mark.parametrize("current", ["zh-hans", "en", "zh-hant"])
def test_the_language_buttons_are_the_template_loop(languages: Any, current: str) -> None:
    """One button per other language offered, named in its own language, as the loop it replaced wrote."""
    settings = {} if languages is None else {"LANGUAGES": languages}
    with override_settings(**settings), translation.override(current):
        source = "{% load i18n constant_i18n %}{% other_language_buttons LANGUAGE_CODE %}"
        context = {"LANGUAGE_CODE": current}
        shown = _project().from_string(source).render(Context(context))
        assert shown == _djangos().from_string(BUTTONS_LOOP).render(Context(context))
    offered = [code for code, _name in languages or [("zh-hans", ""), ("en", "")]]
    assert shown.count("<button") == len(offered) - (current in offered)
