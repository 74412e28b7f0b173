"""Taking clock events from terminals (R-ATT-2), by the iClock push protocol or the JSON API alike.

One batch is taken in one transaction with a handful of statements whatever its size (10,000 events included):
the PINs are resolved in one query, the events written by `bulk_create` in chunks, ignoring those already
stored (the same terminal, PIN and time is one event: the database's unique constraint decides, so that two
uploads of the same batch at the same moment still store each event once), and counted back by their upload.

What is refused is reported line by line and skipped; the rest of the batch is kept:

- a line that is not an event (fields, PIN, time, status, verify type: `staffing.iclock.REASONS`);
- a PIN that is not mapped to anyone of the terminal's centre at the event's time (nothing is stored for it:
  map the PIN, then have the terminal upload again; replaying is harmless);
- a time more than a day after the batch arrived (a terminal's clock gone wrong).

Events may arrive late, out of order and in offline batches: the day's attendance is computed when the day is
closed (`staffing.services.days`), from every event stored by then. An event for a day already closed is
stored and counted as such (`after_close`); that day changes only by a recorded correction.

The terminal's clock offset: each batch records how far its newest event is ahead of the moment it arrived
(`clock_lead_seconds`, the terminal's clock offset less the upload's delay), and the terminal keeps the largest
of the last week's (`clock_offset_seconds`). With real-time upload the delay is a second or two, so the figure
is the offset; it never overstates it, as a batch held back by an outage only lowers its lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import sql

from .. import iclock
from ..models import AttendanceClose, ClockEvent, EventSource, PinMapping, Protocol, Terminal, TerminalUpload

FUTURE_LIMIT = timedelta(days=1)
OFFSET_WINDOW = timedelta(days=7)

UNMAPPED = "unmapped"
FUTURE = "future"
MESSAGES = {
    iclock.BAD_FIELDS: gettext_lazy("不是一条打卡记录（应为：考勤号、时间、状态、验证方式，以制表符分隔）。"),
    iclock.BAD_PIN: gettext_lazy("考勤号无效（应为1–24位字母或数字）。"),
    iclock.BAD_TIME: gettext_lazy("时间无效（应为 YYYY-MM-DD HH:MM:SS，2000–2099年）。"),
    iclock.BAD_STATUS: gettext_lazy("状态无效（应为0–255的整数）。"),
    iclock.BAD_VERIFY: gettext_lazy("验证方式无效（应为0–255的整数）。"),
    UNMAPPED: gettext_lazy("该考勤号在本中心未对应任何工作人员（请先登记考勤号，再让考勤机重新上传）。"),
    FUTURE: gettext_lazy("时间晚于接收时刻一天以上（考勤机时钟有误）。"),
}


@dataclass(frozen=True)
class Refusal:
    number: int
    text: str
    reason: str

    @property
    def message(self) -> str:
        return str(MESSAGES[self.reason])

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class IngestResult:
    """What became of a batch: `taken` (stored now or already stored) is what the terminal is told it sent."""

    upload: TerminalUpload
    received: int
    stored: int
    duplicates: int
    after_close: int
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.refusals)

    @property
    def taken(self) -> int:
        return self.stored + self.duplicates

    def summary(self) -> str:
        """ASCII, for a response header: `stored=2; duplicates=1; rejected=1; after-close=0`."""
        return (
            f"stored={self.stored}; duplicates={self.duplicates}; rejected={self.rejected}; "
            f"after-close={self.after_close}"
        )


def _aware(moment: datetime) -> datetime:
    """A terminal's time: its wall clock in the centre's time zone (China has one, without summer time)."""
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _mapped_staff(
    terminal: Terminal, pins: Iterable[str]
) -> dict[str, list[tuple[datetime, datetime | None, int]]]:
    """{pin: [(valid_from, valid_until, staff id)]} of the terminal's centre, in one query."""
    periods: dict[str, list[tuple[datetime, datetime | None, int]]] = {}
    rows = PinMapping.objects.filter(center_id=terminal.center_id, pin__in=set(pins)).values_list(
        "pin", "valid_from", "valid_until", "staff_id"
    )
    for pin, valid_from, valid_until, staff_id in rows:
        periods.setdefault(pin, []).append((valid_from, valid_until, staff_id))
    return periods


def _staff_at(periods: Sequence[tuple[datetime, datetime | None, int]], moment: datetime) -> int | None:
    for valid_from, valid_until, staff_id in periods:
        if valid_from <= moment and (valid_until is None or moment < valid_until):
            return staff_id
    return None


