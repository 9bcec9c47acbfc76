"""Organiser pages, driven through the views as an organiser would use them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from competitions.models import AuditLog, Challenge, EventRole, Phase, QuotaOverride, Submission
from competitions.selectors.leaderboards import board_all
from competitions.selectors.quotas import team_quota
from competitions.services.standings import standings_rebuild
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    user = factories.UserFactory()
    client.force_login(user)
    return user


def csv_file(text: str, name: str = "truth.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_organiser_builds_a_challenge_through_the_pages(client, organiser):
    response = client.post(
        reverse("competitions:manage_event_new"),
        {"name": "DataJam 2027", "slug": "dj27", "tagline": "", "description": "**hi**",
         "is_published": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    event_page = client.get(reverse("competitions:manage_event", args=["dj27"]))
    assert event_page.status_code == 200
    assert EventRole.objects.filter(event__slug="dj27", user=organiser, role="organiser").exists()

    response = client.post(
        reverse("competitions:manage_challenge_new", args=["dj27"]),
        {"title": "Link", "slug": "link", "summary": "", "task": "ad-linkage",
         "primary_metric": "bcubed_f1", "description": "", "evaluation": "", "rules": "Be kind",
         "max_team_size": 3, "final_selection_limit": 2},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    challenge = Challenge.objects.get(slug="link")
    assert challenge.primary_metric == "bcubed_f1"

    start = timezone.now() - dt.timedelta(hours=1)
    for name, offset in [("Development", 0), ("Final", 10)]:
        response = client.post(
            reverse("competitions:manage_phase_new", args=["dj27", "link"]),
            {"name": name, "order": offset, "daily_limit": 3, "failed_daily_limit": 5,
             "starts_at": (start + dt.timedelta(days=offset)).strftime("%Y-%m-%dT%H:%M"),
             "ends_at": (start + dt.timedelta(days=offset + 5)).strftime("%Y-%m-%dT%H:%M")},
        )  # fmt: skip
        assert response.status_code == 302, response.content
    assert challenge.phases.count() == 2

    response = client.post(
        reverse("competitions:manage_data_add", args=["dj27", "link"]),
        {"file": csv_file("ad_id,title\na1,x\n", "ads.csv"), "name": "", "kind": "test"},
    )
    assert response.status_code == 302
    assert challenge.data_files.get().name == "ads.csv"

    phase = challenge.phases.get(name="Development")
    truth_url = reverse("competitions:manage_phase_truth", args=[phase.pk])
    bad = client.post(truth_url, {"file": csv_file("ad_id,cluster_id,usage\na1,x,Maybe\n")})
    assert bad.status_code == 200
    assert "not accepted" in bad.content.decode()
    phase.refresh_from_db()
    assert not phase.truth_file

    good = client.post(truth_url, {"file": csv_file(factories.TRUTH_CSV)}, follow=True)
    assert "Ground truth accepted" in good.content.decode()
    phase.refresh_from_db()
    assert phase.truth_version == 1
    assert phase.truth_summary  # the scoring core's summary is kept and shown
    assert AuditLog.objects.filter(action="truth.upload").exists()


def test_other_organisers_cannot_manage(client, organiser, phase):
    event = phase.challenge.event
    assert client.get(reverse("competitions:manage_event", args=[event.slug])).status_code == 403
    truth_url = reverse("competitions:manage_phase_truth", args=[phase.pk])
    assert client.get(truth_url).status_code == 403
    assert client.get(reverse("competitions:manage_audit", args=[event.slug])).status_code == 403


def test_primary_metric_must_belong_to_task(client, organiser):
    event = factories.EventFactory()
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    response = client.post(
        reverse("competitions:manage_challenge_new", args=[event.slug]),
        {"title": "R", "slug": "r", "task": "regression", "primary_metric": "pairwise_f1",
         "max_team_size": 3, "final_selection_limit": 2},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    # Explained in the metrics' and the task's own names, not internal ids.
    assert "“Pairwise F1” is not a metric of the task “Regression”" in page
    assert "choose one of: RMSE, MAE" in page
    assert not Challenge.objects.filter(slug="r").exists()


@pytest.fixture
def managed_phase(phase, organiser):
    EventRole.objects.create(event=phase.challenge.event, user=organiser, role="organiser")
    return phase


def test_replacing_truth_offers_rescore(
    client, managed_phase, team_member, django_capture_on_commit_callbacks
):
    phase = managed_phase
    team = team_member.memberships.get().team
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv", state="scored",
        truth_version=1, public_score=0.5,
    )  # fmt: skip
    url = reverse("competitions:manage_phase_truth", args=[phase.pk])
    page = client.post(url, {"file": csv_file(factories.TRUTH_CSV)}, follow=True)
    assert "rescore-offer" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("competitions:manage_phase_rescore", args=[phase.pk]))
    assert response.status_code == 302
    submission.refresh_from_db()
    # The task ran again; this row has no stored file, which is the platform's problem.
    assert submission.attempts == 1
    assert submission.state == "failed"
    assert submission.failure == "platform"
    assert "not a problem with your file" in submission.error_message
    assert AuditLog.objects.filter(action="phase.rescore").exists()


def test_moderation_hides_and_disqualifies_with_reason(client, managed_phase):
    phase = managed_phase
    team = factories.TeamFactory(challenge=phase.challenge, name="T")
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv", state="scored",
        public_score=0.9,
    )  # fmt: skip
    standings_rebuild(phase=phase)  # as if the worker had written it (with its standing)
    url = reverse("competitions:manage_moderate", args=[submission.pk])
    no_reason = client.post(url, {"action": "hide", "reason": ""})
    assert no_reason.status_code == 302
    assert board_all(phase).rows  # still shown: a reason is required
    client.post(url, {"action": "disqualify", "reason": "shared accounts"})
    submission.refresh_from_db()
    assert submission.is_disqualified
    assert submission.moderation_reason == "shared accounts"
    assert board_all(phase).rows == []
    entry = AuditLog.objects.get(action="submission.disqualify")
    assert entry.reason == "shared accounts"
    audit_page = client.get(reverse("competitions:manage_audit", args=[phase.challenge.event.slug]))
    assert "shared accounts" in audit_page.content.decode()


def test_quota_override_changes_limit_and_is_logged(client, managed_phase):
    phase = managed_phase
    team = factories.TeamFactory(challenge=phase.challenge)
    url = reverse("competitions:manage_quota", args=[phase.pk, team.pk])
    response = client.post(url, {"daily_limit": 9, "total_limit": "", "reason": "worker outage"})
    assert response.status_code == 302
    assert QuotaOverride.objects.get(team=team).daily_limit == 9
    assert team_quota(team=team, phase=phase).daily_limit == 9
    assert AuditLog.objects.get(action="quota.override").reason == "worker outage"


def test_reveal_private_leaderboard(client, managed_phase):
    phase = managed_phase
    client.post(reverse("competitions:manage_phase_reveal", args=[phase.pk]), {"reveal": "yes"})
    phase.refresh_from_db()
    assert phase.private_revealed_at is not None
    client.logout()
    board = client.get(
        reverse("competitions:leaderboard", args=[phase.challenge.event.slug, phase.challenge.slug])
    )
    assert "private-board" in board.content.decode()


def test_challenge_from_template(client, organiser, django_capture_on_commit_callbacks):
    event = factories.EventFactory()
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    with django_capture_on_commit_callbacks(execute=True):  # the background task, eagerly
        response = client.post(
            reverse("competitions:manage_challenge_template", args=[event.slug]),
            {"title": "Link the ads", "slug": "link", "n_ads": 400, "seed": 3,
             "public_share": 0.3, "primary_metric": "pairwise_f1", "daily_limit": 4, "days": 10},
        )  # fmt: skip
    assert response.status_code == 302, response.content
    progress = client.get(response["Location"]).content.decode()
    assert 'data-state="done"' in progress and "The challenge is ready" in progress
    challenge = Challenge.objects.get(event=event, slug="link")
    phase = Phase.objects.get(challenge=challenge)
    assert phase.truth_file and phase.daily_limit == 4
    assert phase.truth_summary["n_rows"] == 400
    assert sorted(challenge.data_files.values_list("name", flat=True)) == [
        "ads.csv",
        "sample_submission.csv",
    ]
    assert "ad_id,cluster_id" in challenge.evaluation


def test_challenge_manage_page_queries_do_not_grow_with_phases(client, organiser):
    """The challenge's manage page reads its phases, their counts and their truth status in a
    fixed number of queries: one phase or five cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = factories.EventFactory()
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    challenge = factories.ChallengeFactory(event=event)
    url = reverse("competitions:manage_challenge", args=[event.slug, challenge.slug])

    def queries_with(n_phases: int) -> int:
        while challenge.phases.count() < n_phases:
            phase = factories.PhaseFactory(challenge=challenge, order=challenge.phases.count())
            team = factories.TeamFactory(challenge=challenge)
            factories.add_member(team, factories.UserFactory(), role="leader")
            Submission.objects.create(
                phase=phase, team=team, submitted_by=team.memberships.first().user,
                file="x.csv", original_name="x.csv", size=10, state="scored",
                queued_at=timezone.now(), finished_at=timezone.now(), public_score=0.5,
            )  # fmt: skip
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = queries_with(1)
    five = queries_with(5)
    assert five == one, f"{one} queries with one phase, {five} with five"
