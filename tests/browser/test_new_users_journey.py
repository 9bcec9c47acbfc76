"""What new users tripped over (issue 14), walked in Chromium: slugs filled from titles, metric
lists that follow the task, the readiness checklist, the audit log filter, the first page in the
browser's zone, the home page's cards and search, announcements, visible moderation and the
template's progress page; each new page through the axe-core harness."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competitions.models import Challenge, Submission
from competitions.services.events import event_create
from tests import factories
from tests.browser.a11y import check_page
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_slugs_follow_titles_and_metrics_follow_the_task(live_server, page):
    factories.UserFactory(username="org", email="org@example.org")
    base = live_server.url
    log_in(page, base, "org@example.org")
    page.goto(f"{base}/manage/events/new/")
    page.fill("input[name=name]", "DataJam Bogotá 2027")
    expect(page.locator("input[name=slug]")).to_have_value("datajam-bogota-2027")
    page.fill("input[name=slug]", "dj-bogota")  # edited by hand: the title no longer moves it
    page.fill("input[name=name]", "DataJam Bogotá 2028")
    expect(page.locator("input[name=slug]")).to_have_value("dj-bogota")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/manage/e/dj-bogota/")

    page.goto(f"{base}/manage/e/dj-bogota/challenges/new/")
    page.fill("input[name=title]", "Predict the price")
    expect(page.locator("input[name=slug]")).to_have_value("predict-the-price")
    metric = page.locator("select[name=primary_metric]")
    expect(metric.locator("option[value=pairwise_f1]")).to_be_enabled()
    expect(metric.locator("option[value=rmse]")).to_be_disabled()
    page.select_option("select[name=task]", "regression")
    expect(metric.locator("option[value=pairwise_f1]")).to_be_disabled()
    expect(metric.locator("option[value=rmse]")).to_be_enabled()
    expect(metric).not_to_have_value("pairwise_f1")
    expect(page.locator("input[name=secondary_metrics][value=bcubed_f1]")).to_be_hidden()
    expect(page.locator("input[name=secondary_metrics][value=mae]")).to_be_visible()
    page.select_option("select[name=primary_metric]", "rmse")
    page.check("input[name=secondary_metrics][value=mae]")
    screenshot(page, "new-users-metrics-follow-task")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/manage/e/dj-bogota/c/predict-the-price/")
    challenge = Challenge.objects.get(slug="predict-the-price")
    assert (challenge.task, challenge.primary_metric) == ("regression", "rmse")
    assert challenge.secondary_metrics == ["mae"]


def test_checklist_and_audit_filter_pass_the_harness(live_server, page):
    organiser = factories.UserFactory(username="org", email="org@example.org")
    event = event_create(actor=organiser, data={"name": "DJ draft", "slug": "dj-draft"})
    factories.ChallengeFactory(event=event, title="Link", rules="")
    base = live_server.url
    log_in(page, base, "org@example.org")
    manage = f"{base}/manage/e/{event.slug}/"
    check_page(page, manage)
    check_page(page, f"{manage}audit/?action=event.create")
    check_page(page, f"{base}/e/{event.slug}/")  # the draft notice

    def publish_unready(p):
        p.click("#publish-button")
        p.wait_for_selector(".messages")

    check_page(page, manage, prepare=publish_unready)
    screenshot(page, "new-users-checklist")


def test_the_first_page_is_already_in_the_browsers_zone(live_server, browser):
    """A visitor's very first page shows times in the browser's zone (the tiny static script
    sets the cookie and reloads once), with the zone's name; forms then take that zone."""
    now = timezone.now()
    factories.EventFactory(
        name="Zoned", starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=5)
    )
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("data-timezone", "Asia/Tokyo")
    assert "GMT+9" in page.inner_text("#events") or "JST" in page.inner_text("#events")
    assert "Asia/Tokyo" in page.inner_text("footer")
    assert any(c["name"] == "datajam_tz" for c in context.cookies())
    screenshot(page, "new-users-first-page-zone")
    context.close()


