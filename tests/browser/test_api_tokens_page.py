"""The profile page's API tokens through the axe-core harness: the list, a new token shown
once, and the form's error."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from tests import factories
from tests.browser.a11y import check_page
from tests.browser.conftest import screenshot
from tests.browser.test_a11y_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_profile_token_section(live_server, page):
    user = factories.UserFactory()
    api_token_create(user=user, name="lab GPU box")
    old, _raw = api_token_create(user=user, name="old laptop")
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    log_in(page, live_server, user)
    url = f"{live_server.url}/me/"
    check_page(page, url)

    def create(p):
        p.fill("#id_name", "CI runner")
        p.click("#create-token")
        p.wait_for_selector("#new-token-value")

    check_page(page, url, prepare=create)
    screenshot(page, "a11y-profile-new-token")
    value = page.input_value("#new-token-value")
    assert value.startswith("dj_")
    page.reload()
    assert page.locator("#new-token-value").count() == 0  # shown once

    def nameless(p):
        p.locator("#new-token-form").evaluate("f => f.noValidate = true")
        p.click("#create-token")
        p.wait_for_selector("#id_name[aria-invalid=true]")

    check_page(page, url, prepare=nameless)
