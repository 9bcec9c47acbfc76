"""Two-factor authentication (allauth.mfa) through the real pages, with real TOTP codes computed
from the secret the page shows, as an authenticator app would."""

import base64
import hashlib
import hmac
import html
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts import login_limits
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


def totp(secret: str, at: float | None = None, period: int = 30) -> str:
    """RFC 6238 with HMAC-SHA1 and six digits, what every authenticator app computes."""
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def log_in(client: Client, user, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def set_up_totp(client: Client, user) -> tuple[str, list[str]]:
    """From the profile page to an active authenticator; returns the secret and recovery codes."""
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Off." in profile
    setup_url = reverse("mfa_activate_totp")
    assert f'href="{setup_url}"' in profile

    # Changing how one logs in asks for the password again first.
    asked = client.get(setup_url)
    assert asked.status_code == 302 and asked["Location"].startswith(
        reverse("account_reauthenticate")
    )
    confirmed = client.post(asked["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302 and confirmed["Location"] == setup_url
    page = client.get(setup_url).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    secret = secret or re.search(r'value="([A-Z2-7]{32})"[^>]*id="authenticator_secret"', page)
    secret = secret.group(1)
    assert 'src="data:image/svg+xml' in page  # the QR code, from this site (CSP allows data:)

    wrong = client.post(setup_url, {"code": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    done = client.post(setup_url, {"code": totp(secret)}, follow=True)
    assert done.status_code == 200
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}

    codes_page = html.unescape(client.get(reverse("mfa_view_recovery_codes")).content.decode())
    codes = re.findall(r"\b[0-9a-z]{8}\b", codes_page.split("<main", 1)[1])
    codes = [code for code in codes if any(ch.isdigit() for ch in code)]
    assert len(codes) >= 10, codes_page
    assert "On." in client.get(reverse("accounts:profile")).content.decode()
    return secret, codes


def test_totp_set_up_from_the_profile_then_asked_at_login():
    user = factories.UserFactory()
    client = Client()
    log_in(client, user)
    secret, _codes = set_up_totp(client, user)
    client.post(reverse("account_logout"))

    browser = Client()
    step = log_in(browser, user)
    # The right password alone is not enough: the next page asks for the code.
    assert step.status_code == 302
    assert step["Location"] == reverse("mfa_authenticate")
    assert not logged_in(browser)
    assert login_limits.DEVICE_COOKIE not in step.cookies  # not a known device yet

    wrong = browser.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert wrong.status_code == 200 and not logged_in(browser)
    # The next period's code: valid now (one period of drift is allowed) and never used before.
    code = totp(secret, at=time.time() + 30)
    done = browser.post(reverse("mfa_authenticate"), {"code": code})
    assert done.status_code == 302 and logged_in(browser)
    assert login_limits.DEVICE_COOKIE in done.cookies  # a known device from now on

    # The same code cannot be used twice (the shared cache remembers it).
    browser.post(reverse("account_logout"))
    log_in(browser, user)
    again = browser.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200 and not logged_in(browser)


def test_a_recovery_code_logs_in_once():
    user = factories.UserFactory()
    client = Client()
    log_in(client, user)
    _secret, codes = set_up_totp(client, user)
    client.post(reverse("account_logout"))

    log_in(client, user)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert logged_in(client)
    client.post(reverse("account_logout"))

    log_in(client, user)
    refused = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert refused.status_code == 200 and not logged_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302
    assert logged_in(client)


def test_without_mfa_the_password_is_enough_and_the_profile_offers_it():
    user = factories.UserFactory()
    client = Client()
    response = log_in(client, user)
    assert response.status_code == 302 and logged_in(client)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Two-factor authentication" in profile
    assert reverse("mfa_activate_totp") in profile
