"""No route redirects to another site, whatever ``next`` (or any parameter) says.

Every route of the URLconf, as the roles that reach it, by GET and POST with off-site targets in
``next`` (query and body): a redirect must stay on this site. allauth's login and the language
switch, which take ``next`` too, are checked by hand.
"""

from urllib.parse import urlparse

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security.test_fuzz import allowed_roles
from tests.security.test_url_matrix import EXPECTED
from tests.security.world import build_world, our_routes, url_for

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "http:evil.example",
    "/%2F%2Fevil.example/",
    "javascript:alert(1)",
    " //evil.example/",
]


def stays_here(response) -> bool:
    location = response.get("Location")
    if location is None:
        return True
    parsed = urlparse(location)
    return (
        parsed.scheme in {"", "http", "https"}
        and parsed.netloc in {"", "testserver"}
        and not location.lstrip().startswith(("//", "\\", "/\\"))
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_route_redirects_off_site(name):
    world = build_world()
    url = url_for(world, name, our_routes()[name])
    for role in allowed_roles(name)[:2]:
        client = world.client(role)
        for target in OFF_SITE:
            for method in (client.get, client.post):
                with transaction.atomic():
                    response = method(f"{url}?next={target}", {"next": target})
                    transaction.set_rollback(True)
                assert stays_here(response), (role, name, target, response.get("Location"))


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_and_the_language_switch_stay_on_the_site(client, target):
    from tests import factories

    user = factories.UserFactory()
    response = client.post(
        f"{reverse('account_login')}?next={target}",
        {"login": user.email, "password": "pass-word-123", "next": target},
    )
    assert response.status_code == 302 and stays_here(response), response.get("Location")
    response = client.post(reverse("set_language"), {"language": "fr", "next": target})
    assert stays_here(response), response.get("Location")
