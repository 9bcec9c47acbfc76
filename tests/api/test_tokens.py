"""Personal API tokens: made on the profile page or by the command, seen once, stored hashed,
listed and revoked; Bearer and session authentication (with CSRF); wrong tokens throttled."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from tests import factories

pytestmark = pytest.mark.django_db
EVENTS = "/api/v1/events/"


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_profile_creates_a_token_shown_once_and_stored_hashed(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:token_create"), {"name": "lab GPU box", "expires_in_days": "30"}
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:profile")).content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.name == "lab GPU box"
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)
    start = page.index('id="new-token-value"')
    raw = page[start:].split('value="', 1)[1].split('"', 1)[0]
    assert raw.startswith("dj_") and len(raw) > 40
    # Only a digest is stored: the token appears in no column.
    stored = ApiToken.objects.filter(user=user).values_list(
        "name", "prefix", "key_hash", flat=False
    )
    assert all(raw not in value for row in stored for value in row)
    assert token.prefix == raw[:8]
    assert "lab GPU box" in page and f"{raw[:8]}…" in page
    # Seen once: the next visit lists it without the token itself.
    again = client.get(reverse("accounts:profile")).content.decode()
    assert raw not in again and "lab GPU box" in again
    # And it works as a Bearer token.
    assert bearer(raw).get(EVENTS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_profile_refuses_a_token_without_a_name_and_keeps_the_page(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"), {"name": "  ", "expires_in_days": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_and_only_its_owner_can(client):
    owner, other = factories.UserFactory(), factories.UserFactory()
    token, raw = api_token_create(user=owner, name="ci")
    client.force_login(other)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert bearer(raw).get(EVENTS).status_code == 200
    client.force_login(owner)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "Token revoked" in response.content.decode()
    response = bearer(raw).get(EVENTS)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_and_an_inactive_account_are_refused():
    user = factories.UserFactory()
    token, raw = api_token_create(user=user, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert bearer(raw).get(EVENTS).status_code == 401
    _token, fresh = api_token_create(user=user, name="new")
    assert bearer(fresh).get(EVENTS).status_code == 200
    user.is_active = False
    user.save()
    assert bearer(fresh).get(EVENTS).status_code == 401


def test_the_command_prints_a_working_token():
    user = factories.UserFactory(email="Robot@Example.org")
    out = io.StringIO()
    call_command("create_api_token", "robot@example.org", "--name", "nightly", stdout=out)
    raw = out.getvalue().strip()
    assert ApiToken.objects.get(user=user).name == "nightly"
    assert bearer(raw).get(EVENTS).status_code == 200
    with pytest.raises(CommandError, match="No single account"):
        call_command("create_api_token", "nobody@example.org")


def test_wrong_tokens_are_throttled_by_address(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token_failures": "3/hour"}
    _token, raw = api_token_create(user=factories.UserFactory(), name="ok")
    for _ in range(3):
        assert bearer("dj_wrong").get(EVENTS).status_code == 401
    # Even the right token waits now: guessing from this address is refused for a while.
    response = bearer(raw).get(EVENTS)
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled" and error["retry_after_seconds"] > 0


def test_session_authentication_needs_csrf_for_writes(phase):
    user = factories.UserFactory()
    challenge = phase.challenge
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(EVENTS).status_code == 200
    url = f"/api/v1/events/{challenge.event.slug}/challenges/{challenge.slug}/rules/accept/"
    response = client.post(url)
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    client.get(reverse("accounts:profile"))  # sets the CSRF cookie
    response = client.post(url, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 200, response.content


def test_no_credentials_on_a_write_is_401_with_a_json_error(phase):
    challenge = phase.challenge
    url = f"/api/v1/events/{challenge.event.slug}/challenges/{challenge.slug}/rules/accept/"
    response = APIClient().post(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
