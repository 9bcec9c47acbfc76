"""API tests run through the real URLconf with real tokens, for the roles of the permission
matrix (``tests/competitions/test_permissions.py``)."""

import pytest
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from tests.competitions.test_permissions import ROLES, world  # noqa: F401  (fixture)


@pytest.fixture
def as_role(world):  # noqa: F811
    """``as_role("leader")``: an API client sending that person's Bearer token (the visitor
    sends none)."""
    people, _objects = world
    clients = {}

    def client_for(role: str) -> APIClient:
        if role not in clients:
            client = APIClient()
            if role != "visitor":
                _token, raw = api_token_create(user=people[role], name="tests")
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            clients[role] = client
        return clients[role]

    return client_for


def statuses(as_role, method: str, url: str, data=None, **kwargs) -> dict[str, int]:
    """The status each role gets for one request."""
    return {role: getattr(as_role(role), method)(url, data, **kwargs).status_code for role in ROLES}


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"], body
    return body["error"]
