"""SalesOps settings: one file, read from the environment.

With nothing set, the app runs on embedded defaults: SQLite in ./var, Celery tasks run
in-process, e-mail to the console. Production names DATABASE_URL, REDIS_URL, SECRET_KEY,
DEBUG=0 and ALLOWED_HOSTS (see README; every variable is described in .env.example).
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_flag(name: str, default: bool) -> bool:
    """A yes/no variable, read strictly: 1/0, true/false, yes/no, on/off (any case); unset or
    empty is the default. Anything else stops the start-up rather than be read as "no"."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off, not {os.environ[name]!r}."
    )


# DEBUG is on only under runserver unless the environment says otherwise
# (architecture.md "Embedded default and production").
DEBUG = env_flag("DEBUG", default="runserver" in sys.argv)
# The local plain-HTTP mode (README, "Running production-shaped"): production settings, but
# no redirect to HTTPS, no HSTS and cookies that travel over plain HTTP. Never in production.
HTTP_ONLY = env_flag("SALESOPS_HTTP_ONLY", default=False)
# Behind our TLS proxy (the compose file's Caddy), and only there, the proxy's
# X-Forwarded-Proto and X-Forwarded-For are believed; a directly exposed server ignores them.
BEHIND_PROXY = env_flag("SALESOPS_BEHIND_PROXY", default=False)
# How many proxies stand in front of the app, each appending the address it was reached from
# to X-Forwarded-For (the compose stack: Caddy alone, 1). Read only behind a proxy.
PROXY_COUNT = env.int("SALESOPS_PROXY_COUNT", default=1) if BEHIND_PROXY else 0
if BEHIND_PROXY and PROXY_COUNT < 1:
    raise ImproperlyConfigured("SALESOPS_PROXY_COUNT must be at least 1 behind a proxy.")

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-not-for-production-" + "x" * 24

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our apps first: their translations take precedence over Django's and the libraries'
    # (Django's admin says 过滤器 for "Filter"; our screens say 筛选).
    "salesops",
    "territories",
    "customers",
    "visits",
    "sales",
    "expenses",
    "reports",
    "scorecards",
    "rollups",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "pgtrigger",
    "pghistory",
]

MIDDLEWARE = [
    # First: /health/ answers before the host check, whatever ALLOWED_HOSTS names.
    "salesops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Then the second factor: which device verified this session, and the roles that need one
    # are held at the code page until it has (salesops.mfa).
    "django_otp.middleware.OTPMiddleware",
    "salesops.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "salesops.middleware.CompanySettingsPerRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes last: it answers locked-out logins after authentication has been attempted.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salesops.urls"
WSGI_APPLICATION = "salesops.wsgi.application"

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
                "csp.context_processors.nonce",
                "salesops.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'salesops.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Two people deciding at once on the embedded default: every transaction takes the write
    # lock when it begins (so the second waits, then reads the first one's decision instead of
    # failing with "database is locked"), readers keep reading during a write (WAL), and a
    # waiting writer gives up only after 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests run on a file like the app does: an in-memory database shared between threads
    # locks whole tables, which is not how the embedded default behaves.
    DATABASES["default"].setdefault("TEST", {"NAME": str(BASE_DIR / "var" / "test.sqlite3")})
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ON_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if ON_POSTGRES:
    # The trigger guard asks every row which triggers to skip; unset, it raises and catches an
    # error per row (salesops/history.py). An empty list skips none, and costs nothing.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c pgtrigger.ignore={{}}".strip()
    # PostgreSQL compiles a plan with JIT once it looks costly; for the 80/20 of the whole
    # company at tier L that compile took 3.6 s of a 7.7 s query, and no page or job here runs
    # long enough to win it back (docs/performance.md, "JIT").
    _options["options"] += " -c jit=off"
    # Row history by database triggers (bulk updates included) tags each change with the
    # request's user; SQLite has no such triggers, so the embedded default keeps the audit only.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django_htmx.middleware.HtmxMiddleware") + 1,
        "pghistory.middleware.HistoryMiddleware",
    )
(BASE_DIR / "var").mkdir(exist_ok=True)

