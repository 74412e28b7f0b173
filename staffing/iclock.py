"""The iClock / ADMS push protocol of face-recognition terminals (R-ATT-2): text in, text out, no ORM.

The terminals sold in China (ZKTeco and the many compatible makes) are HTTP clients of the server they are
pointed at (server address and port, nothing else):

- `GET /iclock/cdata?SN=<serial>&options=all[&pushver=…]` — the handshake: the server answers the options the
  terminal works with (`handshake_options`): from which stamp to upload (`ATTLOGStamp`), how long to wait after
  an error (`ErrorDelay`) and between polls (`Delay`), which tables to upload (`TransFlag`: attendance only), the
  time zone, real-time upload (`Realtime=1`: each clock within seconds), no encryption.
- `POST /iclock/cdata?SN=<serial>&table=ATTLOG&Stamp=<n>` — clock events, one per line, tab-separated:
  `PIN, time (YYYY-MM-DD HH:MM:SS, the terminal's local time, no zone), status, verify type, work code,
  reserved…`; the server answers `OK: <n>`, the number of records it took. Offline terminals upload their
  backlog the same way when they are back, in batches, oldest first or not.
- `GET /iclock/getrequest?SN=<serial>` — the poll for commands; `OK` when there is none.
- `POST /iclock/devicecmd?SN=<serial>` — a command's result; `OK`.

`parse_attlog` reads a body into records and the lines it could not read, each with the reason's code
(`REASONS`); one bad line never spoils the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

MAX_LINES: Final = 20_000  # per request; terminals send a few hundred at a time
MAX_SERIAL: Final = 40
SERIAL_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
PIN_PATTERN: Final = re.compile(r"^[A-Za-z0-9]{1,24}$")
TIME_FORMATS: Final = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
FIRST_YEAR, LAST_YEAR = 2000, 2099
SMALL_MAX: Final = 255  # status and verify type are single bytes on the terminal
# A line without tabs, as a few firmwares write it: PIN, date and time, then optional numbers.
SPACED_LINE: Final = re.compile(
    r"^(\S+)\s+(\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}(?::\d{2})?)(?:\s+(\S+))?(?:\s+(\S+))?"
)
TEXT_KEPT: Final = 120  # of a refused line, for the report
# Control characters in a refused line (a NUL above all, which PostgreSQL's text refuses) are kept as U+FFFD.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F], "\ufffd")

# Why a line or an event was refused (the services give each its Chinese message).
BAD_FIELDS: Final = "fields"
BAD_PIN: Final = "pin"
BAD_TIME: Final = "time"
BAD_STATUS: Final = "status"
BAD_VERIFY: Final = "verify"
REASONS: Final = (BAD_FIELDS, BAD_PIN, BAD_TIME, BAD_STATUS, BAD_VERIFY)

# What the terminal is told to upload (TransFlag): attendance records only. Firmware of push version 2 and later
# reads names, older firmware a row of flags whose first is the attendance log.
TRANS_FLAG_NAMED: Final = "TransData AttLog"
TRANS_FLAG_BITS: Final = "1000000000"


@dataclass(frozen=True)
class Record:
    """One clock event as the terminal reported it: `time` is its local wall-clock time (naive)."""

    number: int  # the line's number in the body (1-based), or the event's position in a JSON list
    pin: str
    time: datetime
    status: int
    verify: int


@dataclass(frozen=True)
class Problem:
    number: int
    text: str
    reason: str  # one of REASONS


def valid_serial(serial: str) -> bool:
    return bool(SERIAL_PATTERN.match(serial))


def parse_time(text: str) -> datetime | None:
    """A terminal's time: `2026-12-07 08:01:00` (or with a `T`), its local wall-clock time, naive; or an ISO
    8601 time with its offset (`2026-12-07T08:01:00+08:00`), aware. None when it is neither."""
    text = text.strip()
    moment: datetime | None = None
    for pattern in TIME_FORMATS:
        try:
            moment = datetime.strptime(text, pattern)  # noqa: DTZ007 - the terminal's local time, no zone
        except ValueError:
            continue
        break
    if moment is None and len(text) <= 40:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        if moment.tzinfo is None or moment.utcoffset() is None:
            return None  # a date alone, or a form without seconds: not a terminal's time
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    return moment


def _small(value: Any) -> int | None:
    """A status or verify type: an integer 0–255 (empty or missing is 0); None when it is not one."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isdecimal() or len(text) > 3:
            return None
        number = int(text)
    return number if 0 <= number <= SMALL_MAX else None


