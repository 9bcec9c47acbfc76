"""Final selection: up to N scored submissions per team and phase, locked when the phase ends."""

import datetime as dt

import pytest

from competitions.models import AuditLog, EventRole, Submission
from competitions.selectors.leaderboards import board_all
from competitions.services.final_selection import FinalSelectionRefused, submission_set_final
from competitions.services.standings import standings_rebuild
from tests import factories

pytestmark = pytest.mark.django_db


def make_submission(team, phase, user=None, **fields):
    fields.setdefault("state", Submission.State.SCORED)
    return Submission.objects.create(
        phase=phase, team=team, submitted_by=user, file="x.csv", original_name="x.csv", **fields
    )


@pytest.fixture
def team(phase):
    team = factories.TeamFactory(challenge=phase.challenge, name="Buyer Resist")
    team.leader, team.member = factories.UserFactory(), factories.UserFactory()
    factories.add_member(team, team.leader, role="leader")
    factories.add_member(team, team.member)
    return team


@pytest.fixture
def scored(team, phase):
    return [make_submission(team, phase, team.member, public_score=0.1 * i) for i in range(4)]


def test_members_mark_up_to_the_limit(phase, team, scored):
    assert phase.challenge.final_selection_limit == 2
    submission_set_final(submission=scored[0], user=team.member, final=True)
    submission_set_final(submission=scored[1], user=team.leader, final=True)
    with pytest.raises(FinalSelectionRefused) as refused:
        submission_set_final(submission=scored[2], user=team.member, final=True)
    assert "already marked 2 submissions as final" in str(refused.value)
    assert "Unmark one first" in str(refused.value)
    submission_set_final(submission=scored[0], user=team.member, final=False)
    submission_set_final(submission=scored[2], user=team.member, final=True)
    chosen = set(Submission.objects.filter(is_final=True).values_list("pk", flat=True))
    assert chosen == {scored[1].pk, scored[2].pk}
    actions = list(AuditLog.objects.order_by("created_at").values_list("action", flat=True))
    assert actions == [
        "submission.final",
        "submission.final",
        "submission.unfinal",
        "submission.final",
    ]


def test_marking_twice_changes_nothing(team, scored):
    submission_set_final(submission=scored[0], user=team.member, final=True)
    submission_set_final(submission=scored[0], user=team.member, final=True)
    assert Submission.objects.filter(is_final=True).count() == 1


def test_the_limit_is_per_phase(phase, team, scored):
    for submission in scored[:2]:
        submission_set_final(submission=submission, user=team.member, final=True)
    other_phase = factories.PhaseFactory(challenge=phase.challenge, name="Final")
    elsewhere = make_submission(team, other_phase, team.member, public_score=0.5)
    submission_set_final(submission=elsewhere, user=team.member, final=True)
    assert Submission.objects.filter(is_final=True).count() == 3


def test_the_challenge_limit_applies(phase, team, scored):
    phase.challenge.final_selection_limit = 1
    phase.challenge.save()
    submission_set_final(submission=scored[0], user=team.member, final=True)
    with pytest.raises(FinalSelectionRefused, match="already marked 1 submissions"):
        submission_set_final(submission=scored[1], user=team.member, final=True)


def test_choices_lock_when_the_phase_ends(phase, team, scored):
    just_before = phase.ends_at - dt.timedelta(microseconds=1)
    submission_set_final(submission=scored[0], user=team.member, final=True, now=just_before)
    for final in (True, False):
        with pytest.raises(FinalSelectionRefused, match="ended at .*can no longer change"):
            submission_set_final(
                submission=scored[0 if not final else 1],
                user=team.member,
                final=final,
                now=phase.ends_at,
            )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"state": Submission.State.QUEUED},
            "Only scored submissions can be final; this one is queued",
        ),
        ({"state": Submission.State.RUNNING}, "this one is running"),
        ({"state": Submission.State.FAILED}, "this one is failed"),
        (
            {"is_disqualified": True, "moderation_reason": "leak"},
            r"removed this submission .*\(leak\)",
        ),
        ({"is_hidden": True}, "removed this submission"),
    ],
)
def test_only_scored_visible_submissions_can_be_final(phase, team, fields, message):
    submission = make_submission(team, phase, team.member, **fields)
    with pytest.raises(FinalSelectionRefused, match=message):
        submission_set_final(submission=submission, user=team.member, final=True)


