"""Leaderboards as JSON and CSV, results, and the organisers' queue, rescore and audit log."""

import csv
import io

import pytest
from django.utils import timezone

from competitions.models import AuditLog, Submission
from competitions.services.standings import standings_rebuild

from .conftest import error_of, statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world):
    """The world's team has a scored submission on the board."""
    submission = world[1]["submission"]
    Submission.objects.filter(pk=submission.pk).update(
        state="scored", public_score=0.75, private_score=0.5, finished_at=timezone.now(),
        public_scores={"pairwise_f1": 0.75}, private_scores={"pairwise_f1": 0.5},
        all_scores={"pairwise_f1": 0.75},
    )  # fmt: skip
    standings_rebuild(phase=world[1]["phase"])
    return submission


def board_url(world, **query) -> str:
    challenge = world[1]["challenge"]
    url = f"/api/v1/events/{challenge.event.slug}/challenges/{challenge.slug}/leaderboard/"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_public_board_as_json_and_csv(world, as_role, scored):
    body = as_role("visitor").get(board_url(world)).json()
    assert body["board"] == "public" and body["metric"] == "pairwise_f1"
    assert [(r["rank"], r["team"], r["score"]) for r in body["rows"]] == [
        (1, world[1]["team"].name, 0.75)
    ]
    response = as_role("visitor").get(board_url(world, format="csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["rank", "team", "baseline", "pairwise_f1"]
    assert rows[1][:2] == ["1", world[1]["team"].name] and rows[1][3] == "0.75"


def test_private_board_only_where_the_pages_show_it(world, as_role, scored):
    seen = statuses(as_role, "get", board_url(world, board="private"))
    assert {r for r, s in seen.items() if s == 200} == {"organiser", "judge"}
    assert seen["visitor"] == 401 and seen["participant"] == 403 and seen["leader"] == 403
    private = as_role("judge").get(board_url(world, board="private")).json()
    assert private["rows"][0]["score"] == 0.5 and private["rows"][0]["public_rank"] == 1
    csv_refused = as_role("participant").get(board_url(world, board="private", format="csv"))
    assert csv_refused.status_code == 403
    assert error_of(csv_refused)["code"] == "permission_denied"
    phase = world[1]["phase"]
    phase.private_revealed_at = timezone.now()
    phase.save()
    assert as_role("visitor").get(board_url(world, board="private")).status_code == 200


def test_unknown_phase_is_404(world, as_role):
    assert as_role("visitor").get(board_url(world, phase=999999)).status_code == 404
    assert as_role("visitor").get(board_url(world, phase="abc")).status_code == 404
    ok = as_role("visitor").get(board_url(world, phase=world[1]["phase"].pk))
    assert ok.status_code == 200


def test_results_before_and_after_publication(world, as_role):
    event = world[1]["event"]
    url = f"/api/v1/events/{event.slug}/results/"
    seen = statuses(as_role, "get", url)
    assert {r for r, s in seen.items() if s == 200} == {"organiser"}
    from judging.models import EventResults

    EventResults.objects.create(
        event=event, state=EventResults.State.PUBLISHED, published_at=timezone.now()
    )
    body = as_role("visitor").get(url).json()
    assert body["event"] == event.slug and body["published_at"]


def test_queue_health_for_organisers(world, as_role):
    event = world[1]["event"]
    seen = statuses(as_role, "get", f"/api/v1/events/{event.slug}/queue/")
    assert {r for r, s in seen.items() if s == 200} == {"organiser"}
    assert seen["visitor"] == 401 and seen["other_organiser"] == 403 and seen["leader"] == 403
    body = as_role("organiser").get(f"/api/v1/events/{event.slug}/queue/").json()
    assert body["queued"] == 1 and body["running"] == 0 and isinstance(body["workers"], list)


def test_rescoring_a_phase_and_the_audit_log(world, as_role, scored):
    phase, event = world[1]["phase"], world[1]["event"]
    url = f"/api/v1/phases/{phase.pk}/rescore/"
    assert as_role("leader").post(url, {"reason": "x"}, format="json").status_code == 403
    assert as_role("visitor").post(url, {"reason": "x"}, format="json").status_code == 401
    response = as_role("organiser").post(url, {"reason": "truth fixed"}, format="json")
    assert response.status_code == 200 and response.json() == {"queued": 1}
    audit_url = f"/api/v1/events/{event.slug}/audit/"
    seen = statuses(as_role, "get", audit_url)
    assert {r for r, s in seen.items() if s == 200} == {"organiser"}
    entries = as_role("organiser").get(audit_url).json()
    assert entries["count"] == AuditLog.objects.filter(event=event).count() >= 1
    assert entries["results"][0]["action"] == "phase.rescore"
    assert entries["results"][0]["reason"] == "truth fixed"


def test_an_unpublished_events_board_is_404_to_outsiders(world, as_role):
    event = world[1]["event"]
    event.is_published = False
    event.save()
    assert as_role("stranger").get(board_url(world)).status_code == 404
    assert as_role("judge").get(board_url(world)).status_code == 200
