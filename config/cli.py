"""The `govhall` command: the management commands people use, under one name.

govhall migrate | load-demo | load-calendar FILE | serve | check | <any manage.py command>
"""

import os
import sys

ALIASES = {
    "load-demo": "load_demo",
    "load-calendar": "load_calendar",
    "serve": "runserver",
    "render-notices": "render_notices",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        args = ["help"]
    else:
        args[0] = ALIASES.get(args[0], args[0])
    execute_from_command_line(["govhall", *args])
