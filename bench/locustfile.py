"""The crowd ``bench/load.py`` sends: people browsing an event's pages and its leaderboard (half
of them signed in, a fifth in French), and teams uploading through the real form and watching
their submission's page until the score shows. Run by ``bench/load.py``, which writes the plan
(URLs, session cookies, the prediction file) this reads from ``DATAJAM_LOAD_PLAN``.
"""

import html as markup
import json
import os
import random
import re
import threading
import time

from locust import FastHttpUser, HttpUser, between, events, task

PLAN = json.loads(open(os.environ["DATAJAM_LOAD_PLAN"]).read())
SEEN: list[float] = []  # upload → score seen, seconds: uploads made after the crowd arrived
ARRIVING: list[float] = []  # the same for uploads made while the crowd was still arriving
LATE: list[int] = []  # uploads whose score was not seen within SCORE_TIMEOUT (any time)
ARRIVED = threading.Event()  # set when every user has started (when locust resets its stats)
SCORE_TIMEOUT = 60.0
_browse_sessions = iter(PLAN["browse_sessions"])
_upload_sessions = iter(PLAN["upload_sessions"])
_lock = threading.Lock()
VERSION = re.compile(r'data-version="([0-9a-f]+)"')
POLL = re.compile(r'hx-trigger="(load, )?every (\d+(?:\.\d+)?)(ms|s)"')
STATE = re.compile(r'data-state="(\w+)"')
POLL_URL = re.compile(r'id="submission-status"[^>]*?hx-get="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ZONES = ["UTC", "America/Toronto", "Europe/Paris", "America/Bogota"]


@events.spawning_complete.add_listener
def _arrived(user_count, **_kw) -> None:
    ARRIVED.set()


@events.quitting.add_listener
def _write_seen(environment, **_kw) -> None:
    with open(os.environ["DATAJAM_LOAD_SEEN"], "w") as out:
        json.dump({"seen": SEEN, "arriving": ARRIVING, "late": len(LATE)}, out)


class Browsing(FastHttpUser):
    """Someone with the event open: mostly the leaderboard (which polls while open), sometimes
    another page of it, the challenge, the event or the home page."""

    wait_time = between(1, 5)
    weight = 1

    def on_start(self) -> None:
        cookies = [f"datajam_tz={random.choice(ZONES)}"]
        if random.random() < 0.5:
            with _lock:
                session = next(_browse_sessions, None)
            if session:
                cookies.append(f"sessionid={session}")
        self.headers = {
            "Cookie": "; ".join(cookies),
            "Accept-Language": "fr" if random.random() < 0.2 else "en",
        }
        self.version = ""
        self.etags: dict[str, str] = {}

    def _get(self, url: str, name: str, **headers):
        with self.client.get(
            url, name=name, headers={**self.headers, **headers}, catch_response=True
        ) as response:
            if response.status_code not in (200, 204, 304):
                response.failure(f"HTTP {response.status_code}")
            return response

    @task(3)
    def leaderboard(self) -> None:
        response = self._get(PLAN["leaderboard"], "leaderboard page")
        found = VERSION.search(response.text or "")
        if found:
            self.version = found.group(1)

    @task(6)
    def leaderboard_poll(self) -> None:
        """What the open page sends every LEADERBOARD_POLL_SECONDS: its version, and the ETag
        the browser holds for that URL."""
        if not self.version:
            return self.leaderboard()
        url = f"{PLAN['leaderboard']}?phase={PLAN['phase']}&board=public&since={self.version}"
        headers = {"HX-Request": "true"}
        if url in self.etags:
            headers["If-None-Match"] = self.etags[url]
        response = self._get(url, "leaderboard poll", **headers)
        if response.status_code == 200:
            self.etags[url] = response.headers.get("ETag", "")
            found = VERSION.search(response.text or "")
            if found:
                self.version = found.group(1)

    @task(1)
    def leaderboard_other_page(self) -> None:
        page = random.randint(2, PLAN["pages"])
        sort = random.choice(["rank", "rank", "entries", "last"])
        self._get(
            f"{PLAN['leaderboard']}?page={page}&sort={sort}",
            "leaderboard other page (htmx)",
            **{"HX-Request": "true"},
        )

    @task(2)
    def challenge(self) -> None:
        self._get(PLAN["challenge"], "challenge page")

    @task(1)
    def event(self) -> None:
        self._get(PLAN["event"], "event page")

    @task(1)
    def home(self) -> None:
        self._get("/", "home page")


class Uploading(HttpUser):
    """A team member uploading through the challenge page's form every few seconds and
    watching the submission's page until the score shows, at the interval the page polls."""

    fixed_count = PLAN["uploaders"]
    wait_time = between(3, 6)

    def on_start(self) -> None:
        with _lock:
            session = next(_upload_sessions)
        self.client.cookies.set("sessionid", session)
        self.content = PLAN["prediction"]

    @task
    def upload(self) -> None:
        page = self.client.get(PLAN["challenge"], name="challenge page (team)")
        token = CSRF.search(page.text or "")
        if not token:
            return
        started = time.monotonic()
        # Counted with the page figures (which locust takes from the same moment) or apart.
        seen = SEEN if ARRIVED.is_set() else ARRIVING
        with self.client.post(
            PLAN["submit"],
            data={"csrfmiddlewaretoken": token.group(1), "note": "load"},
            files={"file": ("predictions.csv", self.content, "text/csv")},
            headers={"Referer": PLAN["base"] + PLAN["challenge"]},
            name="upload (submit form)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/submissions/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"HTTP {response.status_code}: not accepted")
                return
            location = response.headers["Location"]
        detail = self.client.get(location, name="submission page")
        html = detail.text or ""
        first = True
        while time.monotonic() - started < SCORE_TIMEOUT:
            state = STATE.search(html)
            if state and state.group(1) in ("scored", "failed"):
                seen.append(time.monotonic() - started)
                return
            # As htmx does: the URL the status gives (with the status token and time of its
            # rendering), at once on arrival when it says "load", then at its interval; a 204
            # ("unchanged") leaves the status and its polling as they are.
            poll, url = POLL.search(html), POLL_URL.search(html)
            if poll is None or url is None:
                time.sleep(0.5)
                url = location.rstrip("/") + "/status/"
            else:
                if not (poll.group(1) and first):
                    time.sleep(float(poll.group(2)) / (1000 if poll.group(3) == "ms" else 1))
                url = markup.unescape(url.group(1))
            first = False
            response = self.client.get(
                url, headers={"HX-Request": "true"}, name="submission status poll"
            )
            if response.status_code != 204:
                html = response.text or ""
        LATE.append(1)
