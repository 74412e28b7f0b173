"""govhall's own apps (the ones whose code lives in this repository), for the tests that check every one of them."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings


def own_apps() -> set[str]:
    """The labels of the installed apps whose code lives in this repository (not in the virtual environment)."""
    root = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root) and ".venv" not in Path(config.path).parts
    }
