"""Settings, read only from LINLI_* environment variables (see linli/env.py).

Nothing set = the embedded default: an SQLite file and a generated secret key in the
data folder (~/.local/share/linli), served on localhost over plain HTTP.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from whitenoise.compress import Compressor

from linli import env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.data_dir()

DEBUG = env.env_bool("LINLI_DEBUG", False)
SECRET_KEY = env.secret_key()
LINLI_DATA_KEY = env.data_key()
ALLOWED_HOSTS = env.env_list("LINLI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.env_list("LINLI_CSRF_TRUSTED_ORIGINS", [])

# Behind an HTTPS-terminating proxy in production; plain HTTP on localhost by default.
HTTPS = env.env_bool("LINLI_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.env_bool("LINLI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.env_int("LINLI_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.env_bool("LINLI_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): our own origin only, no inline script or style, so
# an injected <script> or on…= attribute does nothing. Templates carry no inline code (a test
# scans them); data for scripts travels in data-… attributes or <script type=application/json>.
# No 'unsafe-inline' for styles either: htmx is told not to inject its indicator <style>
# (base.html), ECharts tooltips are drawn on the canvas (charts.js), and Bootstrap, ECharts
# and Swagger UI set element.style through the CSSOM, which CSP allows. TOTP QR codes are
# inline SVG; data: images stay allowed for Bootstrap's and Swagger UI's CSS icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],  # the visit page's service worker
        "manifest-src": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    },
}
# Browser features no page of ours uses (the visit page asks for no location: the visitor
# picks the person from their list). Sent on every response (core.middleware).
PERMISSIONS_POLICY = {
    "accelerometer": "()", "autoplay": "()", "camera": "()",
    "display-capture": "()", "encrypted-media": "()", "fullscreen": "(self)",
    "geolocation": "()", "gyroscope": "()", "hid": "()", "magnetometer": "()",
    "microphone": "()", "midi": "()", "payment": "()", "picture-in-picture": "()",
    "publickey-credentials-get": "()", "screen-wake-lock": "()", "serial": "()",
    "usb": "()", "xr-spatial-tracking": "()",
}
# Django's own answers to a failed CSRF check, a bad request … are English pages; ours are
# Chinese pages, and the API's JSON error shape under /api/ (core/error_views.py).
CSRF_FAILURE_VIEW = "linli.core.error_views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "linli.core",
    "linli.regions",
    "linli.accounts",
    "linli.audit",
    "linli.orgs",
    "linli.people",
    "linli.visits",
    "linli.care",
    "linli.reports",
    "linli.appeals",
    "linli.governance",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise so that static files carry the policies too (no-store excepted).
    "linli.core.middleware.ResponseHeadersMiddleware",
    "linli.core.middleware.ApiErrorShapeMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linli.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "linli.core.middleware.NulRefusalMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "linli.accounts.middleware.SecondFactorMiddleware",
    "linli.core.middleware.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.env_str("LINLI_DATABASE_URL", f"sqlite:///{DATA_DIR / 'linli.sqlite3'}"),
        # Connections are kept between requests (opening one costs more than a whole
        # visit being recorded: bench/visits.py). No health-check query before each request:
        # a connection lost to a database restart fails one request and is then replaced.
        conn_max_age=env.env_int("LINLI_DB_CONN_MAX_AGE", 300, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles a province-wide count for 100 ms and more before running a
    # query of a few hundred: these counts are many and short (bench/reports.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default has a web process and a task worker writing the same file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL;")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": env.cache()}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.env_int("LINLI_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "linli.accounts.validators.ComplexityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# 等保 2.0 level 3: session timeout, lockout after repeated failures, two factors.
SESSION_COOKIE_AGE = env.env_int("LINLI_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the timeout counts from the last request (idle timeout)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
AXES_FAILURE_LIMIT = env.env_int("LINLI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.env_int("LINLI_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lock the account, not the address: township offices share one NAT address, and locking
# it would shut out every colleague after one person's typos (axes.W006 asks otherwise).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "linli.accounts.views.lockout_response"
AXES_VERBOSE = False
LINLI_ENFORCE_2FA = env.env_bool("LINLI_ENFORCE_2FA", True)
OTP_TOTP_ISSUER = "邻里守望"
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # each in its own language
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The maps' boundaries are schematic (linli/static/vendor/geo, regions/geo.py). A deployment
# with an approved base map (审图号) puts its files, in the same layout, in this folder: they
# are served in place of ours (the first folder wins), and the note replaces 「示意图」.
LINLI_BASE_MAP_DIR = env.env_str("LINLI_BASE_MAP_DIR", "")
LINLI_BASE_MAP_NOTE = env.env_str("LINLI_BASE_MAP_NOTE", "")
if LINLI_BASE_MAP_DIR:
    if not Path(LINLI_BASE_MAP_DIR).is_dir():
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LINLI_BASE_MAP_DIR={LINLI_BASE_MAP_DIR!r} is not a folder")
    STATICFILES_DIRS.insert(0, ("vendor/geo", LINLI_BASE_MAP_DIR))
STATIC_ROOT = Path(env.env_str("LINLI_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
# `linli collectstatic` (before a deployment starts; scripts/serve runs it when a file changed,
# CI afresh) writes each file under a name with its content's hash, and a brotli and a gzip
# copy; {% static %} names the hashed file and WhiteNoise sends the copy the browser accepts,
# a hashed name with a ten-year max-age (immutable), so a page seen before costs one round
# trip on a poor connection (tests/browser/test_throttled.py). Tests use plain names
# (conftest.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False  # only what collectstatic wrote: the hashed and compressed files
# Source maps are for the developer tools, not worth compressing (10 s of brotli each time).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.env_str("LINLI_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500

# Days a filing body has to review a 备案 application before it shows as overdue. Local
# practice, not a national rule (GLOSSARY C): set it per deployment.
LINLI_FILING_REVIEW_DAYS = env.env_int("LINLI_FILING_REVIEW_DAYS", 15, minimum=1)

# Files filed with a 备案 (章程, 成员花名册, photos of the venue): at most this many bytes
# each, and all of one filing's files together.
LINLI_ATTACHMENT_MAX_BYTES = env.env_int("LINLI_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024,
                                         minimum=1)
LINLI_FILING_ATTACHMENTS_MAX_BYTES = env.env_int("LINLI_FILING_ATTACHMENTS_MAX_BYTES",
                                                 50 * 1024 * 1024, minimum=1)

# Background work (large imports, reminders): the database backend by default, with a
# worker process (`linli db_worker`, started by scripts/serve); "immediate" runs inline.
TASKS = {"default": {"BACKEND": {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}[env.env_choice("LINLI_TASKS_BACKEND", "database", ("database", "immediate"))]}}
# Imports larger than this many bytes run as a background task with progress shown.
LINLI_BACKGROUND_IMPORT_BYTES = env.env_int("LINLI_BACKGROUND_IMPORT_BYTES", 1_000_000, minimum=0)
# Days an uploaded roster (personal data) is kept at most; import_purge deletes it after.
LINLI_IMPORT_RETENTION_DAYS = env.env_int("LINLI_IMPORT_RETENTION_DAYS", 7, minimum=1)
# The public appeal pages (no login): how many forms an address and a village may send, and
# how many tracking codes an address may look up (django-ratelimit's "count/period").
LINLI_PUBLIC_APPEALS_PER_ADDRESS = env.env_str("LINLI_PUBLIC_APPEALS_PER_ADDRESS", "5/h")
LINLI_PUBLIC_APPEALS_PER_VILLAGE = env.env_str("LINLI_PUBLIC_APPEALS_PER_VILLAGE", "60/d")
LINLI_PUBLIC_TRACKS_PER_ADDRESS = env.env_str("LINLI_PUBLIC_TRACKS_PER_ADDRESS", "30/h")
# Behind a proxy the sender's address is in a header the proxy sets: its request.META key,
# e.g. HTTP_X_REAL_IP (REMOTE_ADDR otherwise).
RATELIMIT_IP_META_KEY = env.env_str("LINLI_CLIENT_ADDRESS_HEADER", "") or None

# Where SMS reminders go: a file in the data folder by default; a gateway class in production.
LINLI_SMS_BACKEND = env.env_str("LINLI_SMS_BACKEND", "linli.visits.sms.FileBackend")
# The 十五分钟 circle: distance from a community to an elderly-care facility (GB 50180-2018
# 15-minute walk; 800–1000 m usual, GLOSSARY §4).
LINLI_SERVICE_CIRCLE_METERS = env.env_int("LINLI_SERVICE_CIRCLE_METERS", 1000, minimum=100)

# A visit's photo, after the phone has compressed it (JPEG, longest side ~1280 px: ~200 KB);
# stored in the data folder (visit-photos/), never under the web root. The API body carries
# it base64-encoded, so keep it well under DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) × 3/4.
LINLI_VISIT_PHOTO_MAX_BYTES = env.env_int("LINLI_VISIT_PHOTO_MAX_BYTES", 1_000_000,
                                          minimum=10_000)