@pytest.mark.parametrize("who", ["rival", "organiser", "stranger"])
def test_only_the_team_chooses(phase, team, scored, who):
    user = factories.UserFactory()
    if who == "rival":
        factories.add_member(factories.TeamFactory(challenge=phase.challenge), user)
    elif who == "organiser":
        EventRole.objects.create(event=phase.challenge.event, user=user, role="organiser")
    with pytest.raises(FinalSelectionRefused, match="Only members of Buyer Resist"):
        submission_set_final(submission=scored[0], user=user, final=True)
    assert not Submission.objects.filter(is_final=True).exists()


def test_the_private_leaderboard_uses_the_final_choices(phase, team):
    best_public = make_submission(team, phase, team.member, public_score=0.9, private_score=0.2)
    make_submission(team, phase, team.member, public_score=0.8, private_score=0.3)
    hidden_gem = make_submission(team, phase, team.member, public_score=0.1, private_score=0.95)
    standings_rebuild(phase=phase)  # as if the worker had written them (with their standing)
    # Nothing marked: the best two by public score count (0.9 and 0.8), so 0.3 on private.
    assert board_all(phase, kind="private").rows[0].score == pytest.approx(0.3)
    submission_set_final(submission=hidden_gem, user=team.member, final=True)
    assert board_all(phase, kind="private").rows[0].score == pytest.approx(0.95)
    submission_set_final(submission=hidden_gem, user=team.member, final=False)
    submission_set_final(submission=best_public, user=team.member, final=True)
    assert board_all(phase, kind="private").rows[0].score == pytest.approx(0.2)


# --- the challenge page ------------------------------------------------------------------------


def test_the_page_explains_and_toggles(client, phase, team, scored):
    challenge = phase.challenge
    page_url = f"/e/{challenge.event.slug}/{challenge.slug}/"
    client.force_login(team.member)
    page = client.get(page_url).content.decode()
    assert "If you mark none, your best 2 by public score count." in page
    assert "(0 marked)" in page
    assert page.count("Mark final") == 4

    response = client.post(f"/submissions/{scored[3].pk}/final/", {"final": "yes"}, follow=True)
    page = response.content.decode()
    assert "is now one of your final submissions" in page
    assert "(1 marked)" in page
    assert page.count("Unmark") == 1
    scored[3].refresh_from_db()
    assert scored[3].is_final

    response = client.post(f"/submissions/{scored[3].pk}/final/", {"final": "no"}, follow=True)
    assert "is no longer a final submission" in response.content.decode()
    scored[3].refresh_from_db()
    assert not scored[3].is_final


def test_the_page_hides_the_toggle_once_the_limit_is_reached(client, phase, team, scored):
    for submission in scored[:2]:
        submission_set_final(submission=submission, user=team.member, final=True)
    challenge = phase.challenge
    client.force_login(team.member)
    page = client.get(f"/e/{challenge.event.slug}/{challenge.slug}/").content.decode()
    assert page.count("Unmark") == 2
    assert "Mark final" not in page


def test_another_teams_submission_cannot_be_toggled(client, phase, team, scored):
    rival = factories.UserFactory()
    factories.add_member(factories.TeamFactory(challenge=phase.challenge), rival)
    client.force_login(rival)
    response = client.post(f"/submissions/{scored[0].pk}/final/", {"final": "yes"})
    assert response.status_code == 404
    scored[0].refresh_from_db()
    assert not scored[0].is_final


def test_the_toggle_is_post_only_and_for_logged_in_people(client, scored):
    url = f"/submissions/{scored[0].pk}/final/"
    assert client.post(url, {"final": "yes"}).status_code == 302  # to the log-in page
    client.force_login(scored[0].submitted_by)
    assert client.get(url).status_code == 405
