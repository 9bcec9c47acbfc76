"""The ``datajam`` commands. Output is for people (tables, one line per error on stderr);
``--csv`` and exit codes are for scripts."""

import datetime as dt
import functools
import os
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from . import __version__, config
from .client import Api, split_target
from .errors import (
    EXIT_CODES_HELP,
    NO_SERVER,
    NOT_FOUND,
    SCORING_FAILED,
    WAIT_TIMEOUT,
    CliError,
)

FINAL_STATES = {"scored", "failed"}


def fail_cleanly(command):
    """Every ``CliError`` is one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CliError as error:
            click.echo(f"datajam: error: {error}", err=True)
            sys.exit(error.code)

    return wrapper


def api() -> Api:
    settings = config.load()
    return Api(settings.url, settings.token)


def challenge_path(target: str) -> str:
    event, challenge = split_target(target)
    return f"events/{event}/challenges/{challenge}/"


def when(value: str | None) -> str:
    """An API time (UTC) as UTC and the local time of this machine."""
    if not value:
        return "—"
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    utc = moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    local = moment.astimezone()
    if local.utcoffset() == dt.timedelta(0):
        return utc
    return f"{utc} ({local.strftime('%Y-%m-%d %H:%M %Z')} here)"


def table(headers: list[str], rows: list[list]) -> None:
    cells = [[("—" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def score(value) -> str:
    return "—" if value is None else f"{value:.4f}"


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="datajam")
def cli():
    """Take part in DataJam competitions from the command line: download data, submit and wait
    for the score, read leaderboards and your quota.

    Log in once with `datajam login` (a token from your profile page), or set DATAJAM_URL and
    DATAJAM_TOKEN.
    """


@cli.command()
@click.option("--url", help="The site, e.g. https://datajam.example.org (or DATAJAM_URL).")
@click.option("--token", help="A personal API token from your profile page (or DATAJAM_TOKEN).")
@fail_cleanly
def login(url, token):
    """Check a site URL and token and save them (readable by you only)."""
    url = url or os.environ.get("DATAJAM_URL") or click.prompt("Site URL")
    token = token or os.environ.get("DATAJAM_TOKEN") or click.prompt("API token", hide_input=True)
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise CliError(f"the URL must start with http:// or https://, got {url!r}", 2)
    Api(url, token.strip()).get("events/", page_size=1)  # a wrong token is a 401 here
    path = config.save(url, token.strip())
    click.echo(f"Logged in to {url}; saved in {path}")


@cli.command()
@fail_cleanly
def events():
    """The events you may see."""
    rows = api().get_all("events/")
    table(
        ["EVENT", "NAME", "STARTS", "ENDS"],
        [[e["slug"], e["name"], when(e["starts_at"]), when(e["ends_at"])] for e in rows],
    )


@cli.command()
@click.argument("event")
@fail_cleanly
def challenges(event):
    """The challenges of EVENT (use them as EVENT/CHALLENGE)."""
    rows = api().get_all(f"events/{event}/challenges/")
    table(
        ["CHALLENGE", "TITLE", "TASK", "METRIC"],
        [[f"{event}/{c['slug']}", c["title"], c["task"], c["primary_metric"]] for c in rows],
    )


@cli.command()
@click.argument("target", metavar="EVENT/CHALLENGE")
@click.option(
    "-o", "--output", "directory", type=click.Path(file_okay=False, path_type=Path),
    default=Path("."), show_default=True, help="Directory to write the files in.",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Download again files already there.")
@fail_cleanly
def download(target, directory, force):
    """Download the challenge's public data files (accept its rules on the site first).

    Each file is written to a .part file and renamed when complete, so an interrupted download
    never leaves a truncated file, and running the command again resumes it from where it
    stopped; a file already there with the right size is skipped."""
    client = api()
    files = client.get_all(challenge_path(target) + "files/")
    if not files:
        raise CliError(f"{target} has no data files", NOT_FOUND)
    directory.mkdir(parents=True, exist_ok=True)
    for item in files:
        name = Path(item["name"]).name  # never outside the directory
        target_path = directory / name
        if not force and target_path.exists() and target_path.stat().st_size == item["size"]:
            click.echo(f"{target_path} is already there ({item['size']:,} bytes)")
            continue
        part = target_path.with_name(target_path.name + ".part")
        done = part.stat().st_size if part.exists() and not force else 0
        if done > item["size"]:
            part.unlink()
            done = 0
        if done < item["size"]:
            headers = {"Range": f"bytes={done}-"} if done else None
            response = client.stream(item["download_url"], headers=headers)
            if done and response.status_code == 206:
                click.echo(f"{name}: resuming after {done:,} bytes", err=True)
            else:
                done = 0  # the server sent the whole file
            with (
                open(part, "ab" if done else "wb") as out,
                tqdm(
                    total=item["size"], initial=done, unit="B", unit_scale=True, desc=name,
                    file=sys.stderr, disable=None, leave=False,
                ) as bar,
            ):  # fmt: skip
                for chunk in response.iter_content(1 << 16):
                    out.write(chunk)
                    bar.update(len(chunk))
        if part.stat().st_size != item["size"]:
            raise CliError(
                f"{name}: got {part.stat().st_size:,} of {item['size']:,} bytes; run the same "
                "command again to resume",
                NO_SERVER,
            )
        os.replace(part, target_path)
        click.echo(f"{target_path} ({target_path.stat().st_size:,} bytes)")


def print_submission(submission: dict) -> None:
    click.echo(f"Submission {submission['id']}: {submission['state']}")
    click.echo(f"  file      {submission['original_name']} ({submission['size']:,} bytes)")
    click.echo(f"  team      {submission['team']}")
    click.echo(f"  submitted {when(submission['created_at'])}")
    click.echo(f"  attempts  {submission['attempts']}")
    if submission["note"]:
        click.echo(f"  note      {submission['note']}")
    for warning in submission["warnings"]:
        click.echo(f"  warning   {warning}")
    if submission["state"] == "failed":
        click.echo(f"  error     {submission['error_message']}")
    if submission["state"] == "scored":
        metric = submission["primary_metric"]
        click.echo(f"  public    {metric} {score(submission['public_score'])}")
        if submission.get("ladder"):
            moved = submission["ladder"]["moved"]
            click.echo(
                "  ladder    "
                + ("released a new public score" if moved else "no significant improvement")
            )
        for name, value in sorted(submission["public_scores"].items()):
            if name != metric:
                click.echo(f"            {name} {score(value)}")
        if submission["private_score"] is not None:
            click.echo(f"  private   {metric} {score(submission['private_score'])}")


def wait_for(client: Api, submission: dict, timeout: float) -> dict:
    """Follow the state until it is final: every second at first, then up to every 5 s."""
    deadline = time.monotonic() + timeout
    delay, last = 0.5, submission["state"]
    while submission["state"] not in FINAL_STATES:
        if time.monotonic() > deadline:
            raise CliError(
                f"still {submission['state']} after {timeout:.0f} s; "
                f"`datajam status {submission['id']}` shows it later",
                WAIT_TIMEOUT,
            )
        time.sleep(delay)
        delay = min(delay * 1.5, 5.0)
        submission = client.get(f"submissions/{submission['id']}/")
        if submission["state"] != last:
            click.echo(f"… {submission['state']}", err=True)
            last = submission["state"]
    return submission


def finished(submission: dict) -> None:
    print_submission(submission)
    if submission["state"] == "failed":
        raise CliError(f"scoring failed: {submission['error_message']}", SCORING_FAILED)


@cli.command()
@click.argument("target", metavar="EVENT/CHALLENGE")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default="", help="A note for your team (at most 300 characters).")
@click.option("--wait", is_flag=True, help="Follow the state and print the scores.")
@click.option(
    "--timeout", default=900.0, show_default=True, help="Seconds --wait waits for the score."
)
@fail_cleanly
def submit(target, file, note, wait, timeout):
    """Upload FILE (.csv or .csv.gz) to the challenge's current phase.

    The same checks and quota as the web: a file that fails validation never uses quota."""
    client = api()
    with tqdm(
        total=file.stat().st_size, unit="B", unit_scale=True, desc="upload", file=sys.stderr,
        disable=None, leave=False,
    ) as bar:  # fmt: skip
        submission = client.upload(challenge_path(target) + "submissions/", file, note, bar.update)
    click.echo(f"Uploaded {file.name}: submission {submission['id']} is {submission['state']}")
    if not wait:
        return
    finished(wait_for(client, submission, timeout))


@cli.command()
@click.argument("submission_id", metavar="ID")
@fail_cleanly
def status(submission_id):
    """A submission's state, attempts, warnings and the scores you may see."""
    finished(api().get(f"submissions/{submission_id}/"))


