"""DataJam settings, read from environment variables.

Every setting has a default that works on a laptop with no server: SQLite under ``var/`` and a
Celery broker on the local file system. Set ``DATABASE_URL`` and ``REDIS_URL`` for PostgreSQL and
Redis; set ``DATAJAM_ENV=production`` to refuse the development defaults.
"""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DATAJAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DATAJAM_ENV", "development") == "production"
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "DATAJAM_ENV=production needs SECRET_KEY set to a random string of 32+ characters."
    )
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Who may create events: "anyone" signed in, or only "staff" accounts (is_staff).
DATAJAM_EVENT_CREATORS = os.environ.get(
    "DATAJAM_EVENT_CREATORS", "staff" if PRODUCTION else "anyone"
).strip()
if DATAJAM_EVENT_CREATORS not in {"anyone", "staff"}:
    raise ImproperlyConfigured("DATAJAM_EVENT_CREATORS must be 'anyone' or 'staff'.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "api",
    "competitions",
    "judging",
    "starter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "competitions.visitor_pages.VisitorPageMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.TimezoneMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "competitions.personal_pages.PersonalPageMiddleware",
]

ROOT_URLCONF = "datajam.urls"
WSGI_APPLICATION = "datajam.wsgi.application"
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
                "django.template.context_processors.tz",
                "competitions.context_processors.notifications",
                "accounts.context_processors.two_factor_return",
            ],
        },
    },
]

# Forms render with an error summary tied to the fields (datajam/forms.py, templates/forms/).
FORM_RENDERER = "datajam.forms.FormRenderer"

# Connections are kept open and reused for DATABASE_CONN_MAX_AGE seconds (0: a new connection
# per request, which costs PostgreSQL a process fork each time), checked before reuse so one
# dropped by a restart of the server is replaced instead of failing a request. Each web thread
# and each worker process holds one: see "Database connections" in docs/deploy.md for sizing
# max_connections. DATABASE_POOL=true uses psycopg's pool in each process instead (PostgreSQL
# only; DATABASE_POOL_MIN_SIZE / DATABASE_POOL_MAX_SIZE), for many threads sharing few
# connections; a PgBouncer in front of PostgreSQL serves the same purpose across hosts.
DATABASE_POOL = env_bool("DATABASE_POOL", False)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'datajam.sqlite3'}"),
        conn_max_age=0 if DATABASE_POOL else int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
# Behind PgBouncer in transaction mode a server-side cursor may outlive its connection.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
)
if DATABASE_POOL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOL needs a PostgreSQL DATABASE_URL.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
        "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The web process and the worker share the file: wait for a lock rather than fail at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache is shared by every web process and worker on every host: login-failure counters and
# the daily cap on invitation e-mails must count the same everywhere. Redis when REDIS_URL is set
# (CACHE_REDIS_URL puts it in a Redis database of its own), under a key prefix the broker never
# uses; else a table in the database (``manage.py createcachetable``; ``make run`` does it).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL") or REDIS_URL
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "datajam-cache")
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "datajam.cache.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "datajam_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# Sessions are read from the shared cache and written through to the database: a signed-in
# request costs no session query, and a session outlives a flushed cache.
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.cached_db")
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's and allauth's backends, reading the signed-in person's row from the shared cache
# (accounts.backends) for USER_CACHE_SECONDS at most, forgotten whenever the row is saved: one
# query less on every signed-in request. 0 reads the row every time.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
USER_CACHE_SECONDS = int(os.environ.get("USER_CACHE_SECONDS", "300"))

