"""Every page the journeys visit, through the axe-core harness: as a visitor, a participant and
an organiser, in English and French, at 1280 px and 390 px."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from competitions.models import (
    AuditLog,
    DataFile,
    EventRole,
    MergeRequest,
    Notification,
    RulesAcceptance,
    Submission,
    TeamInvite,
)
from judging.models import EventResults, Project, ScoreSheet, Track
from judging.services.assignments import assignments_make
from judging.services.rounds import shortlist_close
from judging.services.scoresheets import scoresheet_submit
from judging.services.screening import project_screen
from judging.services.tracks import track_lock_judging
from judging.services.votes import vote_cast, vote_mark_reviewed
from tests import factories
from tests.browser.a11y import check_page
from tests.browser.conftest import screenshot
from tests.browser.test_judging_journey import (
    event,  # noqa: F401 - the judging journey's world
    rounds_event,  # noqa: F401 - the rounds journey
)

pytestmark = pytest.mark.browser
BAD_TRUTH = b"ad_id,cluster_id,usage\na1,x,Maybe\n"


@dataclass
class World:
    event: object
    challenge: object
    phase: object
    team: object
    alice: object  # leader of Buyer Resist
    carol: object  # accepted the rules, no team yet
    erin: object  # signed in, has not accepted the rules
    organiser: object
    scored: object
    failed: object
    invite: object

    def url(self, live_server, path: str = "") -> str:
        return f"{live_server.url}/e/{self.event.slug}/{self.challenge.slug}/{path}"


def submission(phase, team, user, state, **fields):
    now = timezone.now()
    return Submission.objects.create(
        phase=phase, team=team, submitted_by=user, file="x.csv",
        original_name="predictions-with-a-rather-long-name.csv", size=2048, state=state,
        queued_at=now, finished_at=now if state in ("scored", "failed") else None, **fields,
    )  # fmt: skip


@pytest.fixture
def world(transactional_db):
    now = timezone.now()
    dj = factories.EventFactory(
        name="DataJam Against Exploitation", slug="dj", tagline="Link the ads, find the operators",
        description="Teams from **16 countries**.", content_language="en",
        starts_at=now - dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=20),
    )  # fmt: skip
    challenge = factories.ChallengeFactory(
        event=dj, title="Link the ads", slug="link", summary="Which ads share an operator?",
        description="Predict the operator of each ad.", rules="Be kind. **No real data.**",
        evaluation="Pairwise F1 on the public part.", merger_deadline=now + dt.timedelta(days=5),
        generated_corpus={"preset": "standard", "n_ads": 10_000, "seed": 0, "references": {
            name: {split: {"pairwise_f1": f1, "bcubed_f1": 0.95} for split in ("public", "private")}
            for name, f1 in (("contacts", 0.53), ("exact_text", 0.01), ("baseline", 0.74))
        }},  # the reference scores card of a template challenge
    )  # fmt: skip
    phase = factories.PhaseFactory(challenge=challenge, name="Development")
    factories.PhaseFactory(  # a second phase: the leaderboard's phase selector
        challenge=challenge, name="Final", order=1, starts_at=now + dt.timedelta(days=11),
        ends_at=now + dt.timedelta(days=13),
    )  # fmt: skip
    DataFile.objects.create(
        challenge=challenge, name="ads.csv", kind="test", size=1234, description="The corpus",
        file=ContentFile(b"ad_id,title\na1,hello\n", name="ads.csv"),
    )  # fmt: skip
    alice = factories.UserFactory(username="alice", email="alice@example.org")
    bob = factories.UserFactory(username="bob", email="bob@example.org")
    carol = factories.UserFactory(username="carol", email="carol@example.org")
    erin = factories.UserFactory(username="erin", email="erin@example.org")
    organiser = factories.UserFactory(username="org", email="org@example.org")
    EventRole.objects.create(event=dj, user=organiser, role="organiser")
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    factories.add_member(team, alice, role="leader")
    factories.add_member(team, bob)
    other = factories.TeamFactory(challenge=challenge, name="North Star")
    dave = factories.UserFactory(username="dave", email="dave@example.org")
    factories.add_member(other, dave, role="leader")
    RulesAcceptance.objects.create(challenge=challenge, user=carol)
    scores = {"pairwise_f1": 0.8381, "pairwise_precision": 0.9, "pairwise_recall": 0.78}
    scored = submission(
        phase, team, alice, "scored", public_score=0.8381, private_score=0.8, duration_ms=503,
        public_scores=scores, private_scores=scores, attempts=1, note="first try",
    )  # fmt: skip
    failed = submission(
        phase, team, alice, "failed", failure="file", counts_for_quota=False, attempts=1,
        error_message="Wrong header: expected ad_id,cluster_id, got 'hello'.",
    )  # fmt: skip
    submission(phase, team, bob, "queued")
    submission(phase, other, dave, "scored", public_score=0.9, private_score=0.7)
    invite = TeamInvite.objects.create(team=team, email="carol@example.org", invited_by=alice)
    MergeRequest.objects.create(from_team=other, to_team=team, requested_by=dave)
    Notification.objects.create(
        user=alice, message="Your submission was scored: 0.8381.", link=f"/submissions/{scored.pk}/"
    )
    Notification.objects.create(user=alice, message="bob joined Buyer Resist.")
    AuditLog.objects.create(
        event=dj, actor=organiser, action="phase.create", target_label="Development",
        reason="setting up",
    )  # fmt: skip
    return World(
        event=dj, challenge=challenge, phase=phase, team=team, alice=alice,
        carol=carol, erin=erin, organiser=organiser, scored=scored, failed=failed, invite=invite,
    )  # fmt: skip


def log_in(page, live_server, user) -> None:
    """A session cookie for ``user`` (the keyboard journey logs in through the form)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def check_all(page, urls: list[str], name: str) -> int:
    """Every URL through the harness; one failure lists the problems of all of them."""
    checks, failures = 0, []
    for url in urls:
        try:
            checks += check_page(page, url)
        except pytest.fail.Exception as failure:
            failures.append(str(failure))
    screenshot(page, f"a11y-{name}")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
    return checks