@cli.command()
@click.argument("target", metavar="EVENT/CHALLENGE")
@fail_cleanly
def submissions(target):
    """Your team's submissions, newest first."""
    rows = api().get_all(challenge_path(target) + "submissions/")
    table(
        ["ID", "SUBMITTED", "STATE", "PUBLIC", "PRIVATE", "FINAL", "FILE"],
        [
            [
                s["id"], when(s["created_at"]), s["state"], score(s["public_score"]),
                score(s["private_score"]), "yes" if s["is_final"] else "", s["original_name"],
            ]
            for s in rows
        ],
    )  # fmt: skip


@cli.command()
@click.argument("submission_id", metavar="ID")
@click.option("--unmark", is_flag=True, help="Take it back out of the final choices.")
@fail_cleanly
def final(submission_id, unmark):
    """Mark a scored submission as one of your team's final choices."""
    submission = api().post(f"submissions/{submission_id}/final/", {"final": not unmark})
    state = "final" if submission["is_final"] else "not final"
    click.echo(f"Submission {submission['id']} is {state}")


@cli.command()
@click.argument("target", metavar="EVENT/CHALLENGE")
@click.option("--private", is_flag=True, help="The private board (when you may see it).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV, as the site's export.")
@click.option("--phase", type=int, help="A phase id (the current phase by default).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of the screen.",
)  # fmt: skip
@fail_cleanly
def leaderboard(target, private, as_csv, phase, output):
    """The challenge's leaderboard, whole."""
    client = api()
    params = {"board": "private" if private else "public"}
    if phase:
        params["phase"] = phase
    path = challenge_path(target) + "leaderboard/"
    if as_csv:
        text = client.text(path, format="csv", **params)
        if output:
            output.write_text(text, encoding="utf-8")
            click.echo(f"{output} ({len(text.splitlines()) - 1} rows)")
        else:
            click.echo(text, nl=False)
        return
    board = client.get(path, **params)
    lines = [
        [
            "base" if r["baseline"] else (r["rank"] or "—"), r["team"], score(r["score"]),
            r["entries"], when(r["last_submission_at"]),
        ]
        for r in board["rows"]
    ]  # fmt: skip
    title = f"{board['board']} leaderboard, {board['phase_name']} ({board['metric']})"
    if output:
        with open(output, "w", encoding="utf-8") as out:
            out.write(title + "\n")
            for line in lines:
                out.write("\t".join(str(v) for v in line) + "\n")
        click.echo(f"{output} ({len(lines)} rows)")
        return
    click.echo(title)
    table(["RANK", "TEAM", board["metric"].upper(), "ENTRIES", "LAST SUBMISSION"], lines)


@cli.command()
@click.argument("target", metavar="EVENT/CHALLENGE")
@fail_cleanly
def quota(target):
    """Your team's submissions left today and in total, and the next reset."""
    phase = api().get(challenge_path(target) + "quota/")
    click.echo(f"Phase {phase['name']}: {when(phase['starts_at'])} – {when(phase['ends_at'])}")
    left = phase["quota"]
    if left is None:
        click.echo("You are not in a team in this challenge (join or create one on the site).")
        return
    total = "no total limit" if left["total_left"] is None else f"{left['total_left']} in total"
    click.echo(f"Left today: {left['left_today']} of {left['daily_limit']} ({total})")
    click.echo(
        f"Files that failed validation today: {left['failed_today']} of {left['failed_limit']}"
    )
    click.echo(f"Next reset: {when(left['next_reset'])}")
