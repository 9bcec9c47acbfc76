"""Leaderboard pages, the live fragment, the exports, the Ladder as each person sees it, the
reveal's notifications and the secondary metrics' rules."""

import csv
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from competitions.errors import ServiceError
from competitions.models import EventRole, Notification, Submission
from competitions.selectors.notifications import notification_text
from competitions.services.challenges import challenge_update
from competitions.services.phases import phase_reveal_private, phase_update
from competitions.services.scoring import submission_record_scores, submission_start
from tests import factories

pytestmark = pytest.mark.django_db


def result(public: float, private: float, bcubed: float = 0.5) -> dict:
    return {
        "public": {"pairwise_f1": public, "bcubed_f1": bcubed, "coverage": 1.0},
        "private": {"pairwise_f1": private, "bcubed_f1": bcubed, "coverage": 1.0},
        "all": {"pairwise_f1": public},
        "warnings": [],
    }


def score(phase, team, public, private, **kw) -> Submission:
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv", task_id="t"
    )
    submission_record_scores(
        submission=submission_start(submission_id=submission.pk),
        result=result(public, private, **kw),
    )
    return Submission.objects.get(pk=submission.pk)


@pytest.fixture
def world(phase):
    challenge = phase.challenge
    organiser, judge, alice, bob = (factories.UserFactory() for _ in range(4))
    EventRole.objects.create(event=challenge.event, user=organiser, role="organiser")
    EventRole.objects.create(event=challenge.event, user=judge, role="judge")
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    factories.add_member(team, alice, role="leader")
    other = factories.TeamFactory(challenge=challenge, name='=HYPERLINK("http://x")')
    factories.add_member(other, bob, role="leader")
    baseline = factories.TeamFactory(challenge=challenge, name="Baseline", is_baseline=True)
    score(phase, baseline, 0.95, 0.9)
    score(phase, team, 0.5, 0.6)
    score(phase, other, 0.7, 0.3)
    return {
        "phase": phase, "challenge": challenge, "organiser": organiser, "judge": judge,
        "alice": alice, "bob": bob, "team": team, "other": other,
    }  # fmt: skip


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def board_url(challenge, suffix="") -> str:
    return f"/e/{challenge.event.slug}/{challenge.slug}/leaderboard/{suffix}"


def test_the_page_ranks_real_teams_and_marks_the_baseline(world):
    response = client_for(world["alice"]).get(board_url(world["challenge"]))
    assert response.status_code == 200
    page = response.content.decode()
    board = response.context["board"]
    assert [(r.team_name, r.rank) for r in board.rows] == [
        ("Baseline", None), ('=HYPERLINK("http://x")', 1), ("Buyer Resist", 2),
    ]  # fmt: skip
    assert 'aria-live="polite"' in page and 'id="board-status"' in page
    assert f'data-my-team="{world["team"].pk}"' in page  # marked in the browser, not here
    assert 'id="jump-to-team"' in page and f"#team-{world['team'].pk}" in page
    assert "<svg" in page and 'role="img"' in page and "chart-data" in page
    assert 'class="mine"' not in page  # the fragment is the same for everyone
    assert "=HYPERLINK(&quot;http://x&quot;)" in page  # names are escaped


def test_the_fragment_is_the_same_for_everyone_and_empty_while_nothing_changes(world):
    challenge = world["challenge"]
    alice, bob = client_for(world["alice"]), client_for(world["bob"])
    first = alice.get(board_url(challenge), headers={"HX-Request": "true"})
    assert first.status_code == 200
    assert first.content == bob.get(board_url(challenge), headers={"HX-Request": "true"}).content
    version = first.context["version"]
    unchanged = alice.get(board_url(challenge) + f"?since={version}", headers={"HX-Request": "1"})
    assert unchanged.status_code == 204 and unchanged.content == b""
    etag = first["ETag"]
    cached = alice.get(board_url(challenge), headers={"HX-Request": "1", "If-None-Match": etag})
    assert cached.status_code == 304
    score(world["phase"], world["team"], 0.9, 0.1)
    changed = alice.get(board_url(challenge) + f"?since={version}", headers={"HX-Request": "1"})
    assert changed.status_code == 200
    assert changed.context["version"] != version
    text = changed.content.decode()
    assert 'hx-swap-oob="innerHTML"' in text and "0.9000" in text


