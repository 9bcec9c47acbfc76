"""The end of an event in Chromium: a team hands in its project on a phone-sized screen; a
judge declares a conflict and scores the other projects by keyboard; the organiser locks
judging, assigns the places and publishes; a signed-out visitor opens the results page and
sees 1st, 2nd and 3rd with their prizes. A screenshot per step (var/screenshots/)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from competitions.models import EventRole, Submission
from competitions.services.standings import standings_rebuild
from judging.models import (
    Conflict,
    Criterion,
    EventResults,
    Panel,
    Prize,
    Project,
    ScoreSheet,
    Track,
    Vote,
)
from judging.selectors.standings import sheet_criteria
from judging.services.scoresheets import scoresheet_submit
from judging.services.votes import vote_cast
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PRIZES = {
    1: "CA$3,000 and an incubator place",
    2: "CA$1,500",
    3: "An invitation to the next DataJam",
}


def log_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def event(db):
    phase = factories.PhaseFactory(
        challenge__title="Link the ads", challenge__event__name="DataJam"
    )
    challenge = phase.challenge
    organiser = factories.UserFactory(username="olga", email="olga@example.org")
    judge = factories.UserFactory(username="judith", email="judith@example.org")
    second_judge = factories.UserFactory(username="jo", email="jo@example.org")
    for user, role in [(organiser, "organiser"), (judge, "judge"), (second_judge, "judge")]:
        EventRole.objects.create(event=challenge.event, user=user, role=role)
    teams = {}
    for name, email, private in [
        ("Red", "alice@example.org", 0.9),
        ("Blue", "bea@example.org", 0.7),
        ("Green", "gus@example.org", 0.5),
    ]:
        team = factories.TeamFactory(challenge=challenge, name=name)
        member = factories.UserFactory(username=email.split("@")[0], email=email)
        factories.add_member(team, member, role="leader")
        Submission.objects.create(
            phase=phase, team=team, file="x.csv", original_name=f"{name.lower()}.csv",
            state="scored", public_score=private, private_score=private,
        )  # fmt: skip
        teams[name] = team
    standings_rebuild(phase=phase)  # as if the worker had written them (with their standings)
    track = Track.objects.create(
        challenge=challenge, ranking="blend", leaderboard_weight=50,
        handin_deadline=timezone.now() + dt.timedelta(days=2),
    )  # fmt: skip
    Criterion.objects.create(
        track=track, name="Impact", weight=Decimal(2), scale_min=1, scale_max=5
    )
    Criterion.objects.create(
        track=track, name="Craft", weight=Decimal(1), scale_min=0, scale_max=10
    )
    for name in ["Blue", "Green"]:
        Project.objects.create(track=track, team=teams[name], title=f"{name} linker")
    for place, description in PRIZES.items():
        Prize.objects.create(
            track=track, kind="place", place=place, name=["1st", "2nd", "3rd"][place - 1] + " place",
            description=description,
        )  # fmt: skip
    return challenge, track, teams, second_judge


def test_from_hand_in_to_published_results(live_server, page, event, tmp_path):
    challenge, track, teams, second_judge = event
    base = live_server.url
    slug = challenge.event.slug
    challenge_url = f"{base}/e/{slug}/{challenge.slug}/"
    results_url = f"{base}/e/{slug}/results/"
    assert page.goto(results_url).status == 404  # nothing before publication

    # 1. Alice hands in Red's project on a phone: a bad link is refused next to its field.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "alice@example.org")
    page.goto(challenge_url)
    page.click("#project-tab")
    page.wait_for_selector("#project-form")
    assert "Hand-in deadline" in page.inner_text("#deadline")
    page.fill("#id_title", "Phone-chain explorer")
    page.fill("#id_summary", "Links ads by **normalised phones**.")
    page.fill("#id_repository_url", "github.com/red/phones")
    page.check("#project-form input[name=submissions]")
    writeup = tmp_path / "writeup.md"
    writeup.write_text("# How it works\n\nPhones, then text.\n")
    page.set_input_files("#id_writeup", str(writeup))
    page.click("#project-form button[type=submit]")
    error = page.locator("#id_repository_url_error")
    assert "http:// or https://" in error.inner_text()
    assert page.get_attribute("#id_repository_url", "aria-describedby") == "id_repository_url_error"
    assert page.input_value("#id_title") == "Phone-chain explorer"  # nothing typed is lost
    assert fits_the_screen(page)
    screenshot(page, "judging-journey-1-bad-link")
    page.fill("#id_repository_url", "https://example.org/red/phones")
    page.set_input_files("#id_writeup", str(writeup))
    page.click("#project-form button[type=submit]")
    page.wait_for_selector("#handed-in")
    assert "Project saved" in page.inner_text(".messages")
    assert fits_the_screen(page)
    screenshot(page, "judging-journey-2-handed-in")
    red = Project.objects.get(team=teams["Red"])
    assert red.writeup_name == "writeup.md" and red.submissions.count() == 1
    page.set_viewport_size({"width": 1280, "height": 900})

    # 2. The organiser assigns every project to every judge.
    log_in(page, base, "olga@example.org")
    page.goto(f"{base}/manage/e/{slug}/c/{challenge.slug}/")
    page.click("#judging-link")
    page.click("#assign-form button[type=submit]")
    assert "6 new assignments." in page.inner_text(".messages")
    screenshot(page, "judging-journey-3-assigned")

    # 3. The judge declares a conflict with Red, then scores Blue and Green by keyboard.
    log_in(page, base, "judith@example.org")
    page.goto(f"{base}/judging/")
    page.click("#judged-tracks a")
    assert "Phone-chain explorer" in page.inner_text("#assigned")
    page.select_option("#id_team", label="Red")
    page.fill("#id_reason", "I mentor this team")
    page.click("#conflict-form button[type=submit]")
    assert "you will not see or score Red" in page.inner_text(".messages")
    assert "Phone-chain explorer" not in page.inner_text("#assigned")
    screenshot(page, "judging-journey-4-conflict")
    for title, marks in [("Blue linker", ["4", "8"]), ("Green linker", ["2", "3"])]:
        page.click(f"#assigned a:has-text('{title}')")
        page.wait_for_selector("#sheet-form")
        assert "Public leaderboard: rank" in page.inner_text("#team-ranks")
        page.focus("#sheet-form input[type=number] >> nth=0")
        page.keyboard.type(marks[0])
        page.keyboard.press("Tab")
        page.keyboard.type(marks[1])
        page.keyboard.press("Tab")
        page.keyboard.type("Solid work.")
        page.click("#sheet-form button[value=submit]")
        page.wait_for_selector("#assigned")
        assert "Scores submitted" in page.inner_text(".messages")
        if title == "Blue linker":
            screenshot(page, "judging-journey-5-scored")
    assert page.inner_text("#assigned").count("Done") == 2
    assert Conflict.objects.filter(team=teams["Red"]).count() == 1
    # The second judge scores Red highly (through the service, like the page).
    criteria = list(track.criteria.all())
    sheet = ScoreSheet.objects.get(project=red, judge=second_judge)
    scoresheet_submit(
        sheet=sheet, actor=second_judge, scores={criteria[0].pk: 5, criteria[1].pk: 10}, comment=""
    )

    # 4. The organiser locks judging, assigns the places the standings suggest, publishes.
    log_in(page, base, "olga@example.org")
    page.goto(f"{base}/manage/e/{slug}/c/{challenge.slug}/track/")
    page.click("#lock-form button[type=submit]")
    assert "Judging is locked" in page.inner_text(".messages")
    standings = page.inner_text("#standings-card tbody")
    assert standings.index("Red") < standings.index("Blue") < standings.index("Green")
    for place, team in [(1, "Red"), (2, "Blue"), (3, "Green")]:
        prize = Prize.objects.get(place=place)
        form = page.locator(f"#prize-{prize.pk} form.award-form")
        assert form.locator("select option:checked").inner_text() == team  # pre-filled
        form.locator("button[type=submit]").click()
        page.wait_for_selector(".messages")
    screenshot(page, "judging-journey-6-prizes")
    page.goto(f"{base}/manage/e/{slug}/results/")
    screenshot(page, "judging-journey-7-ready-to-publish")
    page.click("#publish-form button[type=submit]")
    page.wait_for_url(results_url)
    assert "The results are published" in page.inner_text(".messages")
    assert EventResults.objects.get(event=challenge.event).state == "published"

    # 5. A signed-out visitor sees 1st, 2nd and 3rd with their prizes.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.goto(results_url).status == 200
    winners = page.locator(".winners li")
    assert winners.count() == 3
    for index, (place, team) in enumerate(
        [("1st place", "Red"), ("2nd place", "Blue"), ("3rd place", "Green")]
    ):
        text = winners.nth(index).inner_text()
        assert place in text and team in text and PRIZES[index + 1] in text
    assert "Phone-chain explorer" in winners.nth(0).inner_text()
    assert "alice" in winners.nth(0).inner_text()
    assert fits_the_screen(page)
    screenshot(page, "judging-journey-8-results")


@pytest.fixture
def rounds_event(db):
    """Four teams, three judges, a track with screening, a shortlist round (2 judges per
    project, the top 2 go on), two panels and a community vote that is open."""
    phase = factories.PhaseFactory(
        challenge__title="Link the ads", challenge__event__name="DataJam Rounds"
    )
    challenge = phase.challenge
    event = challenge.event
    people = {}
    for name, role in [("olga", "organiser"), ("judith", "judge"), ("jo", "judge"),
                       ("jen", "judge")]:  # fmt: skip
        people[name] = factories.UserFactory(username=name, email=f"{name}@example.org")
        EventRole.objects.create(event=event, user=people[name], role=role)
    now = timezone.now()
    track = Track.objects.create(
        challenge=challenge, ranking="judges", handin_deadline=now + dt.timedelta(days=2),
        require_screening=True, shortlist=True, shortlist_judges_per_project=2, shortlist_size=2,
        vote_opens_at=now - dt.timedelta(days=1), vote_closes_at=now + dt.timedelta(days=1),
    )  # fmt: skip
    technical = Panel.objects.create(track=track, name="Technical", weight=1)
    technical.judges.set([people["judith"]])
    impact = Panel.objects.create(track=track, name="Impact on victims' services", weight=2)
    impact.judges.set([people["jo"], people["jen"]])
    Criterion.objects.create(
        track=track, name="Craft", weight=Decimal(1), scale_min=0, scale_max=10, panel=technical
    )
    Criterion.objects.create(
        track=track, name="Impact", weight=Decimal(1), scale_min=1, scale_max=5, panel=impact
    )
    teams = {}
    for name in ["Red", "Blue", "Green", "Yellow"]:
        team = factories.TeamFactory(challenge=challenge, name=name)
        member = factories.UserFactory(username=name.lower(), email=f"{name.lower()}@example.org")
        member.date_joined = now - dt.timedelta(days=30)  # long before the vote
        member.save()
        factories.add_member(team, member, role="leader")
        people[name.lower()] = member
        teams[name] = team
        Project.objects.create(
            track=track, team=team, title=f"{name} linker", summary=f"The {name} approach."
        )
    Prize.objects.create(
        track=track, kind="place", place=1, name="1st place", description="CA$3,000"
    )
    Prize.objects.create(
        track=track, kind="community", name="Community choice", description="Credits"
    )
    return SimpleNamespace(
        event=event, challenge=challenge, track=track, people=people, teams=teams,
        technical=technical, impact=impact,
    )  # fmt: skip


def _score_all(track, round_, marks):
    """Submit every open sheet of the round through the service, by team."""
    for sheet in ScoreSheet.objects.filter(
        project__track=track, round=round_, state="draft"
    ).select_related("project__team", "panel", "judge"):
        scores = {c.pk: marks[sheet.project.team.name][c.name] for c in sheet_criteria(
            track, sheet.round, sheet.panel_id)}  # fmt: skip
        scoresheet_submit(
            sheet=sheet, actor=sheet.judge, scores=scores, comment="",
            feedback=f"Feedback on {sheet.project.title}" if round_ == "final" else "",
        )  # fmt: skip


MARKS = {
    "Red": {"Craft": 9, "Impact": 5},
    "Blue": {"Craft": 7, "Impact": 4},
    "Green": {"Craft": 3, "Impact": 2},
}


def test_two_rounds_two_panels_screening_feedback_and_a_community_vote(
    live_server, page, rounds_event
):
    t = rounds_event
    base, slug, c = live_server.url, t.event.slug, t.challenge.slug
    manage = f"{base}/manage/e/{slug}/c/{c}/track/"
    results_url = f"{base}/e/{slug}/results/"

    # 1. The organiser screens the hand-ins: Yellow's is empty, not eligible with a reason.
    log_in(page, base, "olga@example.org")
    page.goto(manage)
    row = page.locator(f"#handin-{t.teams['Yellow'].pk}")
    row.locator("input[value=ineligible]").check()
    row.locator("button[type=submit]").click()
    assert "Say why the project is not eligible" in page.inner_text(".messages")
    row = page.locator(f"#handin-{t.teams['Yellow'].pk}")
    row.locator("input[value=ineligible]").check()
    row.locator("input[name$=reason]").fill("The repository is empty")
    row.locator("button[type=submit]").click()
    assert "Screening of “Yellow linker” saved" in page.inner_text(".messages")
    for name in ["Red", "Blue", "Green"]:
        row = page.locator(f"#handin-{t.teams[name].pk}")
        row.locator("input[value=eligible]").check()
        row.locator("button[type=submit]").click()
        page.wait_for_selector(".messages")
    assert "The repository is empty" in page.inner_text("#handins")
    screenshot(page, "rounds-journey-1-screened")

    # 2. Shortlist round: each eligible project gets 2 judges; never Yellow's.
    page.click("#assign-form button[type=submit]")
    assert "6 new assignments." in page.inner_text(".messages")
    assert not ScoreSheet.objects.filter(project__team=t.teams["Yellow"]).exists()
    log_in(page, base, "judith@example.org")
    page.goto(f"{base}/e/{slug}/{c}/judging/")
    assert "Yellow linker" not in page.inner_text("#assigned")
    assert "Shortlist round" in page.inner_text("#assigned")
    screenshot(page, "rounds-journey-2-judge-shortlist")
    _score_all(t.track, "shortlist", MARKS)

    # 3. The organiser closes the shortlist: the top 2 go on; the final round assigns panels.
    log_in(page, base, "olga@example.org")
    page.goto(manage)
    page.click("#close-shortlist-form button[type=submit]")
    assert "2 projects go on to the final round" in page.inner_text(".messages")
    assert "Final round" in page.inner_text("#shortlist-table")
    page.click("#assign-form button[type=submit]")
    assert "6 new assignments." in page.inner_text(".messages")  # 2 finalists × 3 panel judges
    screenshot(page, "rounds-journey-3-finalists")

    # 4. Judith scores Red in the Technical panel with feedback for the team, by keyboard.
    log_in(page, base, "judith@example.org")
    page.goto(f"{base}/e/{slug}/{c}/judging/")
    page.click("#assigned a:has-text('Red linker') >> nth=0")
    page.wait_for_selector("#sheet-form")
    assert "Technical" in page.inner_text("#sheet-round")
    page.fill("#sheet-form input[type=number]", "10")
    page.fill("#id_feedback", "Your phone normaliser is the best we saw.")
    page.click("#sheet-form button[value=submit]")
    assert "Scores submitted" in page.inner_text(".messages")
    _score_all(t.track, "final", MARKS)

    # 5. A community vote with a planted ring of fresh accounts, and one honest voter.
    for index in range(3):
        voter = factories.UserFactory()
        voter.date_joined = timezone.now() - dt.timedelta(days=40)
        voter.save()
        vote_cast(track=t.track, project=Project.objects.get(team=t.teams["Red"]), voter=voter,
                  ip=f"198.51.{index}.7")  # fmt: skip
    green = Project.objects.get(team=t.teams["Green"])
    ring = []
    for index in range(5):
        fresh = factories.UserFactory(username=f"ring{index}")
        vote_cast(track=t.track, project=green, voter=fresh, ip=f"203.0.113.{index + 1}")
        ring.append(fresh)
    log_in(page, base, "blue@example.org")
    page.goto(f"{base}/e/{slug}/{c}/")
    page.click("#vote-tab")
    assert "Your team's project" in page.inner_text(
        f"#vote-project-{t.track.projects.get(team=t.teams['Blue']).pk}"
    )
    assert "Yellow linker" not in page.inner_text("#vote-projects")
    page.click("#vote-projects button:has-text('Vote for Red linker')")
    assert "Your vote for “Red linker” is saved" in page.inner_text(".messages")
    assert "vote-tallies" not in page.content()  # no count while it runs
    screenshot(page, "rounds-journey-4-voted")
    Track.objects.filter(pk=t.track.pk).update(
        vote_closes_at=timezone.now() - dt.timedelta(seconds=1)
    )

    # 6. The organiser reviews: the ring is flagged and voided with a reason.
    log_in(page, base, "olga@example.org")
    page.goto(manage)
    page.click("#votes-link")
    flagged = page.locator("#ballot-table tr.suspicious")
    assert flagged.count() == 5
    assert "cluster of new accounts" in flagged.nth(0).inner_text()
    assert "5 ballots from network 203.0.113.0/24" in flagged.nth(0).inner_text()
    screenshot(page, "rounds-journey-5-review")
    for person in ring:
        row = page.locator(f"#ballot-{Vote.objects.get(voter=person).pk}")
        row.locator("input[type=text]").fill("Ring of accounts made seconds before voting")
        row.locator("button[type=submit]").click()
        page.wait_for_selector(".messages")
    assert Vote.objects.exclude(voided_at=None).count() == 5
    page.click("#reviewed-form button[type=submit]")
    assert "The community vote is reviewed" in page.inner_text(".messages")
    assert "4 valid votes; 5 voided after review." in page.inner_text("#vote-tallies")

    # 7. Lock, award (the standings and the vote suggest), publish.
    page.goto(manage)
    page.click("#lock-form button[type=submit]")
    for prize in Prize.objects.filter(track=t.track):
        page.locator(f"#prize-{prize.pk} form.award-form button[type=submit]").click()
        page.wait_for_selector(".messages")
    assert set(Prize.objects.values_list("winner__name", flat=True)) == {"Red"}
    page.goto(f"{base}/manage/e/{slug}/results/")
    page.click("#publish-form button[type=submit]")
    page.wait_for_url(results_url)

    # 8. Red reads its feedback (no judges' names), and the round it reached; Yellow the reason.
    log_in(page, base, "red@example.org")
    page.goto(f"{base}/e/{slug}/{c}/project/")
    feedback = page.inner_text("#feedback")
    assert "Your phone normaliser is the best we saw." in feedback
    assert "judith" not in feedback and "Feedback on Blue linker" not in feedback
    assert "Reached the final round" in page.inner_text("#round-reached")
    screenshot(page, "rounds-journey-6-feedback")
    log_in(page, base, "yellow@example.org")
    page.goto(f"{base}/e/{slug}/{c}/project/")
    assert "The repository is empty" in page.inner_text("#screening")

    # 9. Anyone sees the community vote's reviewed result with the results.
    page.context.clear_cookies()
    page.goto(results_url)
    assert "Red linker" in page.inner_text(f"#community-vote-{t.track.pk}")
    assert fits_the_screen(page)
    screenshot(page, "rounds-journey-7-results")