def test_home_search_announcements_moderation_and_template_progress(live_server, page):
    now = timezone.now()
    organiser = factories.UserFactory(username="org", email="org@example.org")
    phase = factories.PhaseFactory(
        challenge__event__name="DataJam Against Exploitation",
        challenge__event__starts_at=now - dt.timedelta(days=1),
        challenge__event__ends_at=now + dt.timedelta(days=9),
        challenge__rules="Be kind.",
    )
    event, challenge = phase.challenge.event, phase.challenge
    event.roles.create(user=organiser, role="organiser")
    factories.EventFactory(name="DataJam Bogotá", starts_at=now + dt.timedelta(days=30),
                           ends_at=now + dt.timedelta(days=32))  # fmt: skip
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    alice = factories.UserFactory(username="alice", email="alice@example.org")
    factories.add_member(team, alice, role="leader")
    submission = Submission.objects.create(
        phase=phase, team=team, submitted_by=alice, file="x.csv", original_name="p.csv",
        state="scored", public_score=0.8381, public_scores={"pairwise_f1": 0.8381},
        finished_at=now,
    )  # fmt: skip
    base = live_server.url

    check_page(page, f"{base}/")
    check_page(page, f"{base}/?q=bogota")
    page.goto(f"{base}/")
    page.fill("#event-query", "Bogotá")
    page.click("#event-search button[type=submit]")
    expect(page.locator("#search-summary")).to_contain_text("1 event matches")
    expect(page.locator("#events li[data-status=upcoming]")).to_have_count(1)
    screenshot(page, "new-users-home-search")

    log_in(page, base, "org@example.org")
    page.goto(f"{base}/manage/e/{event.slug}/")
    page.click("#write-announcement")
    page.fill("input[name=subject]", "New data")
    page.fill("textarea[name=body]", "The **new** data is up.")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Announcement sent to 1 participant.")
    check_page(page, f"{base}/manage/e/{event.slug}/announcements/new/")

    def submit_empty(p):
        p.click("main form button[type=submit]")
        p.wait_for_selector("[aria-invalid=true]")

    check_page(
        page, f"{base}/manage/e/{event.slug}/announcements/new/",
        prepare=submit_empty,
    )  # fmt: skip
    page.goto(f"{base}/manage/e/{event.slug}/c/{challenge.slug}/submissions/")
    page.select_option(f"#action-{submission.pk}", "disqualify")
    page.fill(f"#reason-{submission.pk}", "Used the test labels")
    page.locator(f"#reason-{submission.pk}").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Done.")

    page.goto(f"{base}/manage/e/{event.slug}/challenges/template/")
    page.fill("input[name=title]", "Link more ads")
    expect(page.locator("input[name=slug]")).to_have_value("ad-linkage")  # its own default
    page.fill("input[name=slug]", "more-ads")
    page.fill("input[name=n_ads]", "300")
    page.click("main form button[type=submit]")
    expect(page.locator("#job-status")).to_have_attribute("data-state", "done", timeout=60_000)
    # Run eagerly here, so the page arrives finished and says so in the status itself.
    expect(page.locator("#job-step")).to_contain_text("The challenge is ready")
    expect(page.locator("#job-challenge")).to_contain_text("Link more ads")
    screenshot(page, "new-users-template-progress")
    check_page(page, page.url)

    page.context.clear_cookies()
    log_in(page, base, "alice@example.org")
    page.goto(f"{base}/e/{event.slug}/")
    expect(page.locator("#announcements")).to_contain_text("New data")
    check_page(page, f"{base}/e/{event.slug}/")
    page.goto(f"{base}/submissions/{submission.pk}/")
    expect(page.locator("#moderation")).to_have_text("Disqualified")
    expect(page.locator("#moderation-reason")).to_contain_text("Used the test labels")
    screenshot(page, "new-users-disqualified")
    check_page(page, f"{base}/submissions/{submission.pk}/")
    page.goto(f"{base}/notifications/")
    expect(page.locator("main")).to_contain_text("disqualified your submission p.csv")
