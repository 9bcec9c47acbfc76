"""Events start as drafts; publishing waits for the readiness checklist; unpublishing works."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.base import ContentFile
from django.urls import reverse

from competitions.errors import ServiceError
from competitions.models import AuditLog, DataFile, Event
from competitions.selectors.readiness import event_readiness
from competitions.services.events import event_create, event_publish, event_unpublish
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    user = factories.UserFactory()
    client.force_login(user)
    return user


def ready_challenge(event):
    """A challenge with everything the checklist asks for."""
    phase = factories.PhaseFactory(challenge__event=event, challenge__rules="Be kind.")
    DataFile.objects.create(
        challenge=phase.challenge, name="ads.csv", file=ContentFile(b"ad_id\na1\n", name="a.csv")
    )
    return phase.challenge


def test_a_new_event_is_a_draft_that_strangers_cannot_see(client, organiser):
    response = client.post(
        reverse("competitions:manage_event_new"),
        {"name": "DataJam 2027", "slug": "dj27", "is_published": "on"},  # the box is gone
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="dj27")
    assert not event.is_published
    page = client.get(reverse("competitions:event", args=["dj27"])).content.decode()
    assert "Draft: only the organisers and judges" in page
    client.logout()
    assert client.get(reverse("competitions:event", args=["dj27"])).status_code == 404
    assert "DataJam 2027" not in client.get(reverse("competitions:home")).content.decode()


def test_the_checklist_names_each_missing_item_and_publishing_is_refused(organiser):
    event = event_create(actor=organiser, data={"name": "DJ", "slug": "dj"})
    readiness = event_readiness(event)
    assert not readiness.ready
    assert [c.text for c in readiness.missing] == ["The event has at least one challenge"]
    challenge = factories.ChallengeFactory(event=event, title="Link", rules="")
    missing = [c.text for c in event_readiness(event).missing]
    assert missing == [
        "“Link” has a phase with dates",
        "“Link” has data files for participants",
        "“Link” has rules for participants to accept",
    ]
    factories.PhaseFactory(challenge=challenge, name="Dev", truth_file="")
    with pytest.raises(ServiceError) as refused:
        event_publish(event=event, actor=organiser)
    assert "Phase “Dev” of “Link” has a validated ground truth" in str(refused.value)
    assert "“Link” has rules for participants to accept" in str(refused.value)
    event.refresh_from_db()
    assert not event.is_published


def test_publish_and_unpublish_through_the_manage_page(client, organiser):
    event = event_create(actor=organiser, data={"name": "DJ", "slug": "dj"})
    manage = reverse("competitions:manage_event", args=["dj"])
    page = client.get(manage).content.decode()
    assert "Readiness checklist" in page and "To do:" in page
    refused = client.post(reverse("competitions:manage_event_publish", args=["dj"]), follow=True)
    assert "not ready to publish" in refused.content.decode()
    ready_challenge(event)
    page = client.get(manage).content.decode()
    assert "To do:" not in page and "Done:" in page
    client.post(reverse("competitions:manage_event_publish", args=["dj"]))
    event.refresh_from_db()
    assert event.is_published and event.published_at is not None
    client.post(
        reverse("competitions:manage_event_unpublish", args=["dj"]), {"reason": "Typo in rules"}
    )
    event.refresh_from_db()
    assert not event.is_published
    actions = list(AuditLog.objects.filter(event=event).values_list("action", "reason"))
    assert ("event.publish", "") in actions and ("event.unpublish", "Typo in rules") in actions


def test_only_organisers_publish(client):
    event = factories.EventFactory(is_published=False)
    ready_challenge(event)
    stranger = factories.UserFactory()
    client.force_login(stranger)
    assert (
        client.post(reverse("competitions:manage_event_publish", args=[event.slug])).status_code
        == 404
    )
    judge = factories.UserFactory()
    event.roles.create(user=judge, role="judge")
    client.force_login(judge)
    assert (
        client.post(reverse("competitions:manage_event_publish", args=[event.slug])).status_code
        == 403
    )
    event.refresh_from_db()
    assert not event.is_published


def test_events_requiring_mfa_need_an_organiser_with_mfa(organiser):
    event = event_create(actor=organiser, data={"name": "DJ", "slug": "dj"})
    ready_challenge(event)
    Event.objects.filter(pk=event.pk).update(require_mfa=True)
    event.refresh_from_db()
    with pytest.raises(ServiceError, match="two-factor"):
        event_publish(event=event, actor=organiser)
    Authenticator.objects.create(user=organiser, type=Authenticator.Type.TOTP, data={})
    event_publish(event=event, actor=organiser)
    event.refresh_from_db()
    assert event.is_published


def test_unpublish_keeps_everything(organiser):
    event = event_create(actor=organiser, data={"name": "DJ", "slug": "dj"})
    challenge = ready_challenge(event)
    event_publish(event=event, actor=organiser)
    event_unpublish(event=event, actor=organiser)
    assert event.challenges.get() == challenge
