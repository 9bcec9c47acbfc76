"""Whole pages for people who are not signed in come from the shared cache without a query;
each visitor gets their own CSRF token in them; a change to the event or its standings renews
them; nobody signed in ever gets one; an open board's unchanged poll costs nothing."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from competitions import visitor_pages
from competitions.models import Event
from competitions.services.challenges import challenge_update
from tests import factories
from tests.competitions.test_leaderboard_views import board_url, client_for, score
from tests.competitions.test_page_cache import board  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries.captured_queries)


def rendered(response) -> bool:
    """Whether the view rendered the response (a stored page carries no template context).
    A query count is no proof: the challenge page reads its rows from the shared cache too."""
    return response.context is not None


def challenge_url(challenge) -> str:
    return f"/e/{challenge.event.slug}/{challenge.slug}/"


@pytest.mark.parametrize("which", ["home", "event", "challenge", "leaderboard"])
def test_the_second_visitor_gets_the_page_without_a_query(board, which):  # noqa: F811
    challenge = board["challenge"]
    url = {
        "home": "/",
        "event": f"/e/{challenge.event.slug}/",
        "challenge": challenge_url(challenge),
        "leaderboard": board_url(challenge),
    }[which]
    first, queries = get(Client(), url)
    assert first.status_code == 200 and queries > 0
    again, queries = get(Client(), url)
    assert again.status_code == 200 and queries == 0
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())
    assert again["Content-Type"] == first["Content-Type"]
    assert again["X-Frame-Options"] == first["X-Frame-Options"]


def test_each_visitor_gets_a_working_csrf_token_of_their_own(board):  # noqa: F811
    url = challenge_url(board["challenge"])
    get(Client(), url)
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for visitor in visitors:
        page, queries = get(visitor, url)
        assert queries == 0
        tokens.append(TOKEN.search(page.content.decode()).group(1))
        assert "csrftoken" in page.cookies  # the cookie the token goes with
    assert tokens[0] != tokens[1]
    for visitor, token in zip(visitors, tokens, strict=True):
        switched = visitor.post(
            "/i18n/setlang/", {"language": "fr", "next": "/", "csrfmiddlewaretoken": token}
        )
        assert switched.status_code == 302
    # The other visitor's token does not pass with this visitor's cookie.
    other = Client(enforce_csrf_checks=True)
    get(other, url)
    refused = other.post("/i18n/setlang/", {"language": "fr", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_the_page_follows_the_visitors_language_and_zone(board):  # noqa: F811
    url = challenge_url(board["challenge"])
    get(Client(), url)
    french, queries = get(Client(HTTP_ACCEPT_LANGUAGE="fr"), url)
    assert queries > 0 and 'lang="fr"' in french.content.decode()
    english, queries = get(Client(HTTP_ACCEPT_LANGUAGE="en"), url)
    assert queries == 0 and 'lang="en"' in english.content.decode()
    paris = Client()
    paris.cookies["datajam_tz"] = "Europe/Paris"
    assert get(paris, url)[1] > 0


def test_signed_in_people_never_get_a_visitors_page(board):  # noqa: F811
    url = challenge_url(board["challenge"])
    get(Client(), url)
    get(Client(), url)
    alice = client_for(board["alice"])
    page, queries = get(alice, url)
    assert queries > 0
    assert "You are in team" in page.content.decode()
    visitor = get(Client(), url)[0].content.decode()
    assert "You are in team" not in visitor and board["alice"].username not in visitor


def test_a_visitor_with_a_message_waiting_is_not_served_a_stored_page(board):  # noqa: F811
    url = challenge_url(board["challenge"])
    get(Client(), url)
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    assert rendered(get(visitor, url)[0])


def test_an_edit_renews_the_visitors_page(board, django_capture_on_commit_callbacks):  # noqa: F811
    challenge = board["challenge"]
    url = challenge_url(challenge)
    get(Client(), url)
    with django_capture_on_commit_callbacks(execute=True):
        challenge_update(challenge=challenge, actor=board["organiser"], data={"summary": "Fresh"})
    page, queries = get(Client(), url)
    assert queries > 0 and "Fresh" in page.content.decode()
    get(Client(), "/")
    assert get(Client(), "/")[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        challenge_update(challenge=challenge, actor=board["organiser"], data={"summary": "Again"})
    assert get(Client(), "/")[1] > 0  # the home page lists every event: renewed too


def test_a_new_score_renews_the_visitors_board(board):  # noqa: F811
    url = board_url(board["challenge"])
    get(Client(), url)
    assert get(Client(), url)[1] == 0
    newcomer = factories.TeamFactory(challenge=board["challenge"], name="Fresh Eyes")
    score(board["phase"], newcomer, 0.9, 0.9)
    page, queries = get(Client(), url)
    assert queries > 0 and "Fresh Eyes" in page.content.decode()


def test_a_draft_events_404_is_never_kept(phase):
    event = phase.challenge.event
    Event.objects.filter(pk=event.pk).update(is_published=False)
    url = challenge_url(phase.challenge)
    assert Client().get(url).status_code == 404
    assert Client().get(url).status_code == 404
    # Published behind the versions' back: a stored 404 would still be served.
    Event.objects.filter(pk=event.pk).update(is_published=True)
    assert Client().get(url).status_code == 200


def test_an_unchanged_board_poll_costs_no_query_for_anyone(board):  # noqa: F811
    url = board_url(board["challenge"])
    version = client_for().get(url).context["version"]
    poll = url + f"?phase={board['phase'].pk}&board=public&since={version}"
    first, queries = get(client_for(board["alice"]), poll, **HX)
    assert first.status_code == 204 and queries > 0
    for who in (board["alice"], board["judge"], None):
        answer, queries = get(client_for(who), poll, **HX)
        assert answer.status_code == 204 and answer.content == b"" and queries == 0
    # A version no one was given is not answered here.
    wrong = url + f"?phase={board['phase'].pk}&board=public&since=0123456789abcdef"
    assert get(client_for(board["alice"]), wrong, **HX)[0].status_code == 200
    # Once the standings change, the poll gets the new board.
    score(board["phase"], board["other"], 0.95, 0.95)
    answer, queries = get(client_for(board["alice"]), poll, **HX)
    assert answer.status_code == 200 and "0.9500" in answer.content.decode()


def test_it_can_be_turned_off(board, settings):  # noqa: F811
    settings.VISITOR_PAGE_SECONDS = 0
    url = challenge_url(board["challenge"])
    get(Client(), url)
    assert rendered(get(Client(), url)[0])


def test_pages_still_work_when_the_cache_does_not_answer(board, monkeypatch):  # noqa: F811
    url = challenge_url(board["challenge"])
    get(Client(), url)

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("cache down")

    monkeypatch.setattr(visitor_pages, "cache", Down())
    page, queries = get(Client(), url)
    html = page.content.decode()
    assert page.status_code == 200 and rendered(page) and board["challenge"].title in html
