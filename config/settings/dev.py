"""Local development and the demo centre served by `make run`."""

import hashlib

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-" + "x" * 40  # noqa: S105 - development settings never serve the public
# The history seal key (docs/history-integrity.md), derived from the secret key: development only.
HISTORY_SEAL_KEY = hashlib.sha256(b"govhall.history-seal:" + SECRET_KEY.encode()).hexdigest()
# The personal-data key (common/crypto.py, docs/complaints.md), derived from the secret key: development only.
PERSONAL_DATA_KEY = hashlib.sha256(b"govhall.personal-data:" + SECRET_KEY.encode()).hexdigest()
