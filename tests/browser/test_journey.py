"""Log in, upload, watch the score arrive without reloading, find the team on the leaderboard."""

import pytest
from django.conf import settings
from django.db import connection

from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def scoring_backend(transactional_db, tmp_path):
    """A real worker where PostgreSQL and Redis are configured; tasks in-process otherwise."""
    if connection.vendor == "postgresql" and settings.CELERY_BROKER_URL.startswith("redis"):
        from datajam.celery import app
        from tests.e2e.conftest import WorkerProcess

        app.conf.task_always_eager = False
        worker = WorkerProcess(tmp_path)
        yield "worker"
        worker.stop()
    else:
        yield "eager"


@pytest.mark.e2e  # a real worker on the shared Redis queue: runs with the end-to-end tests
def test_participant_uploads_and_sees_score(live_server, page, scoring_backend, tmp_path):
    phase = factories.PhaseFactory(challenge__title="Link the ads")
    challenge = phase.challenge
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    user = factories.UserFactory(email="alice@example.org")
    factories.add_member(team, user, role="leader")
    predictions = tmp_path / "predictions.csv"
    predictions.write_text(factories.PARTIAL_CSV)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "alice@example.org")
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/e/{challenge.event.slug}/{challenge.slug}/")
    assert "5 of 5 left today" in page.inner_text("#quota")
    page.set_input_files("input[name=file]", str(predictions))
    page.click("#submit-card button[type=submit]")
    page.wait_for_url("**/submissions/**")
    url_before = page.url
    # The status block polls; the score appears without a reload.
    page.wait_for_selector("#submission-status[data-state=scored]", timeout=60_000)
    assert page.url == url_before
    assert page.inner_text("#public-score") == "1.0000"
    screenshot(page, "journey-submission-scored")

    page.goto(f"{live_server.url}/e/{challenge.event.slug}/{challenge.slug}/leaderboard/")
    row = page.locator("#public-board tbody tr").first
    assert "Buyer Resist" in row.inner_text()
    assert "1.0000" in row.inner_text()
    screenshot(page, "journey-leaderboard")