# django-allauth: e-mail is the login; verification is mandatory (console e-mail in development).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Failed passwords are limited by accounts/login_limits.py (per account and per network, with a
# growing wait, never for a device the account has logged in from before), not by allauth's
# own "login_failed" limit, which refuses even the right password once it is reached. allauth
# still uses "login_failed" for wrong two-factor codes: reached only with the right password.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": "10/5m/key",
    # A venue behind one address signs up together.
    "signup": "60/m/ip",
}
LOGIN_LIMITS = {
    # Wrong passwords for one login (e-mail) from devices that never logged in to it: the first
    # FREE in WINDOW seconds cost nothing; each further one makes the next try wait, doubling
    # from FIRST_DELAY up to MAX_DELAY seconds.
    "ACCOUNT": {
        "FREE": int(os.environ.get("LOGIN_ACCOUNT_FREE_FAILURES", "5")),
        "WINDOW": 24 * 3600,
        "FIRST_DELAY": 2,
        "MAX_DELAY": 15 * 60,
    },
    # The same from one network address, whatever the account. A venue behind one NAT makes
    # typos all day: more free failures, a short window, a short longest wait.
    "IP": {
        "FREE": int(os.environ.get("LOGIN_IP_FREE_FAILURES", "30")),
        "WINDOW": 3600,
        "FIRST_DELAY": 2,
        "MAX_DELAY": 60,
    },
    # A device the account logged in from before skips both, until it gets the password
    # wrong this often in a day (a stolen cookie is worth a few guesses, no more).
    "DEVICE_MAX_FAILURES": 10,
    "DEVICE_WINDOW": 24 * 3600,
    "DEVICE_COOKIE_AGE": 365 * 24 * 3600,
}
# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) and recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "DataJam")
# A code of the period before or after is accepted too: phones' clocks drift. Each code works
# once (allauth remembers used codes in the shared cache).
MFA_TOTP_TOLERANCE = 1
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# E-mail: the console in development; EMAIL_URL for a real server, parsed by dj-email-url, e.g.
# submission://user:password@smtp.example.org:587 (STARTTLS), smtp://user:password@host:465?ssl=1
# (implicit TLS), smtp://host:25 (plain). Quote special characters in the user and password.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "DataJam <noreply@datajam.local>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _email = dj_email_url.parse(EMAIL_URL)
    EMAIL_BACKEND = _email.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or (465 if _email["EMAIL_USE_SSL"] else 25)
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# A mail server that does not answer must not hold a web request for ever (EMAIL_URL's
# ?timeout= wins).
EMAIL_TIMEOUT = (EMAIL_URL and _email["EMAIL_TIMEOUT"]) or int(
    os.environ.get("EMAIL_TIMEOUT", "20")
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Hidden truth, public data and submissions: never under a URL; served only through views
# that check permission. Every host running web or workers must reach the same storage.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", VAR_DIR / "private"))

STORAGE_BACKEND = os.environ.get("DATAJAM_STORAGE", "local")
if STORAGE_BACKEND == "s3":
    # S3 or any S3-compatible service (django-storages + boto3). Every object is written with
    # the "private" ACL and nothing is served from the bucket: downloads stream through the
    # views that check permission. Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or
    # whatever else boto3 finds (an instance role, say).
    PRIVATE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", "datajam-private"),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "location": "private",
        },
    }
else:
    PRIVATE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    }
