"""``datajam`` end to end against the live test server (scoring runs in-process here; the
real worker is in test_cli_worker.py): login, download, submit, refusals and their exit
codes, status, submissions, final, leaderboards, quota."""

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.tokens import api_token_create
from datajam_cli import errors
from tests import factories

from .conftest import ADS

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_saves_the_url_and_token_for_the_user_only(site):
    anonymous = {"DATAJAM_URL": None, "DATAJAM_TOKEN": None}
    refused = site.run("events", env=anonymous)
    assert refused.returncode == errors.BAD_TOKEN
    assert "not logged in: run `datajam login`" in refused.stderr
    wrong = site.run("login", "--url", site.url, "--token", "dj_wrong", env=anonymous)
    assert wrong.returncode == errors.BAD_TOKEN
    assert "This API token is not valid" in wrong.stderr
    assert not (site.home / "config").exists() or not any((site.home / "config").rglob("*.json"))

    done = site.run("login", env={"DATAJAM_URL": site.url + "/", "DATAJAM_TOKEN": site.token})
    assert done.returncode == 0, done.stderr
    path = site.home / "config" / "datajam" / "config.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert json.loads(path.read_text()) == {"url": site.url, "token": site.token}
    # Later commands read the saved file.
    listed = site.run("events", env=anonymous)
    assert listed.returncode == 0, listed.stderr
    assert site.target.split("/")[0] in listed.stdout
    challenges = site.run("challenges", site.target.split("/")[0], env=anonymous)
    assert site.target in challenges.stdout


