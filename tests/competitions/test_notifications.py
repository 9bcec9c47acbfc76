"""Notifications and e-mails are put together in each reader's language and zone."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from competitions.models import Notification
from competitions.selectors.notifications import as_reader, notification_text, render_message
from competitions.services.notifications import notify
from competitions.services.teams import team_join
from tests import factories

pytestmark = pytest.mark.django_db

JOINED = "%(user)s joined your team %(team)s."
JOINED_FR = "%(user)s s'est joint à votre équipe %(team)s."


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


def test_a_notice_caused_by_a_french_speaker_reads_in_english_for_an_english_reader(client):
    challenge = factories.ChallengeFactory(max_team_size=3)
    leader = factories.UserFactory(language="en")
    french_reader = factories.UserFactory(language="fr")
    team = factories.TeamFactory(challenge=challenge, name="Équipe")
    factories.add_member(team, leader, role="leader")
    factories.add_member(team, french_reader)
    newcomer = factories.UserFactory(language="fr")
    factories.models.RulesAcceptance.objects.create(challenge=challenge, user=newcomer)

    with translation.override("fr"):  # the newcomer's request is in French
        team_join(team=team, user=newcomer)

    stored = Notification.objects.get(user=leader)
    assert stored.message == JOINED  # the source text, not a rendering
    assert stored.params == {"user": str(newcomer), "team": "Équipe"}

    client.force_login(leader)
    page = client.get(reverse("competitions:notifications")).content.decode()
    assert f"{newcomer} joined your team Équipe." in page
    client.force_login(french_reader)
    page = client.get(reverse("competitions:notifications"), HTTP_ACCEPT_LANGUAGE="en")
    assert "s&#x27;est joint à votre équipe Équipe" in page.content.decode()


def test_times_are_shown_in_the_readers_zone_and_numbers_in_their_format():
    reset = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
    message = "Resets at %(reset_at)s; your best is %(score)s over %(n)s ads."
    params = {"reset_at": reset.isoformat(), "score": 0.81234, "n": 12000}
    toronto = factories.UserFactory(language="en", timezone="America/Toronto")
    paris = factories.UserFactory(language="fr", timezone="Europe/Paris")
    with as_reader(toronto):
        text = render_message(message, params)
    assert "7 p.m. EST" in text and "0.8123" in text and "12,000" in text
    with as_reader(paris):
        text = render_message(message, params)
    assert "CET" in text and "0,8123" in text


def test_a_parameter_that_is_itself_a_message_is_translated_and_filled():
    reader = factories.UserFactory(language="fr")
    with as_reader(reader):
        text = render_message(
            "%(team)s: %(why_msg)s", {"team": "A", "why_msg": JOINED, "user": "bob"}
        )
    assert text == "A: bob s'est joint à votre équipe A."


def test_emails_go_out_in_each_readers_language(django_capture_on_commit_callbacks):
    english = factories.UserFactory(language="en")
    french = factories.UserFactory(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[english, french, english],
            message=JOINED,
            params={"user": "carol", "team": "North Star"},
            link="/notifications/",
            email_subject="%(team)s refused to merge with %(from)s.",
        )
    assert Notification.objects.count() == 2  # each person once
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[english.email].body.startswith("carol joined your team North Star.")
    assert by_address[french.email].body.startswith("carol s'est joint à votre équipe")
    assert "/notifications/" in by_address[french.email].body
    # The subject needs a value that was not given: shown as written, never an error.
    assert by_address[english.email].subject == "%(team)s refused to merge with %(from)s."


def test_rendering_never_breaks_on_a_stored_plain_text():
    note = Notification(message="Coverage was 50% of the file.", params={})
    assert notification_text(note) == "Coverage was 50% of the file."


def test_language_choice_is_saved_and_followed(client):
    user = factories.UserFactory()
    client.force_login(user)
    client.get(reverse("competitions:home"), HTTP_ACCEPT_LANGUAGE="fr")
    user.refresh_from_db()
    assert user.language == "fr"  # first seen in French: notifications will be French
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    page = client.get(reverse("competitions:home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en"' in page  # their choice wins over the browser's
