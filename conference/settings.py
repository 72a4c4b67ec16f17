"""Settings, read from the environment (the README's Configuration table lists them).

The embedded default needs nothing: SQLite under ``var/``, e-mail to the
console, background tasks run in-process. Production sets ``DATABASE_URL``,
``SECRET_KEY``, ``ALLOWED_HOSTS``, the e-mail settings and, for workers,
``CELERY_BROKER_URL``.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE, WASM_UNSAFE_EVAL
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)


def _secret_key():
    """The key from the environment; in development, one generated once under var/.

    Production (DEBUG off and a non-loopback host allowed) must set SECRET_KEY:
    a key generated on one server would differ on the next and invalidate
    every session and signed link.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    production_hosts = [h for h in env_list("ALLOWED_HOSTS") if h not in {"127.0.0.1", "localhost", "[::1]"}]
    if not DEBUG and production_hosts:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (ALLOWED_HOSTS names a public host).")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "conference",
    "registration",
    "badges",
    "organiser",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "conference.plumbing.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a login refused by the lockout into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

# Logins: django-axes refuses further attempts for a username after
# LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_MINUTES (each failure
# expires on its own after the window), until the window passes.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
AUTHENTICATION_BACKENDS = [
    "conference.plumbing.limits.LoginLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "conference.plumbing.limits.login_locked_out"
AXES_VERBOSE = False
# The lockout is per username, as the README promises: per address it would lock out a whole office
# behind one NAT. (axes warns that one address may then try many usernames: each of them is still
# limited to LOGIN_FAILURE_LIMIT guesses per window.)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Public token endpoints (the RSVP API, the RSVP and /my/ pages' POSTs): requests per client address.
TOKEN_RATE = os.environ.get("TOKEN_RATE", "60/minute")
# Behind a proxy, the client address is read from X-Forwarded-For past this many proxies.
NUM_PROXIES = int(os.environ["NUM_PROXIES"]) if os.environ.get("NUM_PROXIES") else None

ROOT_URLCONF = "conference.urls"

# What `manage.py demo` loads after the conference itself, in the order each part builds on the last.
DEMO_LOADERS = [
    "conference.demo.agenda",
    "registration.demo",
    "registration.networking.demo",
    "badges.demo",
    "badges.checkin.demo",
]
WSGI_APPLICATION = "conference.wsgi.application"

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
                "conference.plumbing.context_processors.user_roles",
            ],
        },
    },
]

# SQLite holds concurrent writers (several doors, a burst of RSVPs): WAL lets
# readers run beside the writer, the busy timeout makes a writer wait instead
# of failing, and IMMEDIATE transactions take the write lock at BEGIN so that
# a transaction never has to upgrade a read lock (the upgrade is what raises
# "database is locked" at once, whatever the timeout).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Server-side binding lets PostgreSQL prepare the statements a connection
    # repeats (after 5 runs): the check-in look-up joins six tables and spent
    # about 15 times longer being planned than being run. Behind PgBouncer
    # older than 1.21 in transaction mode, set DATABASE_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Rendered agenda outputs are cached per published version. One process: local
# memory. Several application servers: set CACHE_URL=redis://... so that a
# version is rendered once for all of them.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cog"}
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MIMETYPES = {".wasm": "application/wasm", ".mjs": "text/javascript"}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# E-mail: the console in development; a file directory, or SMTP, by setting.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "COG Conference <conference@example.org>")

# The e-mail outbox with no broker: a sender thread in each application process sends new messages
# (a request never waits on the mail server) and sweeps due retries every OUTBOX_SWEEP_SECONDS.
OUTBOX_SENDER_THREAD = True
OUTBOX_SWEEP_SECONDS = int(os.environ.get("OUTBOX_SWEEP_SECONDS", "60"))

# Background work: Celery. With no broker, a long job (a bulk badge print) runs in a background thread of
# the process that started it (conference.plumbing.background), never inside the request; e-mail: see above.
BACKGROUND_THREAD = True
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic work on workers (`celery -A conference beat`): the e-mail outbox sweep retries
# due messages, and unanswered invitations expire once registration has closed.
CELERY_BEAT_SCHEDULE = {
    "registration-send-due-messages": {"task": "registration.send_due_messages", "schedule": 60.0},
    "registration-expire-invitations": {"task": "registration.expire_invitations", "schedule": 900.0},
    # Personal data past its conference's retain_until (and needs past NEEDS_RETENTION_DAYS) is anonymised daily.
    "registration-apply-retention": {"task": "registration.apply_retention", "schedule": 86400.0},
}

# Dietary and accessibility needs (which can reveal health) are erased this many days after a conference ends;
# everything else personal after the conference's retain_until (registration.privacy).
NEEDS_RETENTION_DAYS = int(os.environ.get("NEEDS_RETENTION_DAYS", "30"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: DRF answers 401 with "WWW-Authenticate: Token" to an API client without credentials.
        "conference.plumbing.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["conference.plumbing.permissions.IsOrganiser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "conference.plumbing.schema.AutoSchema",
    # JSON nested deeper than 32 levels is a 400, not a server error.
    "DEFAULT_PARSER_CLASSES": [
        "conference.plumbing.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "conference.plumbing.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": TOKEN_RATE},
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "COG Conference API",
    "DESCRIPTION": "Conferences, invitations, RSVP, agenda, badges and check-in.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Every page: a Content-Security-Policy (django-csp) and a Permissions-Policy.
# Scripts, styles, images, fonts and connections come from our own origin only;
# 'wasm-unsafe-eval' lets the door's barcode-detector polyfill compile its
# zxing WebAssembly (from our static files); style attributes are allowed (the
# bar charts' widths) but not <style> elements from elsewhere. The camera is for
# our own pages (the door), nothing else is granted.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, WASM_UNSAFE_EVAL],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF, "blob:"],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = os.environ.get(
    "PERMISSIONS_POLICY",
    "accelerometer=(), camera=(self), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
)

# Production hardening (manage.py check --deploy is clean when DEBUG is off
# and SECURE_SSL_REDIRECT / HSTS are left at these defaults behind a TLS proxy).
# X-Forwarded-Proto is trusted only when BEHIND_TLS_PROXY says a proxy that sets
# it is in front: otherwise any client could claim its plain request was HTTPS.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SITE_URL.startswith("https://"))
    # A load balancer or monitor asks the application servers for /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = SITE_URL.startswith("https://")
    CSRF_COOKIE_SECURE = SITE_URL.startswith("https://")
    SECURE_HSTS_SECONDS = int(
        os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SITE_URL.startswith("https://") else "0")
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
