"""Production: everything from the environment; a missing secret stops the start."""

import os

from django.core.exceptions import ImproperlyConfigured

from common.crypto import parse_keys as parse_personal_data_keys
from common.net import parse_networks
from common.seal import parse_keys

from .base import *  # noqa: F403


def env_required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


SECRET_KEY = env_required("SECRET_KEY")
# The key that seals the histories (docs/history-integrity.md): kept outside the database, and not the
# secret key (which may be rotated for other reasons). Retired keys, as `id=key,id=key`, keep old seals verifying.
HISTORY_SEAL_KEY = env_required("HISTORY_SEAL_KEY")
if len(HISTORY_SEAL_KEY) < 32 or HISTORY_SEAL_KEY == SECRET_KEY:
    raise ImproperlyConfigured("HISTORY_SEAL_KEY: at least 32 random characters, and not the SECRET_KEY.")
HISTORY_SEAL_KEY_ID = os.environ.get("HISTORY_SEAL_KEY_ID", "1")
HISTORY_SEAL_RETIRED_KEYS = parse_keys(os.environ.get("HISTORY_SEAL_RETIRED_KEYS", ""))
# The key that encrypts personal data at rest (a complainant's identity, R-CMP-4; docs/complaints.md): kept
# outside the database and apart from its backups, and neither of the keys above. Retired keys, as
# `id=key,id=key`, keep older values readable until `personal_data_rekey` has rewritten them.
PERSONAL_DATA_KEY = env_required("PERSONAL_DATA_KEY")
if len(PERSONAL_DATA_KEY) < 32 or PERSONAL_DATA_KEY in (SECRET_KEY, HISTORY_SEAL_KEY):
    raise ImproperlyConfigured(
        "PERSONAL_DATA_KEY: at least 32 random characters, and neither the SECRET_KEY nor the HISTORY_SEAL_KEY."
    )
PERSONAL_DATA_KEY_ID = os.environ.get("PERSONAL_DATA_KEY_ID", "1")
PERSONAL_DATA_RETIRED_KEYS = parse_personal_data_keys(os.environ.get("PERSONAL_DATA_RETIRED_KEYS", ""))
ALLOWED_HOSTS = env_required("ALLOWED_HOSTS").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
DEBUG = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# The cache holds the throttles' counts (progress lookup, public booking, sign-ins), so every worker process
# must see the same one: Redis when REDIS_URL is set, otherwise the database's table `govhall_cache` (created by
# `migrate`). A cache of one process is refused by `manage.py check --deploy` (common/checks.py).
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "common.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    # The table is common.cache.DATABASE_CACHE_TABLE; the backend sizes it for the throttles (MAX_ENTRIES).
    CACHES = {"default": {"BACKEND": "common.cache.DatabaseCache", "LOCATION": "govhall_cache"}}

# The reverse proxies whose X-Forwarded-For is believed, as comma-separated addresses or networks. gunicorn
# listens on 127.0.0.1 (gunicorn.conf.py), so by default the proxy on this host is trusted; set it to the proxy's
# address when the proxy is elsewhere, or to "" when clients reach gunicorn directly.
TRUSTED_PROXIES = [
    a.strip() for a in os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if a.strip()
]
# The addresses many people share (the hall's touch screens, its guest network), comma-separated.
KIOSK_ADDRESSES = [a.strip() for a in os.environ.get("KIOSK_ADDRESSES", "").split(",") if a.strip()]
for _name, _entries in (("TRUSTED_PROXIES", TRUSTED_PROXIES), ("KIOSK_ADDRESSES", KIOSK_ADDRESSES)):
    try:
        parse_networks(_entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"{_name}: {error}.") from None
