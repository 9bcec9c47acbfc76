"""Sign up by e-mail, verify, log in, reset the password: django-allauth as configured here."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_verify_and_log_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "nadia@example.org", "username": "nadia", "password1": "a long passphrase 42",
         "password2": "a long passphrase 42"},
    )  # fmt: skip
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "nadia@example.org" in mail.outbox[0].to
    # Unverified: logging in is refused until the e-mail link is followed.
    client.logout()
    login = client.post(
        reverse("account_login"), {"login": "nadia@example.org", "password": "a long passphrase 42"}
    )
    assert "_auth_user_id" not in client.session
    assert login.status_code in (200, 302)

    confirm_path = link_in(mail.outbox[-1])
    client.post(confirm_path)
    assert User.objects.get(email="nadia@example.org").emailaddress_set.get().verified

    client.post(
        reverse("account_login"), {"login": "nadia@example.org", "password": "a long passphrase 42"}
    )
    assert client.session["_auth_user_id"] == str(User.objects.get(username="nadia").pk)


def test_weak_password_is_refused_with_a_reason(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "username": "other", "password1": "123",
         "password2": "123"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="other").exists()


def test_taken_email_creates_no_account_and_reveals_nothing(client):
    User.objects.create_user("taken", "taken@example.org", "x" * 20)
    client.post(
        reverse("account_signup"),
        {"email": "taken@example.org", "username": "other", "password1": "a long passphrase 42",
         "password2": "a long passphrase 42"},
    )  # fmt: skip
    # The page does not say the address is taken (no account enumeration); its owner is told.
    assert not User.objects.filter(username="other").exists()
    assert mail.outbox and mail.outbox[-1].to == ["taken@example.org"]


def test_password_reset_sends_a_working_link(client):
    user = User.objects.create_user("reset", "reset@example.org", "old password 123")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    assert len(mail.outbox) == 1
    page = client.get(link_in(mail.outbox[0]), follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link_in(mail.outbox[0])
    client.post(form_url, {"password1": "new passphrase 456", "password2": "new passphrase 456"})
    user.refresh_from_db()
    assert user.check_password("new passphrase 456")


def test_production_refuses_the_default_secret_key():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import datajam.settings"],
        env={"DATAJAM_ENV": "production", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
