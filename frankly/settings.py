"""Frankly settings. Every value comes from the environment; see .env.example.

The defaults give a safe embedded run: SQLite in WAL mode under var/, DEBUG off,
a secret key generated into var/ on first start.
"""

import contextlib
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DATA_DIR = Path(env.str("FRANKLY_DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Several processes may start at once on a new data directory (server workers,
        # the two test suites): write privately, then link into place, so the first
        # key written stays the key and nobody reads a half-written file.
        fd, temporary = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env.str("FRANKLY_SITE_NAME", default="Frankly")
SITE_URL = env.str("FRANKLY_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Serving under a path of another site (https://company.example/community/): set
# FRANKLY_BASE_PATH=/community. Every URL Frankly makes then starts with it; the proxy
# may pass the path on as it is or strip it (frankly/wsgi.py). docs/deployment.md.
BASE_PATH = "/" + env.str("FRANKLY_BASE_PATH", default="").strip("/")
BASE_PATH = "" if BASE_PATH == "/" else BASE_PATH
if BASE_PATH and SITE_URL.endswith(BASE_PATH):
    SITE_URL = SITE_URL.removesuffix(BASE_PATH)  # the origin: links are SITE_URL + reverse()
SITE_ROOT_URL = f"{SITE_URL}{BASE_PATH}"  # the front page, without its trailing slash
FORCE_SCRIPT_NAME = BASE_PATH or None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "ninja",
    "frankly.apps.FranklyConfig",
    "frankly.accounts",
    "frankly.feedback",
    "frankly.transparency",
    "frankly.incidents",
    "frankly.roadmap",
    "frankly.notify",
    "frankly.insights",
    "frankly.integrations",
    "frankly.portability",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "frankly.accounts.middleware.UserTimezoneMiddleware",
    "frankly.accounts.middleware.UserLanguageMiddleware",
    "frankly.errorpages.FranklyErrorMiddleware",
    "frankly.replicas.PublicReadsFromReplica",
]

ROOT_URLCONF = "frankly.urls"
WSGI_APPLICATION = "frankly.wsgi.application"
ASGI_APPLICATION = "frankly.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frankly" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frankly.context.site",
                "frankly.context.notifications",
                "frankly.insights.context.open_alerts",
            ],
        },
    },
]

