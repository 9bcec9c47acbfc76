"""The audit log reads in words, in the reader's language, and filters by action and person."""

import pytest
from django.urls import reverse

from competitions.models import AuditLog
from competitions.services.events import event_create, role_grant, role_revoke
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    organiser = factories.UserFactory(email="organiser@datajam.local")
    judge = factories.UserFactory(email="judge@datajam.local")
    event = event_create(actor=organiser, data={"name": "DJ", "slug": "dj"})
    role = role_grant(event=event, email=judge.email, role="judge", actor=organiser)
    role_revoke(role=role, actor=organiser)
    AuditLog.objects.create(event=event, actor=None, action="handin.reminder", target_label="Link")
    client.force_login(organiser)
    return event, organiser, judge


def test_entries_read_as_sentences(client, setup):
    event, organiser, judge = setup
    page = client.get(reverse("competitions:manage_audit", args=[event.slug])).content.decode()
    assert "organiser@datajam.local made judge@datajam.local a judge" in page
    assert "organiser@datajam.local removed judge@datajam.local as a judge" in page
    assert "organiser@datajam.local created the event" in page
    assert "The platform reminded the teams of Link to hand in" in page
    assert "role.grant" not in page.split('<table id="audit">')[1].replace(
        'data-action="role.grant"', ""
    )


def test_filter_by_action_and_by_person(client, setup):
    event, organiser, judge = setup
    url = reverse("competitions:manage_audit", args=[event.slug])
    page = client.get(url, {"action": "role.grant"}).content.decode()
    table = page.split('<table id="audit">')[1]
    assert "made judge@datajam.local a judge" in table
    assert "created the event" not in table and "removed" not in table
    assert '<option value="role.grant" selected>Role given</option>' in page
    page = client.get(url, {"person": "platform"}).content.decode()
    table = page.split('<table id="audit">')[1]
    assert "The platform reminded" in table and "organiser@datajam.local" not in table
    page = client.get(url, {"person": str(organiser.pk)}).content.decode()
    assert "The platform reminded" not in page.split('<table id="audit">')[1]
    page = client.get(url, {"action": "prize.award"}).content.decode()
    assert "Nothing matches this filter." in page


def test_sentences_in_french(client, setup):
    event, organiser, judge = setup
    page = client.get(
        reverse("competitions:manage_audit", args=[event.slug]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert page.status_code == 200
    assert 'lang="fr"' in page.content.decode()
