"""Local development and the demo centre served by `make run`."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-" + "x" * 40  # noqa: S105 - development settings never serve the public