STORAGES = {
    "default": PRIVATE_STORAGE,
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Invitation e-mails one team may have the platform send per day (00:00 UTC reset).
TEAM_INVITE_EMAILS_PER_DAY = int(os.environ.get("TEAM_INVITE_EMAILS_PER_DAY", "20"))

# A stored submission file without a row (its web process died before the commit) and leftover
# temporary upload files are deleted once this old, every ORPHAN_CLEAN_INTERVAL_SECONDS.
ORPHAN_FILE_AGE_SECONDS = float(os.environ.get("ORPHAN_FILE_AGE_SECONDS", "3600"))
ORPHAN_CLEAN_INTERVAL_SECONDS = float(os.environ.get("ORPHAN_CLEAN_INTERVAL_SECONDS", "3600"))
# Where Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE while they arrive (None: the
# system's temporary folder); the cleanup looks there for uploads a killed process left.
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
# Uploads: refused above this size before anything is stored.
SUBMISSION_MAX_BYTES = int(os.environ.get("SUBMISSION_MAX_BYTES", str(200 * 1024 * 1024)))
# ... and once decompressed (a .csv.gz is read through at upload, in chunks, and stopped here;
# the worker checks again before parsing): a gzip bomb is refused as a file error.
SUBMISSION_MAX_DECOMPRESSED_BYTES = int(
    os.environ.get("SUBMISSION_MAX_DECOMPRESSED_BYTES", str(1024 * 1024 * 1024))
)
# Project write-ups (PDF or Markdown): refused above this size.
PROJECT_WRITEUP_MAX_BYTES = int(os.environ.get("PROJECT_WRITEUP_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery. The database is the source of truth for a submission's state; the queue only carries
# work, so the result backend is off. A lost message or a dead worker never loses a submission:
# the sweeper (competitions/services/sweeper.py, run by beat) finds it and sends it again.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcasts (``celery inspect``, the queue health page) go through this folder.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The file broker polls its folder; a short interval keeps upload-to-score near a second.
        "polling_interval": 0.2,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message whose worker died unacknowledged is redelivered after this long. Keep it
        # above the longest scoring time limit: a message redelivered while its run is alive
        # is harmless (the submission is no longer queued, so the task does nothing), merely
        # wasted. The sweeper notices a dead worker far sooner, from the missing heartbeat.
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
# Acknowledge a message only once its task has run, and hand it back to the queue when the
# process running it dies: no message is dropped with its work undone.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per worker process: a slow run never holds others in its prefetch
# buffer, so the next submission goes to whichever process on whichever host is idle.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "scoring.tasks.score_submission": {"queue": "scoring"},
    # Housekeeping goes to its own queue so a backlog of scoring never delays it.
    "scoring.tasks.sweep_submissions": {"queue": "default"},
    "competitions.tasks.clean_orphan_files": {"queue": "default"},
    "judging.tasks.remind_handins": {"queue": "default"},
    # Generating a template challenge takes seconds to minutes: never behind the scoring queue.
    "competitions.tasks.create_challenge_from_template": {"queue": "default"},
}
# A worker process is replaced once a task leaves it above this resident size (KiB).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(
    os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD_KB", str(4 * 1024 * 1024))
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"

# Seconds a rendering of what many people read (leaderboard boards and charts, event and
# challenge pages for people not signed in) is kept in the shared cache; keys change with the
# content (competitions/page_cache.py), so this only bounds memory and any staleness the keys
# miss. 0 turns the caching off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Whole pages for visitors who are not signed in (competitions.visitor_pages): kept while the
# versions they were rendered with hold, and this long at most; 0 turns it off.
VISITOR_PAGE_SECONDS = int(os.environ.get("VISITOR_PAGE_SECONDS", "15"))
# A signed-in person's own event, challenge and home pages (competitions.personal_pages): kept
# for them while the versions they read hold (the event's content, their own rows, their team's),
# and this long at most; 0 turns it off.
PERSONAL_PAGE_SECONDS = int(os.environ.get("PERSONAL_PAGE_SECONDS", "60"))
# While scores arrive faster than this, a leaderboard (and its charts) is rendered again at most
# once per this many seconds; readers in between get the last rendering, which carries its own
# version, so open pages catch up as soon as the next one is made. 0: a new rendering per score.
BOARD_REFRESH_SECONDS = float(os.environ.get("BOARD_REFRESH_SECONDS", "5"))

# How often an open leaderboard asks whether it changed (an empty answer while it has not).
LEADERBOARD_POLL_SECONDS = float(os.environ.get("LEADERBOARD_POLL_SECONDS", "15"))
# A submission page asks for its status every 100 ms or so while it is queued or running. While
# nothing changed (the status token it carries is current: competitions.page_cache), a poll from
# a rendering younger than this many seconds is answered "unchanged" (204) without a query
# (competitions.visitor_pages); an older one is rendered again, which keeps the queue position,
# the waiting time and the polling interval this current. 0: every poll is rendered; so is
# every poll when PAGE_CACHE_SECONDS=0.
STATUS_POLL_FRESH_SECONDS = float(os.environ.get("STATUS_POLL_FRESH_SECONDS", "2"))

# Scoring runs (competitions/services/scoring.py) and the sweeper (services/sweeper.py).
# Soft time limit of a run; a phase may set its own. The run is told at the soft limit and
# fails cleanly; the process is killed if it is still busy SCORING_HARD_TIME_LIMIT_GRACE_SECONDS
# later (e.g. stuck in C code).
SCORING_TIME_LIMIT_SECONDS = int(os.environ.get("SCORING_TIME_LIMIT_SECONDS", "600"))
SCORING_HARD_TIME_LIMIT_GRACE_SECONDS = int(
    os.environ.get("SCORING_HARD_TIME_LIMIT_GRACE_SECONDS", "30")
)
# Address space (RLIMIT_AS) one run may add to its worker process, in MB; past it the run gets
# a MemoryError instead of the host swapping or the kernel killing processes. 0: no cap.
SCORING_MEMORY_LIMIT_MB = int(os.environ.get("SCORING_MEMORY_LIMIT_MB", "4096"))
# A running submission proves its worker is alive this often; silent this long (two beats),
# the sweeper presumes its worker gone and sends it to another. With the sweep interval below,
# a whole worker killed mid-run is rescued within about 10 + 3 s.
SCORING_HEARTBEAT_SECONDS = float(os.environ.get("SCORING_HEARTBEAT_SECONDS", "5"))
SCORING_HEARTBEAT_STALE_SECONDS = float(os.environ.get("SCORING_HEARTBEAT_STALE_SECONDS", "10"))
# A redelivered or duplicate task takes over a running submission whose heartbeat has been
# silent this long (0: twice SCORING_HEARTBEAT_SECONDS), without waiting for the sweeper.
SCORING_TAKEOVER_STALE_SECONDS = float(os.environ.get("SCORING_TAKEOVER_STALE_SECONDS", "0"))
# A task that cannot reach the database is sent again after 1, 2, 4, ... seconds, at most this.
SCORING_DB_RETRY_MAX_SECONDS = float(os.environ.get("SCORING_DB_RETRY_MAX_SECONDS", "30"))
# Memory each scoring worker process may keep prepared truths in (competitions/truth_cache.py),
# least recently used out first; about 75 MB per million ads. 0: prepare the truth every run.
SCORING_TRUTH_CACHE_MB = int(os.environ.get("SCORING_TRUTH_CACHE_MB", "512"))
# Runs a submission gets before the sweeper gives up, fails it and refunds the team.
SCORING_MAX_ATTEMPTS = int(os.environ.get("SCORING_MAX_ATTEMPTS", "3"))
# A team whose files hit the memory or time limit in two runs this many times in a UTC day may
# not upload again until the reset (0: no cap). Each such file also counts as a failed file.
SCORING_LIMIT_FAILURES_PER_DAY = int(os.environ.get("SCORING_LIMIT_FAILURES_PER_DAY", "3"))
# A queued submission's message is sent again when the broker's scoring queue is empty and
# the submission has waited this long (its message was lost, e.g. Redis was flushed) ...
SCORING_QUEUED_GRACE_SECONDS = float(os.environ.get("SCORING_QUEUED_GRACE_SECONDS", "15"))
# ... or when the queue holds fewer messages than there are queued submissions and it has
# waited this long.
SCORING_QUEUED_TIMEOUT_SECONDS = float(os.environ.get("SCORING_QUEUED_TIMEOUT_SECONDS", "300"))
# How often beat runs the sweeper (a handful of indexed queries).
SCORING_SWEEP_INTERVAL_SECONDS = float(os.environ.get("SCORING_SWEEP_INTERVAL_SECONDS", "3"))
# Workers run the sweep themselves (one of them, each interval) when beat has not run it for
# two intervals, so losing beat is not fatal. false: only beat (and manage.py) sweep.
SCORING_WORKER_SWEEP = env_bool("SCORING_WORKER_SWEEP", True)
# How often beat looks for judged tracks whose hand-in closes within 24 hours (each track's
# teams are reminded once).
JUDGING_REMINDER_INTERVAL_SECONDS = float(
    os.environ.get("JUDGING_REMINDER_INTERVAL_SECONDS", "900")
)
# Threads of the numeric libraries (OpenBLAS, Arrow) in each worker process: scale out with
# processes (one per core), not threads. 0 leaves the libraries' own defaults.
SCORING_THREADS_PER_PROCESS = int(os.environ.get("SCORING_THREADS_PER_PROCESS", "1"))

# The REST API (api/README.md): personal tokens (``Authorization: Bearer``) or the browser's
# session (with CSRF); every refusal as ``{"error": {"code", "message"}}``; throttles count in
# the shared cache, so every web process counts the same.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.AnonThrottle", "api.throttles.UserThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Requests per period ("N/second|minute|hour|day"): by network address for anonymous callers
# and wrong tokens, by person otherwise; uploads have their own (the team quota still applies).
API_THROTTLE_RATES = {
    "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
    "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    "submit": os.environ.get("API_THROTTLE_SUBMIT", "20/minute"),
    "token_failures": os.environ.get("API_THROTTLE_TOKEN_FAILURES", "20/hour"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DataJam API",
    "DESCRIPTION": (
        "Events, challenges, data, submissions and leaderboards of DataJam. Authenticate with "
        "a personal API token (profile page, or `manage.py create_api_token`) sent as "
        '`Authorization: Bearer <token>`. Errors are `{"error": {"code": ..., '
        '"message": ...}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Self-hosted Swagger UI (drf-spectacular-sidecar): no CDN, allowed by the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Content-Security-Policy: scripts, styles, fonts and fetches only from this site, no inline
# script or style (every handler lives in static/js), no plugins, no framing. Images may also be
# data: URIs (the two-factor QR code); user Markdown never shows remote images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Production: HTTPS only. Behind a proxy that terminates TLS, it must set X-Forwarded-Proto
# (SECURE_PROXY_SSL_HEADER, empty to trust no header); set SECURE_SSL_REDIRECT=false when the
# proxy itself redirects, and the cookie flags to false only to try a release over plain HTTP.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
_proxy_header = os.environ.get(
    "SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO" if PRODUCTION else ""
)
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")
