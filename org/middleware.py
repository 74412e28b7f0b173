"""A staff session ends after the centre's idle time, and a form sent after it ended leads back to its page.

A counter PC is left signed in while its clerk is away; whoever sits down next must not find a colleague's
cases open (R-ORG-1: a user sees what their roles allow, and nothing through someone else's session). A
signed-in session unused for the centre's `staff_idle_minutes` (policy, default 30) is signed out on its next
request, which goes to the login page and, once signed in again, back where it was going.

When that request was a form sent from a page (a POST: accepting a case, recording a check), the way back is
the page the form was on (its Referer, when it is this site's), not the form's address: the action URLs take
POST only, so going back to one would answer 405, a blank page. The same holds for a POST from a session that
expired on its own (the cookie's age), which `login_required` would send back to the action URL. HTMX
requests are told to load the login page as a whole page (`HX-Redirect`), not swapped into a fragment.

The last-seen time is written to the session at most once a minute, so an active session costs no write per
request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from policy.registry import KEYS
from policy.selectors import policy_value

LAST_SEEN = "govhall_last_seen"
TOUCH_EVERY_S = 60
STAFF_PREFIX = "/staff/"


def idle_minutes(user: Any) -> int:
    """The idle time after which `user`'s session ends: their centre's policy, else the default."""
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return int(KEYS["staff_idle_minutes"].default)
    return int(policy_value(profile.center, "staff_idle_minutes"))


def _way_back(request: HttpRequest) -> str:
    """Where to go after signing in again: the address asked for when it can be opened (GET), else the page
    the form was sent from, else the staff home."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return resolve_url("desk:home")


def _to_login(request: HttpRequest) -> HttpResponse:
    login = redirect_to_login(_way_back(request), settings.LOGIN_URL)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(login["Location"])
    return login


def start_idle_time(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A sign-in starts the idle time afresh (connected to `user_logged_in` in `org.apps`)."""
    if hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class IdleLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - int(last_seen) > idle_minutes(user) * 60:
                logout(request)
                messages.info(request, _("长时间未操作，已自动退出登录，请重新登录。"))
                return _to_login(request)
            if last_seen is None or now - int(last_seen) >= TOUCH_EVERY_S:
                request.session[LAST_SEEN] = now
        elif (
            request.method == "POST"
            and request.path.startswith(STAFF_PREFIX)
            and request.path != resolve_url(settings.LOGIN_URL)
        ):
            return _to_login(request)
        return self.get_response(request)
