"""Keyboard only: skip the top bar, log in, find the challenge, upload a file, and hear the score
arrive through the live region; the language and phase selectors never act on an arrow key."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot
from tests.e2e.conftest import real_broker, start_worker  # noqa: F401 - fixtures used below

pytestmark = pytest.mark.browser


def focused(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, key: str = "Tab", limit: int = 40) -> int:
    """Press Tab (or ``key``) until the element matching ``selector`` has focus; returns how
    many presses it took."""
    for presses in range(limit + 1):
        if focused(page, selector):
            return presses
        page.keyboard.press(key)
    raise AssertionError(f"{selector} not reached with {limit} presses of {key}")


def focus_ring(page) -> str:
    """The focused element's outline, e.g. "3px solid rgb(26, 79, 180)"."""
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`; }"
    )


@pytest.mark.e2e  # a real worker on the shared Redis queue: runs with the end-to-end tests
def test_log_in_upload_and_hear_the_score(live_server, page, start_worker, tmp_path):  # noqa: F811
    phase = factories.PhaseFactory(challenge__title="Link the ads")
    challenge = phase.challenge
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    factories.add_member(team, factories.UserFactory(email="alice@example.org"), role="leader")
    predictions = tmp_path / "predictions.csv"
    predictions.write_text(factories.PARTIAL_CSV)
    base = live_server.url

    page.goto(f"{base}/")
    # The first Tab reaches the skip link, with our focus ring; Enter moves past the top bar.
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link")
    assert page.is_visible("a.skip-link")
    assert focus_ring(page).startswith("3px solid")
    screenshot(page, "keyboard-1-skip-link")
    page.keyboard.press("Enter")
    assert focused(page, "main")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")

    # Log in: back up into the top bar.
    tab_to(page, "a[href='/accounts/login/']", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/")
    tab_to(page, "#id_login")
    page.keyboard.type("alice@example.org")
    page.keyboard.press("Tab")
    assert focused(page, "#id_password")
    page.keyboard.type("pass-word-123")
    screenshot(page, "keyboard-2-log-in")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")

    # The event, then the challenge.
    tab_to(page, f"a[href='/e/{challenge.event.slug}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/e/{challenge.event.slug}/")
    tab_to(page, f"a[href='/e/{challenge.event.slug}/{challenge.slug}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/e/{challenge.event.slug}/{challenge.slug}/")

    # Choose the file with the keyboard (Space opens the file chooser) and upload it. No worker
    # runs yet, so the page arrives with the submission waiting.
    tab_to(page, "#file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(predictions))
    tab_to(page, "#submit-card button[type=submit]")
    screenshot(page, "keyboard-3-file-chosen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submissions/**")
    assert page.get_attribute("#submission-status", "data-state") == "queued"
    live = page.locator("#status-live")
    assert live.get_attribute("aria-live") == "polite"
    assert live.text_content() == ""  # what the page says on arrival is read with the page
    screenshot(page, "keyboard-4-queued")

    # A worker starts; the live region, which stays in the page, says the score.
    start_worker()
    expect(live).to_have_text("Scored. Public score (Pairwise F1): 1.0000.", timeout=90_000)
    assert page.inner_text("#public-score") == "1.0000"
    screenshot(page, "keyboard-5-score-heard")


def test_arrow_keys_never_switch_the_language(live_server, page):
    phase = factories.PhaseFactory(challenge__title="Link the ads")
    factories.PhaseFactory(challenge=phase.challenge, name="Final", order=1)
    board = f"{live_server.url}/e/{phase.challenge.event.slug}/{phase.challenge.slug}/leaderboard/"
    page.goto(board)
    tab_to(page, "#language")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)  # a submit-on-change would have navigated by now
    assert page.url == board
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.input_value("#language") == "fr"
    page.keyboard.press("Tab")
    assert focused(page, "#language-form button[type=submit]")
    screenshot(page, "keyboard-6-language-chosen")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.url == board
    assert page.inner_text("h1") == "Classement"

    # The phase selector: arrows move the choice, the button shows that phase.
    tab_to(page, "#phase")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)
    assert page.url == board
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/leaderboard/?phase=*")

    # With a pointer, picking is enough (the button stays for everyone else).
    page.dispatch_event("#language", "pointerdown")
    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    screenshot(page, "keyboard-7-language-by-pointer")
