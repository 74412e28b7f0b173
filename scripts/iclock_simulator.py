"""A face-recognition clock-in terminal, as far as govhall sees one: it speaks the iClock / ADMS push protocol.

For the demo, the tests, and an installer checking a site before the real terminals are pointed at govhall:
the script does what a terminal does after it starts — the handshake, an upload of clock events, a poll for
commands — and prints each answer. Standard library only: it runs on any machine with Python 3.

    python3 scripts/iclock_simulator.py --server http://127.0.0.1:8000 --serial CN-GH-0001 \\
        --pin 1001 --at "2026-12-07 08:01:00"
    python3 scripts/iclock_simulator.py --server http://192.0.2.10:8000 --serial CN-GH-0001 --batch clocks.txt

`--at` defaults to now (the machine's local time). A batch file holds one event per line, either as a terminal
writes it (`PIN<TAB>YYYY-MM-DD HH:MM:SS<TAB>status<TAB>verify…`) or as `PIN,YYYY-MM-DD HH:MM:SS[,status]`;
lines starting with `#` are skipped. Lines that are not events are sent as they are (the server reports and
skips them), so a batch can also try how a site answers garbage.

Exit status: 0 when every request was answered OK, 1 when the server refused (an unknown serial, an address
not allowed), 2 when it could not be reached.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

PUSH_VERSION = "2.4.1"
TIMEOUT_S = 30
RESULT_HEADERS = ("X-Govhall-Result", "X-Govhall-Rejected", "X-Govhall-Refused")


class Refused(Exception):
    pass


def _request(url: str, body: bytes | None = None) -> tuple[int, str, dict[str, str]]:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) address: {url}")
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")  # noqa: S310
    request.add_header("User-Agent", f"iClock Proxy/{PUSH_VERSION} (simulator)")
    if body is not None:
        request.add_header("Content-Type", "text/plain")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - scheme checked above
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


def _line(text: str) -> str:
    """One batch file line as the terminal writes it."""
    if "\t" in text or "," not in text:
        return text
    fields = [field.strip() for field in text.split(",")]
    status = fields[2] if len(fields) > 2 else "0"
    return f"{fields[0]}\t{fields[1]}\t{status}\t15\t0\t0\t0"


def read_batch(path: str) -> list[str]:
    with open(path, encoding="utf-8") as lines:
        return [_line(line.rstrip("\r\n")) for line in lines if line.strip() and not line.startswith("#")]


def _show(what: str, status: int, body: str, headers: dict[str, str]) -> None:
    print(f"--> {what}: HTTP {status}")
    for line in body.rstrip("\n").splitlines():
        print(f"    {line}")
    for name in RESULT_HEADERS:
        for key, value in headers.items():
            if key.lower() == name.lower():
                print(f"    [{name}] {value}")


def run(server: str, serial: str, lines: list[str], *, handshake: bool = True, poll: bool = True) -> int:
    base = server.rstrip("/") + "/iclock/"
    sn = urllib.parse.quote(serial, safe="")
    ok = True
    try:
        if handshake:
            status, body, headers = _request(
                f"{base}cdata?SN={sn}&options=all&pushver={PUSH_VERSION}&language=83"
            )
            _show("handshake", status, body, headers)
            ok &= status == 200
        if lines:
            stamp = str(int(time.time()))
            payload = ("\n".join(lines) + "\n").encode("utf-8")
            status, body, headers = _request(f"{base}cdata?SN={sn}&table=ATTLOG&Stamp={stamp}", payload)
            _show(f"upload of {len(lines)} record(s)", status, body, headers)
            ok &= status == 200 and body.startswith("OK")
        if poll:
            status, body, headers = _request(f"{base}getrequest?SN={sn}")
            _show("poll for commands", status, body, headers)
            ok &= status == 200
    except (urllib.error.URLError, OSError) as error:
        print(f"cannot reach {server}: {getattr(error, 'reason', error)}", file=sys.stderr)
        return 2
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Simulate an iClock / ADMS push terminal against govhall.")
    parser.add_argument("--server", required=True, help="govhall's address, e.g. http://127.0.0.1:8000")
    parser.add_argument("--serial", required=True, help="the terminal's serial number (SN), as registered")
    parser.add_argument("--pin", help="a staff PIN to clock")
    parser.add_argument("--at", help='the clock\'s local time "YYYY-MM-DD HH:MM:SS" (default: now)')
    parser.add_argument("--status", type=int, default=0, help="0 clock-in, 1 clock-out (default 0)")
    parser.add_argument("--batch", help="a file of events to upload (see the module's help)")
    parser.add_argument("--no-handshake", action="store_true", help="skip the handshake")
    parser.add_argument("--no-poll", action="store_true", help="skip the poll for commands")
    args = parser.parse_args(argv)

    lines: list[str] = []
    if args.pin:
        moment = args.at or datetime.now().strftime("%Y-%m-%d %H:%M:%S")  # noqa: DTZ005 - the terminal's wall clock
        lines.append(f"{args.pin}\t{moment}\t{args.status}\t15\t0\t0\t0")
    if args.batch:
        lines += read_batch(args.batch)
    return run(args.server, args.serial, lines, handshake=not args.no_handshake, poll=not args.no_poll)


if __name__ == "__main__":
    sys.exit(main())
