"""The API over HTTP (requests): every failure becomes a ``CliError`` with one clear line and
its exit code; the server's own message is passed on as it is."""

from collections.abc import Callable
from pathlib import Path

import requests
from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor

from . import __version__
from .errors import (
    BAD_TOKEN,
    NO_SERVER,
    NOT_FOUND,
    OVER_QUOTA,
    REFUSED,
    THROTTLED,
    UNEXPECTED,
    CliError,
)

TIMEOUT = (10, 120)  # connect, read (seconds)


def split_target(target: str) -> tuple[str, str]:
    """``EVENT/CHALLENGE`` → (event, challenge)."""
    event, _slash, challenge = target.strip("/").partition("/")
    if not event or not challenge or "/" in challenge:
        raise CliError(
            f"expected EVENT/CHALLENGE (e.g. datajam-2026/ad-linkage), got {target!r}", 2
        )
    return event, challenge


class Api:
    def __init__(self, url: str, token: str):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["User-Agent"] = f"datajam-cli/{__version__}"

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else f"{self.url}/api/v1/{path.lstrip('/')}"
        kwargs.setdefault("timeout", TIMEOUT)
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.exceptions.Timeout:
            raise CliError(f"{self.url} did not answer in time; try again", NO_SERVER) from None
        except requests.exceptions.RequestException:
            raise CliError(
                f"cannot reach {self.url}: is the address right and the server up?", NO_SERVER
            ) from None
        if response.status_code >= 400:
            raise self._error(response)
        return response

    def _error(self, response: requests.Response) -> CliError:
        try:
            body = response.json()["error"]
            code, message = body.get("code", ""), body["message"]
        except (ValueError, KeyError, TypeError):
            return CliError(
                f"{self.url} did not answer as a DataJam API (HTTP {response.status_code}): "
                "check the address",
                NO_SERVER,
            )
        status = response.status_code
        if status == 401:
            return CliError(f"{message} (`datajam login` to use another token)", BAD_TOKEN)
        if status == 429:
            return CliError(message, THROTTLED)
        if status in (403, 404):
            return CliError(message, NOT_FOUND)
        if code == "quota_exhausted":
            return CliError(message, OVER_QUOTA)
        if status == 400:
            return CliError(message, REFUSED)
        return CliError(f"the server failed (HTTP {status}): {message}", UNEXPECTED)

    def get(self, path: str, **params):
        return self._send("GET", path, params=params or None).json()

    def post(self, path: str, data: dict | None = None):
        return self._send("POST", path, json=data or {}).json()

    def get_all(self, path: str, **params) -> list:
        """Every page of a paginated list."""
        body = self.get(path, **params)
        results = list(body["results"])
        while body.get("next"):
            body = self._send("GET", body["next"]).json()
            results += body["results"]
        return results

    def stream(self, path: str, headers: dict | None = None) -> requests.Response:
        return self._send("GET", path, headers=headers, stream=True)

    def text(self, path: str, **params) -> str:
        response = self._send("GET", path, params=params or None)
        response.encoding = "utf-8"
        return response.text

    def upload(
        self, path: str, file: Path, note: str, progress: Callable[[int], None] | None = None
    ) -> dict:
        """Multipart upload streamed from disk, reporting bytes sent."""
        with open(file, "rb") as handle:
            encoder = MultipartEncoder(
                {"file": (file.name, handle, "application/octet-stream"), "note": note}
            )
            seen = {"sent": 0}

            def report(monitor):
                if progress is not None:
                    progress(monitor.bytes_read - seen["sent"])
                seen["sent"] = monitor.bytes_read

            monitor = MultipartEncoderMonitor(encoder, report)
            response = self._send(
                "POST", path, data=monitor, headers={"Content-Type": monitor.content_type}
            )
        return response.json()
