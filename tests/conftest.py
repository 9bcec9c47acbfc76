import uuid

import pytest
import redis
from django.conf import settings
from django.utils import translation

from competitions.selectors.leaderboards import forget_kept_boards
from datajam.celery import app as celery_app
from tests import factories


@pytest.fixture(autouse=True)
def eager_celery():
    """Most tests run tasks in-process; the end-to-end tests start real workers instead."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test counts in a cache of its own: the configured backend (Redis or the database)
    under a fresh key prefix, so no login count or cap carries over between tests or runs.
    Yields the prefix (a subprocess given CACHE_KEY_PREFIX shares this test's cache)."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    default = dict(settings.CACHES["default"], KEY_PREFIX=prefix)
    settings.CACHES = {**settings.CACHES, "default": default}
    yield prefix
    if default["BACKEND"].endswith("RedisCache"):
        client = redis.Redis.from_url(default["LOCATION"])
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in French leaves French active in
    the thread (LocaleMiddleware activates, nothing deactivates), and a test that fails after
    one must not turn the next tests' messages French."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def boards_renewed_per_score(settings):
    """A board rendered again for every score, as the tests of what shows expect;
    ``test_page_cache`` checks the coalescing of ``BOARD_REFRESH_SECONDS`` by itself. No
    whole board kept in this process by an earlier test."""
    settings.BOARD_REFRESH_SECONDS = 0
    forget_kept_boards()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def phase(db):
    return factories.PhaseFactory()


@pytest.fixture
def team_member(phase):
    """A user in a team of the phase's challenge, rules accepted."""
    team = factories.TeamFactory(challenge=phase.challenge)
    user = factories.UserFactory()
    factories.add_member(team, user, role="leader")
    return user
