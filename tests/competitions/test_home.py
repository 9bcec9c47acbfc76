"""The home page: event cards with their status, dates in the viewer's zone, counts; a search."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.selectors.home import event_cards
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    now = timezone.now()
    running = factories.EventFactory(
        name="DataJam Against Exploitation", starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=5), tagline="Link the ads",
    )  # fmt: skip
    challenge = factories.ChallengeFactory(event=running, title="Ad linkage")
    factories.TeamFactory(challenge=challenge)
    factories.TeamFactory(challenge=challenge)
    factories.TeamFactory(challenge=challenge, is_baseline=True)  # not a team of people
    factories.ChallengeFactory(event=running, title="Money laundering")
    upcoming = factories.EventFactory(
        name="DataJam Bogotá", starts_at=datetime(now, 30), ends_at=datetime(now, 32)
    )
    ended = factories.EventFactory(
        name="DataJam 2025", starts_at=datetime(now, -60), ends_at=datetime(now, -58)
    )
    draft = factories.EventFactory(name="Secret draft", is_published=False)
    return running, upcoming, ended, draft


def datetime(now, days):
    return now + dt.timedelta(days=days)


def test_cards_have_status_counts_and_open_events_first(events):
    running, upcoming, ended, draft = events
    cards = event_cards(factories.UserFactory())
    assert [(c.event, c.status) for c in cards] == [
        (running, "open"), (upcoming, "upcoming"), (ended, "ended")
    ]  # fmt: skip
    assert (cards[0].challenges, cards[0].teams) == (2, 2)


def test_the_page_shows_cards_with_zones_and_searches(client, events):
    client.cookies["datajam_tz"] = "America/Bogota"
    page = client.get(reverse("competitions:home")).content.decode()
    assert 'data-status="open"' in page and "Open" in page and "Upcoming" in page
    assert "Ended" in page and "Secret draft" not in page
    assert "2 challenges · 2 teams" in page
    assert "-05" in page or "COT" in page  # Bogotá's zone name on every date
    found = client.get(reverse("competitions:home"), {"q": "bogot"}).content.decode()
    assert "DataJam Bogotá" in found and "DataJam 2025" not in found
    assert "1 event matches “bogot”." in found
    by_challenge = client.get(reverse("competitions:home"), {"q": "laundering"}).content.decode()
    assert "DataJam Against Exploitation" in by_challenge
    nothing = client.get(reverse("competitions:home"), {"q": "zzz"}).content.decode()
    assert "No event matches your search." in nothing
    secret = client.get(reverse("competitions:home"), {"q": "Secret"}).content.decode()
    assert "Secret draft" not in secret


def test_organisers_see_their_draft_marked_as_such(client, events):
    draft = events[3]
    organiser = factories.UserFactory()
    draft.roles.create(user=organiser, role="organiser")
    client.force_login(organiser)
    page = client.get(reverse("competitions:home")).content.decode()
    assert "Secret draft" in page and 'data-status="draft"' in page
