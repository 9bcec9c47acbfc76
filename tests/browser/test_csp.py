"""The main pages under the Content-Security-Policy in Chromium: no violation reported, nothing
loaded from another host, and what the inline handlers used to do still works from static JS
(the language selector, the copy button, htmx's polling)."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competitions.models import EventRole, Submission
from tests import factories

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile
    + ":" + e.lineNumber);
});
"""


class Watch:
    """Every CSP report (console and event) and every request to another host, on any page."""

    def __init__(self, page, base: str):
        self.page = page
        self.host = urlsplit(base).netloc
        self.console: list[str] = []
        self.foreign: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("request", self._request)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https"} and parts.netloc != self.host:
            self.foreign.append(request.url)

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.status < 400, (url, response.status)
        policy = response.headers.get("content-security-policy", "")
        script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        self.page.wait_for_load_state("load")
        self.check(url)

    def check(self, where: str) -> None:
        in_page = self.page.evaluate("window.__csp || []")
        assert in_page == [] and self.console == [], (where, in_page, self.console)
        assert self.foreign == [], (where, self.foreign)


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_main_pages_load_with_no_csp_violation(live_server, page):
    base = live_server.url
    now = timezone.now()
    phase = factories.PhaseFactory(
        challenge__title="Link the ads",
        challenge__description="See ![the map](https://images.example.net/map.png) and "
        '<img src="https://tracker.example.net/pixel.gif">',
        challenge__event__description="![logo](https://images.example.net/logo.png)",
        challenge__event__is_published=True,
    )
    factories.PhaseFactory(
        challenge=phase.challenge,
        name="Final",
        order=2,
        starts_at=now + dt.timedelta(days=20),
        ends_at=now + dt.timedelta(days=30),
    )
    challenge, event = phase.challenge, phase.challenge.event
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    alice = factories.UserFactory(username="alice", email="alice@example.org")
    factories.add_member(team, alice, role="leader")
    organiser = factories.UserFactory(username="org", email="org@example.org")
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    submission = Submission.objects.create(
        phase=phase, team=team, submitted_by=alice, file="submissions/x.csv",
        original_name="p.csv", state=Submission.State.QUEUED, queued_at=now,
    )  # fmt: skip
    challenge_url = f"{base}/e/{event.slug}/{challenge.slug}/"

    watch = Watch(page, base)
    # A visitor.
    for path in ["/", f"/e/{event.slug}/", f"/e/{event.slug}/{challenge.slug}/"]:
        watch.visit(base + path)
    # The remote images in the Markdown are links now; nothing was fetched from their host.
    assert page.locator("a[href='https://images.example.net/map.png']").inner_text() == "the map"
    assert page.locator("img[src*='example.net']").count() == 0
    watch.visit(f"{challenge_url}leaderboard/")
    final = page.locator("#phase option", has_text="Final").get_attribute("value")
    page.select_option("#phase", final)
    page.click("form.board-phase button[type=submit]")
    page.wait_for_url(f"**/leaderboard/?*phase={final}*")
    watch.check("leaderboard, phase changed")
    for path in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        watch.visit(base + path)

    # A participant.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    log_in(page, base, "alice@example.org")
    watch.check("after login")
    watch.visit(challenge_url)
    page.click("#copy-invite-link")
    # Said in the button's status region (heard by a screen reader); the button keeps its name.
    expect(page.locator("#copy-invite-status[role=status]")).to_have_text("Copied")
    expect(page.locator("#copy-invite-link")).to_have_text("Copy link")
    watch.visit(f"{challenge_url}team/")
    # htmx still polls under the policy: the status block updates itself when the score lands.
    watch.visit(f"{base}/submissions/{submission.pk}/")
    Submission.objects.filter(pk=submission.pk).update(
        state=Submission.State.SCORED, public_score=0.5, public_scores={"pairwise_f1": 0.5},
        finished_at=timezone.now(), started_at=now,
    )  # fmt: skip
    page.wait_for_selector("#submission-status[data-state=scored]", timeout=30_000)
    watch.check("submission page after polling")
    watch.visit(f"{base}/notifications/")
    watch.visit(f"{base}/me/")
    # Setting up two-factor authentication: the password again, then the QR code (a data: URI).
    watch.visit(f"{base}/accounts/2fa/totp/activate/")
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/2fa/totp/activate/")
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    watch.check("two-factor set-up")
    # The language selector switches the page to French from static JS: a pointer pick submits
    # (arrow keys never do; its button is for them, tests/browser/test_keyboard_journey.py).
    page.dispatch_event("#language", "pointerdown")
    page.select_option("#language", "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    watch.check("language changed")

    # An organiser.
    page.click("header form button[type=submit]")  # log out
    page.wait_for_load_state("load")
    log_in(page, base, "org@example.org")
    for path in [
        "/manage/",
        f"/manage/e/{event.slug}/",
        f"/manage/e/{event.slug}/c/{challenge.slug}/",
        f"/manage/phases/{phase.pk}/truth/",
        f"/manage/e/{event.slug}/c/{challenge.slug}/submissions/",
        f"/manage/e/{event.slug}/audit/",
    ]:
        watch.visit(base + path)


def same_site_links(page, base: str, must_contain: tuple[str, ...]) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
    wanted = []
    for href in hrefs:
        href = href.split("#")[0]
        path = href.split("?")[0]
        if (
            href.startswith(base)
            and any(part in href for part in must_contain)
            and not path.endswith((".csv", "/file/"))
            and "download=" not in href
            and "/data/" not in href
            and "/logout" not in href
            and href not in wanted
        ):
            wanted.append(href)
    return wanted


def test_judging_pages_load_with_no_csp_violation(live_server, page, tmp_path):
    """The demo's judged track, as its judge, a team member and its organiser: every judging
    page linked from their start pages."""
    from django.core.management import call_command

    call_command("seed_demo", ads=300, stdout=open(tmp_path / "seed.txt", "w"))
    base = live_server.url
    watch = Watch(page, base)
    seen: set[str] = set()
    for email, start, parts in [
        ("judge@datajam.local", "/judging/", ("/judging/", "/projects/", "/standings/")),
        (
            "alice@datajam.local",
            "/e/datajam-against-exploitation/ad-linkage/",
            ("/project/", "/projects/", "/standings/"),
        ),
        (
            "organiser@datajam.local",
            "/manage/e/datajam-against-exploitation/c/ad-linkage/track/",
            ("/track/", "/results/"),
        ),
    ]:
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", "datajam-demo")
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{base}/")
        watch.visit(base + start)
        queue = same_site_links(page, base, parts)
        visited = 0
        while queue and visited < 12:
            url = queue.pop(0)
            if (email, url) in seen:
                continue
            seen.add((email, url))
            watch.visit(url)
            visited += 1
            queue += [u for u in same_site_links(page, base, parts) if (email, u) not in seen]
        assert visited >= 1, (email, start)
    assert any("/judging/" in url for _who, url in seen)
    assert any("/track/" in url for _who, url in seen)