def parse_record(number: int, pin: Any, time: Any, status: Any = None, verify: Any = None) -> Record | str:
    """One event from its fields, or the reason it is refused (one of `REASONS`)."""
    if not isinstance(pin, str) or not PIN_PATTERN.match(pin.strip()):
        return BAD_PIN
    moment = parse_time(time) if isinstance(time, str) else None
    if moment is None:
        return BAD_TIME
    status_value = _small(status)
    if status_value is None:
        return BAD_STATUS
    verify_value = _small(verify)
    if verify_value is None:
        return BAD_VERIFY
    return Record(number, pin.strip(), moment, status_value, verify_value)


def _fields(line: str) -> list[str] | None:
    if "\t" in line:
        return line.split("\t")
    spaced = SPACED_LINE.match(line)
    if spaced is None:
        return None
    pin, moment, status, verify = spaced.groups()
    return [pin, " ".join(moment.split()), status or "", verify or ""]


def _kept(text: str) -> str:
    """What is kept of a refused line for the batch record: its start, control characters replaced."""
    return text[:TEXT_KEPT].translate(_CONTROLS)


def parse_attlog(body: str) -> tuple[list[Record], list[Problem]]:
    """The records of an ATTLOG body and the lines refused, in the order of the body. Empty lines are skipped
    and not counted as problems."""
    records: list[Record] = []
    problems: list[Problem] = []
    for number, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        fields = _fields(line)
        if fields is None or len(fields) < 2:
            problems.append(Problem(number, _kept(line), BAD_FIELDS))
            continue
        status = fields[2] if len(fields) > 2 else ""
        verify = fields[3] if len(fields) > 3 else ""
        parsed = parse_record(number, fields[0], fields[1], status, verify)
        if isinstance(parsed, str):
            problems.append(Problem(number, _kept(line), parsed))
        else:
            records.append(parsed)
    return records, problems


def parse_events(items: Sequence[Any]) -> tuple[list[Record], list[Problem]]:
    """The records of a JSON list of events (`{"pin", "time", "status", "verify"}`) and those refused, numbered
    from 1 in the order of the list."""
    records: list[Record] = []
    problems: list[Problem] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(number, _kept(json.dumps(item, ensure_ascii=False)), BAD_FIELDS))
            continue
        parsed = parse_record(
            number, item.get("pin"), item.get("time"), item.get("status"), item.get("verify")
        )
        if isinstance(parsed, str):
            problems.append(Problem(number, _kept(json.dumps(item, ensure_ascii=False)), parsed))
        else:
            records.append(parsed)
    return records, problems


def count_lines(body: str) -> int:
    """The non-empty lines of a body."""
    return sum(1 for line in body.splitlines() if line.strip())


def handshake_options(
    serial: str, *, stamp: str, push_version: str, error_delay: int = 60, delay: int = 30
) -> str:
    """The options answered to a terminal's handshake (`GET /iclock/cdata?SN=…&options=all`).

    `stamp` is the last ATTLOG stamp the terminal sent ("0" on first contact: upload everything it holds, which
    the server takes idempotently). Operation logs and photos are declined (their stamps at 9999), attendance
    records are uploaded in real time, in China's time zone (UTC+8), unencrypted.
    """
    trans_flag = TRANS_FLAG_NAMED if push_version else TRANS_FLAG_BITS
    lines = [
        f"GET OPTION FROM: {serial}",
        f"ATTLOGStamp={stamp or '0'}",
        "OPERLOGStamp=9999",
        "ATTPHOTOStamp=9999",
        f"ErrorDelay={error_delay}",
        f"Delay={delay}",
        "TransTimes=00:00;14:05",
        "TransInterval=1",
        f"TransFlag={trans_flag}",
        "TimeZone=8",
        "Realtime=1",
        "Encrypt=0",
    ]
    return "\n".join(lines) + "\n"


def attlog_line(pin: str, moment: datetime, status: int = 0, verify: int = 15) -> str:
    """One ATTLOG line as a terminal writes it (verify type 15: face)."""
    return f"{pin}\t{moment:%Y-%m-%d %H:%M:%S}\t{status}\t{verify}\t0\t0\t0"
