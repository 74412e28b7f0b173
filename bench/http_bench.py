"""Requests per second of pages against the bare /healthz view, in the same gunicorn server: the public guide
page, and the window workbench (`desk:workbench`) signed in as the demo centre's window clerk with the demo
centre's queue. The clerk's session is made by a child process with the server's settings (so that the
session's auth hash matches the server's SECRET_KEY), which also counts the workbench's queries with
`CaptureQueriesContext`; the session is deleted afterwards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DURATION_S = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 4
WORKBENCH_USER = "clerk"  # the demo centre's window clerk (A01, acceptance post A), see demo/data/staff.toml
SESSION_FLAG = "--workbench-session"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback only
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


WARM_S = 1  # each measure is preceded by this much load on the same page, not counted


def _rps(
    url: str, cookie: str = "", extra_headers: dict[str, str] | None = None, connections: int = CONNECTIONS
) -> float:
    """Requests per second from wrk, or from a small threaded Python client when wrk is missing, after WARM_S
    seconds of the same load not counted (each worker's first requests of a page compile its templates and
    prepare its statements: the steady state is measured, not the start). Any answer other than 2xx (a
    redirect to the login page included) is an error, not a request counted."""
    _measure_rps(url, cookie, extra_headers, WARM_S, connections)
    return _measure_rps(url, cookie, extra_headers, DURATION_S, connections)


def _measure_rps(
    url: str, cookie: str, extra_headers: dict[str, str] | None, seconds: int, connections: int
) -> float:
    headers = {"Cookie": cookie} if cookie else {}
    headers.update(extra_headers or {})
    if shutil.which("wrk"):
        header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
        out = subprocess.run(
            ["wrk", f"-c{connections}", "-t2", f"-d{seconds}s", *header_args, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if match and "Non-2xx" not in out:
            return float(match.group(1))
        raise RuntimeError(f"wrk failed or got errors for {url}:\n{out}")
    from concurrent.futures import ThreadPoolExecutor

    def worker() -> int:
        n, end = 0, time.monotonic() + seconds
        while time.monotonic() < end:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
            with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310 - loopback only
                r.read()
                if r.status != 200 or r.url != url:  # urllib follows redirects: a login page is a failure
                    raise RuntimeError(f"{url} answered {r.status} at {r.url}")
            n += 1
        return n

    with ThreadPoolExecutor(connections) as pool:
        total = sum(pool.map(lambda _: worker(), range(connections)))
    return total / seconds


def page_paths() -> dict[str, str]:
    """The pages measured, from the demo centre's data."""
    from catalog.models import Item, ItemStatus

    item = (
        Item.objects.filter(status=ItemStatus.PUBLISHED, center__code="demo-county").order_by("code").first()
    )
    if item is None:
        raise SystemExit("No published item: run `make demo` first.")
    from django.urls import reverse

    guide = reverse("portal:item_guide", kwargs={"center_code": "demo-county", "item_code": item.code})
    return {"public guide page": guide}


def workbench_session() -> dict[str, object]:
    """In the child process, with the server's settings: sign the demo clerk in (a session in the database),
    read the workbench once through the test client counting its queries, and describe the queue shown."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    user = get_user_model().objects.filter(username=WORKBENCH_USER).first()
    if user is None:
        raise SystemExit(f"No user {WORKBENCH_USER!r}: run `make demo` first.")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="org.auth.StaffModelBackend")
    path = reverse("desk:workbench")
    client.get(path)  # warm: the first request of a process fills per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"the workbench answered {response.status_code} for {WORKBENCH_USER!r}")
    from django.utils import timezone

    from cases.selectors.actions import staff_of
    from desk.selectors import workbench

    staff = staff_of(user)
    assert staff is not None
    shown = workbench(user, staff, timezone.now())  # what the page shows, read through the same selector
    return {
        "path": path,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "session_key": client.session.session_key,
        "queries": len(queries.captured_queries),
        "mine": shown.mine.total,
        "window": shown.window_queue.total,
        "shown": len(shown.mine.cases) + len(shown.window_queue.cases),
        "covered": len(shown.covered),
        "inquiries": len(shown.inquiries_open) + len(shown.inquiries_incoming),
        "appointments": sum(len(rows) for _window, rows in shown.appointments),
        "bytes": len(response.content),
    }


def _signed_in_clerk(root: Path, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.http_bench", SESSION_FLAG],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"signing the clerk in failed:\n{out.stderr}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _forget_session(session_key: str) -> None:
    from org.sessions import SessionStore

    SessionStore(session_key=session_key).delete()


def main() -> None:
    port = _free_port()
    root = Path(__file__).resolve().parent.parent
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="bench-" + "k" * 50,
        HISTORY_SEAL_KEY="bench-seal-" + "s" * 50,
        PERSONAL_DATA_KEY="bench-personal-" + "p" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        GUNICORN_ACCESS_LOG="",  # no access log under wrk
        GUNICORN_MAX_REQUESTS="0",  # no worker restarts in the middle of a measure
    )
    # As in production: static files collected, served by WhiteNoise.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=root, env=env, check=True
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_up(base + "/healthz")
        bare = _rps(base + "/healthz")
        print(
            f"http.bare_view (/healthz): {bare:,.0f} req/s (baseline; gunicorn.conf.py with 2 workers, {CONNECTIONS} connections)"
        )
        for label, path in page_paths().items():
            _wait_up(base + path)
            rps = _rps(base + path)
            print(f"http.{label} ({path}): {rps:,.0f} req/s = {rps / bare:.2f}x the bare view")
        clerk = _signed_in_clerk(root, env)
        try:
            path = str(clerk["path"])
            rps = _rps(base + path, cookie=str(clerk["cookie"]))
            print(
                f"http.workbench ({path}, signed in as {WORKBENCH_USER!r}: my queue {clerk['mine']}, "
                f"window queue {clerk['window']} ({clerk['shown']} rows shown), {clerk['covered']} posts "
                f"covered as B, {clerk['inquiries']} inquiries, {clerk['appointments']} appointments today; "
                f"{clerk['queries']} queries and {int(str(clerk['bytes'])):,} bytes per request): "
                f"{rps:,.0f} req/s = {rps / bare:.2f}x the bare view"
            )
        finally:
            _forget_session(str(clerk["session_key"]))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__" and SESSION_FLAG in sys.argv[1:]:
    import django

    django.setup()
    print(json.dumps(workbench_session()))
