"""Test settings: the same as development, with fast hashing and no lockouts leaking between tests."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret-" + "x" * 40  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PDF_CACHE_DIR = VAR_DIR / "test-pdf-cache"

WHITENOISE_USE_FINDERS = True

# The demo case history is played through the services (slow); tests that need it set their own scale.
DEMO_CASES_SCALE = 0
