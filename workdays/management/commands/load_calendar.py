"""`manage.py load_calendar FILE [--center CODE] [--year N]`: load one year's schedule from a text file.

The file format is described in docs/calendar-format.md. Without `--center` the national schedule is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import RuleViolation
from org.models import Center
from workdays.calendar_file import parse_calendar_text
from workdays.services import calendar_load_year


class Command(BaseCommand):
    help = "Load (or reload) one year's holidays and adjusted working days from a file (R-CLK-3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the calendar file (UTF-8, one 'date,kind,name' per line)")
        parser.add_argument(
            "--center", help="code of the centre whose own calendar this is (default: national)"
        )
        parser.add_argument("--year", type=int, help="the year of the file (default: the year of its dates)")
        parser.add_argument("--source", help="where the schedule comes from (default: the file name)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        center = None
        if options["center"]:
            center = Center.objects.filter(code=options["center"]).first()
            if center is None:
                raise CommandError(f"No centre with code {options['center']!r}.")
        try:
            year, entries = parse_calendar_text(text, year=options["year"])
            calendar_load_year(
                actor=None, year=year, entries=entries, source=options["source"] or path.name, center=center
            )
        except RuleViolation as exc:
            raise CommandError(f"{exc.rule}: {exc.message}") from exc
        scope = center.code if center else "national"
        self.stdout.write(f"Calendar {year} ({scope}): {len(entries)} row(s) read from {path.name}.")