# Database: SQLite in WAL mode under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'frankly.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE takes the write lock at BEGIN, so a transaction that reads
            # then writes never fails half-way with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "FRANKLY_TEST_SQLITE", default=str(DATA_DIR / "test.sqlite3")
    )
    # Keep each thread's connection: opening one and running the PRAGMAs above costs
    # more than a cached page (bench/).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A PostgreSQL read replica: anonymous page views read from it (frankly/replicas.py).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"].setdefault("CONN_HEALTH_CHECKS", True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["frankly.replicas.ReplicaRouter"]

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: log in with an email address, no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("FRANKLY_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_SIGNUP_FORM_CLASS = "frankly.accounts.forms.SignupForm"
LOGIN_REDIRECT_URL = "feedback:board"  # a URL name: it carries BASE_PATH
ACCOUNT_LOGOUT_REDIRECT_URL = "feedback:board"
LOGIN_URL = "account_login"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Frankly <frankly@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP server may stay silent before a send fails and is retried later;
# without a limit one silent server would hang a worker for good.
EMAIL_TIMEOUT = env.float("FRANKLY_EMAIL_TIMEOUT", default=20.0)

# The interface speaks these languages; the browser's Accept-Language picks one unless
# the person chose one in their settings. Arabic is offered for right-to-left layout.
LANGUAGE_CODE = env.str("FRANKLY_LANGUAGE", default="en")
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "frankly" / "locale"]
# English keeps the day-first dates the pages always showed; other languages use
# the formats Django ships for them (frankly/formats/en/formats.py).
FORMAT_MODULE_PATH = ["frankly.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = f"{BASE_PATH}/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security. Production (DEBUG off behind HTTPS) sets FRANKLY_HTTPS=true.
HTTPS = env.bool("FRANKLY_HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env.bool("FRANKLY_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env.int("FRANKLY_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Cookies stay with Frankly's path, not the whole company site (empty: the site root).
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = LANGUAGE_COOKIE_PATH = BASE_PATH or "/"
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 20

# Background jobs (mail, webhooks, notification fan-out, digests): django-tasks with
# its database queue, run by `frankly worker` (`frankly serve` starts one too).
# FRANKLY_TASKS=redis moves the queue to Redis (REDIS_URL), run by RQ workers.
TASKS_QUEUE = env.str("FRANKLY_TASKS", default="database")
if TASKS_QUEUE == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("FRANKLY_TASKS=redis needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_QUEUE == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured("FRANKLY_TASKS is 'database' (the default) or 'redis'.")
DIGEST_HOUR = env.int("FRANKLY_DIGEST_HOUR", default=7)  # UTC hour of the daily digest
# Webhook URLs that resolve to loopback or private addresses are refused unless this
# is on (for tests, or a receiver on your own network).
WEBHOOKS_ALLOW_PRIVATE = env.bool("FRANKLY_WEBHOOKS_ALLOW_PRIVATE", default=False)
WEBHOOK_TIMEOUT = env.float("FRANKLY_WEBHOOK_TIMEOUT", default=10.0)

# The public moderation log names the moderator's role; set this to name the person.
MODLOG_SHOWS_NAMES = env.bool("FRANKLY_MODLOG_SHOWS_NAMES", default=False)
# New posts of a customer wait for staff review until this many of their posts are
# approved (0: never held). Against spam from fresh accounts.
HOLD_FIRST_POSTS = env.int("FRANKLY_HOLD_FIRST_POSTS", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Abuse controls (see frankly/ratelimits.py, frankly/spamtrap.py). Rates are
# "count/period" (s, m, h, d; "20/10m" is 20 per ten minutes), counted per client
# IP and per account. FRANKLY_RATE_LIMITS overrides some: "post=5/h,vote=100/h".
RATE_LIMITS = {
    "signup": "10/h",
    "login": "30/10m",
    "post": "20/h",
    "comment": "60/h",
    "vote": "300/h",
    "subscribe": "10/h",
    "api": "600/m",
    **env.dict("FRANKLY_RATE_LIMITS", default={}),
}
RATE_LIMITS_ENABLED = env.bool("FRANKLY_RATE_LIMITS_ENABLED", default=True)
# Behind a proxy, name the header that carries the client's address, e.g. HTTP_X_REAL_IP.
RATELIMIT_IP_META_KEY = env.str("FRANKLY_CLIENT_IP_META_KEY", default="REMOTE_ADDR")
MIDDLEWARE += ["frankly.ratelimits.RateLimitMiddleware"]
# Public forms carry a hidden honeypot field and refuse a submission sent sooner
# than this many seconds after the form was shown (bots fill forms instantly).
FORM_MIN_SECONDS = env.float("FRANKLY_FORM_MIN_SECONDS", default=3.0)

# On SQLite, search ranks only the newest this-many posts that match (0: every
# match). A common word matches half of a large community; ranking all of them costs
# more than anyone reading the first page gains. See docs/scaling.md.
FRANKLY_SEARCH_WINDOW = env.int("FRANKLY_SEARCH_WINDOW", default=2000)

# Login lockout (django-axes): after this many failed logins for one email from one
# address, logins for that pair are refused until the cool-off ends.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_FAILURE_LIMIT = env.int("FRANKLY_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("FRANKLY_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "frankly.accounts.lockout.login_name"
AXES_LOCKOUT_CALLABLE = "frankly.accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # keep failures only, not a log of every login
AXES_CLIENT_IP_CALLABLE = "frankly.accounts.lockout.client_ip"

# Content-Security-Policy (django-csp): scripts and styles from this site only.
# Inline style attributes stay allowed (avatars colour themselves with one);
# the status badge relaxes frame-ancestors so other sites can embed it.
MIDDLEWARE += ["csp.middleware.CSPMiddleware"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Insights: the backlash early warning (frankly/insights/backlash.py). An alert needs at
# least MIN_COUNT negative posts/comments in an hour, and a chance below P_VALUE of
# that many under the scope's own baseline. The worker checks every few minutes.
INSIGHTS_ALERT_MIN_COUNT = env.int("FRANKLY_ALERT_MIN_COUNT", default=5)
INSIGHTS_ALERT_P_VALUE = env.float("FRANKLY_ALERT_P_VALUE", default=0.001)
INSIGHTS_ALERT_EVERY_MINUTES = env.int("FRANKLY_ALERT_EVERY_MINUTES", default=5)
# CRM contacts and company SSO (frankly/crm, frankly/accounts/sso.py).
INSTALLED_APPS += [
    "frankly.crm",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
# Emails are matched after trimming and lowercasing. Plus tags (a+b@x) and dots are kept
# unless set here: for most domains they make a different mailbox.
CRM_EMAIL_STRIP_PLUS_TAGS = env.bool("FRANKLY_CRM_STRIP_PLUS_TAGS", default=False)
CRM_EMAIL_DOTLESS_DOMAINS = [
    d.lower() for d in env.list("FRANKLY_CRM_DOTLESS_DOMAINS", default=[])
]  # e.g. gmail.com
CRM_STALE_MONTHS = env.int("FRANKLY_CRM_STALE_MONTHS", default=6)
# SSO identify: the company's app signs a JWT with HS256 and this shared secret...
SSO_SECRET = env.str("FRANKLY_SSO_SECRET", default="")
# ...or with RS256/EdDSA, verified with this PEM public key (the text, or a file path).
SSO_PUBLIC_KEY = env.str("FRANKLY_SSO_PUBLIC_KEY", default="", multiline=True)
SSO_LEEWAY_SECONDS = env.int("FRANKLY_SSO_LEEWAY_SECONDS", default=30)
# The embeddable widget (frankly/widget, docs/widget.md): the origins of the company's
# apps allowed to frame its panel (CSP frame-ancestors), e.g. https://app.example.com,
# and how long a widget token (exchanged for an SSO JWT, held in the panel's memory) lives.
INSTALLED_APPS += ["frankly.widget"]
WIDGET_ORIGINS = env.list("FRANKLY_WIDGET_ORIGINS", default=[])
WIDGET_TOKEN_MINUTES = env.int("FRANKLY_WIDGET_TOKEN_MINUTES", default=60)
# Generic OpenID Connect login through django-allauth, shown when a server URL is set.
OIDC_SERVER_URL = env.str("FRANKLY_OIDC_SERVER_URL", default="")
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
SOCIALACCOUNT_ADAPTER = "frankly.accounts.oidc.SocialAccountAdapter"
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": env.str("FRANKLY_OIDC_PROVIDER_ID", default="company"),
            "name": env.str("FRANKLY_OIDC_NAME", default="Company SSO"),
            "client_id": env.str("FRANKLY_OIDC_CLIENT_ID"),
            "secret": env.str("FRANKLY_OIDC_CLIENT_SECRET", default=""),
            "settings": {"server_url": OIDC_SERVER_URL},
        }
    )

# Issue tracker links: the secrets the trackers sign their webhooks with, and which
# status a linked post moves to when its issue is closed, merged or reopened.
GITHUB_WEBHOOK_SECRET = env.str("FRANKLY_GITHUB_WEBHOOK_SECRET", default="")
GITLAB_WEBHOOK_TOKEN = env.str("FRANKLY_GITLAB_WEBHOOK_TOKEN", default="")
ISSUE_STATUS_MAP = env.dict(
    "FRANKLY_ISSUE_STATUS_MAP",
    default={"closed": "done", "not_planned": "declined", "merged": "done", "reopened": "planned"},
)

# Reply by email: notification emails get a per-person Reply-To address
# reply+<signed token>@FRANKLY_REPLY_DOMAIN (none when unset); `frankly inbound-smtp`
# listens for those replies (point the domain's MX, or a relay, at it).
REPLY_DOMAIN = env.str("FRANKLY_REPLY_DOMAIN", default="")
REPLY_MAX_AGE_DAYS = env.int("FRANKLY_REPLY_MAX_AGE_DAYS", default=90)
INBOUND_SMTP_HOST = env.str("FRANKLY_INBOUND_SMTP_HOST", default="127.0.0.1")
INBOUND_SMTP_PORT = env.int("FRANKLY_INBOUND_SMTP_PORT", default=2525)

# Theming: site name, logo, accent colours, custom CSS and links, set by staff in the
# admin (frankly/theming); FRANKLY_SITE_NAME stays the name until they set one.
INSTALLED_APPS += ["frankly.theming"]
# Replaced on every theme save, so each server process on this machine notices the
# save even with a per-process cache (frankly/theming/caching.py).
THEME_VERSION_FILE = DATA_DIR / "theme.version"
