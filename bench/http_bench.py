"""Requests per second of a public page against the bare /healthz view, in the same gunicorn server."""

from __future__ import annotations

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


def _rps(url: str) -> float:
    """Requests per second from wrk, or from a small threaded Python client when wrk is missing."""
    if shutil.which("wrk"):
        out = subprocess.run(
            ["wrk", f"-c{CONNECTIONS}", "-t2", f"-d{DURATION_S}s", url],
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
        n, end = 0, time.monotonic() + DURATION_S
        while time.monotonic() < end:
            with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - loopback only
                r.read()
            n += 1
        return n

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        total = sum(pool.map(lambda _: worker(), range(CONNECTIONS)))
    return total / DURATION_S


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


def main() -> None:
    port = _free_port()
    root = Path(__file__).resolve().parent.parent
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="bench-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
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
            f"http.bare_view (/healthz): {bare:,.0f} req/s (baseline; gunicorn 2 sync workers, {CONNECTIONS} connections)"
        )
        for label, path in page_paths().items():
            _wait_up(base + path)
            rps = _rps(base + path)
            print(f"http.{label} ({path}): {rps:,.0f} req/s = {rps / bare:.2f}x the bare view")
    finally:
        server.terminate()
        server.wait(timeout=10)
