"""Settings shared by every environment. Values that differ per deployment come from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GOVHALL_VAR_DIR", BASE_DIR / "var"))

DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "org.admin_config.PlatformAdminConfig",  # Django's admin, the platform operator's only (org/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_htmx",
    "common",
    "org",
    "policy",
    "workdays",
    "catalog",
    "cases",
    "staffing",
    "joint",
    "agency",
    "supervision",
    "hall",
    "desk",
    "demo",
    "notify",
    "portal",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "common.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with request.user the user itself once read (org/auth.py).
    "org.auth.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "org.middleware.IdleLogoutMiddleware",
    "common.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

# Django's database sessions, with the read of every signed-in request written out once (org/sessions.py).
SESSION_ENGINE = "org.sessions"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "org.auth.StaffModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "org.context_processors.current_center",
                "org.context_processors.staff_menu",
            ],
            # Django's `url` tag, with a link to a fixed page rendered once per language and address prefix
            # (common/template_url.py); `{% load constant_i18n %}` does the same for fixed translations. Django's
            # `date` filter, with the numeric formats written out without parsing them each time
            # (common/template_date.py).
            "builtins": ["common.template_url", "common.template_date"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'govhall.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bind parameters on the server and let psycopg prepare a statement after it has run DB_PREPARE_THRESHOLD
    # times on a connection: the case services run the same few dozen statements on every transition, and
    # planning them cost more than executing them (docs/decisions.md, "Prepared statements"). Set
    # DB_PREPARE_THRESHOLD=off behind a pooler in transaction mode that cannot carry prepared statements.
    _prepare = os.environ.get("DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=None if _prepare.lower() in ("off", "none", "") else int(_prepare),
    )
    # Starting a parallel worker costs about 5 ms here, more than the whole of the short queries a page runs,
    # yet PostgreSQL's default price for it (1000) lets the planner split a count of a few hundred rows over two
    # processes (a dashboard figure ran 8 ms in parallel, 1.4 ms alone). At 10000 a scan goes parallel only from
    # the order of ten thousand pages (docs/decisions.md, "Parallel query priced for short statements").
    # DB_PARALLEL_SETUP_COST=server keeps the server's own setting (behind PgBouncer, which refuses settings it
    # does not track in `options`: set the price for the database role there, docs/operations.md).
    _parallel = os.environ.get("DB_PARALLEL_SETUP_COST", "10000")
    if _parallel.lower() != "server":
        DATABASES["default"]["OPTIONS"]["options"] = f"-c parallel_setup_cost={int(_parallel)}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 would need an extra C dependency; PBKDF2-SHA256 at Django's current iteration count is the
# strong default, and scrypt is kept for hashes made elsewhere.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "org:login"
# Content-Security-Policy (django-csp): scripts and everything else from this site only. No page has an inline
# script or an event-handler attribute (static/js/govhall.js reads data attributes instead); inline styles
# are allowed, as the self-contained A4 notices and htmx's indicator style need them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Django's CSRF failure page says "DEBUG" and is in English; the site's own is in Chinese (JSON under /api/).
CSRF_FAILURE_VIEW = "config.handlers.csrf_failure"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Throttled failures (issue 2): five failures lock the username+address pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "org/locked_out.html"
# The client's address, as every throttle and the logs see it (common/net.py).
AXES_CLIENT_IP_CALLABLE = "common.net.client_address"
# Password spraying (one wrong password for each of many users, under the limit above for each): past this many
# failed sign-ins from one address within the window, whatever the usernames, that address may not sign in
# until the window ends (org/auth.py). A right password from another address is not affected.
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_ADDRESS_WINDOW_SECONDS = 15 * 60

# Client addresses (common/net.py). TRUSTED_PROXIES: the reverse proxies whose X-Forwarded-For is believed
# (addresses or networks); none here, so the client is the peer. KIOSK_ADDRESSES: addresses many people share,
# the hall's touch screens and guest network, where one person's failed progress lookups must not refuse the
# next person (cases/services/lookup.py). Production reads both from the environment.
TRUSTED_PROXIES: list[str] = []
KIOSK_ADDRESSES: list[str] = []

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates on every page are zero-padded ISO (2026-01-05), in every language: config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
# ECharts for the monthly meeting's pack (R-MTG-2) is not committed: `make setup` installs it with npm from
# package-lock.json into node_modules/, served from there under static/vendor/echarts/.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist")]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "govhall",
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call is answered 401 (with WWW-Authenticate) rather than 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    # JSON bodies bounded in size and depth (a deeply nested body would exhaust the stack: a 500).
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govhall API",
    "DESCRIPTION": (
        "政务服务中心 — organisation, working-day calendar, service catalogue, and cases: inquiries, intake, "
        "the case clock, handling and decision, appointments and the public progress lookup."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Three choice sets are all called `kind`; name each enum after its model's choices.
    "ENUM_NAME_OVERRIDES": {
        "DayKindEnum": "workdays.models.DayKind",
        "AbsenceKindEnum": "org.models.AbsenceKind",
        "WindowKindEnum": "org.models.WindowKind",
        # Inquiries and complaints both have a `channel`.
        "ChannelEnum": "cases.models.Channel",
        "ComplaintChannelEnum": "supervision.models.ComplaintChannel",
    },
}

# Notifications (notify/, docs/operations.md): each channel waits at most NOTIFY_SEND_TIMEOUT seconds on its
# server (for e-mail, each wait on the SMTP server: EMAIL_TIMEOUT); a sender's lease on a message it is sending,
# NOTIFY_LEASE_SECONDS, stays well above that, and is all a crashed sender's messages wait before another
# sender takes them over (notify/services.py says why 60).
NOTIFY_SEND_TIMEOUT = int(os.environ.get("NOTIFY_SEND_TIMEOUT", "10"))
EMAIL_TIMEOUT = NOTIFY_SEND_TIMEOUT
NOTIFY_LEASE_SECONDS = int(os.environ.get("NOTIFY_LEASE_SECONDS", "60"))

# The key that seals the histories (common/seal.py, docs/history-integrity.md) is kept outside the database:
# `HISTORY_SEAL_KEY` comes from the environment in production and from SECRET_KEY in development and tests.
# New seals are made under HISTORY_SEAL_KEY_ID; seals made with earlier keys verify with the retired keys.
HISTORY_SEAL_KEY_ID = "1"
HISTORY_SEAL_RETIRED_KEYS: dict[str, str] = {}

# The key that encrypts personal data at rest (a complainant's identity, R-CMP-4; common/crypto.py,
# docs/complaints.md) is kept outside the database: `PERSONAL_DATA_KEY` comes from the environment in production
# and from SECRET_KEY in development and tests. New values are encrypted under PERSONAL_DATA_KEY_ID; values
# encrypted under earlier keys open with the retired keys until `personal_data_rekey` rewrites them.
PERSONAL_DATA_KEY_ID = "1"
PERSONAL_DATA_RETIRED_KEYS: dict[str, str] = {}

# Where rendered PDFs are cached by content hash, so a notice is rendered once per content.
PDF_CACHE_DIR = VAR_DIR / "pdf-cache"
# A CJK font installed with the system (fonts-wqy-microhei); see docs/pdf.md for why this one.
PDF_FONT_FAMILY = "WenQuanYi Micro Hei"
# The public site's address (scheme and host, e.g. https://zwfw.example.gov.cn) that printed notices' QR codes
# lead to; empty: the address the printing request came to (docs/pdf.md).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "govhall.access": {"handlers": ["console"], "level": "INFO"},
        # Every refusal by a throttle, with the client's address.
        "govhall.throttle": {"handlers": ["console"], "level": "WARNING"},
        # Every 500 with its traceback, in every environment (Django's default shows it only with DEBUG on
        # and otherwise mails it to ADMINS, which a centre does not configure).
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
    },
}