@transaction.atomic
def clock_events_ingest(
    *,
    terminal: Terminal,
    records: Sequence[iclock.Record],
    problems: Sequence[iclock.Problem] = (),
    protocol: str = Protocol.ICLOCK,
    address: str = "",
    stamp: str = "",
    device_time: datetime | None = None,
) -> IngestResult:
    """Store a batch of a terminal's clock events (R-ATT-2): see the module's docstring. `problems` are the
    lines the protocol could not read; `device_time`, when the sender gives it, is the terminal's clock at
    sending (its offset is then measured from it rather than from the newest event)."""
    now = timezone.now()
    refusals = [Refusal(p.number, p.text, p.reason) for p in problems]
    periods = _mapped_staff(terminal, (r.pin for r in records))
    events: dict[tuple[str, datetime], dict[str, Any]] = {}  # the rows of ClockEvent to store
    newest: datetime | None = None
    for record in records:
        moment = _aware(record.time)
        staff_id = _staff_at(periods.get(record.pin, ()), moment)
        if moment > now + FUTURE_LIMIT or staff_id is None:
            line = iclock.attlog_line(record.pin, record.time, record.status, record.verify)
            reason = FUTURE if moment > now + FUTURE_LIMIT else UNMAPPED
            refusals.append(Refusal(record.number, line[: iclock.TEXT_KEPT], reason))
            continue
        newest = moment if newest is None or moment > newest else newest
        events.setdefault(
            (record.pin, moment),
            {
                "center_id": terminal.center_id,
                "terminal_id": terminal.pk,
                "pin": record.pin,
                "time": moment,
                "day": timezone.localtime(moment).date(),
                "staff_id": staff_id,
                "status": record.status,
                "verify": record.verify,
                "source": EventSource.TERMINAL,
                "received_at": now,
            },
        )
    refusals.sort(key=lambda r: r.number)
    lead_from = _aware(device_time) if device_time is not None else newest
    upload = TerminalUpload.objects.create(
        center_id=terminal.center_id,
        terminal=terminal,
        received_at=now,
        protocol=protocol,
        address=address[:45],
        stamp=stamp[:20],
        lines=len(records) + len(problems),
        rejected=len(refusals),
        problems=[r.as_dict() for r in refusals[: TerminalUpload.MAX_PROBLEMS_KEPT]],
        clock_lead_seconds=None if lead_from is None else round((lead_from - now).total_seconds()),
    )
    for event in events.values():
        event["upload_id"] = upload.pk
    # Rows, not instances: a batch can hold thousands of events. One seen before is left out (R-ATT-2).
    sql.insert_values(ClockEvent, list(events.values()), ignore_conflicts=True)
    new = ClockEvent.objects.filter(upload=upload)
    stored = new.count() if events else 0
    after_close = 0
    if stored:
        days = {event["day"] for event in events.values()}
        closed = set(
            AttendanceClose.objects.filter(center_id=terminal.center_id, day__in=days).values_list(
                "day", flat=True
            )
        )
        if closed:
            after_close = new.filter(day__in=closed).count()
    duplicates = len(records) - sum(1 for r in refusals if r.reason in (UNMAPPED, FUTURE)) - stored
    upload.stored, upload.duplicates, upload.after_close = stored, duplicates, after_close
    upload.save(update_fields=["stored", "duplicates", "after_close"])
    _note_terminal(
        terminal, now=now, address=address, stamp=stamp, measured=upload.clock_lead_seconds is not None
    )
    return IngestResult(
        upload=upload,
        received=upload.lines,
        stored=stored,
        duplicates=duplicates,
        after_close=after_close,
        refusals=refusals,
    )


def _note_terminal(terminal: Terminal, *, now: datetime, address: str, stamp: str, measured: bool) -> None:
    """The terminal's last contact, its upload stamp and its clock offset (the largest lead of the week)."""
    values: dict[str, Any] = {"last_seen_at": now, "last_address": address[:45]}
    if stamp and len(stamp) <= 20:
        values["attlog_stamp"] = stamp
    if measured:
        values["clock_offset_seconds"] = TerminalUpload.objects.filter(
            terminal=terminal, received_at__gte=now - OFFSET_WINDOW
        ).aggregate(lead=Max("clock_lead_seconds"))["lead"]
        values["clock_checked_at"] = now
    Terminal.objects.filter(pk=terminal.pk).update(**values)
    for name, value in values.items():
        setattr(terminal, name, value)


def refusal_message(reason: str) -> str:
    """The Chinese message of a refusal reason."""
    return str(MESSAGES.get(reason, _("无法识别。")))
