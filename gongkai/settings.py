"""One settings module, driven by environment variables (see docs/deployment.md).

Development and tests need no variables at all. Production sets
GONGKAI_PRODUCTION=1, which makes SECRET_KEY and ALLOWED_HOSTS mandatory.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from gongkai.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GONGKAI_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_bool("GONGKAI_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on when GONGKAI_PRODUCTION=1")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when GONGKAI_PRODUCTION=1")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when GONGKAI_PRODUCTION=1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",  # login lockout (accounts security block below)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "csp",
    "gongkai.core",
    "gongkai.accounts",
    "gongkai.organs",
    "gongkai.workdays",
    "gongkai.signoff",
    "gongkai.sensitive",
    "gongkai.catalogue",
    "gongkai.search",
    "gongkai.notify",
    "gongkai.applications",
    "gongkai.interaction",  # 政民互动: the message box (咨询、投诉、建议、求助)
    "gongkai.webhealth",  # 网站健康: link checks, column freshness, the veto watch
    "gongkai.reports",
    "gongkai.portal",
    "gongkai.workspace",
    "gongkai.api",
    "gongkai.demo",
    "gongkai.ops",  # operations: health, metrics, request ids, the 503 page, backup/restore, file fingerprints
    "gongkai.credentials",  # API keys (接口密钥): OA push, intake channels
    "gongkai.letters",  # notice letters (告知书): organ-editable templates, DOCX/PDF rendering
]

MIDDLEWARE = [
    "gongkai.ops.middleware.RequestContextMiddleware",
    "gongkai.ops.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "gongkai.core.security.HeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongkai.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongkai.accounts.middleware.AccountSecurityMiddleware",  # session limits, second factor, forced password change
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

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
                "gongkai.core.context_processors.site",
                "gongkai.portal.context_processors.configuration",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'gongkai.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL and IMMEDIATE transactions let several threads write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The catalogue's organ index INCLUDEs columns for index-only scans on PostgreSQL;
# SQLite builds the same index without them, which Django warns about (W040).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache, sessions ---------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_PREFIX", "gongkai"),
            # Redis down: reads miss and writes are dropped (logged), so the site serves from the database
            # instead of failing; short timeouts so a dead server costs milliseconds, not the request.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env_int("REDIS_CONNECT_TIMEOUT_MS", 500, minimum=1) / 1000,
                "SOCKET_TIMEOUT": env_int("REDIS_TIMEOUT_MS", 1000, minimum=1) / 1000,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gongkai"}}
# Rendered fragments (a column's navigation and footer) kept in each process.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600, minimum=0)
# Each web process also keeps the public pages it served last in memory (bytes; 0: off).
PORTAL_LOCAL_CACHE_BYTES = env_int("PORTAL_LOCAL_CACHE_BYTES", 32 * 1024 * 1024, minimum=0)

# --- Background work ---------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
# Periodic jobs for `celery -A gongkai beat`, all of them here (each is idempotent: a rerun or a second scheduler
# does no harm). Without a broker, cron runs the same work with the management command named beside each job.
CELERY_BEAT_SCHEDULE = {
    # Deadline reminders and escalations (`manage.py check_application_deadlines`).
    "applications-check-deadlines": {
        "task": "gongkai.applications.tasks.check_deadlines",
        "schedule": float(env_int("APPLICATIONS_DEADLINE_CHECK_SECONDS", 3600, minimum=60)),
    },
    # Due and failed notifications (`manage.py send_pending_notifications`).
    "notify-send-pending": {"task": "gongkai.notify.tasks.send_pending_notifications", "schedule": 60.0},
    # Queued search index updates (`manage.py index_pending_items`, every minute) and the index reconciled with the
    # published items (`manage.py reconcile_search_index`).
    "search-index-pending": {"task": "gongkai.search.tasks.index_pending_items", "schedule": 30.0},
    "search-reconcile": {
        "task": "gongkai.search.tasks.reconcile_search_index",
        "schedule": float(env_int("SEARCH_RECONCILE_SECONDS", 3600, minimum=60)),
    },
    # Files still in quarantine because clamd was unreachable (`manage.py check_pending_uploads`).
    "catalogue-check-pending-attachments": {"task": "gongkai.catalogue.tasks.check_pending_attachments", "schedule": 600.0},
    "applications-check-pending-attachments": {
        "task": "gongkai.applications.tasks.check_pending_attachments", "schedule": 600.0,
    },
    # Message box: reminders, overdue escalation, the veto watch (`interaction.deadlines`).
    "interaction-check-deadlines": {"task": "gongkai.interaction.tasks.check_deadlines", "schedule": crontab(hour=8, minute=5)},
    "interaction-check-pending-attachments": {
        "task": "gongkai.interaction.tasks.check_pending_attachments", "schedule": 600.0,
    },
    # Website health: link checks of every site due one (`WEBHEALTH_CHECK_EVERY_HOURS`), the availability probe of
    # the public pages, and the veto-risk warnings every morning (`webhealth.watch`).
    "webhealth-schedule-link-checks": {"task": "gongkai.webhealth.tasks.schedule_link_checks", "schedule": 3600.0},
    "webhealth-probe-availability": {
        "task": "gongkai.webhealth.tasks.probe_availability",
        "schedule": float(env_int("WEBHEALTH_PROBE_SECONDS", 600, minimum=60)),
    },
    "webhealth-warn-veto-risks": {"task": "gongkai.webhealth.tasks.warn_veto_risks", "schedule": crontab(hour=8, minute=10)},
    # Annual report reminders, every morning (`manage.py annual_report_reminders`).
    "reports-annual-report-reminders": {
        "task": "gongkai.reports.tasks.send_annual_report_reminders", "schedule": crontab(hour=8, minute=0),
    },
    # The dashboard's application months recounted from the register; drift is logged and repaired
    # (`manage.py check_application_months`).
    "reports-check-application-months": {
        "task": "gongkai.reports.tasks.check_application_months", "schedule": crontab(hour=2, minute=30),
    },
    # 网页防篡改: public files compared with their fingerprints (`manage.py fingerprints verify`).
    "ops-check-fingerprints": {
        "task": "gongkai.ops.tasks.check_fingerprints",
        "schedule": float(env_int("FINGERPRINT_CHECK_SECONDS", 3600, minimum=60)),
    },
}

# --- Auth: accounts security (password policy, lockout, sessions, second factor, duties) ---------------
# docs/security/accounts.md explains each rule; docs/deployment.md lists the variables.
AUTHENTICATION_BACKENDS = [
    "gongkai.accounts.backends.LoginLockoutBackend",  # refuses a locked-out account or address before any check
    "gongkai.accounts.backends.DutyBackend",  # the three platform administrators' admin permissions
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5, minimum=0)
# Days a password stays valid; 0: no expiry. An expired password must be changed at the next sign-in.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gongkai.accounts.validators.CharacterClassesValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "gongkai.accounts.validators.NotContainingUsernameValidator"},
    {"NAME": "gongkai.accounts.validators.PasswordHistoryValidator"},
]
# Lockout (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one address, lock further
# attempts of that account / from that address for LOGIN_LOCKOUT_MINUTES (each attempt while locked restarts it).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "gongkai.core.visitor.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "gongkai.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = True
# Sessions of signed-in people: idle timeout and absolute lifetime (minutes), and optionally one session per account
# (a new sign-in ends the older one). Visitors' sessions (a followed case) are not affected.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 8, minimum=1)
SESSION_SINGLE_PER_ACCOUNT = env_bool("SESSION_SINGLE_PER_ACCOUNT", False)
# Second factor (TOTP): always for superusers and the three administrators, and for the staff of an organ whose
# "second factor required" box is ticked. SECOND_FACTOR_ENFORCED=0 turns the requirement off (never in production).
SECOND_FACTOR_ENFORCED = env_bool("SECOND_FACTOR_ENFORCED", True)
if PRODUCTION and not SECOND_FACTOR_ENFORCED:
    raise ImproperlyConfigured("SECOND_FACTOR_ENFORCED cannot be off when GONGKAI_PRODUCTION=1")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "gongkai")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # nobody reads another person's authenticator key or QR code in the admin
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60, minimum=5) * 60
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:start"
LOGOUT_REDIRECT_URL = "portal:home"

# --- Language, time -----------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ---------------------------------------------------------------------
STATIC_URL = "/static/"
# WhiteNoise serves static files in every mode. Production serves the collected, hashed files of STATIC_ROOT;
# elsewhere (make run, tests) it finds them where they live, so DEBUG can stay off without a collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers and crawlers ask for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)

# --- Uploads: limits per purpose, archive bombs, bounded reading, virus scanning -----------------
# Every purpose has its own size limit; UPLOAD_MAX_BYTES above stays the ceiling for all of them.
_MB = 1024 * 1024
UPLOAD_LIMITS = {
    "application_attachment": env_int("UPLOAD_MAX_BYTES_APPLICATION", 20 * _MB, minimum=1024),
    "catalogue_attachment": env_int("UPLOAD_MAX_BYTES_CATALOGUE", 50 * _MB, minimum=1024),
    "catalogue_import": env_int("UPLOAD_MAX_BYTES_IMPORT", 50 * _MB, minimum=1024),
    "report_import": env_int("UPLOAD_MAX_BYTES_REPORT", 10 * _MB, minimum=1024),
    "report_figures": env_int("UPLOAD_MAX_BYTES_REPORT_FIGURES", 2 * _MB, minimum=1024),
    "released_file": env_int("UPLOAD_MAX_BYTES_RELEASED", 50 * _MB, minimum=1024),
}
# Files released with a reply (随复函提供的信息): downloadable on the case page for this many days after release;
# attached to the e-mail up to this total size (above it, the e-mail points to the case page).
APPLICATIONS_RELEASE_DAYS = env_int("APPLICATIONS_RELEASE_DAYS", 30, minimum=1)
APPLICATIONS_RELEASE_EMAIL_MAX_BYTES = env_int("APPLICATIONS_RELEASE_EMAIL_MAX_BYTES", 10 * _MB, minimum=0)
# ZIP containers (DOCX, XLSX, OFD) are judged by their central directory before anything is unpacked.
ARCHIVE_MAX_UNPACKED_BYTES = env_int("ARCHIVE_MAX_UNPACKED_BYTES", 200 * _MB, minimum=_MB)
ARCHIVE_MAX_MEMBER_BYTES = env_int("ARCHIVE_MAX_MEMBER_BYTES", 100 * _MB, minimum=_MB)
ARCHIVE_MAX_RATIO = env_int("ARCHIVE_MAX_RATIO", 100, minimum=2)
ARCHIVE_MAX_MEMBERS = env_int("ARCHIVE_MAX_MEMBERS", 2000, minimum=10)
# A published annual report is a few hundred KB; its DOCX is read while the visitor waits.
REPORT_MAX_UNPACKED_BYTES = env_int("REPORT_MAX_UNPACKED_BYTES", 20 * _MB, minimum=_MB)
REPORT_MAX_TABLE_CELLS = env_int("REPORT_MAX_TABLE_CELLS", 2000, minimum=1000)
REPORT_MAX_PARAGRAPHS = env_int("REPORT_MAX_PARAGRAPHS", 3000, minimum=1000)
# (python-docx reads about 3,000 cells or paragraphs a second here; a report has a few hundred.)
# Text of attachments is read in a child process with these limits, in a background job.
EXTRACT_TIMEOUT_SECONDS = env_int("EXTRACT_TIMEOUT_SECONDS", 60, minimum=1)
EXTRACT_MAX_MEMORY_BYTES = env_int("EXTRACT_MAX_MEMORY_BYTES", 1024 * _MB, minimum=128 * _MB)
EXTRACT_MAX_CHARS = env_int("EXTRACT_MAX_CHARS", 2_000_000, minimum=1000)
EXTRACT_MAX_PDF_PAGES = env_int("EXTRACT_MAX_PDF_PAGES", 1000, minimum=1)
EXTRACT_MAX_ROWS = env_int("EXTRACT_MAX_ROWS", 100_000, minimum=100)
EXTRACT_MAX_CELLS = env_int("EXTRACT_MAX_CELLS", 2_000_000, minimum=1000)
# Spreadsheets read while a person waits (catalogue import, report figures): rows and cells, gaps included.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000, minimum=100)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 10_000_000, minimum=1000)
# Anonymous applicants: files per client address and day, in count and bytes.
ANONYMOUS_UPLOADS_PER_DAY = env_int("ANONYMOUS_UPLOADS_PER_DAY", 30, minimum=0)
ANONYMOUS_UPLOAD_BYTES_PER_DAY = env_int("ANONYMOUS_UPLOAD_BYTES_PER_DAY", 100 * _MB, minimum=0)
# ClamAV: a clamd socket (unix path) or host and port. Unset: no scan, files are usable at once.
CLAMD_SOCKET = env_str("CLAMD_SOCKET", "") or ""
CLAMD_HOST = env_str("CLAMD_HOST", "") or ""
CLAMD_PORT = env_int("CLAMD_PORT", 3310, minimum=1)
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", 60, minimum=1)

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "access_key": env_str("S3_ACCESS_KEY"),
            "secret_key": env_str("S3_SECRET_KEY"),
            # Objects are private; a download is streamed through the checking view or, with
            # FILE_SERVE_MODE=signed, redirected to an address signed for FILE_SIGNED_URL_SECONDS.
            "default_acl": "private",
            "signature_version": "s3v4",
            "querystring_auth": True,
            "querystring_expire": env_int("FILE_SIGNED_URL_SECONDS", 60, minimum=5),
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# --- Private files -------------------------------------------------------------
# How a checked download is handed over: django (streamed by the view), nginx (X-Accel-Redirect to the
# internal location FILE_SERVE_INTERNAL_PREFIX, which maps to MEDIA_ROOT), sendfile (X-Sendfile, Apache
# mod_xsendfile) or signed (object storage only: a redirect to a signed address valid FILE_SIGNED_URL_SECONDS).
FILE_SERVE_MODE = env_str("FILE_SERVE_MODE", "django")
if FILE_SERVE_MODE not in ("django", "nginx", "sendfile", "signed"):
    raise ImproperlyConfigured("FILE_SERVE_MODE must be django, nginx, sendfile or signed.")
FILE_SERVE_INTERNAL_PREFIX = env_str("FILE_SERVE_INTERNAL_PREFIX", "/protected-files/")
FILE_SIGNED_URL_SECONDS = env_int("FILE_SIGNED_URL_SECONDS", 60, minimum=5)

STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Search --------------------------------------------------------------------
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(VAR_DIR / "search-index")))

# --- Notifications ---------------------------------------------------------------
NOTIFY_BACKENDS = env_list("NOTIFY_BACKENDS", ["console"])
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "gongkai@localhost")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")

# --- API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": ["gongkai.api.throttling.AddressThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gongkai API",
    "DESCRIPTION": "政务公开平台接口：公开目录只读访问，以及 OA 系统推送文件。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Reverse proxies in front of the web processes (nginx: 1). With 0, REMOTE_ADDR is the client; otherwise the
# client is taken from X-Forwarded-For (per-visitor rate limits would otherwise count everyone behind the proxy
# as one visitor). The one rule that reads it: gongkai.core.ratelimit.client_ip.
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
# For any DRF code that asks DRF for the client (the API's throttle itself uses core.ratelimit).
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES or None

# --- Bad input and error answers -------------------------------------------------------
# Control characters (NUL…) in a path, query, form, cookie or JSON body get a 400 before any view runs; 400/403/
# 404/405/500 and CSRF failures are pages in the site's layout, JSON under /api/ (docs/security/input.md).
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"), "gongkai.core.middleware.CleanInputMiddleware")
CSRF_FAILURE_VIEW = "gongkai.core.views.csrf_failure"
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "gongkai.api.exceptions.handle"
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "gongkai.api.schema.add_error_responses",
]

# --- Site identity (page meta tags government sites use) -----------------------------
SITE_NAME = env_str("SITE_NAME", "政务公开平台")
# The address at which the public reaches this platform: the link check crawls each organ's column from it, and the
# availability probe fetches the portal's key pages there (docs/webhealth.md).
PUBLIC_SITE_URL = env_str("PUBLIC_SITE_URL", "http://127.0.0.1:8000")
WEBHEALTH_CHECK_EVERY_HOURS = env_int("WEBHEALTH_CHECK_EVERY_HOURS", 24 * 7, minimum=1)
WEBHEALTH_STALE_HOURS = env_int("WEBHEALTH_STALE_HOURS", 12, minimum=1)
WEBHEALTH_LIMITS = {
    "max_pages": env_int("WEBHEALTH_MAX_PAGES", 20_000, minimum=1),
    "connect_timeout": float(env_int("WEBHEALTH_CONNECT_TIMEOUT", 10, minimum=1)),
    "read_timeout": float(env_int("WEBHEALTH_READ_TIMEOUT", 20, minimum=1)),
    "retries": env_int("WEBHEALTH_RETRIES", 2, minimum=0),
    "per_host_concurrency": env_int("WEBHEALTH_PER_HOST", 8, minimum=1),
    "politeness_delay": 0.0,
}

# --- Web hardening: CSP, HTTPS, cookies, headers, rate limits (docs/security/hardening.md) -----------
# No inline script, handler or style attribute anywhere: scripts and styles come from /static/ only. The one
# nonce is for the <style> element the rich-text editor (Trix) inserts; pages that load it pass the nonce in a
# <meta name="trix-csp-nonce">. Cached public pages never carry a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = env_str(
    "PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The CSRF token is read from the form, never by script, so its cookie is HttpOnly too.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # TLS may end at the reverse proxy; it tells the scheme in X-Forwarded-Proto (docs/deployment.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Turn off only when the proxy itself redirects plain HTTP to HTTPS.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Turning these off is an operator's recorded choice (docs/deployment.md), not something check --deploy
    # should keep warning about.
    if not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS.append("security.W008")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    # The proxy (or the load balancer's health probe) may call /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Rate limits per client address (NUM_PROXIES decides which address), "count/period" with the period in
# s, min, h or d, optionally with a number ("5/15min"). RATE_LIMIT_<NAME> in the environment overrides one;
# "off" turns it off. Counted in the default cache (Redis when REDIS_URL is set, else per process).
RATE_LIMITS = {
    "apply": "10/h",  # application form submissions
    "correct": "10/h",  # corrections sent on the case page
    "message": "10/h",  # messages sent to an organ's message box (政民互动)
    "message_phone": "5/h",  # messages giving the same phone number, from any address
    "message_lookup": "10/15min",  # failed message number + query code pairs
    "case_login": "10/15min",  # failed tracking-number + secret pairs
    "register": "5/h",  # applicant accounts opened (each sends a confirmation e-mail)
    "report_check": "20/h",  # annual-report checks (each parses an upload)
    "search": "60/min",  # portal search pages
    "api": "60/min",  # anonymous API reads
    "api_user": "600/min",  # API calls with a key
}
for _name in list(RATE_LIMITS):
    RATE_LIMITS[_name] = env_rate(f"RATE_LIMIT_{_name.upper()}", RATE_LIMITS[_name])

# --- Audit trail and personal data -------------------------------------------------------
# The audit trail is a hash chain (gongkai.core.chain): "sha256" (default) or "sm3" (国密, needs gmssl).
AUDIT_HASH_ALGORITHM = env_str("AUDIT_HASH_ALGORITHM", "sha256")
if AUDIT_HASH_ALGORITHM not in ("sha256", "sm3"):
    raise ImproperlyConfigured(f"AUDIT_HASH_ALGORITHM={AUDIT_HASH_ALGORITHM!r}: use sha256 or sm3")
# Key (any text) for the HMAC signature of audit archives (`export_audit_archive`); without it they carry a SHA-256 only.
AUDIT_ARCHIVE_KEY = env_str("AUDIT_ARCHIVE_KEY", "")
# Applicants' personal data is encrypted field by field (gongkai.core.crypto). Keys: "id:base64,id:base64" (32 bytes
# each, `python manage.py generate_encryption_key`); the one named by FIELD_ENCRYPTION_KEY_ID (default: the first)
# encrypts, every listed one decrypts. The blind index (HMAC-SHA256 for lookups by ID number or phone) has its own key.
FIELD_ENCRYPTION_CIPHER = env_str("FIELD_ENCRYPTION_CIPHER", "aes-gcm")
if FIELD_ENCRYPTION_CIPHER not in ("aes-gcm", "sm4"):
    raise ImproperlyConfigured(f"FIELD_ENCRYPTION_CIPHER={FIELD_ENCRYPTION_CIPHER!r}: use aes-gcm or sm4")
FIELD_ENCRYPTION_KEYS = env_str("FIELD_ENCRYPTION_KEYS", "")
FIELD_ENCRYPTION_KEY_ID = env_str("FIELD_ENCRYPTION_KEY_ID", "")
BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY", "")
if PRODUCTION and not (FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set when GONGKAI_PRODUCTION=1")
# Without keys (development and tests only) both are derived from SECRET_KEY under the key id "dev".

# --- Operations: logs, metrics, health, backups, file fingerprints (docs/deployment.md) ----------------
# LOG_FORMAT: "json" (one object per line, for a collector) or "text". Every line carries the request id.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be json or text")
LOG_REQUESTS = env_bool("LOG_REQUESTS", True)  # one access line per request (route, status, duration_ms)
# /metrics: readable with "Authorization: Bearer <METRICS_TOKEN>" or from METRICS_ALLOWED_IPS (addresses or networks).
# Production default: neither, so nobody may read it until one is set.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [] if PRODUCTION else ["127.0.0.1", "::1"])
# Backups: where `manage.py backup` writes when no folder is given.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
# 网页防篡改: kept copies of fingerprinted public files (outside MEDIA_ROOT and STATIC_ROOT) and the check interval.
FINGERPRINT_COPY_DIR = Path(env_str("FINGERPRINT_COPY_DIR", str(VAR_DIR / "fingerprint-copies")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "gongkai.ops.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "gongkai.ops.logging.JsonFormatter"},
        "text": {"()": "gongkai.ops.logging.TextFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per in-process job drowns the console of the embedded setup.
        "celery.app.trace": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; the audit trail already records them.
        "axes": {"level": "WARNING"},
    },
}