def test_login_asks_when_nothing_is_given(site):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATAJAM_")}
    environment["XDG_CONFIG_HOME"] = str(site.home / "config")
    result = subprocess.run(
        [sys.executable, "-m", "datajam_cli", "login"],
        input=f"{site.url}\n{site.token}\n", capture_output=True, text=True, cwd=site.home,
        env=environment, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Logged in to" in result.stdout
    assert (site.home / "config" / "datajam" / "config.json").exists()


def test_download_is_atomic_and_skips_what_is_there(site):
    result = site.run("download", site.target, "-o", "data")
    assert result.returncode == 0, result.stderr
    data = site.home / "data"
    assert (data / "ads.csv").read_bytes() == ADS
    assert not list(data.glob("*.part"))
    again = site.run("download", site.target, "-o", "data")
    assert "already there" in again.stdout
    # An interrupted download resumes from the bytes it has (a Range request).
    (data / "ads.csv").unlink()
    (data / "ads.csv.part").write_bytes(ADS[:10])
    resumed = site.run("download", site.target, "-o", "data")
    assert resumed.returncode == 0, resumed.stderr
    assert "ads.csv: resuming after 10 bytes" in resumed.stderr
    assert (data / "ads.csv").read_bytes() == ADS and not (data / "ads.csv.part").exists()
    # Someone who has not accepted the rules: the server's refusal, exit 5.
    stranger = factories.UserFactory()
    _t, raw = api_token_create(user=stranger, name="x")
    refused = site.run("download", site.target, "-o", "other", env={"DATAJAM_TOKEN": raw})
    assert refused.returncode == errors.NOT_FOUND
    assert refused.stderr.startswith("datajam: error: ")
    assert not (site.home / "other" / "ads.csv").exists()


def write(site, name: str, content: str) -> Path:
    path = site.home / name
    path.write_text(content)
    return path


def test_submit_wait_prints_the_score(site):
    path = write(site, "perfect.csv", factories.PERFECT_CSV)
    result = site.run("submit", site.target, str(path), "--note", "cli", "--wait")
    assert result.returncode == 0, result.stderr
    assert "Uploaded perfect.csv" in result.stdout
    assert ": scored" in result.stdout
    assert "public    pairwise_f1 1.0000" in result.stdout
    submission_id = result.stdout.split("submission ", 1)[1].split()[0]
    status = site.run("status", submission_id)
    assert status.returncode == 0 and "pairwise_f1 1.0000" in status.stdout
    listed = site.run("submissions", site.target)
    assert submission_id in listed.stdout and "1.0000" in listed.stdout
    marked = site.run("final", submission_id)
    assert marked.returncode == 0 and "is final" in marked.stdout
    unmarked = site.run("final", submission_id, "--unmark")
    assert "is not final" in unmarked.stdout


def test_an_invalid_file_gets_the_servers_message_and_uses_no_quota(site):
    path = write(site, "bad.csv", "hello,world\n1,2\n")
    result = site.run("submit", site.target, str(path), "--wait")
    assert result.returncode == errors.REFUSED
    assert result.stderr.strip() == (
        "datajam: error: Wrong header: expected header ad_id,cluster_id, got 'hello,world'. "
        "If this line is already data, add the header line above it."
    )
    quota = site.run("quota", site.target)
    assert "Left today: 3 of 3" in quota.stdout


def test_a_file_that_fails_scoring_exits_8(site):
    # The header is right, so the upload is taken; the worker finds the unknown id.
    path = write(site, "unknown.csv", factories.PERFECT_CSV + "zz9,x\n")
    result = site.run("submit", site.target, str(path), "--wait")
    assert result.returncode == errors.SCORING_FAILED, result.stderr
    assert "scoring failed:" in result.stderr and "zz9" in result.stderr


def test_over_quota_names_the_next_reset(site):
    site.phase.daily_limit = 1
    site.phase.save()
    path = write(site, "p.csv", factories.PERFECT_CSV)
    assert site.run("submit", site.target, str(path)).returncode == 0
    quota = site.run("quota", site.target)
    assert "Left today: 0 of 1" in quota.stdout and "Next reset: " in quota.stdout
    assert "00:00 UTC" in quota.stdout
    refused = site.run("submit", site.target, str(path))
    assert refused.returncode == errors.OVER_QUOTA
    assert "used its 1 submissions for today. The next reset is at" in refused.stderr


def test_wrong_token_and_no_server(site):
    path = write(site, "p.csv", factories.PERFECT_CSV)
    wrong = site.run("submit", site.target, str(path), env={"DATAJAM_TOKEN": "dj_revoked"})
    assert wrong.returncode == errors.BAD_TOKEN
    assert "This API token is not valid" in wrong.stderr
    down = site.run("events", env={"DATAJAM_URL": "http://127.0.0.1:9"})
    assert down.returncode == errors.NO_SERVER
    assert "cannot reach http://127.0.0.1:9" in down.stderr
    not_api = site.run("events", env={"DATAJAM_URL": site.url + "/nothing-here"})
    assert not_api.returncode == errors.NO_SERVER
    assert "did not answer as a DataJam API" in not_api.stderr
    usage = site.run("submit", "no-slash", str(path))
    assert usage.returncode == errors.USAGE


def test_leaderboard_as_a_table_and_csv_and_the_private_refusal(site):
    path = write(site, "p.csv", factories.PERFECT_CSV)
    assert site.run("submit", site.target, str(path), "--wait").returncode == 0
    shown = site.run("leaderboard", site.target)
    assert shown.returncode == 0, shown.stderr
    assert "public leaderboard" in shown.stdout and "Buyer Resist" in shown.stdout
    as_csv = site.run("leaderboard", site.target, "--csv")
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0][:4] == ["rank", "team", "baseline", "pairwise_f1"]
    assert rows[1][:2] == ["1", "Buyer Resist"]
    saved = site.run("leaderboard", site.target, "--csv", "-o", "board.csv")
    assert saved.returncode == 0 and (site.home / "board.csv").read_text() == as_csv.stdout
    private = site.run("leaderboard", site.target, "--private")
    assert private.returncode == errors.NOT_FOUND
    assert "private leaderboard until it is revealed" in private.stderr


def test_every_command_has_help_and_the_console_script_is_installed(site):
    commands = ["login", "events", "challenges", "download", "submit", "status",
                "submissions", "final", "leaderboard", "quota"]  # fmt: skip
    top = site.run("--help")
    assert "Exit codes:" in top.stdout
    for command in commands:
        assert command in top.stdout
        result = site.run(command, "--help")
        assert result.returncode == 0 and "Usage: " in result.stdout, command
    script = Path(sys.executable).parent / "datajam"
    if not script.exists():
        pytest.skip("the console script is installed by `pip install -e .` (make install)")
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "datajam, version" in version.stdout
