"""One settings module, driven by environment variables (see docs/deployment.md).

Development and tests need no variables at all. Production sets
GONGKAI_PRODUCTION=1, which makes SECRET_KEY and ALLOWED_HOSTS mandatory.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gongkai.env import env_bool, env_int, env_list, env_str

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
    "gongkai.reports",
    "gongkai.portal",
    "gongkai.workspace",
    "gongkai.api",
    "gongkai.demo",
    "gongkai.letters",  # notice letters (告知书): organ-editable templates, DOCX/PDF rendering (issue 3 helper)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
        }
    }
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
# Periodic jobs for `celery -A gongkai beat` (each is idempotent: a rerun or a second scheduler does no harm).
# Without a broker, cron runs the same work: `manage.py check_application_deadlines` and `send_pending_notifications`.
CELERY_BEAT_SCHEDULE = {
    "applications-check-deadlines": {
        "task": "gongkai.applications.tasks.check_deadlines",
        "schedule": float(env_int("APPLICATIONS_DEADLINE_CHECK_SECONDS", 3600, minimum=60)),
    },
    "notify-send-pending": {"task": "gongkai.notify.tasks.send_pending_notifications", "schedule": 60.0},
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
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
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
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
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
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gongkai API",
    "DESCRIPTION": "政务公开平台接口：公开目录只读访问，以及 OA 系统推送文件。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Reverse proxies in front of the web processes (nginx: 1). With 0, REMOTE_ADDR is the client; otherwise the
# client is taken from X-Forwarded-For (per-visitor limits such as the case-page login would otherwise count
# everyone behind the proxy as one visitor).
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
# The API's anonymous throttle counts visitors the same way (DRF: None means REMOTE_ADDR).
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES or None

# --- Site identity (page meta tags government sites use) -----------------------------
SITE_NAME = env_str("SITE_NAME", "政务公开平台")

# --- Security in production -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per in-process job drowns the console of the embedded setup.
        "celery.app.trace": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; the audit trail already records them.
        "axes": {"level": "WARNING"},
    },
}