def test_public_pages_as_a_visitor(live_server, page, world):
    base = live_server.url
    urls = [
        f"{base}/",
        f"{base}/e/{world.event.slug}/",
        world.url(live_server),
        world.url(live_server, "leaderboard/"),
        f"{base}/accounts/login/",
        f"{base}/accounts/signup/",
    ]
    assert check_all(page, urls, "visitor") == 4 * len(urls)


def test_log_in_and_sign_up_errors(live_server, page, world):
    base = live_server.url

    def wrong_password(p):
        p.fill("#id_login", "alice@example.org")
        p.fill("#id_password", "not-the-password")
        p.click("main form button[type=submit]")
        p.wait_for_selector("[aria-invalid=true]")

    def weak_password(p):
        p.fill("#id_email", "not-an-address")
        p.fill("#id_username", "zoe")
        p.fill("#id_password1", "1234")
        p.fill("#id_password2", "12345")
        p.locator("main form").evaluate("f => f.noValidate = true")
        p.click("main form button[type=submit]")
        p.wait_for_selector("[aria-invalid=true]")

    check_page(page, f"{base}/accounts/login/", prepare=wrong_password)
    check_page(page, f"{base}/accounts/signup/", prepare=weak_password)
    screenshot(page, "a11y-signup-errors")


def test_participant_pages(live_server, page, world):
    log_in(page, live_server, world.alice)
    base = live_server.url
    urls = [
        world.url(live_server),
        world.url(live_server, "team/"),
        world.url(live_server, "leaderboard/"),
        f"{base}/submissions/{world.scored.pk}/",
        f"{base}/submissions/{world.failed.pk}/",
        f"{base}/notifications/",
        f"{base}/me/",
        f"{base}/manage/",
    ]
    assert check_all(page, urls, "participant") == 4 * len(urls)


def test_pages_of_people_joining(live_server, page, world):
    base = live_server.url
    log_in(page, live_server, world.erin)  # the rules to accept
    check_all(page, [world.url(live_server), f"{base}/teams/join/{world.team.invite_token}/"],
              "joining-rules")  # fmt: skip
    log_in(page, live_server, world.carol)  # rules accepted: create a team, or accept an invitation
    urls = [world.url(live_server), f"{base}/teams/invites/{world.invite.token}/"]
    assert check_all(page, urls, "joining-team") == 4 * len(urls)


