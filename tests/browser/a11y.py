"""Accessibility checks for browser tests: axe-core (WCAG 2.1 AA) and sideways scrolling.

``check_page(page, url)`` loads ``url`` in English and in French and, for each, checks it at a
desktop width (1280 px) and a phone width (390 px). It fails with a readable list when axe-core
finds a WCAG 2.1 A/AA violation (plus its 24 × 24 px target-size rule), or when the page scrolls
sideways on the phone. It switches languages with the site's own language form, and switches
back afterwards, at the window size it found. For a page in a state a URL alone cannot reach (a
form with errors), pass ``prepare``: it runs after each load, e.g.
``prepare=lambda p: p.click("main form button[type=submit]")``.

axe-core is vendored (``vendor/axe.min.js``, see ``vendor/README.md``): nothing is downloaded at
run time. It is evaluated through the DevTools protocol, so a strict Content-Security-Policy on
the page does not stop it.
"""

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import pytest

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Tap targets of at least 24 × 24 px (WCAG 2.2's 2.5.8, tagged wcag22aa by axe).
EXTRA_RULES = ["target-size"]
LANGUAGES = ("en", "fr")
DESKTOP, PHONE = 1280, 390
WIDTHS = (PHONE, DESKTOP)
HEIGHT = 844


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A/AA and target size)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    options = {
        "runOnly": {"type": "tag", "values": WCAG_21_AA},
        "rules": {rule: {"enabled": True} for rule in EXTRA_RULES},
        "resultTypes": ["violations"],
    }
    result = page.evaluate("options => window.axe.run(document, options)", options)
    return result["violations"]


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it does not scroll sideways)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def describe(violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    - {target}: {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return lines


def page_language(page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def switch_language(page, language: str) -> None:
    """Switch the site's language the way a person does, with the top bar's language form
    (posted directly, without loading a page): it sets the language cookie and saves a
    signed-in person's choice, which wins over the cookie."""
    form = page.locator("#language-form")
    assert form.count() == 1, f"{page.url} has no language form (#language-form)"
    response = page.request.post(
        urljoin(page.url, form.get_attribute("action")),
        form={
            "language": language,
            "next": "/",
            "csrfmiddlewaretoken": form.locator("[name=csrfmiddlewaretoken]").input_value(),
        },
        max_redirects=0,
    )
    assert response.status == 302, f"switching to {language}: HTTP {response.status}"


def check_page(
    page,
    url: str,
    *,
    prepare: Callable | None = None,
    languages: Iterable[str] = LANGUAGES,
    widths: Iterable[int] = WIDTHS,
) -> int:
    """Check ``url`` in each language at each width; returns how many checks ran."""
    size = page.viewport_size
    problems: list[str] = []
    checks = 0
    _goto(page, url, problems)
    original = page_language(page)
    try:
        # The language the page is in first: one load fewer.
        for language in sorted(languages, key=lambda code: code != original):
            if page_language(page) != language:
                switch_language(page, language)
                _goto(page, url, problems)
            if prepare is not None:
                prepare(page)
                # A prepare that submits a form navigates: check the page it lands on, once
                # it has loaded, not the document being replaced.
                page.wait_for_load_state("load")
            shown = page_language(page)
            if shown != language:
                problems.append(f"{page.url}: asked for {language}, the page is in {shown!r}")
            for width in widths:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
                checks += 1
                where = f"{page.url} in {language} at {width} px"
                violations = axe_violations(page)
                if violations:
                    problems.append(f"{where}: {len(violations)} axe violation(s)")
                    problems.extend(describe(violations))
                if width <= PHONE:
                    overflow = horizontal_overflow(page)
                    if overflow > 0:
                        problems.append(f"{where}: scrolls sideways by {overflow} px")
    finally:
        if page_language(page) != original:
            switch_language(page, original)
        if size:
            page.set_viewport_size(size)
    if problems:
        pytest.fail("Accessibility problems:\n" + "\n".join(problems), pytrace=False)
    return checks


def _goto(page, url: str, problems: list[str]) -> None:
    response = page.goto(url)
    if response is not None and response.status >= 400:
        problems.append(f"{url}: HTTP {response.status}")
