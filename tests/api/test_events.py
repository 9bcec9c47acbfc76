"""Events, challenges, phases with quota, rules, data files, my team: the pages' rules."""

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from competitions.models import DataFile, RulesAcceptance, Submission
from tests import factories

from .conftest import ROLES, error_of, statuses

pytestmark = pytest.mark.django_db


def base(world) -> str:
    challenge = world[1]["challenge"]
    return f"/api/v1/events/{challenge.event.slug}/challenges/{challenge.slug}/"


def test_events_list_is_paginated_and_shows_what_each_role_may_see(world, as_role):
    event = world[1]["event"]
    slugs = [e["slug"] for e in as_role("visitor").get("/api/v1/events/").json()["results"]]
    assert event.slug in slugs
    event.is_published = False
    event.save()
    for role in ROLES:
        body = as_role(role).get("/api/v1/events/?page_size=1").json()
        assert set(body) == {"count", "next", "previous", "results"}
        slugs = {e["slug"] for e in body["results"]}
        if body["next"]:
            slugs |= {e["slug"] for e in as_role(role).get(body["next"]).json()["results"]}
        assert (event.slug in slugs) == (role in {"organiser", "judge"}), role
    seen = statuses(as_role, "get", f"/api/v1/events/{event.slug}/")
    assert {r for r, s in seen.items() if s == 200} == {"organiser", "judge"}
    assert {s for r, s in seen.items() if r not in {"organiser", "judge"}} == {404}


def test_event_and_challenge_detail(world, as_role):
    event, challenge = world[1]["event"], world[1]["challenge"]
    body = as_role("visitor").get(f"/api/v1/events/{event.slug}/").json()
    assert [c["slug"] for c in body["challenges"]] == [challenge.slug]
    listed = as_role("visitor").get(f"/api/v1/events/{event.slug}/challenges/").json()
    assert [c["slug"] for c in listed["results"]] == [challenge.slug]
    detail = as_role("visitor").get(base(world)).json()
    assert detail["submission_header"] == "ad_id,cluster_id"
    assert detail["rules_accepted"] is False
    assert detail["phases"][0]["is_current"] and detail["phases"][0]["quota"] is None
    assert as_role("visitor").get(base(world).replace(challenge.slug, "nope")).status_code == 404


def test_phases_give_the_callers_team_quota_with_the_reset_in_utc(world, as_role):
    phase, team = world[1]["phase"], world[1]["team"]
    Submission.objects.create(phase=phase, team=team, file="y.csv", original_name="y.csv")
    phases = as_role("member").get(base(world) + "phases/").json()
    quota = phases[0]["quota"]
    # The world's submission and this one count today (created now).
    assert quota["used_today"] == 2 and quota["left_today"] == phase.daily_limit - 2
    assert quota["total_left"] is None
    assert quota["next_reset"].endswith("T00:00:00Z")
    assert as_role("stranger").get(base(world) + "phases/").json()[0]["quota"] is None
    current = as_role("leader").get(base(world) + "quota/").json()
    assert current["id"] == phase.pk and current["quota"]["used_today"] == 2


def test_accepting_the_rules(world, as_role):
    url = base(world) + "rules/accept/"
    assert as_role("visitor").post(url).status_code == 401
    refused = as_role("judge").post(url)
    assert refused.status_code == 400
    assert error_of(refused)["message"] == (
        "You judge this event, so you cannot take part in its challenges or teams."
    )
    response = as_role("stranger").post(url)
    assert response.status_code == 200 and response.json()["accepted"] is True
    people, objects = world
    assert RulesAcceptance.objects.filter(
        user=people["stranger"], challenge=objects["challenge"]
    ).exists()


def test_data_files_listed_for_all_downloaded_after_the_rules(world, as_role):
    challenge = world[1]["challenge"]
    data = DataFile.objects.create(
        challenge=challenge, name="ads.csv", kind="test", size=11,
        file=ContentFile(b"ad_id\na1\na2", name="ads.csv"),
    )  # fmt: skip
    listed = as_role("visitor").get(base(world) + "files/").json()["results"]
    assert [f["name"] for f in listed] == ["ads.csv"]
    url = listed[0]["download_url"].replace("http://testserver", "")
    assert url == base(world) + f"files/{data.pk}/"
    seen = statuses(as_role, "get", url)
    allowed = {"participant", "leader", "member", "other_team", "judge", "organiser"}
    assert {r for r, s in seen.items() if s == 200} == allowed
    assert seen["visitor"] == 401
    assert {seen[r] for r in {"stranger", "other_judge", "other_organiser"}} == {403}
    response = as_role("participant").get(url, HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"ad_id\na1\na2"
    assert 'filename="ads.csv"' in response["Content-Disposition"]
    assert as_role("participant").get(base(world) + "files/999999/").status_code == 404
    # Resuming: the rest from byte 6, or 416 past the end.
    rest = as_role("participant").get(url, HTTP_RANGE="bytes=6-")
    assert rest.status_code == 206 and rest["Content-Range"] == "bytes 6-10/11"
    assert b"".join(rest.streaming_content) == b"a1\na2"
    past = as_role("participant").get(url, HTTP_RANGE="bytes=11-")
    assert past.status_code == 416 and error_of(past)["code"] == "range_not_satisfiable"


def test_my_team(world, as_role):
    url = base(world) + "team/"
    assert as_role("visitor").get(url).status_code == 401
    body = as_role("member").get(url).json()
    assert body["name"] == world[1]["team"].name
    assert sorted(m["role"] for m in body["members"]) == ["leader", "member"]
    missing = as_role("stranger").get(url)
    assert missing.status_code == 404 and error_of(missing)["code"] == "no_team"


def test_a_closed_challenge_has_no_current_quota_phase(db):
    phase = factories.PhaseFactory()
    phase.delete()
    challenge = phase.challenge
    response = APIClient().get(
        f"/api/v1/events/{challenge.event.slug}/challenges/{challenge.slug}/quota/"
    )
    assert response.status_code == 404 and error_of(response)["code"] == "no_phase"