def test_organiser_pages(live_server, page, world):
    log_in(page, live_server, world.organiser)
    base = live_server.url
    manage = f"{base}/manage/e/{world.event.slug}/"
    challenge = f"{manage}c/{world.challenge.slug}/"
    urls = [
        f"{base}/manage/events/new/",
        manage,
        f"{manage}challenges/new/",
        f"{manage}challenges/template/",
        challenge,
        f"{challenge}phases/new/",
        f"{challenge}submissions/",
        f"{base}/manage/phases/{world.phase.pk}/truth/",
        f"{manage}audit/",
        f"{manage}queue/",
        world.url(live_server, "leaderboard/"),  # both boards
    ]
    assert check_all(page, urls, "organiser") == 4 * len(urls)


def test_organiser_form_errors(live_server, page, world):
    log_in(page, live_server, world.organiser)
    base = live_server.url

    def empty_name(p):
        p.fill("input[name=name]", "")
        p.fill("input[name=ends_at]", "2020-01-01T00:00")
        p.click("main form button[type=submit]")
        p.wait_for_selector("[aria-invalid=true]")

    check_page(page, f"{base}/manage/e/{world.event.slug}/edit/", prepare=empty_name)

    def bad_truth(p):
        p.set_input_files(
            "input[name=file]",
            files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": BAD_TRUTH}],
        )
        p.click("#truth-form button[type=submit]")
        p.wait_for_selector("[aria-invalid=true]")

    check_page(page, f"{base}/manage/phases/{world.phase.pk}/truth/", prepare=bad_truth)
    screenshot(page, "a11y-truth-error")


def test_judging_and_results_pages(live_server, page, event):  # noqa: F811
    """The pages of the judging journey (tests/browser/test_judging_journey.py), each state."""
    challenge, track, teams, second_judge = event
    organiser = EventRole.objects.get(event=challenge.event, role="organiser").user
    judge = EventRole.objects.exclude(user=second_judge).get(role="judge").user
    assignments_make(track=track, actor=organiser)
    project = Project.objects.get(team=teams["Blue"])
    base, slug = live_server.url, challenge.event.slug
    challenge_url = f"{base}/e/{slug}/{challenge.slug}/"
    manage = f"{base}/manage/e/{slug}/c/{challenge.slug}/track/"

    log_in(page, live_server, teams["Red"].memberships.get().user)
    check_page(page, f"{challenge_url}project/")  # hand-in form

    def bad_link(p):
        p.fill("#id_title", "Phone-chain explorer")
        p.fill("#id_repository_url", "github.com/red/phones")
        p.click("#project-form button[type=submit]")
        p.wait_for_selector("#id_repository_url_error")

    check_page(page, f"{challenge_url}project/", prepare=bad_link)

    log_in(page, live_server, judge)
    urls = [f"{base}/judging/", f"{challenge_url}judging/",
            f"{challenge_url}judging/projects/{project.pk}/",
            f"{challenge_url}projects/{project.pk}/"]  # fmt: skip
    check_all(page, urls, "judge")

    log_in(page, live_server, organiser)
    urls = [
        manage,
        f"{manage}scores/",
        f"{base}/manage/e/{slug}/results/",
        f"{challenge_url}standings/",
    ]
    check_all(page, urls, "judging-organiser")

    EventResults.objects.create(
        event=challenge.event, state="published", published_at=timezone.now()
    )
    page.context.clear_cookies()
    check_all(page, [f"{base}/e/{slug}/results/"], "results")


