"""Submitting through the API: the web's checks, messages and quota; a submission's state and
scores as each role may see them; the team's list; final choices; rescoring (organisers)."""

import pytest
from django.utils import timezone

from competitions.models import AuditLog, Submission
from tests import factories

from .conftest import error_of, statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(world, django_capture_on_commit_callbacks):
    """Upload through the API; the scoring task is sent when the row commits, and runs
    eagerly here, so the result is written when this returns."""

    def upload(client, content=factories.PERFECT_CSV, name="p.csv", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                base(world) + "submissions/",
                {"file": factories.upload(content, name), **extra},
                format="multipart",
            )

    return upload


def base(world) -> str:
    challenge = world[1]["challenge"]
    return f"/api/v1/events/{challenge.event.slug}/challenges/{challenge.slug}/"


def test_submit_scores_and_shows_the_state_and_public_scores(world, as_role, submit):
    response = submit(as_role("leader"), note="from the API")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["note"] == "from the API" and created["team"] == world[1]["team"].name
    # Celery runs eagerly in these tests: the score is there when the upload returns.
    detail = as_role("member").get(f"/api/v1/submissions/{created['id']}/").json()
    assert detail["state"] == "scored" and detail["attempts"] == 1
    assert detail["public_score"] == pytest.approx(1.0)
    assert detail["public_scores"]["pairwise_f1"] == pytest.approx(1.0)
    # The private board is not revealed: the team does not see its private score.
    assert detail["private_score"] is None and detail["private_scores"] == {}
    organiser = as_role("organiser").get(f"/api/v1/submissions/{created['id']}/").json()
    assert organiser["private_score"] == pytest.approx(1.0)


def test_a_submission_that_is_not_yours_is_404(world, as_role):
    submission = world[1]["submission"]
    seen = statuses(as_role, "get", f"/api/v1/submissions/{submission.pk}/")
    assert {r for r, s in seen.items() if s == 200} == {"leader", "member", "organiser"}
    assert seen["visitor"] == 401
    assert {
        s for r, s in seen.items() if r not in {"leader", "member", "organiser", "visitor"}
    } == {404}


def test_private_scores_for_the_team_once_revealed(world, as_role, submit):
    created = submit(as_role("leader")).json()
    phase = world[1]["phase"]
    phase.private_revealed_at = timezone.now()
    phase.save()
    detail = as_role("member").get(f"/api/v1/submissions/{created['id']}/").json()
    assert detail["private_score"] == pytest.approx(1.0)


def test_refusals_carry_the_webs_message_and_a_code(world, as_role, submit):
    bad = submit(as_role("leader"), content="x,y\n1,2\n")
    assert bad.status_code == 400
    error = error_of(bad)
    assert error["code"] == "invalid_file" and "Wrong header" in error["message"]
    not_csv = submit(as_role("leader"), name="p.xlsx")
    assert error_of(not_csv)["code"] == "invalid_file"
    no_team = submit(as_role("participant"))
    assert no_team.status_code == 400
    assert error_of(no_team)["message"] == "Create or join a team before submitting."
    judge = submit(as_role("judge"))
    assert judge.status_code == 400
    assert submit(as_role("visitor")).status_code == 401
    missing_file = as_role("leader").post(base(world) + "submissions/", {}, format="multipart")
    assert missing_file.status_code == 400 and error_of(missing_file)["code"] == "invalid"
    assert Submission.objects.count() == 1  # the world's own


def test_over_quota_names_the_reset(world, as_role, submit):
    phase = world[1]["phase"]
    phase.daily_limit = 2  # the world's submission already counts today
    phase.save()
    assert submit(as_role("leader")).status_code == 201
    refused = submit(as_role("member"))
    assert refused.status_code == 400
    error = error_of(refused)
    assert error["code"] == "quota_exhausted"
    assert "used its 2 submissions for today. The next reset is at" in error["message"]
    assert "UTC" in error["message"]  # the zone of a person who never chose one


def test_submitting_is_throttled_per_person(world, as_role, submit, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "submit": "2/minute"}
    client = as_role("leader")
    assert submit(client).status_code == 201
    assert submit(client, content="x\n").status_code == 400
    response = submit(client)
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    # Reading is not an upload.
    assert client.get(base(world) + "submissions/").status_code == 200


def test_my_teams_submissions_newest_first(world, as_role, submit):
    first = submit(as_role("leader")).json()
    listed = as_role("member").get(base(world) + "submissions/").json()
    assert listed["count"] == 2
    assert listed["results"][0]["id"] == first["id"]
    assert as_role("other_team").get(base(world) + "submissions/").json()["count"] == 0
    assert as_role("visitor").get(base(world) + "submissions/").status_code == 401


def test_marking_final(world, as_role, submit):
    created = submit(as_role("leader")).json()
    url = f"/api/v1/submissions/{created['id']}/final/"
    response = as_role("member").post(url, {"final": True}, format="json")
    assert response.status_code == 200 and response.json()["is_final"] is True
    assert as_role("other_team").post(url, {"final": True}, format="json").status_code == 404
    refused = as_role("organiser").post(url, {"final": False}, format="json")
    assert refused.status_code == 400
    assert "Only members of" in error_of(refused)["message"]
    # A queued (unscored) submission cannot be final: the service's message.
    queued = world[1]["submission"]
    refused = as_role("leader").post(f"/api/v1/submissions/{queued.pk}/final/", {}, format="json")
    assert "Only scored submissions can be final" in error_of(refused)["message"]
    assert as_role("member").post(url, {"final": False}, format="json").json()["is_final"] is False


def test_rescoring_one_submission_is_for_organisers(
    world, as_role, submit, django_capture_on_commit_callbacks
):
    created = submit(as_role("leader")).json()
    url = f"/api/v1/submissions/{created['id']}/rescore/"
    assert as_role("member").post(url, {"reason": "x"}, format="json").status_code == 403
    assert as_role("other_team").post(url, {"reason": "x"}, format="json").status_code == 404
    assert as_role("other_organiser").post(url, {"reason": "x"}, format="json").status_code == 404
    no_reason = as_role("organiser").post(url, {"reason": " "}, format="json")
    assert no_reason.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = as_role("organiser").post(url, {"reason": "new truth"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "queued"
    again = as_role("organiser").get(f"/api/v1/submissions/{created['id']}/").json()
    assert again["state"] == "scored" and again["attempts"] == 2
    assert AuditLog.objects.filter(action="submission.rescore", reason="new truth").exists()


def test_under_the_ladder_the_team_sees_the_released_value_only(world, as_role, submit):
    phase = world[1]["phase"]
    phase.ladder, phase.ladder_step = "fixed", 0.3
    phase.save()
    created = submit(as_role("leader"), content=factories.PARTIAL_CSV).json()
    url = f"/api/v1/submissions/{created['id']}/"
    team_view = as_role("member").get(url).json()
    assert team_view["state"] == "scored"
    assert team_view["public_scores"] == {}  # no raw metrics under the Ladder
    assert team_view["ladder"] == {"released": team_view["public_score"], "moved": True}
    organiser = as_role("organiser").get(url).json()
    assert organiser["ladder"] is None and organiser["public_scores"]["pairwise_f1"] > 0
