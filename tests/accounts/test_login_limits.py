"""Failed-login limits, through real login requests: attackers wait, owners get in."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import login_limits
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pass-word-123"
WRONG = "not-the-password"
NOT_CORRECT = "you specified are not correct"
ACCOUNT_WAIT = "Too many wrong passwords for this account"
NETWORK_WAIT = "Too many wrong passwords from your network"


class Clock:
    def __init__(self, start: float = 1_900_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(login_limits, "clock", clock)
    return clock


def log_in(client: Client, email: str, password: str, ip: str = "198.51.100.1"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def known_device(user, ip: str = "198.51.100.1") -> Client:
    """A browser the owner has logged in from (and then logged out of)."""
    client = Client()
    response = log_in(client, user.email, PASSWORD, ip)
    assert response.status_code == 302 and logged_in(client)
    assert login_limits.DEVICE_COOKIE in response.cookies
    client.post(reverse("account_logout"))
    assert not logged_in(client)
    return client


def test_guessing_one_account_is_slowed_more_and_more(clock):
    owner = factories.UserFactory()
    attacker = Client()
    free = settings.LOGIN_LIMITS["ACCOUNT"]["FREE"]
    for _ in range(free):
        response = log_in(attacker, owner.email, WRONG)
        assert NOT_CORRECT in response.content.decode()
    # One more failure: from now on each further try has to wait, longer each time.
    assert NOT_CORRECT in log_in(attacker, owner.email, WRONG).content.decode()
    refused = log_in(attacker, owner.email, PASSWORD)
    assert ACCOUNT_WAIT in refused.content.decode()
    assert "Try again in 2 seconds" in refused.content.decode()
    assert not logged_in(attacker)  # the right password too, from a device never used before

    clock.advance(2.5)
    assert NOT_CORRECT in log_in(attacker, owner.email, WRONG).content.decode()
    assert "Try again in 4 seconds" in log_in(attacker, owner.email, WRONG).content.decode()
    for _ in range(12):
        clock.advance(settings.LOGIN_LIMITS["ACCOUNT"]["MAX_DELAY"])
        log_in(attacker, owner.email, WRONG)
    # The wait grows to its ceiling (15 minutes), and no further: a delay, never a lock.
    assert "Try again in 15 minutes" in log_in(attacker, owner.email, WRONG).content.decode()
    clock.advance(settings.LOGIN_LIMITS["ACCOUNT"]["MAX_DELAY"] + 1)
    assert log_in(attacker, owner.email, PASSWORD).status_code == 302
    assert logged_in(attacker)


def test_owner_on_a_known_device_logs_in_during_the_attack(clock):
    owner = factories.UserFactory()
    phone = known_device(owner)
    attacker = Client()
    for _ in range(30):
        log_in(attacker, owner.email, WRONG, ip="203.0.113.9")
    assert (
        ACCOUNT_WAIT in log_in(attacker, owner.email, PASSWORD, ip="203.0.113.9").content.decode()
    )

    # A typo on the owner's own phone is an ordinary error, not a wait ...
    assert NOT_CORRECT in log_in(phone, owner.email, WRONG).content.decode()
    # ... and the right password gets in at once.
    response = log_in(phone, owner.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(phone)


def test_a_busy_network_never_keeps_known_devices_out(clock):
    venue = "192.0.2.50"  # one NAT address for the whole venue
    regular = factories.UserFactory()
    laptop = known_device(regular, ip=venue)
    newcomer = factories.UserFactory()
    free = settings.LOGIN_LIMITS["IP"]["FREE"]
    for number in range(free + 8):  # typos and guesses for many accounts, all day long
        assert (
            NOT_CORRECT
            in log_in(Client(), f"someone{number}@example.org", WRONG, ip=venue).content.decode()
        )
        clock.advance(settings.LOGIN_LIMITS["IP"]["MAX_DELAY"] + 1)
    log_in(Client(), "someone@example.org", WRONG, ip=venue)

    response = log_in(laptop, regular.email, PASSWORD, ip=venue)
    assert response.status_code == 302 and logged_in(laptop)

    # Someone on a new device behind the same address waits a little, never more than a minute.
    browser = Client()
    refused = log_in(browser, newcomer.email, PASSWORD, ip=venue)
    assert NETWORK_WAIT in refused.content.decode()
    assert not logged_in(browser)
    assert "Try again in 60 seconds" in refused.content.decode()
    clock.advance(settings.LOGIN_LIMITS["IP"]["MAX_DELAY"])
    assert log_in(browser, newcomer.email, PASSWORD, ip=venue).status_code == 302
    # Another network was never affected.
    assert log_in(Client(), regular.email, PASSWORD, ip="198.51.100.77").status_code == 302


def test_a_right_password_is_not_counted_as_a_failure(clock):
    owner = factories.UserFactory()
    free = settings.LOGIN_LIMITS["ACCOUNT"]["FREE"]
    for _ in range(free * 3):
        client = Client()
        assert log_in(client, owner.email, PASSWORD).status_code == 302
    for _ in range(free):
        assert NOT_CORRECT in log_in(Client(), owner.email, WRONG).content.decode()
    assert log_in(Client(), owner.email, PASSWORD).status_code == 302


def test_a_known_device_that_keeps_guessing_loses_its_pass(clock):
    owner = factories.UserFactory()
    stolen = known_device(owner)
    for _ in range(settings.LOGIN_LIMITS["DEVICE_MAX_FAILURES"]):
        assert NOT_CORRECT in log_in(stolen, owner.email, WRONG).content.decode()
    # Now it counts as an unknown device: the account's count applies to it.
    for _ in range(settings.LOGIN_LIMITS["ACCOUNT"]["FREE"] + 1):
        log_in(stolen, owner.email, WRONG)
    assert ACCOUNT_WAIT in log_in(stolen, owner.email, PASSWORD).content.decode()
    # The owner's other, honest device is unaffected.
    assert log_in(known_device_cookie_of(owner), owner.email, PASSWORD).status_code == 302


def known_device_cookie_of(owner) -> Client:
    """A second device: its cookie is made the way a login makes it, with no request."""
    from django.http import HttpResponse

    response = HttpResponse()
    request = Client().get("/").wsgi_request
    login_limits.remember_device(request, response, [owner.email])
    client = Client()
    client.cookies[login_limits.DEVICE_COOKIE] = response.cookies[login_limits.DEVICE_COOKIE].value
    return client


def test_a_forged_device_cookie_is_ignored(clock):
    owner = factories.UserFactory()
    attacker = Client()
    for _ in range(settings.LOGIN_LIMITS["ACCOUNT"]["FREE"] + 1):
        log_in(attacker, owner.email, WRONG)
    genuine = known_device_cookie_of(owner).cookies[login_limits.DEVICE_COOKIE].value
    value, _, signature = genuine.rpartition(":")
    forged = "forged-" + value
    assert forged != value
    attacker.cookies[login_limits.DEVICE_COOKIE] = forged + ":" + signature
    assert ACCOUNT_WAIT in log_in(attacker, owner.email, PASSWORD).content.decode()


def test_a_password_reset_clears_the_accounts_count(clock, mailoutbox):
    owner = factories.UserFactory()
    for _ in range(settings.LOGIN_LIMITS["ACCOUNT"]["FREE"] + 1):
        log_in(Client(), owner.email, WRONG)
    assert ACCOUNT_WAIT in log_in(Client(), owner.email, PASSWORD).content.decode()

    client = Client()
    client.post(reverse("account_reset_password"), {"email": owner.email})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/password/reset/key/" in line)
    path = link[link.index("/accounts/") :].strip()
    form = client.get(path, follow=True)
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": "a brand new passphrase 7", "password2": "a brand new passphrase 7"},
    )
    assert log_in(Client(), owner.email, "a brand new passphrase 7").status_code == 302


def test_every_process_counts_the_same(isolated_cache):
    """Failures made by another process (another web server) count here: the cache is shared.

    (The other process need not see the account: failures count against the login typed.)"""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): the other process must see the test database")
    owner = factories.UserFactory()
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["CACHE_KEY_PREFIX"] = isolated_cache
    env["DJANGO_SETTINGS_MODULE"] = "datajam.settings"
    free = settings.LOGIN_LIMITS["ACCOUNT"]["FREE"]
    elsewhere = free // 2 + 1
    script = textwrap.dedent(
        f"""
        import django
        django.setup()
        from django.test import Client
        for _ in range({elsewhere}):
            page = Client().post("/accounts/login/", {{"login": "{owner.email}",
                                 "password": "{WRONG}"}}, REMOTE_ADDR="203.0.113.20")
            assert "not correct" in page.content.decode(), page.status_code
        """
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    # Here, on their own, these failures would all be free; with the other process's they are
    # not, so the next try has to wait.
    for _ in range(free + 1 - elsewhere):
        assert NOT_CORRECT in log_in(Client(), owner.email, WRONG).content.decode()
    browser = Client()
    refused = log_in(browser, owner.email, PASSWORD, ip="198.51.100.30")
    assert ACCOUNT_WAIT in refused.content.decode()
    assert not logged_in(browser)


def test_the_admin_logs_in_through_the_same_limited_login(clock):
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))
    # Django's own admin form, which has no limits and no second factor, takes no password.
    client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert not logged_in(client)
    for _ in range(settings.LOGIN_LIMITS["ACCOUNT"]["FREE"] + 1):
        log_in(client, staff.email, WRONG)
    assert ACCOUNT_WAIT in log_in(client, staff.email, PASSWORD).content.decode()
