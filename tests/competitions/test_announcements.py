"""Organisers write to every participant of an event or a challenge: on the event page, as a
notification and an e-mail, each in the reader's language; the Markdown is sanitised."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from competitions.errors import ServiceError
from competitions.models import Announcement, AuditLog, Notification, RulesAcceptance
from competitions.services.announcements import announcement_send
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def world():
    organiser = factories.UserFactory(email="organiser@datajam.local")
    event = factories.EventFactory(name="DataJam")
    event.roles.create(user=organiser, role="organiser")
    linkage = factories.ChallengeFactory(event=event, title="Linkage")
    laundering = factories.ChallengeFactory(event=event, title="Laundering")
    english = factories.UserFactory(language="en")
    french = factories.UserFactory(language="fr")
    stranger = factories.UserFactory()
    RulesAcceptance.objects.create(challenge=linkage, user=english)
    RulesAcceptance.objects.create(challenge=laundering, user=french)
    return event, organiser, linkage, english, french, stranger


def test_an_announcement_reaches_every_participant_in_their_language(
    world, django_capture_on_commit_callbacks
):
    event, organiser, linkage, english, french, stranger = world
    with django_capture_on_commit_callbacks(execute=True):
        announcement = announcement_send(
            event=event, actor=organiser, subject="Data v2",
            body="The **new** data is up. <script>alert(1)</script>",
        )  # fmt: skip
    assert announcement.recipients == 2
    assert set(Notification.objects.values_list("user_id", flat=True)) == {english.pk, french.pk}
    assert factories.notification_texts(english) == [
        "Announcement from the organisers of DataJam: Data v2"
    ]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {english.email, french.email}
    assert by_address[english.email].subject == "DataJam: Data v2"
    assert by_address[english.email].body.startswith(
        "The organisers of DataJam wrote to every participant of DataJam:"
    )
    assert "The **new** data is up." in by_address[french.email].body
    assert f"#announcement-{announcement.pk}" in by_address[french.email].body
    assert AuditLog.objects.filter(action="announcement.send", event=event).exists()


def test_a_challenge_announcement_reaches_only_that_challenges_participants(
    world, django_capture_on_commit_callbacks
):
    event, organiser, linkage, english, french, stranger = world
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(
            event=event, actor=organiser, subject="Linkage only", body="Hi", challenge=linkage
        )
    assert list(Notification.objects.values_list("user_id", flat=True)) == [english.pk]
    assert [m.to[0] for m in mail.outbox] == [english.email]


def test_the_event_page_shows_announcements_sanitised(client, world):
    event, organiser, linkage, english, french, stranger = world
    announcement_send(
        event=event, actor=organiser, subject="Data v2",
        body="The **new** data. <script>alert(1)</script> ![x](https://evil.example/x.png)",
    )  # fmt: skip
    page = client.get(reverse("competitions:event", args=[event.slug])).content.decode()
    section = page.split('id="announcements"')[1]
    assert "<strong>new</strong>" in section
    assert "<script>alert(1)" not in section and "<img" not in section


def test_refusals_and_permissions(client, world):
    event, organiser, linkage, english, french, stranger = world
    with pytest.raises(ServiceError, match="subject"):
        announcement_send(event=event, actor=organiser, subject=" ", body="x")
    with pytest.raises(ServiceError, match="Write the announcement"):
        announcement_send(event=event, actor=organiser, subject="x", body="")
    with pytest.raises(ServiceError):
        announcement_send(event=event, actor=english, subject="x", body="y")
    other = factories.ChallengeFactory()
    with pytest.raises(ServiceError, match="challenge of this event"):
        announcement_send(event=event, actor=organiser, subject="x", body="y", challenge=other)
    assert Announcement.objects.count() == 0
    client.force_login(english)
    url = reverse("competitions:manage_announcement_new", args=[event.slug])
    assert client.get(url).status_code == 403


def test_the_organiser_page_sends_it(client, world, django_capture_on_commit_callbacks):
    event, organiser, linkage, english, french, stranger = world
    client.force_login(organiser)
    url = reverse("competitions:manage_announcement_new", args=[event.slug])
    page = client.get(url).content.decode()
    assert "Every participant of the event" in page and "Participants of Linkage" in page
    empty = client.post(url, {"audience": "", "subject": "", "body": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"audience": str(linkage.pk), "subject": "Hello", "body": "Welcome"}, follow=True
        )
    assert "Announcement sent to 1 participant." in response.content.decode()
    assert Announcement.objects.get().challenge == linkage


def test_written_by_a_french_speaking_organiser_read_in_english_by_an_english_reader(
    client, world, django_capture_on_commit_callbacks
):
    event, organiser, linkage, english, french, stranger = world
    organiser.language = "fr"
    organiser.save()
    client.force_login(organiser)
    url = reverse("competitions:manage_announcement_new", args=[event.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"audience": "", "subject": "Données v2", "body": "Voir"})
    stored = Notification.objects.get(user=english)
    assert stored.message == "Announcement from the organisers of %(event)s: %(subject)s"
    client.force_login(english)
    page = client.get(reverse("competitions:notifications")).content.decode()
    assert "Announcement from the organisers of DataJam: Données v2" in page
    english_mail = next(m for m in mail.outbox if m.to == [english.email])
    assert english_mail.body.startswith("The organisers of DataJam wrote to every participant")
