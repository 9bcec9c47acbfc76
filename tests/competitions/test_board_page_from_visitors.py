"""A signed-in person's leaderboard page is made from the one kept for visitors (same URL,
language and time zone), with their own parts put in: the top bar's account links, the footer's,
and the mark and jump link of their team. It must be exactly the page a full rendering gives
them; anyone who sees more than a visitor, or has a message waiting, gets the full rendering."""

import re

import pytest
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory

from competitions.services.notifications import notify
from tests.competitions.test_leaderboard_views import board_url, client_for
from tests.competitions.test_page_cache import board  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]+"')
PAGE = "competitions/leaderboard.html"


def rendered(response) -> bool:
    return PAGE in [t.name for t in response.templates]


def normalised(response) -> str:
    return TOKEN.sub("token", response.content.decode())


def test_the_page_made_from_the_visitors_is_the_full_rendering(board, settings):  # noqa: F811
    url = board_url(board["challenge"])
    notify(users=[board["alice"]], message="Welcome.")  # an unread count in the top bar
    visitor = Client().get(url)
    assert rendered(visitor)
    alice = client_for(board["alice"])
    made = alice.get(url)
    assert made.status_code == 200 and not rendered(made)
    page = made.content.decode()
    assert f'data-my-team="{board["team"].pk}"' in page and 'id="jump-to-team"' in page
    assert board["alice"].username in page and 'id="unread-count"' in page
    assert "Log out" in page and "Log in" not in page
    settings.VISITOR_PAGE_SECONDS = 0  # what the full rendering gives her
    full = alice.get(url)
    assert rendered(full)
    assert normalised(made) == normalised(full)
    # Someone without a team: no mark, no jump link, the same as their full rendering.
    settings.VISITOR_PAGE_SECONDS = 15
    stranger = client_for(board["judge"].__class__.objects.create(username="stranger"))
    made = stranger.get(url)
    assert not rendered(made) and 'data-my-team=""' in made.content.decode()
    settings.VISITOR_PAGE_SECONDS = 0
    assert normalised(made) == normalised(stranger.get(url))


def test_staff_get_the_full_rendering(board):  # noqa: F811
    url = board_url(board["challenge"])
    Client().get(url)
    for who in ("organiser", "judge"):
        response = client_for(board[who]).get(url)
        assert rendered(response), who


def test_a_waiting_message_gets_the_full_rendering(board):  # noqa: F811
    url = board_url(board["challenge"])
    Client().get(url)
    alice = client_for(board["alice"])
    storage = CookieStorage(RequestFactory().get("/"))
    alice.cookies["messages"] = storage._encode([Message(25, "Your team was saved.")])
    response = alice.get(url)
    assert rendered(response) and "Your team was saved." in response.content.decode()


def test_only_the_visitors_page_of_the_same_zone_and_language_is_used(board):  # noqa: F811
    url = board_url(board["challenge"])
    Client().get(url)  # no zone, English
    alice = board["alice"]
    alice.timezone = "Europe/Paris"
    alice.save()
    assert rendered(client_for(alice).get(url))
    visitor = Client()
    visitor.cookies["datajam_tz"] = "Europe/Paris"
    visitor.get(url)
    assert not rendered(client_for(alice).get(url))
    alice.language = "fr"
    alice.save()
    assert rendered(client_for(alice).get(url))
