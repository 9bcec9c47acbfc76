"""Two people form a team: one creates it and copies the invite link, the other opens the link,
logs in, accepts the rules and joins."""

import pytest
from playwright.sync_api import expect

from competitions.models import Membership, RulesAcceptance
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def log_in(page, email: str) -> None:
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")


def test_create_a_team_and_join_it_by_the_invite_link(live_server, browser, page):
    phase = factories.PhaseFactory(
        challenge__title="Link the ads",
        challenge__rules="Be kind. **No real personal data.**",
    )
    challenge = phase.challenge
    challenge_url = f"{live_server.url}/e/{challenge.event.slug}/{challenge.slug}/"
    factories.UserFactory(username="alice", email="alice@example.org")
    bob = factories.UserFactory(username="bob", email="bob@example.org")

    # Alice joins the challenge, creates a team and copies its invite link.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, "alice@example.org")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(challenge_url)
    page.check("#join-card input[name=accept]")
    page.click("#join-card button[type=submit]")
    page.wait_for_selector("#team-name")
    page.fill("#team-name", "Buyer Resist")
    page.click("#join-card button[type=submit]")
    page.wait_for_selector("#invite-link")
    assert "Team Buyer Resist created" in page.inner_text(".messages")
    page.click("#copy-invite-link")
    # Said in the button's status region (heard by a screen reader); the button keeps its name.
    expect(page.locator("#copy-invite-status[role=status]")).to_have_text("Copied")
    expect(page.locator("#copy-invite-link")).to_have_text("Copy link")
    invite_link = page.evaluate("navigator.clipboard.readText()")
    assert invite_link == page.input_value("#invite-link")
    assert "/teams/join/" in invite_link
    screenshot(page, "teams-journey-1-team-created")

    # Bob opens the link, is asked to log in, comes back to it, accepts the rules and joins.
    bob_context = browser.new_context(timezone_id="Europe/Paris", locale="fr-CA")
    bob_page = bob_context.new_page()
    bob_page.set_default_timeout(30_000)
    try:
        bob_page.goto(invite_link)
        bob_page.wait_for_url("**/accounts/login/**")
        log_in(bob_page, "bob@example.org")
        bob_page.wait_for_url(invite_link)
        assert "Buyer Resist" in bob_page.inner_text("h1")
        bob_page.click("#join-card button[type=submit]")  # without ticking: the browser stops it
        assert bob_page.url == invite_link
        bob_page.check("#join-card input[name=accept]")
        bob_page.click("#join-card button[type=submit]")
        bob_page.wait_for_url(challenge_url)
        assert "Buyer Resist" in bob_page.inner_text("#join-card")
        screenshot(bob_page, "teams-journey-2-joined")
    finally:
        bob_context.close()

    assert RulesAcceptance.objects.filter(challenge=challenge, user=bob).exists()
    membership = Membership.objects.get(challenge=challenge, user=bob)
    assert membership.team.name == "Buyer Resist"
    assert membership.role == Membership.Role.MEMBER

    # Alice sees Bob on the team page.
    page.goto(f"{challenge_url}team/")
    members = page.inner_text("#members")
    assert "alice" in members and "bob" in members
    screenshot(page, "teams-journey-3-team-page")
