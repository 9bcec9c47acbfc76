"""Failed-login limits that slow attackers, not owners.

Every wrong password is counted twice in the shared cache: against the login (e-mail) typed and
against the network address it came from. Past a number of free failures each further one makes
the next try wait, twice as long each time up to a ceiling, instead of locking anyone out.

A device that has logged in to an account before carries a signed cookie saying so; for that
account it skips both counts, so an attacker guessing an account's password (or a busy NAT at a
venue) never keeps its owner out. The cookie has its own small count of wrong passwords, past
which it is ignored, so a stolen cookie buys only a few guesses.

Tries are counted before the password is checked and handed back when it was right, so parallel
guesses cannot slip through between the check and the count.
"""

import dataclasses
import ipaddress
import secrets
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "datajam_device"
DEVICE_SALT = "datajam.accounts.known-device"
DEVICE_MAX_LOGINS = 30
LOCK_TIMEOUT = 5
LOCK_WAIT = 1.0


def clock() -> float:
    """Now, in seconds; the tests replace it to move time on."""
    return time.time()


class TooManyFailures(Exception):
    """The try is refused; ``wait`` seconds from now it would not be."""

    def __init__(self, scope: str, wait: float):
        super().__init__(scope, wait)
        self.scope = scope
        self.wait = wait


def login_key(login: str) -> str:
    """A keyed digest of a login: neither the cookie nor the cache holds anyone's address."""
    return salted_hmac(DEVICE_SALT, (login or "").strip().lower()).hexdigest()[:24]


def network_of(ip: str) -> str:
    """IPv6 clients usually hold a whole /64; count them as one address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    return str(address)


# Known devices ---------------------------------------------------------------------------


@dataclasses.dataclass
class Device:
    id: str
    logins: list[str]


def device_from(request) -> Device | None:
    """The known-device cookie the request carries, if it is ours and unaltered."""
    raw = request.get_signed_cookie(
        DEVICE_COOKIE,
        default=None,
        salt=DEVICE_SALT,
        max_age=settings.LOGIN_LIMITS["DEVICE_COOKIE_AGE"],
    )
    if not raw or "|" not in raw:
        return None
    device_id, _, logins = raw.partition("|")
    return Device(id=device_id, logins=[key for key in logins.split(".") if key])


def remember_device(request, response, logins: Iterable[str]) -> None:
    """Mark this browser as one these logins have logged in from (a successful login)."""
    device = device_from(request) or Device(id=secrets.token_urlsafe(12), logins=[])
    keys = [login_key(login) for login in logins if login]
    merged = [key for key in device.logins if key not in keys] + keys
    # Plain characters only ("id|key.key"): nothing a browser or proxy might quote or mangle.
    value = f"{device.id}|{'.'.join(merged[-DEVICE_MAX_LOGINS:])}"
    response.set_signed_cookie(
        DEVICE_COOKIE,
        value,
        salt=DEVICE_SALT,
        max_age=settings.LOGIN_LIMITS["DEVICE_COOKIE_AGE"],
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _device_key(device: Device, login: str) -> str:
    return f"login-limits:device:{device.id}:{login_key(login)}"


def is_known_device(request, login: str) -> bool:
    """The request comes from a device ``login`` logged in from, not yet spent by failures."""
    device = device_from(request)
    if device is None or login_key(login) not in device.logins:
        return False
    failures = _recent(cache.get(_device_key(device, login), []), _device_window(), clock())
    return len(failures) < settings.LOGIN_LIMITS["DEVICE_MAX_FAILURES"]


def _device_window() -> float:
    return settings.LOGIN_LIMITS["DEVICE_WINDOW"]


def device_failed(request, login: str) -> None:
    device = device_from(request)
    if device is None:
        return
    key = _device_key(device, login)
    with _locked(key):
        now = clock()
        failures = _recent(cache.get(key, []), _device_window(), now) + [now]
        cache.set(key, failures[-100:], int(_device_window()) + 1)


# Counting tries from unknown devices ----------------------------------------------------


def _recent(history: list[float], window: float, now: float) -> list[float]:
    return [stamp for stamp in history if stamp > now - window]


def delay_after(failures: int, limits: dict) -> float:
    """How long the next try waits after ``failures`` recent failures."""
    over = failures - limits["FREE"]
    if over <= 0:
        return 0.0
    return float(min(limits["FIRST_DELAY"] * 2 ** min(over - 1, 30), limits["MAX_DELAY"]))


class _locked:
    """A short lock in the shared cache, so two processes never count the same key at once."""

    def __init__(self, key: str):
        self.key = f"{key}:lock"

    def __enter__(self):
        deadline = time.monotonic() + LOCK_WAIT
        while not cache.add(self.key, 1, LOCK_TIMEOUT):
            if time.monotonic() > deadline:
                # Busy beyond reason: refuse this try rather than count it loosely.
                raise TooManyFailures("busy", 1)
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        cache.delete(self.key)
        return False


@dataclasses.dataclass
class Attempt:
    """Tries counted ahead of the password check; ``succeeded()`` hands them back."""

    stamps: dict[str, float]

    def succeeded(self) -> None:
        for key, stamp in self.stamps.items():
            with _locked(key):
                history = cache.get(key, [])
                if stamp in history:
                    history.remove(stamp)
                    cache.set(key, history, _timeout(key))


def _scopes(request, login: str) -> dict[str, dict]:
    from allauth.account.adapter import get_adapter

    limits = settings.LOGIN_LIMITS
    ip = network_of(get_adapter().get_client_ip(request))
    return {
        f"login-limits:account:{login_key(login)}": limits["ACCOUNT"],
        f"login-limits:ip:{ip}": limits["IP"],
    }


def _timeout(key: str) -> int:
    limits = settings.LOGIN_LIMITS
    scope = limits["ACCOUNT"] if ":account:" in key else limits["IP"]
    return int(scope["WINDOW"] + scope["MAX_DELAY"]) + 1


def attempt_start(request, login: str) -> Attempt:
    """Count a password try from an unknown device, or refuse it while it must wait.

    Raises ``TooManyFailures`` with the longest wait of the two counts.
    """
    scopes = _scopes(request, login)
    keys = sorted(scopes)  # one order everywhere: two tries never hold each other's lock
    with _locked(keys[0]), _locked(keys[1]):
        now = clock()
        histories = {}
        waits = []
        for key in keys:
            limits = scopes[key]
            history = sorted(_recent(cache.get(key, []), limits["WINDOW"], now))
            histories[key] = history
            if history:
                ready_at = history[-1] + delay_after(len(history), limits)
                if ready_at > now:
                    waits.append((ready_at - now, "account" if ":account:" in key else "ip"))
        if waits:
            wait, scope = max(waits)
            raise TooManyFailures(scope, wait)
        stamps = {}
        for key in keys:
            limits = scopes[key]
            kept = limits["FREE"] + 40  # enough to reach the longest wait
            history = (histories[key] + [now])[-kept:]
            cache.set(key, history, _timeout(key))
            stamps[key] = now
        return Attempt(stamps=stamps)


def forget_account_failures(request, login: str) -> None:
    """After a password reset the account's count starts again (the network's does not)."""
    key = f"login-limits:account:{login_key(login)}"
    with _locked(key):
        cache.delete(key)
