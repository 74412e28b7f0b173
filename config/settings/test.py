"""Test settings: the same as development, with fast hashing and no lockouts leaking between tests."""

import hashlib

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret-" + "x" * 40  # noqa: S105
# The history seal key (docs/history-integrity.md), derived from the secret key as in development.
HISTORY_SEAL_KEY = hashlib.sha256(b"govhall.history-seal:" + SECRET_KEY.encode()).hexdigest()
# The personal-data key (common/crypto.py, docs/complaints.md), derived from the secret key: as in development.
PERSONAL_DATA_KEY = hashlib.sha256(b"govhall.personal-data:" + SECRET_KEY.encode()).hexdigest()
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PDF_CACHE_DIR = VAR_DIR / "test-pdf-cache"

WHITENOISE_USE_FINDERS = True

# The demo case history is played through the services (slow); tests that need it set their own scale.
DEMO_CASES_SCALE = 0
# The demo's clocking is played day by day through the staffing services: tests play a few working days.
DEMO_STAFFING_DAYS = 5
