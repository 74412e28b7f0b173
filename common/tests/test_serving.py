"""The production server (`gunicorn.conf.py`): one slow request does not hold up the others, and a second
server on the same host starts as cleanly as the first."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass
class Server:
    base: str
    log: Path  # what the server wrote to its standard error (gunicorn's error log)


@contextmanager
def _serving(tmp_path: Path, **env: str) -> Iterator[Server]:
    """gunicorn with `gunicorn.conf.py` serving the stand-in application, once it listens."""
    (tmp_path / "standin.py").write_text(APP)
    port = _free_port()
    log = tmp_path / f"server-{port}.log"
    settings = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(tmp_path),
        "RELEASE_FILE": str(tmp_path / "release"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        **env,
    }
    with log.open("w") as errors:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "standin:application"],
            cwd=tmp_path,
            env=settings,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(500):  # wait for the server to listen
                try:
                    _get(base + "/up")
                    break
                except OSError:
                    threading.Event().wait(0.02)
            yield Server(base=base, log=log)
        finally:
            (tmp_path / "release").touch()
            server.terminate()
            server.wait(30)


def test_one_worker_answers_other_requests_while_a_slow_one_runs(tmp_path: Path) -> None:
    release = tmp_path / "release"
    # One process (GUNICORN_WORKERS=1): only its threads can serve the second request.
    with _serving(tmp_path) as server:
        slow: dict[str, str] = {}
        in_flight = threading.Thread(target=lambda: slow.update(body=_get(server.base + "/slow")))
        in_flight.start()
        started = tmp_path / "release.started"
        while not started.exists() and in_flight.is_alive():  # /slow is being served
            threading.Event().wait(0.01)
        assert _get(server.base + "/healthz") == "/healthz"  # answered while /slow still runs
        assert in_flight.is_alive() and not slow
        release.touch()
        in_flight.join(60)
        assert slow == {"body": "/slow"}


def test_two_servers_on_one_host_open_no_control_socket_unless_one_is_named(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with _serving(tmp_path, HOME=str(home)) as first, _serving(tmp_path, HOME=str(home)) as second:
        assert (_get(first.base + "/a"), _get(second.base + "/b")) == ("/a", "/b")
    assert not (home / ".gunicorn").exists()  # gunicorn's default path, one per user account
    assert "Control server" not in first.log.read_text() + second.log.read_text()

    control = tmp_path / "gunicorn.ctl"
    with _serving(tmp_path, HOME=str(home), GUNICORN_CONTROL_SOCKET=str(control)):
        for _ in range(500):
            if control.is_socket():
                break
            threading.Event().wait(0.02)
        assert control.is_socket()
