"""The iClock / ADMS push endpoints the centre's terminals call (R-ATT-2), at the root: `/iclock/…`.

A terminal is configured with the server's address and port only, and calls these paths as they are. They take
no session and no CSRF token (a terminal has neither); every answer is plain text the firmware reads:

- the handshake answers the options (`staffing.iclock.handshake_options`);
- a batch of clock events answers `OK: <n>`, n the records taken (stored now or already stored), with the
  counts in the header `X-Govhall-Result` (stored, duplicates, rejected, after-close) and the first refused
  lines in `X-Govhall-Rejected`; the office reads every refused line in the upload's report;
- a poll answers `OK` (there are no commands);
- a terminal that is not registered, not in use, or calling from an address it may not use is answered
  `ERROR: R-ATT-2 <why>` with 403 (400 without a serial), and nothing it sent is stored.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import RuleViolation
from common.net import client_address

from . import iclock, services
from .models import Protocol, Terminal

TEXT = "text/plain; charset=utf-8"
HEADER_PROBLEMS = 3  # refused lines named in the answer's header


def _text(body: str, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=TEXT, status=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _refused(violation: RuleViolation) -> HttpResponse:
    status = 400 if violation.code == "bad_serial" else 403
    return _text(
        f"ERROR: {violation.rule} {violation.message}\n", status, {"X-Govhall-Refused": violation.code}
    )


def _terminal(request: HttpRequest) -> Terminal | HttpResponse:
    serial = request.GET.get("SN") or request.GET.get("sn") or ""
    try:
        return services.terminal_authenticate(serial=serial, address=client_address(request))
    except RuleViolation as violation:
        return _refused(violation)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def cdata(request: HttpRequest) -> HttpResponse:
    """`GET`: the handshake (options) or a plain check; `POST`: a table of records, of which ATTLOG is taken
    and any other table acknowledged and not stored."""
    terminal = _terminal(request)
    if isinstance(terminal, HttpResponse):
        return terminal
    address = client_address(request)
    if request.method == "GET":
        if "options" in request.GET:
            options = services.terminal_handshake(
                terminal=terminal, address=address, push_version=request.GET.get("pushver", "")[:20]
            )
            return _text(options)
        services.terminal_seen(terminal=terminal, address=address)
        return _text("OK")
    table = request.GET.get("table", "").strip().upper()
    if table != "ATTLOG":
        services.terminal_seen(terminal=terminal, address=address)
        return _text("OK")
    try:
        body = request.body.decode("utf-8", errors="replace")
    except RequestDataTooBig:
        return _text("ERROR: R-ATT-2 batch too large\n", 413)
    if iclock.count_lines(body) > iclock.MAX_LINES:
        return _text(f"ERROR: R-ATT-2 at most {iclock.MAX_LINES} records per request\n", 413)
    records, problems = iclock.parse_attlog(body)
    result = services.clock_events_ingest(
        terminal=terminal,
        records=records,
        problems=problems,
        protocol=Protocol.ICLOCK,
        address=address,
        stamp=request.GET.get("Stamp", "").strip(),
    )
    headers = {"X-Govhall-Result": result.summary()}
    if result.refusals:
        headers["X-Govhall-Rejected"] = "; ".join(
            f"line {r.number}: {r.reason}" for r in result.refusals[:HEADER_PROBLEMS]
        )
    return _text(f"OK: {result.taken}", headers=headers)


@csrf_exempt
@require_GET
def getrequest(request: HttpRequest) -> HttpResponse:
    """The terminal's poll for commands: there are none."""
    terminal = _terminal(request)
    if isinstance(terminal, HttpResponse):
        return terminal
    services.terminal_seen(terminal=terminal, address=client_address(request))
    return _text("OK")


@csrf_exempt
@require_POST
def devicecmd(request: HttpRequest) -> HttpResponse:
    """A command's result (none are sent): acknowledged."""
    terminal = _terminal(request)
    if isinstance(terminal, HttpResponse):
        return terminal
    services.terminal_seen(terminal=terminal, address=client_address(request))
    return _text("OK")
