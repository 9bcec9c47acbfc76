"""An open leaderboard shows a new score without a reload; its charts render; the viewer's team
is marked and times are in the viewer's zone (all done in the browser on a shared fragment)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competitions.models import Submission
from competitions.services.scoring import submission_record_scores, submission_start
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def score(phase, team, public, days_ago=0.0):
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv", task_id="t"
    )
    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    submission_record_scores(
        submission=submission_start(submission_id=submission.pk),
        result={
            "public": {"pairwise_f1": public, "bcubed_f1": public / 2},
            "private": {"pairwise_f1": public},
            "all": {"pairwise_f1": public},
            "warnings": [],
        },
    )


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_new_score_appears_on_an_open_leaderboard(live_server, page, transactional_db, settings):
    settings.LEADERBOARD_POLL_SECONDS = 1
    phase = factories.PhaseFactory(
        challenge__title="Link the ads", starts_at=timezone.now() - dt.timedelta(days=5)
    )
    challenge = phase.challenge
    challenge.secondary_metrics = ["bcubed_f1"]
    challenge.save()
    mine = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    user = factories.UserFactory(email="alice@example.org")
    factories.add_member(mine, user, role="leader")
    others = [factories.TeamFactory(challenge=challenge, name=f"Team {i}") for i in range(4)]
    baseline = factories.TeamFactory(challenge=challenge, name="Baseline", is_baseline=True)
    score(phase, baseline, 0.6, days_ago=4)
    for i, team in enumerate(others):
        score(phase, team, 0.3 + i / 10, days_ago=3 - i / 2)
        score(phase, team, 0.35 + i / 10, days_ago=1 - i / 5)
    score(phase, mine, 0.2, days_ago=2)

    log_in(page, live_server, "alice@example.org")
    page.goto(f"{live_server.url}/e/{challenge.event.slug}/{challenge.slug}/leaderboard/")
    url_before = page.url
    my_row = page.locator(f"#public-board tr[data-team='{mine.pk}']")
    assert "mine" in my_row.get_attribute("class")
    assert "(your team)" in my_row.inner_text()
    shown = my_row.locator("time").first.inner_text()
    assert "EST" in shown or "EDT" in shown  # the viewer's zone, not the fragment's UTC
    assert page.locator("#board-status").get_attribute("aria-live") == "polite"
    # Charts: drawn as SVG with a size, and with their text alternatives.
    for chart in ("#chart-top svg.chart", "#chart-daily svg.chart"):
        box = page.locator(chart).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100
    assert page.locator("#chart-top svg.chart path").count() >= 5
    assert page.locator("#chart-daily svg.chart rect").count() >= 4
    assert page.locator("#chart-top table.chart-data tbody tr").count() >= 5
    screenshot(page, "leaderboard-before")

    score(phase, mine, 0.99)
    # expect() polls without eval, which the page's Content-Security-Policy forbids.
    expect(page.locator("#public-board tbody tr[data-team] .score").first).to_have_text(
        "0.9900", timeout=30_000
    )
    assert page.url == url_before
    leader = page.locator("#public-board tbody tr").nth(0)
    assert "Buyer Resist" in leader.inner_text() and leader.locator(".rank").inner_text() == "1"
    baseline_row = page.locator("#public-board tbody tr.baseline")
    assert baseline_row.locator(".rank").inner_text() == "baseline"  # in place, unranked
    assert "mine" in leader.get_attribute("class")  # marked again after the swap
    assert "changed" in page.locator("#board-status").inner_text()
    # Sorting by a metric column without a reload.
    page.click("#public-board thead a:has-text('B-cubed F1')")
    page.wait_for_selector("#public-board[data-sort='bcubed_f1']")
    assert page.locator("#public-board tbody tr").nth(0).locator(".rank").inner_text() == "1"
    screenshot(page, "leaderboard-after")


def test_the_leaderboard_fits_a_phone(live_server, browser, transactional_db):
    phase = factories.PhaseFactory()
    challenge = phase.challenge
    challenge.secondary_metrics = ["bcubed_f1"]
    challenge.save()
    for i in range(3):
        score(phase, factories.TeamFactory(challenge=challenge, name=f"A long team name {i}"), 0.5)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/{challenge.event.slug}/{challenge.slug}/leaderboard/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1  # the table scrolls inside its box, the page does not
        page.keyboard.press("Tab")
        screenshot(page, "leaderboard-phone")
    finally:
        context.close()
