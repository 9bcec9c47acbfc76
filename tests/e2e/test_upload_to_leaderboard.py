import pytest
from django.urls import reverse

from competitions.models import Submission
from tests import factories
from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.e2e


def test_upload_scored_by_real_worker_and_ranked(start_worker, client):
    worker = start_worker()
    phase = factories.PhaseFactory()
    challenge = phase.challenge
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    user = factories.UserFactory()
    factories.add_member(team, user, role="leader")
    client.force_login(user)

    response = client.post(
        reverse("competitions:submit", args=[challenge.event.slug, challenge.slug]),
        {"file": factories.upload(factories.PARTIAL_CSV), "note": "e2e"},
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert response["Location"] == reverse("competitions:submission", args=[submission.pk])

    def scored():
        submission.refresh_from_db()
        return submission.state in {"scored", "failed"}

    wait_for(scored, timeout=90, message="the worker to score the submission")
    assert submission.state == "scored", worker.output()[-3000:]
    assert submission.worker.startswith("e2e-")
    assert submission.public_score == pytest.approx(1.0)
    assert submission.all_scores["pairwise_recall"] == pytest.approx(0.25)

    page = client.get(
        reverse("competitions:leaderboard", args=[event_slug(challenge), challenge.slug])
    )
    html = page.content.decode()
    assert "Buyer Resist" in html
    assert "1.0000" in html


def event_slug(challenge):
    return challenge.event.slug
