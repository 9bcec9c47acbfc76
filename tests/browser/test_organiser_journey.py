"""An organiser sets up a challenge through the web pages: event, challenge, two phases, data,
hidden truth (a bad one refused, a good one summarised), then reads the audit log and the queue."""

import datetime as dt

import pytest
from django.utils import timezone

from competitions.models import Challenge, EventRole
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def local(value: dt.datetime) -> str:
    # The browser context runs in America/Toronto; the form takes local times.
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo("America/Toronto")).strftime("%Y-%m-%dT%H:%M")


def test_organiser_sets_up_a_challenge(live_server, page, tmp_path):
    factories.UserFactory(username="org", email="org@example.org")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "org@example.org")
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    # The browser reported its zone; times are now shown in Toronto time.
    page.goto(f"{base}/manage/")
    page.click("text=New event")
    page.fill("input[name=name]", "DataJam Montréal")
    page.fill("input[name=slug]", "dj-mtl")
    page.fill("textarea[name=description]", "Hello <script>alert(1)</script> **world**")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/manage/e/dj-mtl/")

    page.click("text=New challenge")
    page.fill("input[name=title]", "Link the ads")
    page.fill("input[name=slug]", "link")
    page.select_option("select[name=task]", "ad-linkage")
    page.select_option("select[name=primary_metric]", "bcubed_f1")
    page.fill("textarea[name=rules]", "Be kind.")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/manage/e/dj-mtl/c/link/")

    now = timezone.now()
    for name, start, end in [
        ("Development", now - dt.timedelta(hours=2), now + dt.timedelta(days=7)),
        ("Final", now + dt.timedelta(days=7), now + dt.timedelta(days=9)),
    ]:
        page.click("text=New phase")
        page.fill("input[name=name]", name)
        page.fill("input[name=starts_at]", local(start))
        page.fill("input[name=ends_at]", local(end))
        page.fill("input[name=daily_limit]", "3")
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{base}/manage/e/dj-mtl/c/link/")
    assert "Development" in page.inner_text("#phases")
    assert "Final" in page.inner_text("#phases")

    ads = tmp_path / "ads.csv"
    ads.write_text("ad_id,title\na1,hello\n")
    page.set_input_files("#data input[name=file]", str(ads))
    page.select_option("#data select[name=kind]", "test")
    page.click("#data button[type=submit]")
    page.wait_for_selector("#data li:has-text('ads.csv')")

    page.click("#phases a:has-text('upload') >> nth=0")
    bad = tmp_path / "bad.csv"
    bad.write_text("ad_id,cluster_id,usage\na1,x,Maybe\n")
    page.set_input_files("input[name=file]", str(bad))
    page.click("main form button[type=submit]")
    assert "not accepted" in page.inner_text("main form")
    good = tmp_path / "truth.csv"
    good.write_text(factories.TRUTH_CSV)
    page.set_input_files("input[name=file]", str(good))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#truth-summary")
    assert "Ground truth accepted" in page.inner_text(".messages")
    assert "8" in page.inner_text("#truth-summary")  # eight ads in the truth
    screenshot(page, "organiser-journey-truth")

    challenge = Challenge.objects.get(slug="link")
    assert challenge.primary_metric == "bcubed_f1"
    assert challenge.phases.count() == 2
    assert EventRole.objects.filter(event__slug="dj-mtl", role="organiser").count() == 1

    page.goto(f"{base}/manage/e/dj-mtl/audit/")
    audit = page.inner_text("#audit")
    for sentence in [
        "org@example.org created the event",
        "org@example.org created the challenge Link the ads",
        "org@example.org created the phase Link the ads · Final",
        "org@example.org uploaded the data file ads.csv",
        "org@example.org uploaded the ground truth of Link the ads · Development",
    ]:
        assert sentence in audit
    assert "event.create" not in audit and "truth.upload" not in audit
    page.select_option("#audit-action", "data.upload")
    page.click("#audit-filter button[type=submit]")
    filtered = page.inner_text("#audit tbody")
    assert "uploaded the data file ads.csv" in filtered and "created the event" not in filtered
    screenshot(page, "organiser-journey-audit")

    page.goto(f"{base}/manage/e/dj-mtl/queue/")
    assert page.locator("main h1").count() == 1
    screenshot(page, "organiser-journey-queue")

    page.goto(f"{base}/e/dj-mtl/")
    assert page.locator("script:has-text('alert(1)')").count() == 0
    assert "world" in page.inner_text("main")

    # The event is still a draft: the checklist says what is missing and publishing is refused.
    page.goto(f"{base}/manage/e/dj-mtl/")
    assert "Draft" in page.inner_text("#publication")
    todo = page.inner_text("#publication .checklist")
    assert "Phase “Final” of “Link the ads” has a validated ground truth" in todo
    page.click("#publish-button")
    assert "not ready to publish" in page.inner_text(".messages")
    screenshot(page, "organiser-journey-checklist")
    page.click("#publication a:has-text('Final')")
    page.set_input_files("input[name=file]", str(good))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#truth-summary")
    page.goto(f"{base}/manage/e/dj-mtl/")
    assert page.locator("#publication li.todo").count() == 0
    page.click("#publish-button")
    assert "published" in page.inner_text(".messages")
    screenshot(page, "organiser-journey-published")
    visitor = page.context.browser.new_context().new_page()
    visitor.goto(f"{base}/")
    assert "DataJam Montréal" in visitor.inner_text("main")
    visitor.context.close()
