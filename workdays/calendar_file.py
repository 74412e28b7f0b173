"""Reading a year's holiday schedule from a text file (R-CLK-3). Pure: no ORM.

The format (documented in docs/calendar-format.md) is one exception per line, comma-separated:

    # 2027 年全国节假日安排（国务院办公厅通知）
    2027-01-01,holiday,元旦
    2027-02-07,workday,春节调休上班

- `date` is YYYY-MM-DD; `kind` is `holiday` (休息) or `workday` (调休上班); `name` is optional (at most 60 chars).
- Blank lines and lines starting with `#` are ignored; spaces around fields are ignored; a UTF-8 BOM is allowed.
- Every date must lie in the one year being loaded, and appear only once.

Any other line is refused with its line number, and nothing is loaded.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from common.errors import RuleViolation

KINDS = ("holiday", "workday")
NAME_MAX = 60
RULE = "R-CLK-3"

Entry = tuple[date, str, str]


def _refuse(line_number: int, message: str) -> RuleViolation:
    return RuleViolation(
        RULE,
        _("第%(line_number)s行：%(message)s") % {"line_number": line_number, "message": message},
        field="file",
    )


def parse_calendar_text(text: str, *, year: int | None = None) -> tuple[int, list[Entry]]:
    """The year and its entries `(date, kind, name)` from the file's text; RuleViolation on the first bad line.

    Without `year`, the year is the one of the first entry, and every other entry must share it.
    """
    entries: list[Entry] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) not in (2, 3):
            raise _refuse(number, _("格式应为“日期,类别,名称”，例如 2027-01-01,holiday,元旦。"))
        day_text, kind = fields[0], fields[1]
        name = fields[2] if len(fields) == 3 else ""
        try:
            if len(day_text) != 10:
                raise ValueError(day_text)
            day = date.fromisoformat(day_text)
        except ValueError:
            raise _refuse(
                number, _("日期“%(day_text)s”无效，应为 YYYY-MM-DD。") % {"day_text": day_text}
            ) from None
        if kind not in KINDS:
            raise _refuse(
                number, _("类别“%(kind)s”无效，应为 holiday（休息）或 workday（调休上班）。") % {"kind": kind}
            )
        if len(name) > NAME_MAX:
            raise _refuse(number, _("名称过长（最多%(name_max)s个字）。") % {"name_max": NAME_MAX})
        if year is None:
            year = day.year
        if day.year != year:
            raise _refuse(number, _("日期 %(day)s 不在 %(year)s 年内。") % {"day": day, "year": year})
        if day in seen:
            raise _refuse(number, _("日期 %(day)s 与第%(line)s行重复。") % {"day": day, "line": seen[day]})
        seen[day] = number
        entries.append((day, kind, name))
    if year is None:
        raise RuleViolation(RULE, _("文件中没有任何日期；如确无节假日，请指定年份。"), field="file")
    return year, entries


def format_calendar_text(year: int, entries: list[Entry], *, title: str = "") -> str:
    """The file for `entries` (the inverse of `parse_calendar_text`), for export and documentation."""
    lines = [f"# {title or year}"]
    lines += [f"{day.isoformat()},{kind},{name}" for day, kind, name in sorted(entries)]
    return "\n".join(lines) + "\n"
