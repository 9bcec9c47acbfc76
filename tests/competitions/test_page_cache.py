"""What many people read comes from the shared cache (the test run's Redis or database cache):
renewed when the standings or the event's content change, never shared where it differs by
viewer; an unchanged board costs a 304."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from competitions import page_cache
from competitions.models import EventRole, Phase, RulesAcceptance
from competitions.services.challenges import challenge_update
from competitions.services.moderation import submission_moderate
from competitions.services.phases import phase_reveal_private, phase_update
from competitions.services.teams import team_join
from tests import factories
from tests.competitions.test_leaderboard_views import board_url, client_for, score

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def board(phase):
    challenge = phase.challenge
    organiser, judge, alice = (factories.UserFactory() for _ in range(3))
    EventRole.objects.create(event=challenge.event, user=organiser, role="organiser")
    EventRole.objects.create(event=challenge.event, user=judge, role="judge")
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    factories.add_member(team, alice, role="leader")
    other = factories.TeamFactory(challenge=challenge, name="North Star")
    first = score(phase, team, 0.5, 0.6)
    score(phase, other, 0.7, 0.3)
    return {
        "phase": phase, "challenge": challenge, "organiser": organiser, "judge": judge,
        "alice": alice, "team": team, "other": other, "first": first,
    }  # fmt: skip


def rows_read(queries) -> bool:
    """Whether the board's rows (with their members) were read from the database."""
    return any("competitions_membership" in q["sql"] for q in queries)


def board_part(response) -> str:
    html = response.content.decode()
    return html[html.index('<div id="board"') : html.index('<p class="muted">Times are shown')]


def use_ladder(board) -> None:
    phase_update(
        phase=Phase.objects.get(pk=board["phase"].pk),
        actor=board["organiser"],
        data={"ladder": Phase.Ladder.FIXED, "ladder_step": 0.25},
    )


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code in (200, 204, 304), response.status_code
    return response, queries.captured_queries


def test_a_second_visitor_gets_the_board_from_the_cache(board):
    url = board_url(board["challenge"])
    first, queries = get(client_for(), url)
    assert rows_read(queries)
    again, queries = get(client_for(), url)
    assert not rows_read(queries)
    assert board_part(again) == board_part(first)
    assert "North Star" in again.content.decode()


def test_a_new_score_renews_the_board(board):
    url = board_url(board["challenge"])
    get(client_for(), url)
    newcomer = factories.TeamFactory(challenge=board["challenge"], name="Fresh Eyes")
    score(board["phase"], newcomer, 0.9, 0.9)
    page, queries = get(client_for(), url)
    assert rows_read(queries)
    html = page.content.decode()
    assert "Fresh Eyes" in html and html.index("Fresh Eyes") < html.index("North Star")


def test_moderation_renews_the_board(board):
    url = board_url(board["challenge"])
    assert "0.5000" in get(client_for(), url)[0].content.decode()
    submission_moderate(
        submission=board["first"], action="hide", reason="probing", actor=board["organiser"]
    )
    html = get(client_for(), url)[0].content.decode()
    assert "0.5000" not in html  # Buyer Resist's only score is hidden


def test_the_reveal_renews_the_board(board):
    url = board_url(board["challenge"])
    assert 'id="public-board"' in get(client_for(), url)[0].content.decode()
    phase_reveal_private(phase=board["phase"], actor=board["organiser"])
    html = get(client_for(), url)[0].content.decode()
    assert 'id="private-board"' in html  # the final result, for everyone


def test_a_phase_setting_renews_the_board(board):
    url = board_url(board["challenge"])
    get(client_for(), url)
    use_ladder(board)
    html = get(client_for(), url)[0].content.decode()
    assert "Ladder" in html and "0.25" in html