def test_sorting_and_pages_come_as_fragments(world):
    challenge = world["challenge"]
    challenge_update(
        challenge=challenge, actor=world["organiser"], data={"secondary_metrics": ["bcubed_f1"]}
    )
    score(world["phase"], world["team"], 0.6, 0.1, bcubed=0.99)  # its best: ranked 2nd
    response = client_for().get(
        board_url(challenge) + "?sort=bcubed_f1", headers={"HX-Request": "1"}
    )
    text = response.content.decode()
    assert 'aria-sort="descending"' in text and "B-cubed F1" in text
    first = response.context["board"].rows[0]
    assert (first.team_name, first.rank, first.secondary_values) == ("Buyer Resist", 2, [0.99])


def test_csv_export_makes_formula_cells_safe(world):
    response = client_for().get(board_url(world["challenge"], "export/") + "?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["rank", "team", "baseline", "pairwise_f1"]
    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names and "Buyer Resist" in names


def test_json_export_of_the_public_board(world):
    response = client_for().get(board_url(world["challenge"], "export/") + "?format=json")
    data = json.loads(response.content)
    assert data["board"] == "public" and data["metric"] == "pairwise_f1"
    assert [(r["team"], r["rank"], r["pairwise_f1"]) for r in data["rows"]] == [
        ("Baseline", None, 0.95), ('=HYPERLINK("http://x")', 1, 0.7), ("Buyer Resist", 2, 0.5),
    ]  # fmt: skip


def test_the_private_board_and_its_export_before_and_after_the_reveal(world):
    challenge, phase = world["challenge"], world["phase"]
    alice = client_for(world["alice"])
    export = board_url(challenge, "export/") + "?format=csv&board=private"
    assert alice.get(export).status_code == 403
    page = alice.get(board_url(challenge) + "?board=private")
    assert (
        page.context["board"].kind == "public" and 'id="private-tab"' not in page.content.decode()
    )
    judge = client_for(world["judge"])
    assert judge.get(board_url(challenge) + "?board=private").context["board"].kind == "private"
    assert judge.get(export).status_code == 200
    phase_reveal_private(phase=phase, actor=world["organiser"])
    rows = alice.get(board_url(challenge) + "?board=private").context["board"].rows
    assert [(r.team_name, r.rank, r.public_rank) for r in rows] == [
        ("Baseline", None, None), ("Buyer Resist", 1, 2), ('=HYPERLINK("http://x")', 2, 1),
    ]  # fmt: skip
    text = alice.get(board_url(challenge) + "?board=private").content.decode()
    assert "▲1" in text and "▼1" in text
    assert alice.get(export).status_code == 200


def test_the_reveal_tells_every_team_its_private_rank(world):
    phase_reveal_private(phase=world["phase"], actor=world["organiser"])
    alice = Notification.objects.get(user=world["alice"])
    bob = Notification.objects.get(user=world["bob"])
    assert "Buyer Resist is ranked 1 of 2 (2 on the public board)" in notification_text(alice)
    assert "is ranked 2 of 2 (1 on the public board)" in notification_text(bob)
    assert "board=private" in alice.link
    assert not Notification.objects.filter(user=world["organiser"]).exists()


def test_under_the_ladder_participants_see_released_values_only(world):
    phase, challenge, team = world["phase"], world["challenge"], world["team"]
    phase_update(
        phase=phase, actor=world["organiser"], data={"ladder": "fixed", "ladder_step": 0.1}
    )
    small = score(phase, team, 0.55, 0.6)  # +0.05 over 0.5: not significant
    big = score(phase, team, 0.66, 0.6)  # +0.16: released as 0.7
    alice = client_for(world["alice"])
    row = next(
        r for r in alice.get(board_url(challenge)).context["board"].rows if r.team_id == team.pk
    )
    assert (row.score, row.raw) == (0.7, None)
    data = json.loads(alice.get(board_url(challenge, "export/") + "?format=json").content)
    mine = next(r for r in data["rows"] if r["team"] == "Buyer Resist")
    assert mine["pairwise_f1"] == 0.7 and "raw_pairwise_f1" not in mine
    assert "0.66" not in json.dumps(data)
    # Organisers and judges see both.
    judge = client_for(world["judge"]).get(board_url(challenge))
    row = next(r for r in judge.context["board"].rows if r.team_id == team.pk)
    assert (row.score, row.raw) == (0.7, 0.66)
    assert "Raw" in judge.content.decode()
    # The submission pages: "no significant improvement", and no raw score or metric.
    page = alice.get(f"/submissions/{small.pk}/").content.decode()
    assert "No significant improvement" in page and "0.5500" not in page
    assert 'id="metrics"' not in page
    page = alice.get(f"/submissions/{big.pk}/").content.decode()
    assert "improved your team" in page and "0.7000" in page and "0.6600" not in page
    organiser_page = client_for(world["organiser"]).get(f"/submissions/{small.pk}/")
    assert "0.5500" in organiser_page.content.decode()
    # The challenge page's list and the team's own export.
    listing = alice.get(f"/e/{challenge.event.slug}/{challenge.slug}/").content.decode()
    assert "no significant improvement" in listing and "0.5500" not in listing
    export = alice.get(f"/e/{challenge.event.slug}/{challenge.slug}/team/submissions.csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert {r["public_score"] for r in rows} == {""}
    assert [r["released_public_score"] for r in rows] == ["0.5", "0.5", "0.7"]
    assert {r["public_pairwise_f1"] for r in rows} == {""}


def test_a_team_exports_its_own_submissions_with_every_metric(world):
    alice = client_for(world["alice"])
    challenge = world["challenge"]
    response = alice.get(f"/e/{challenge.event.slug}/{challenge.slug}/team/submissions.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 and rows[0]["public_pairwise_f1"] == "0.5"
    assert rows[0]["public_bcubed_f1"] == "0.5" and rows[0]["private_score"] == ""
    stranger = client_for(factories.UserFactory())
    url = f"/e/{challenge.event.slug}/{challenge.slug}/team/submissions.csv"
    assert stranger.get(url).status_code == 404


def test_the_team_page_charts_its_history(world):
    challenge = world["challenge"]
    score(world["phase"], world["team"], 0.8, 0.1)
    page = client_for(world["alice"]).get(f"/e/{challenge.event.slug}/{challenge.slug}/team/")
    text = page.content.decode()
    assert 'id="chart-team"' in text and "<svg" in text and "0.8000" in text
    assert "team/submissions.csv" in text


def test_secondary_metrics_must_belong_to_the_task(world):
    challenge, organiser = world["challenge"], world["organiser"]
    for bad, message in [
        (["rmse"], "not a metric"),
        (["pairwise_f1"], "already the primary"),
        (["ari", "ari"], "once"),
        (["ari", "nmi", "ami", "v_measure", "coverage"], "at most 4"),
        ("ari", "from the list"),
    ]:
        with pytest.raises(ServiceError, match=message) as caught:
            challenge_update(challenge=challenge, actor=organiser, data={"secondary_metrics": bad})
        assert caught.value.field == "secondary_metrics"
    challenge_update(challenge=challenge, actor=organiser, data={"secondary_metrics": ["ari"]})
    challenge.refresh_from_db()
    assert challenge.secondary_metrics == ["ari"]


def test_ladder_settings_have_rules(world):
    phase, organiser = world["phase"], world["organiser"]
    with pytest.raises(ServiceError, match="give the step") as caught:
        phase_update(phase=phase, actor=organiser, data={"ladder": "fixed", "ladder_step": None})
    assert caught.value.field == "ladder_step"
    regression = factories.PhaseFactory(
        challenge=factories.ChallengeFactory(
            event=phase.challenge.event, task="regression", primary_metric="rmse"
        )
    )
    with pytest.raises(ServiceError, match="between 0 and 1"):
        phase_update(phase=regression, actor=organiser, data={"ladder": "auto"})
    phase_update(phase=phase, actor=organiser, data={"ladder": "auto", "ladder_step": 0.3})
    phase.refresh_from_db()
    assert (phase.ladder, phase.ladder_step) == ("auto", None)


def test_new_truth_changes_the_parameter_free_step(world):
    from competitions.models import Standing
    from competitions.services.phases import phase_set_truth

    phase, organiser = world["phase"], world["organiser"]
    phase_update(phase=phase, actor=organiser, data={"ladder": "auto"})
    before = Standing.objects.get(phase=phase, team=world["team"]).updated_at
    phase_set_truth(
        phase=phase, uploaded=ContentFile(factories.TRUTH_CSV.encode(), name="t.csv"),
        actor=organiser,
    )  # fmt: skip
    assert Standing.objects.get(phase=phase, team=world["team"]).updated_at > before
    assert timezone.now() > before