AUTH_USER_MODEL = "salesops.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (ASVS 2.2): 5 failures per user and address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Password-reset mail: at most this many per address and per client address in the window.
PASSWORD_RESET_PER_ADDRESS = env.int("PASSWORD_RESET_PER_ADDRESS", default=3)
PASSWORD_RESET_PER_CLIENT = env.int("PASSWORD_RESET_PER_CLIENT", default=10)
PASSWORD_RESET_WINDOW = timedelta(hours=1)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Second factor (salesops.mfa): authenticator apps show the account under this name; each
# failed code doubles the wait before the next try (1, 2, 4 … seconds).
OTP_TOTP_ISSUER = "SalesOps"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin resets a lost authenticator by deleting it; nobody reads another person's key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The client address (lockout, reset throttle) comes from django-ipware. Behind the proxies
# it is the X-Forwarded-For entry the outermost of our proxies appended: otherwise every login
# would come from the proxy's address, and five failures would lock a user out for everyone.
# Entries left of it were written by the client and prove nothing; the entries right of it
# are our inner proxies (ipware counts those, hence PROXY_COUNT - 1). A request that did not
# come through them all falls back to the peer's address.
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_PROXY else ("REMOTE_ADDR",)
)
# Not strict: a header longer than our chain (the client sent one of its own) still yields the
# entry at our outermost proxy's position, rather than the proxy's own address.
IPWARE_STRICT = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["salesops.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("COMPANY_TIME_ZONE", default="Asia/Shanghai")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Background work: a real broker when REDIS_URL is set, in-process tasks otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker that loses Redis keeps trying to reconnect, at start-up and later, instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Longest single SQL statement of a job (salesops.celery): 10 minutes by default.
JOB_STATEMENT_TIMEOUT_MS = env.int("JOB_STATEMENT_TIMEOUT_MS", default=10 * 60 * 1000)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Time limits: the soft one raises SoftTimeLimitExceeded in the task (its transaction rolls
# back), the hard one kills the worker process. Tasks are short by default; the nightly and
# bulk jobs (by task name: keep in step with */tasks.py and */schedules.py) get longer limits.
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
_LONG_JOB_SOFT_TIME_LIMIT = 50 * 60
_LONG_JOB_TIME_LIMIT = 55 * 60
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": _LONG_JOB_SOFT_TIME_LIMIT, "time_limit": _LONG_JOB_TIME_LIMIT}
    for name in (
        "customers.tasks.classify_all",  # nightly classification
        "customers.tasks.run_import",  # a confirmed prospect list
        "sales.tasks.run_sales_import",  # an uploaded sales file
        "sales.tasks.score_months",  # scoring a range of half-years
        "sales.tasks.score_recent_months",  # nightly rollup and scoring
        "rollups.tasks.rebuild_all",  # nightly region rollup rebuild
        "rollups.tasks.refresh_customer_values",  # the 1st: every customer's twelve months
        "rollups.tasks.close_month_and_mail",  # the 1st: last month rebuilt and mailed
    )
}
# The job ledger (salesops.ledger): a running job renews its lease every third of
# JOB_LEASE_SECONDS; the sweeper runs every JOB_SWEEP_SECONDS and publishes again the jobs
# whose lease ran out (a dead worker) or that waited queued JOB_REPUBLISH_AFTER_SECONDS (a lost
# message, a broker that was down). A job that raised is tried JOB_MAX_ATTEMPTS times.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=90)
JOB_SWEEP_SECONDS = env.int("JOB_SWEEP_SECONDS", default=60)
JOB_REPUBLISH_AFTER_SECONDS = env.int("JOB_REPUBLISH_AFTER_SECONDS", default=5 * 60)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
JOB_KEEP_DAYS = env.int("JOB_KEEP_DAYS", default=14)
# The sweeper also starts a nightly job whose time today has passed with no ledger row (beat's
# message was lost with Redis). Off only where a test's worker must run nothing unasked.
JOB_CATCH_UP_NIGHTLY = env.bool("JOB_CATCH_UP_NIGHTLY", default=True)
# Where links in mail point (reminders, the monthly rollup): the site's address as users see it.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
# Customers per committed batch of the nightly classification (customers.classification).
CLASSIFY_BATCH_SIZE = env.int("CLASSIFY_BATCH_SIZE", default=5000)
# Publishing from a web request gives up quickly when Redis is unreachable (the job waits in
# the ledger); the worker keeps retrying its own connection for ever.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# With acks_late a task's message stays unacknowledged until it ends; Redis hands it to another
# worker after the visibility timeout. It must outlast the longest hard limit, or a long job
# would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _LONG_JOB_TIME_LIMIT + 10 * 60,
    "socket_connect_timeout": 2,
}
# beat's record of the last runs: under var/, not in the working directory.
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SalesOps <noreply@localhost>")

# Security (ASVS level 2). On by default outside debug and the local plain-HTTP mode;
# `check --deploy` is clean. (/health/ is answered before the HTTPS redirect: the container
# health check speaks plain HTTP.)
_HTTPS = not DEBUG and not HTTP_ONLY
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=_HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", default=_HTTPS)
CSRF_COOKIE_SECURE = env_flag("CSRF_COOKIE_SECURE", default=_HTTPS)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, 404, 400) is one line, not a traceback; server errors keep theirs.
    "filters": {"one_line_refusals": {"()": "salesops.log_filters.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
