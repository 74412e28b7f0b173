"""The one error a service raises when a rule refuses: it carries the rule id and a Chinese message."""

from __future__ import annotations

from django.utils.translation import gettext


class RuleViolation(Exception):
    """A rule of RULES.md refused the operation; nothing was changed.

    `rule` is the rule id (R-CAT-2), `message` the Chinese text shown in the UI, `field` the input it
    concerns when there is one (the API names it in the error body).
    """

    def __init__(self, rule: str, message: str, *, field: str | None = None, code: str = "rule_violation"):
        super().__init__(f"{rule}: {message}")
        self.rule = rule
        self.message = message
        self.field = field
        self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"rule": self.rule, "message": self.message, "field": self.field, "code": self.code}


class NotFound(Exception):
    """The object does not exist or is outside what the user may see (the two are not told apart)."""


class PermissionDenied(Exception):
    """The user's role does not allow the operation."""

    def __init__(self, message: str | None = None):
        message = message or gettext("您没有执行此操作的权限。")
        super().__init__(message)
        self.message = message


class Conflict(Exception):
    """Someone else changed the object since the user loaded it; nothing was changed (HTTP 409)."""

    def __init__(self, message: str | None = None):
        message = message or gettext("该办件已被他人更新，请刷新页面后重试。")
        super().__init__(message)
        self.message = message
