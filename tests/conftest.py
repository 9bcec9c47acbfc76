import pytest

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
