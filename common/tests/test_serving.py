"""The production server (`gunicorn.conf.py`): one slow request does not hold up the others."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A stand-in application: /slow waits until the test lets it go, anything else answers at once.
APP = textwrap.dedent(
    """
    import os, time

    def application(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            open(os.environ["RELEASE_FILE"] + ".started", "w").close()
            while not os.path.exists(os.environ["RELEASE_FILE"]):
                time.sleep(0.01)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode()]
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a local test server
        return str(response.read().decode())


def test_one_worker_answers_other_requests_while_a_slow_one_runs(tmp_path: Path) -> None:
    (tmp_path / "standin.py").write_text(APP)
    release = tmp_path / "release"
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(tmp_path),
        "RELEASE_FILE": str(release),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",  # one process: only its threads can serve the second request
    }
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "standin:application"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(500):  # wait for the server to listen
            try:
                _get(base + "/up")
                break
            except OSError:
                threading.Event().wait(0.02)
        slow: dict[str, str] = {}
        in_flight = threading.Thread(target=lambda: slow.update(body=_get(base + "/slow")))
        in_flight.start()
        started = tmp_path / "release.started"
        while not started.exists() and in_flight.is_alive():  # /slow is being served
            threading.Event().wait(0.01)
        assert _get(base + "/healthz") == "/healthz"  # answered while /slow still runs
        assert in_flight.is_alive() and not slow
        release.touch()
        in_flight.join(60)
        assert slow == {"body": "/slow"}
    finally:
        release.touch()
        server.terminate()
        server.wait(30)
