"""Settings read from the environment, checked in a fresh interpreter for each environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = [
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT", "CACHES", "DEBUG", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
]  # fmt: skip


def clean_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "SECURE_", "CACHE_", "DATAJAM_", "DJANGO_"))
        and key not in {"DEBUG", "REDIS_URL", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"}
    }
    env.update(overrides)
    return env


def settings_in(**env: str) -> dict:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {NAMES!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=clean_env(DJANGO_SETTINGS_MODULE="datajam.settings", **env),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DATAJAM_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "datajam.example.org",
        **extra,
    }


def test_email_url_with_starttls():
    got = settings_in(
        EMAIL_URL="submission://mailer%40datajam.org:p%40ss%3Aw0rd@smtp.example.org:587"
    )
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert got["EMAIL_HOST"] == "smtp.example.org"
    assert got["EMAIL_PORT"] == 587
    assert got["EMAIL_HOST_USER"] == "mailer@datajam.org"
    assert got["EMAIL_HOST_PASSWORD"] == "p@ss:w0rd"
    assert got["EMAIL_USE_TLS"] is True and got["EMAIL_USE_SSL"] is False


def test_email_url_with_implicit_tls_and_timeout():
    got = settings_in(EMAIL_URL="smtp://relay:secret@mail.example.org:465?ssl=True&timeout=7")
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"]) == ("mail.example.org", 465)
    assert (got["EMAIL_HOST_USER"], got["EMAIL_HOST_PASSWORD"]) == ("relay", "secret")
    assert got["EMAIL_USE_SSL"] is True and got["EMAIL_USE_TLS"] is False
    assert got["EMAIL_TIMEOUT"] == 7


def test_without_email_url_mail_goes_to_the_console():
    got = settings_in()
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_cache_is_redis_with_its_own_prefix_when_redis_url_is_set():
    got = settings_in(REDIS_URL="redis://127.0.0.1:6379/3")
    cache = got["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert cache["KEY_PREFIX"] == "datajam-cache"
    own = settings_in(REDIS_URL="redis://127.0.0.1:6379/3", CACHE_REDIS_URL="redis://cache:6379/1")
    assert own["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/1"


def test_cache_is_the_database_without_redis():
    got = settings_in()
    assert got["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_production_turns_on_https_only():
    got = settings_in(**production_env())
    assert got["DEBUG"] is False
    assert got["SECURE_SSL_REDIRECT"] is True
    assert got["SECURE_HSTS_SECONDS"] >= 31536000
    assert got["SESSION_COOKIE_SECURE"] is True and got["CSRF_COOKIE_SECURE"] is True
    # A proxy that redirects to HTTPS itself can turn the redirect off.
    assert (
        settings_in(**production_env(SECURE_SSL_REDIRECT="false"))["SECURE_SSL_REDIRECT"] is False
    )


@pytest.mark.parametrize("storage", ["local", "s3"])
def test_check_deploy_is_clean_in_production(storage):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="datajam.settings", DATAJAM_STORAGE=storage, **production_env()
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
