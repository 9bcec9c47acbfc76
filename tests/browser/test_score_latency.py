"""Click → score on the page, in Chromium, for a 10,000-ad file scored by a real worker.

The submission page asks for its status as soon as it loads, then every 100 ms while the
submission is new or running (``status_poll_ms``), so the score shows about 100 ms (plus one
request) after the worker writes it. The figures are printed (``-s``), never asserted: times depend on the
machine. What is asserted is that each upload's score appears on its page without a reload.
"""

import statistics
import time

import numpy as np
import pytest
from django.core.files.base import ContentFile

from competitions.models import Submission
from tests import factories
from tests.browser.test_journey import scoring_backend  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

ADS, UPLOADS = 10_000, 5


def linkage_files(n: int) -> tuple[str, str]:
    """Truth and a fair prediction for n ads (most alone, a fifth wrongly linked)."""
    rng = np.random.default_rng(7)
    operator = np.where(rng.random(n) < 0.5, np.arange(n), rng.integers(0, n // 4, n))
    usage = np.where(rng.random(n) < 0.3, "Public", "Private")
    predicted = np.where(rng.random(n) < 0.2, rng.integers(0, n, n), operator)
    truth = "ad_id,cluster_id,usage\n" + "".join(
        f"ad{i},op{operator[i]},{usage[i]}\n" for i in range(n)
    )
    submission = "ad_id,cluster_id\n" + "".join(f"ad{i},k{predicted[i]}\n" for i in range(n))
    return truth, submission


@pytest.mark.e2e  # a real worker on the shared Redis queue: runs with the end-to-end tests
def test_score_shows_soon_after_click(live_server, page, scoring_backend, tmp_path):  # noqa: F811
    truth, predictions = linkage_files(ADS)
    phase = factories.PhaseFactory(
        daily_limit=UPLOADS + 2,
        truth_file=ContentFile(truth.encode(), name="truth.csv"),
    )
    challenge = phase.challenge
    team = factories.TeamFactory(challenge=challenge)
    user = factories.UserFactory(email="fast@example.org")
    factories.add_member(team, user, role="leader")
    path = tmp_path / "predictions.csv"
    path.write_text(predictions)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "fast@example.org")
    page.fill("input[name=password]", "pass-word-123")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    def upload_and_wait() -> tuple[float, float]:
        page.goto(f"{live_server.url}/e/{challenge.event.slug}/{challenge.slug}/")
        page.set_input_files("input[name=file]", str(path))
        clicked = time.time()
        page.click("#submit-card button[type=submit]")
        page.wait_for_selector("#public-score", timeout=60_000)
        shown = time.time()
        submission = Submission.objects.filter(team=team).order_by("-created_at").first()
        assert submission.state == "scored"
        assert page.inner_text("#public-score") == f"{submission.public_score:.4f}"
        written = submission.finished_at.timestamp()
        return shown - clicked, shown - written

    upload_and_wait()  # the worker's first run warms it up
    figures = [upload_and_wait() for _ in range(UPLOADS)]
    click_to_score = statistics.median(f[0] for f in figures)
    write_to_page = statistics.median(f[1] for f in figures)
    print(
        f"\n{ADS:,} ads ({scoring_backend}): click → score visible, median {click_to_score:.3f} s "
        f"over {UPLOADS} ({', '.join(f'{f[0]:.3f}' for f in figures)}); the page learned of "
        f"the written result after a median {write_to_page * 1000:.0f} ms"
    )
    assert Submission.objects.filter(team=team, state="scored").count() == UPLOADS + 1