def test_two_factor_pages(live_server, page, world):
    """Setting up two-factor authentication and logging in with it: the password check, the
    authenticator page with its QR code (and a wrong code refused), the recovery codes, the
    two-factor overview, and the code asked for at the next login."""
    from tests.accounts.test_mfa import totp

    base = live_server.url
    log_in(page, live_server, world.alice)
    page.goto(f"{base}/accounts/2fa/totp/activate/")
    assert "/reauthenticate/" in page.url
    check_page(page, page.url)
    page.fill("#id_password", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/2fa/totp/activate/")

    def wrong_code(p):
        p.fill("#id_code", "000000")
        p.click("main form button[type=submit]")
        p.wait_for_selector("[aria-invalid=true]")

    activate = page.url
    check_page(page, activate)
    check_page(page, activate, prepare=wrong_code)
    screenshot(page, "a11y-2fa-activate")
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", totp(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    set_up = [f"{base}/accounts/2fa/", f"{base}/accounts/2fa/recovery-codes/"]
    assert check_all(page, set_up, "2fa-set-up") == 8

    # The next login asks for a code after the password.
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", world.alice.email)
    page.fill("#id_password", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/2fa/authenticate/")
    check_page(page, page.url)
    screenshot(page, "a11y-2fa-authenticate")


def test_screening_rounds_panels_feedback_and_vote_pages(live_server, page, rounds_event):  # noqa: F811
    """The pages of the rounds journey (screening, panels, the shortlist, feedback and the
    community vote), each in the state a person meets it."""
    t = rounds_event
    organiser, judge = t.people["olga"], t.people["judith"]
    for name, project in [(p.team.name, p) for p in t.track.projects.select_related("team")]:
        project_screen(
            project=project, actor=organiser, eligible=name != "Yellow",
            reason="The repository is empty" if name == "Yellow" else "",
        )  # fmt: skip
    assignments_make(track=t.track, actor=organiser)
    base, slug, c = live_server.url, t.event.slug, t.challenge.slug
    challenge_url = f"{base}/e/{slug}/{c}/"
    manage = f"{base}/manage/e/{slug}/c/{c}/track/"

    log_in(page, live_server, t.people["blue"])
    check_all(page, [f"{challenge_url}vote/"], "vote-open")
    vote_cast(
        track=t.track, project=Project.objects.get(team=t.teams["Red"]), voter=t.people["blue"],
        ip="198.51.100.1",
    )  # fmt: skip
    for index in range(4):
        vote_cast(
            track=t.track, project=Project.objects.get(team=t.teams["Green"]),
            voter=factories.UserFactory(), ip=f"203.0.113.{index + 1}",
        )  # fmt: skip
    log_in(page, live_server, organiser)
    check_all(page, [manage, f"{manage}panels/new/", f"{manage}panels/{t.technical.pk}/"], "rounds")
    log_in(page, live_server, judge)
    sheet = ScoreSheet.objects.filter(judge=judge).first()
    check_all(
        page,
        [f"{challenge_url}judging/", f"{challenge_url}judging/sheets/{sheet.pk}/"],
        "rounds-judge",
    )
    for item in ScoreSheet.objects.filter(round="shortlist").select_related("judge"):
        scoresheet_submit(
            sheet=item, actor=item.judge, scores={crit.pk: crit.scale_max for crit in t.track.criteria.all()},
            comment="",
        )  # fmt: skip
    shortlist_close(track=t.track, actor=organiser)
    assignments_make(track=t.track, actor=organiser)
    for item in ScoreSheet.objects.filter(round="final").select_related("judge", "panel"):
        criteria = item.panel.criteria.all()
        scoresheet_submit(
            sheet=item, actor=item.judge, scores={crit.pk: crit.scale_min for crit in criteria},
            comment="", feedback="Clear write-up; test the parser on more cities.",
        )  # fmt: skip
    Track.objects.filter(pk=t.track.pk).update(
        vote_closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    log_in(page, live_server, organiser)
    urls = [manage, f"{manage}votes/", f"{manage}scores/", f"{challenge_url}standings/"]
    check_all(page, urls, "rounds-organiser")
    vote_mark_reviewed(track=t.track, actor=organiser)
    track_lock_judging(track=t.track, actor=organiser)
    EventResults.objects.create(event=t.event, state="published", published_at=timezone.now())
    log_in(page, live_server, t.people["red"])
    check_all(page, [f"{challenge_url}project/", f"{base}/e/{slug}/results/"], "rounds-team")
    log_in(page, live_server, t.people["yellow"])
    check_all(page, [f"{challenge_url}project/"], "rounds-screened-out")
