"""An event may require two-factor authentication of its organisers and judges: its organiser
and judging pages, the API and the services refuse them until they set it up, and the page
that says so leads to the setup and back."""

import pytest
from django.test import Client
from django.urls import reverse

from competitions.errors import TwoFactorRequired
from competitions.models import AuditLog, EventRole
from competitions.permissions import can
from competitions.services.events import EventRefused, event_update
from competitions.services.phases import phase_rescore
from judging.models import Track
from tests import factories
from tests.accounts.test_mfa import log_in, set_up_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_world(phase):
    event = phase.challenge.event
    organiser, judge, member = (factories.UserFactory() for _ in range(3))
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    EventRole.objects.create(event=event, user=judge, role="judge")
    factories.add_member(factories.TeamFactory(challenge=phase.challenge), member, role="leader")
    Track.objects.create(challenge=phase.challenge)
    return event, phase, organiser, judge, member


def logged_in_client(user) -> Client:
    client = Client()
    assert log_in(client, user).status_code == 302
    return client


def test_an_organiser_must_have_it_before_requiring_it(event_world):
    event, _phase, organiser, _judge, _member = event_world
    with pytest.raises(EventRefused, match="for yourself first") as refused:
        event_update(event=event, actor=organiser, data={"require_mfa": True})
    assert refused.value.field == "require_mfa"
    event.refresh_from_db()
    assert not event.require_mfa

    set_up_totp(logged_in_client(organiser), organiser)
    event_update(event=event, actor=organiser, data={"require_mfa": True})
    event.refresh_from_db()
    assert event.require_mfa
    logged = AuditLog.objects.get(event=event, action="event.edit")
    assert logged.data["changed"]["require_mfa"] == ["False", "True"]


def test_the_edit_page_offers_the_setting(event_world):
    event, _phase, organiser, _judge, _member = event_world
    client = Client()
    client.force_login(organiser)
    page = client.get(reverse("competitions:manage_event_edit", args=[event.slug]))
    assert 'name="require_mfa"' in page.content.decode()


def test_organiser_pages_send_to_the_setup_and_back(event_world):
    event, phase, organiser, _judge, _member = event_world
    event.require_mfa = True
    event.save()
    client = logged_in_client(organiser)
    manage = reverse("competitions:manage_event", args=[event.slug])
    for url in [
        manage,
        reverse("competitions:manage_phase_truth", args=[phase.pk]),
        reverse("competitions:manage_queue", args=[event.slug]),
        reverse("judging:manage_track", args=[event.slug, phase.challenge.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two_factor_required"))
    # A POST is refused the same way and changes nothing.
    response = client.post(reverse("competitions:manage_phase_reveal", args=[phase.pk]))
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.private_revealed_at is None

    explained = client.get(client.get(manage)["Location"])
    text = explained.content.decode()
    assert f"{event.name} asks its organisers and judges" in text
    assert reverse("mfa_activate_totp") in text
    # Public pages stay open to them.
    assert client.get(reverse("competitions:event", args=[event.slug])).status_code == 200

    set_up_totp(client, organiser)
    notice = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="two-factor-return"' in notice and "Continue to the page you wanted" in notice
    back = client.get(reverse("accounts:two_factor_required") + f"?next={manage}")
    assert back.status_code == 302 and back["Location"] == manage
    assert client.get(manage).status_code == 200
    assert 'id="two-factor-return"' not in client.get(manage).content.decode()


def test_judging_pages_too(event_world):
    event, phase, _organiser, judge, member = event_world
    event.require_mfa = True
    event.save()
    client = logged_in_client(judge)
    track = reverse("judging:judge_track", args=[event.slug, phase.challenge.slug])
    response = client.get(track)
    assert response.status_code == 302
    assert "two-factor-required" in response["Location"]
    # Participants are not asked: the setting is about the event's staff.
    participant = Client()
    participant.force_login(member)
    assert participant.get(reverse("competitions:team", args=[event.slug, phase.challenge.slug])).status_code == 200  # fmt: skip


def test_services_and_the_api_refuse_without_it(event_world):
    event, phase, organiser, _judge, _member = event_world
    event.require_mfa = True
    event.save()
    with pytest.raises(TwoFactorRequired, match="two-factor"):
        phase_rescore(phase=phase, actor=organiser, reason="new truth")
    client = Client()
    client.force_login(organiser)
    response = client.get(reverse("api:queue", args=[event.slug]))
    assert response.status_code == 403
    assert "two-factor" in response.content.decode()
    # Nor the private leaderboard before the reveal, on the page or the API.
    challenge = phase.challenge
    board = reverse("competitions:leaderboard", args=[event.slug, challenge.slug])
    response = client.get(board, {"board": "private"})
    assert response.status_code == 302 and "two-factor-required" in response["Location"]
    api_board = reverse("api:leaderboard", args=[event.slug, challenge.slug])
    response = client.get(api_board, {"board": "private"})
    assert response.status_code == 403 and "two-factor" in response.content.decode()


def test_an_event_that_does_not_require_it_asks_nothing(event_world):
    event, phase, organiser, _judge, _member = event_world
    client = Client()
    client.force_login(organiser)
    assert client.get(reverse("competitions:manage_event", args=[event.slug])).status_code == 200
    phase_rescore(phase=phase, actor=organiser, reason="fine")


def test_reads_of_other_teams_scores_ask_for_it_too(event_world):
    """What only staff read (another team's submission, its raw and private scores, the
    Ladder's raw board) is not theirs through the API either until they set it up."""
    event, phase, organiser, _judge, member = event_world
    phase.ladder, phase.ladder_step = "fixed", 0.25
    phase.save()
    team = member.memberships.get().team
    submission = factories_submission(phase, team)
    event.require_mfa = True
    event.save()
    client = logged_in_client(organiser)
    detail = reverse("api:submission", args=[submission.pk])
    assert client.get(detail).status_code == 404
    assert not can(organiser, "submission.view_private_score", submission)
    assert not can(organiser, "phase.view_raw_scores", phase)
    page = client.get(reverse("competitions:submission", args=[submission.pk]))
    assert page.status_code == 302 and "two-factor-required" in page["Location"]

    set_up_totp(client, organiser)
    organiser = type(organiser).objects.get(pk=organiser.pk)  # a fresh request's user
    body = client.get(detail).json()
    assert body["private_score"] == 0.25
    assert can(organiser, "phase.view_raw_scores", phase)
    # Participants were never asked.
    mine = Client()
    mine.force_login(member)
    assert mine.get(detail).status_code == 200


def factories_submission(phase, team):
    from competitions.models import Submission

    return Submission.objects.create(
        phase=phase, team=team, submitted_by=team.memberships.get().user, file="x.csv",
        original_name="p.csv", state="scored", public_score=0.5, private_score=0.25,
        public_scores={"pairwise_f1": 0.5}, private_scores={"pairwise_f1": 0.25},
    )  # fmt: skip
