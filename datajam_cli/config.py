"""Where the site's URL and the token are kept: ``DATAJAM_URL`` / ``DATAJAM_TOKEN`` win, else
the file ``datajam login`` wrote in the user's config directory (readable by them only)."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .errors import BAD_TOKEN, CliError


def config_path() -> Path:
    return Path(platformdirs.user_config_dir("datajam")) / "config.json"


@dataclass
class Settings:
    url: str
    token: str


def load() -> Settings:
    stored = {}
    path = config_path()
    if path.exists():
        try:
            stored = json.loads(path.read_text())
        except (OSError, ValueError):
            stored = {}
    url = os.environ.get("DATAJAM_URL") or stored.get("url", "")
    token = os.environ.get("DATAJAM_TOKEN") or stored.get("token", "")
    if not url or not token:
        raise CliError(
            "not logged in: run `datajam login` (or set DATAJAM_URL and DATAJAM_TOKEN)",
            BAD_TOKEN,
        )
    return Settings(url=url.rstrip("/"), token=token)


def save(url: str, token: str) -> Path:
    """Write the file with mode 0600 (its directory 0700) from the start: never readable by
    others, not even for a moment."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"url": url.rstrip("/"), "token": token}, out)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path