def test_a_new_member_shows_on_the_board(board, django_capture_on_commit_callbacks):
    url = board_url(board["challenge"])
    get(client_for(), url)
    newcomer = factories.UserFactory(username="carol-newcomer")
    RulesAcceptance.objects.create(challenge=board["challenge"], user=newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        team_join(team=board["team"], user=newcomer)
    assert "carol-newcomer" in get(client_for(), url)[0].content.decode()


def test_your_team_never_reaches_the_cache(board):
    """Alice's page marks her team; the cached board and what a visitor gets never do."""
    url = board_url(board["challenge"])
    alice = get(client_for(board["alice"]), url)[0].content.decode()
    assert f'data-my-team="{board["team"].pk}"' in alice and 'id="jump-to-team"' in alice
    visitor, queries = get(client_for(), url)
    assert not rows_read(queries)  # the board Alice's request rendered
    html = visitor.content.decode()
    assert 'data-my-team=""' in html and 'id="jump-to-team"' not in html
    assert board["alice"].username not in html.split('<div id="board"')[0]  # not signed in
    fragment = get(client_for(), url, **HX)[0].content.decode()
    assert "data-my-team" not in fragment and "mine" not in fragment


def test_raw_scores_under_the_ladder_stay_with_those_who_may_see_them(board):
    use_ladder(board)
    url = board_url(board["challenge"])
    judge = get(client_for(board["judge"]), url)[0].content.decode()
    assert 'class="num raw"' in judge
    for viewer in (None, board["alice"]):
        html = get(client_for(viewer), url)[0].content.decode()
        assert 'class="num raw"' not in html
        assert "0.7000" not in html  # North Star's raw score; released: 0.5000


def test_each_language_has_its_own_board(board):
    url = board_url(board["challenge"])
    english = get(client_for(), url, HTTP_ACCEPT_LANGUAGE="en")[0].content.decode()
    french = get(client_for(), url, HTTP_ACCEPT_LANGUAGE="fr")[0].content.decode()
    assert "Public leaderboard, ranked by" in english
    assert "Public leaderboard, ranked by" not in french


def test_an_unchanged_board_costs_a_304(board):
    url = board_url(board["challenge"])
    first, _ = get(client_for(), url, **HX)
    etag = first["ETag"]
    assert etag and first["Cache-Control"] == "no-cache"
    again, queries = get(client_for(), url, HTTP_IF_NONE_MATCH=etag, **HX)
    assert again.status_code == 304 and again.content == b""
    assert not rows_read(queries)
    score(board["phase"], board["other"], 0.95, 0.2)
    changed, _ = get(client_for(), url, HTTP_IF_NONE_MATCH=etag, **HX)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "0.9500" in changed.content.decode()


def test_the_etag_differs_by_viewer_permission(board):
    use_ladder(board)  # then only organisers and judges see raw scores
    url = board_url(board["challenge"])
    visitor = get(client_for(), url, **HX)[0]["ETag"]
    judge = get(client_for(board["judge"]), url, **HX)[0]
    assert judge["ETag"] != visitor
    assert (
        get(client_for(board["judge"]), url, HTTP_IF_NONE_MATCH=visitor, **HX)[0].status_code == 200
    )


def test_an_unchanged_poll_is_an_empty_204(board):
    url = board_url(board["challenge"])
    page = get(client_for(), url)[0]
    version = page.context["version"]
    poll, queries = get(client_for(), url + f"?since={version}", **HX)
    assert poll.status_code == 204 and poll.content == b""
    assert not rows_read(queries)
    # The version is the phase's standings token, from the cache: no standings query at all.
    assert not any("competitions_standing" in q["sql"] for q in queries)


def test_a_standings_write_renews_the_version_once_committed(
    board, django_capture_on_commit_callbacks
):
    url = board_url(board["challenge"])
    version = get(client_for(), url)[0].context["version"]
    assert get(client_for(), url + f"?since={version}", **HX)[0].status_code == 204
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        score(board["phase"], board["other"], 0.95, 0.95)
    during = get(client_for(), url)[0].context["version"]
    assert during != version  # renewed at the write already
    for callback in callbacks:
        callback()
    after = get(client_for(), url)[0].context["version"]
    assert after not in (version, during)  # and again at the commit
    poll = get(client_for(), url + f"?since={during}", **HX)[0]
    assert poll.status_code == 200 and "0.9500" in poll.content.decode()


def test_with_caching_off_the_version_comes_from_the_rows(board, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = board_url(board["challenge"])
    version = get(client_for(), url)[0].context["version"]
    poll, queries = get(client_for(), url + f"?since={version}", **HX)
    assert poll.status_code == 204
    assert any("competitions_standing" in q["sql"] for q in queries)
    score(board["phase"], board["other"], 0.95, 0.95)
    assert get(client_for(), url + f"?since={version}", **HX)[0].status_code == 200


def test_challenge_and_event_pages_come_from_the_cache_for_visitors(board):
    challenge = board["challenge"]
    url = f"/e/{challenge.event.slug}/{challenge.slug}/"
    first, queries = get(client_for(), url)
    assert any("competitions_datafile" in q["sql"] for q in queries)
    again, queries = get(client_for(), url)
    assert not any("competitions_datafile" in q["sql"] for q in queries)
    assert again.content.decode().count("Description") == first.content.decode().count(
        "Description"
    )
    event_url = f"/e/{challenge.event.slug}/"
    get(client_for(), event_url)
    assert not any(
        "competitions_challenge" in q["sql"] and "ORDER BY" in q["sql"]
        for q in get(client_for(), event_url)[1]
    )


def test_an_organiser_edit_renews_the_visitors_pages(board, django_capture_on_commit_callbacks):
    challenge = board["challenge"]
    url = f"/e/{challenge.event.slug}/{challenge.slug}/"
    event_url = f"/e/{challenge.event.slug}/"
    get(client_for(), url)
    get(client_for(), event_url)
    with django_capture_on_commit_callbacks(execute=True):
        challenge_update(
            challenge=challenge,
            actor=board["organiser"],
            data={"summary": "Now with French ads too"},
        )
    assert "Now with French ads too" in get(client_for(), url)[0].content.decode()
    assert "Now with French ads too" in get(client_for(), event_url)[0].content.decode()


def test_signed_in_people_never_get_the_visitors_page(board):
    challenge = board["challenge"]
    url = f"/e/{challenge.event.slug}/{challenge.slug}/"
    visitor = get(client_for(), url)[0].content.decode()
    assert 'id="submit-card"' not in visitor
    alice = get(client_for(board["alice"]), url)[0].content.decode()
    assert 'id="submit-card"' in alice and "Buyer Resist" in alice
    visitor = get(client_for(), url)[0].content.decode()
    assert 'id="submit-card"' not in visitor and "You are in team" not in visitor


def test_caching_can_be_turned_off(board, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = board_url(board["challenge"])
    get(client_for(), url)
    assert rows_read(get(client_for(), url)[1])


def test_scores_arriving_faster_than_the_refresh_are_shown_once_per_refresh(
    board, settings, monkeypatch
):
    """While teams upload every second, a board is rendered again at most once per
    BOARD_REFRESH_SECONDS: readers in between get the last rendering, with its own version
    (so open pages ask again), no ETag, and a visitor's page with it is kept only until the
    refresh is due."""
    settings.BOARD_REFRESH_SECONDS = 2
    now = [1_000_000.0]
    monkeypatch.setattr(page_cache.time, "time", lambda: now[0])
    url = board_url(board["challenge"])
    before = get(client_for(), url)[0]
    old_version = before.context["version"]
    get(client_for(), url + "?since=another", **HX)  # the polled rendering, as open pages ask
    newcomer = factories.TeamFactory(challenge=board["challenge"], name="Fresh Eyes")
    score(board["phase"], newcomer, 0.9, 0.9)

    now[0] += 1  # within the refresh: the last rendering, which says which version it shows
    page, queries = get(client_for(), url)
    html = page.content.decode()
    assert page.context["version"] != old_version
    assert "Fresh Eyes" not in html and f'data-version="{old_version}"' in html
    assert not rows_read(queries)
    poll = get(client_for(), url + f"?since={old_version}", **HX)[0]
    assert poll.status_code == 200 and "ETag" not in poll
    assert f'data-version="{old_version}"' in poll.content.decode()
    # A visitor's whole page with it is kept as the rendering is: until the refresh is due,
    # whatever scores arrive meanwhile.
    first = get(Client(), url)[0]
    kept = get(Client(), url)[0]
    assert kept.context is None  # from the visitor pages, not the view
    assert f'data-version="{old_version}"' in kept.content.decode()
    assert "Fresh Eyes" not in kept.content.decode()
    assert first.status_code == kept.status_code == 200

    now[0] += 2  # past it: rendered again, with the new team (the kept page is not served)
    page, queries = get(client_for(), url)
    assert rows_read(queries) and "Fresh Eyes" in page.content.decode()
    fresh = page.context["version"]
    assert f'data-version="{fresh}"' in page.content.decode()
    assert get(client_for(), url + f"?since={fresh}", **HX)[0].status_code == 204


def test_a_token_is_read_once_per_request_and_again_after_its_renewal(monkeypatch):
    """Within a request (``visitor_pages`` opens the memo) a token is asked of the cache once;
    a renewal made by the request itself is seen by its later reads; outside a request every
    read asks the cache."""
    from django.core.cache import cache

    asked = []

    class Counting:
        def __getattr__(self, name):
            return getattr(cache, name)

        def get(self, key, *args, **kwargs):
            asked.append(key)
            return cache.get(key, *args, **kwargs)

    outside = page_cache.person_token(7)  # made here: later reads find it
    monkeypatch.setattr(page_cache, "cache", Counting())
    assert page_cache.person_token(7) == page_cache.person_token(7) == outside
    assert len(asked) == 2
    memo = page_cache.start_request()
    try:
        asked.clear()
        assert page_cache.person_token(7) == page_cache.person_token(7) == outside
        assert len(asked) == 1
        page_cache.person_changed(7)
        renewed = page_cache.person_token(7)
        assert renewed != outside and len(asked) == 2
    finally:
        page_cache.end_request(memo)
    asked.clear()
    assert page_cache.person_token(7) == renewed and len(asked) == 1


def test_an_upload_renews_the_teams_token_not_its_rows_token():
    team = factories.TeamFactory()
    tokens = page_cache.team_token(team.pk), page_cache.team_rows_token(team.pk)
    page_cache.submission_changed("00000000-0000-0000-0000-000000000001", team.pk)
    assert page_cache.team_token(team.pk) != tokens[0]
    assert page_cache.team_rows_token(team.pk) == tokens[1]
    page_cache.team_changed(team.pk)
    assert page_cache.team_rows_token(team.pk) != tokens[1]
