"""Settings read from the environment: the settings module is run afresh with each environment
(a separate copy, so the running settings are untouched), and ``check --deploy`` in a fresh
interpreter with production settings."""

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "datajam" / "settings.py"


def clean_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "SECURE_", "CACHE_", "DATAJAM_", "DJANGO_"))
        and key not in {"DEBUG", "REDIS_URL", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"}
    }
    env.update(overrides)
    return env


def settings_in(monkeypatch, **env: str) -> dict:
    """The settings module's values when run with only ``env`` set (plus the test run's own
    database and the like)."""
    with monkeypatch.context() as patch:
        for name in list(os.environ):
            if name not in clean_env():
                patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return {name: value for name, value in vars(module).items() if name.isupper()}


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DATAJAM_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "datajam.example.org",
        **extra,
    }


def test_email_url_with_starttls(monkeypatch):
    got = settings_in(
        monkeypatch,
        EMAIL_URL="submission://mailer%40datajam.org:p%40ss%3Aw0rd@smtp.example.org:587",
    )
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert got["EMAIL_HOST"] == "smtp.example.org"
    assert got["EMAIL_PORT"] == 587
    assert got["EMAIL_HOST_USER"] == "mailer@datajam.org"
    assert got["EMAIL_HOST_PASSWORD"] == "p@ss:w0rd"
    assert got["EMAIL_USE_TLS"] is True and got["EMAIL_USE_SSL"] is False


def test_email_url_with_implicit_tls_and_timeout(monkeypatch):
    got = settings_in(
        monkeypatch, EMAIL_URL="smtp://relay:secret@mail.example.org:465?ssl=True&timeout=7"
    )
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"]) == ("mail.example.org", 465)
    assert (got["EMAIL_HOST_USER"], got["EMAIL_HOST_PASSWORD"]) == ("relay", "secret")
    assert got["EMAIL_USE_SSL"] is True and got["EMAIL_USE_TLS"] is False
    assert got["EMAIL_TIMEOUT"] == 7


def test_without_email_url_mail_goes_to_the_console(monkeypatch):
    got = settings_in(monkeypatch)
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_cache_is_redis_with_its_own_prefix_when_redis_url_is_set(monkeypatch):
    got = settings_in(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3")
    cache = got["CACHES"]["default"]
    assert cache["BACKEND"] == "datajam.cache.RedisCache"  # Django's, one client per pool
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert cache["KEY_PREFIX"] == "datajam-cache"
    own = settings_in(
        monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3", CACHE_REDIS_URL="redis://cache:6379/1"
    )
    assert own["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/1"


def test_cache_is_the_database_without_redis(monkeypatch):
    got = settings_in(monkeypatch)
    assert got["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_production_turns_on_https_only(monkeypatch):
    got = settings_in(monkeypatch, **production_env())
    assert got["DEBUG"] is False
    assert got["SECURE_SSL_REDIRECT"] is True
    assert got["SECURE_HSTS_SECONDS"] >= 31536000
    assert got["SESSION_COOKIE_SECURE"] is True and got["CSRF_COOKIE_SECURE"] is True
    # A proxy that redirects to HTTPS itself can turn the redirect off.
    assert (
        settings_in(monkeypatch, **production_env(SECURE_SSL_REDIRECT="false"))[
            "SECURE_SSL_REDIRECT"
        ]
        is False
    )


def test_check_deploy_is_clean_in_production():
    env = clean_env(DJANGO_SETTINGS_MODULE="datajam.settings", **production_env())
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_database_connections_are_reused_and_checked_by_default(monkeypatch):
    for name in ("DATABASE_CONN_MAX_AGE", "DATABASE_CONN_HEALTH_CHECKS", "DATABASE_POOL"):
        monkeypatch.delenv(name, raising=False)
    database = settings_in(monkeypatch)["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in database.get("OPTIONS", {})


def test_connection_reuse_can_be_turned_off(monkeypatch):
    got = settings_in(monkeypatch, DATABASE_CONN_MAX_AGE="0", DATABASE_CONN_HEALTH_CHECKS="false")
    assert got["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert got["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False


def test_pool_needs_postgresql(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        settings_in(monkeypatch, DATABASE_URL="sqlite:///pool.sqlite3", DATABASE_POOL="true")


def test_pool_replaces_persistent_connections(monkeypatch):
    got = settings_in(
        monkeypatch,
        DATABASE_URL="postgres://u@db.example.org:5432/datajam",
        DATABASE_POOL="true",
        DATABASE_POOL_MAX_SIZE="4",
    )
    database = got["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 10.0}


def test_pooled_connections_work_against_postgresql():
    """A process started with DATABASE_POOL=true queries the test run's PostgreSQL through
    psycopg's pool (two borrowed connections in a row come from one pool)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL pointing to PostgreSQL")
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "first = connection.pool\n"
        "with connection.cursor() as c: c.execute('SELECT 1'); one = c.fetchone()[0]\n"
        "connection.close()\n"
        "with connection.cursor() as c: c.execute('SELECT 2'); two = c.fetchone()[0]\n"
        "print(type(first).__name__, first is connection.pool, one + two)\n"
    )
    env = clean_env(
        DJANGO_SETTINGS_MODULE="datajam.settings", DATABASE_POOL="true", DATABASE_POOL_MIN_SIZE="1"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == ["ConnectionPool", "True", "3"]


@pytest.mark.django_db
def test_a_signed_in_request_reads_its_session_from_the_shared_cache(client, django_user_model):
    """The session is written to the database and the cache; the next request reads no
    session row."""
    user = django_user_model.objects.create_user("reader", "reader@example.org", "pw-12345678")
    client.force_login(user)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    assert Session.objects.filter(session_key=client.session.session_key).exists()
