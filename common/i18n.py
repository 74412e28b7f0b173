"""Stored text is in the centre's language (docs/i18n.md).

What a service writes to the database (history reasons, notice bodies, messages in the outbox) stays in
`settings.LANGUAGE_CODE` whatever language the person acting has chosen; only what is shown is translated.
A `RuleViolation` message is shown, not stored: it keeps the user's language.

    reason=stored(gettext_lazy("材料审查"))           # a fixed text (marked for the catalogue)
    "status_label": stored(MaterialStatus.MISSING.label)  # a choice label
    with stored_text(): ...                          # several texts built together
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


@contextmanager
def stored_text() -> Iterator[None]:
    """Inside, `gettext` and lazy labels give the centre's language (for text that is stored)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def stored(text: str | Promise) -> str:
    """`text` (a lazy translation: `gettext_lazy(...)`, a choice label) in the centre's language."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return str(text)  # already the centre's language (most requests): nothing to switch
    with stored_text():
        return str(text)
