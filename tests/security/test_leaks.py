"""Nothing of the hidden truth, nor a private score before the reveal, reaches a participant.

Unique labels are planted in the truth file (``world.TRUTH_LABELS``) and a distinctive private
score in every submission; then, as every role that is not the event's staff (visitor, fresh
sign-up, participant without a team, organiser of another event, another team, the team's
leader and member), the crawl fetches every route of the URLconf filled with the world's
objects (pages, files, exports, API responses) and every link those pages show on this site,
and reads every body, streamed files included.
"""

import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest

from competitions.models import Submission
from tests.security.world import ROLES, TRUTH_LABELS, build_world, our_routes, url_for

pytestmark = pytest.mark.django_db

PARTICIPANT_ROLES = [role for role in ROLES if role not in {"judge", "organiser"}]
PRIVATE_SCORE = 0.271828
PRIVATE_TEXTS = ["0.2718", "0.27182"]
LINK = re.compile(r'(?:href|src|action|hx-get|data-[\w-]*url)="([^"#]+)"')
SKIP = ("/accounts/logout/", "/static/", "/i18n/")
MAX_PAGES = 400


def body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def crawl(client, start: list[str]) -> dict[str, str]:
    """Every page reachable from ``start`` by GET on this site: {url: body}."""
    seen, bodies = set(start), {}
    queue = deque(start)
    while queue and len(bodies) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        text = body(response)
        bodies[url] = text
        if response.status_code in {301, 302} and response["Location"].startswith("/"):
            links = [response["Location"]]
        elif "html" in response.get("Content-Type", ""):
            links = LINK.findall(text)
        else:
            links = []
        for link in links:
            link = urljoin(url, link.replace("&amp;", "&"))
            parsed = urlparse(link)
            if parsed.netloc and parsed.netloc != "testserver":
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path.startswith(SKIP) or path in seen:
                continue
            seen.add(path)
            queue.append(path)
    return bodies


@pytest.fixture
def world():
    world = build_world()
    Submission.objects.update(
        private_score=PRIVATE_SCORE, private_scores={"pairwise_f1": PRIVATE_SCORE}
    )
    from competitions.services.standings import standings_rebuild

    standings_rebuild(phase=world.phase)
    return world


def test_the_truth_and_private_scores_never_reach_a_participant(world):
    routes = our_routes()
    start = sorted({url_for(world, name, params) for name, params in routes.items()})
    truth_name = world.phase.truth_file.name
    files_seen = api_seen = 0
    for role in PARTICIPANT_ROLES:
        bodies = crawl(world.client(role), start)
        assert len(bodies) >= len(start)
        for url, text in bodies.items():
            for label in TRUTH_LABELS:
                assert label not in text, (role, url, label)
            assert truth_name not in text, (role, url)
            for private in PRIVATE_TEXTS:
                assert private not in text, (role, url, private)
            files_seen += "public-corpus-marker" in text or "team-prediction-marker" in text
            api_seen += url.startswith("/api/v1/") and text.startswith("{")
    # The crawl reached the views that serve files and the API: it would have seen a leak there.
    assert files_seen >= 4
    assert api_seen >= 10


def test_the_crawl_would_see_a_leak(world):
    """The same crawl as an organiser finds the private score (so the check above can fail)."""
    bodies = crawl(world.client("organiser"), [url_for(world, "competitions:manage_submissions", ["event_slug", "challenge_slug"])])  # fmt: skip
    assert any(private in text for text in bodies.values() for private in PRIVATE_TEXTS)
