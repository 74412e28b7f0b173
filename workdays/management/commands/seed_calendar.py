"""`manage.py seed_calendar [--years 2025 2026]`: load the national schedule from the chinesecalendar package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import RuleViolation
from workdays.services import package_years, seed_national_calendar


class Command(BaseCommand):
    help = "Load the national holiday schedule (R-CLK-3) from the chinesecalendar package. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years", nargs="*", type=int, help="years to load (default: all the package covers)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] or None
        try:
            count = seed_national_calendar(years=years)
        except RuleViolation as exc:
            raise CommandError(f"{exc.rule}: {exc.message}") from exc
        covered = package_years()
        span = f"{min(years)}–{max(years)}" if years else f"{covered.start}–{covered.stop - 1}"
        self.stdout.write(f"National calendar {span}: {count} year(s) loaded or updated.")
