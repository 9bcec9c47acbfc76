"""The real ``datajam`` client, run as a process against the live test server."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from accounts.tokens import api_token_create
from competitions.models import DataFile
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
ADS = b"ad_id,posted_at,city\n" + b"".join(b"a%d,2026-01-01,Toronto\n" % i for i in range(1, 9))


@dataclass
class Site:
    url: str
    token: str
    target: str  # EVENT/CHALLENGE
    phase: object
    user: object
    home: Path

    def run(self, *args: str, env: dict | None = None, timeout: float = 180):
        """``python -m datajam_cli ARGS`` with its own config directory and the site's URL and
        token in the environment (unless ``env`` says otherwise; None removes a variable)."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DATAJAM_")}
        environment.update(
            XDG_CONFIG_HOME=str(self.home / "config"), DATAJAM_URL=self.url,
            DATAJAM_TOKEN=self.token, PYTHONPATH=str(ROOT), COLUMNS="200",
        )  # fmt: skip
        for key, value in (env or {}).items():
            if value is None:
                environment.pop(key, None)
            else:
                environment[key] = value
        return subprocess.run(
            [sys.executable, "-m", "datajam_cli", *args], cwd=self.home, env=environment,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip


@pytest.fixture
def site(live_server, tmp_path) -> Site:
    """A published challenge with an open phase and a data file; a team leader (rules
    accepted) with a token."""
    phase = factories.PhaseFactory(daily_limit=3)
    challenge = phase.challenge
    DataFile.objects.create(
        challenge=challenge, name="ads.csv", kind="test", size=len(ADS),
        file=ContentFile(ADS, name="ads.csv"),
    )  # fmt: skip
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    user = factories.UserFactory()
    factories.add_member(team, user, role="leader")
    _token, raw = api_token_create(user=user, name="cli tests")
    return Site(
        url=live_server.url, token=raw, target=f"{challenge.event.slug}/{challenge.slug}",
        phase=phase, user=user, home=tmp_path,
    )  # fmt: skip
