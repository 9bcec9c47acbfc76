"""What new users tripped over (issue 14), walked in Chromium: slugs filled from titles, metric
lists that follow the task, the readiness checklist, the audit log filter; each new page
through the axe-core harness."""

import pytest
from playwright.sync_api import expect

from competitions.models import Challenge
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
    check_page(page, manage, prepare=lambda p: p.click("#publish-button"))
    screenshot(page, "new-users-checklist")
