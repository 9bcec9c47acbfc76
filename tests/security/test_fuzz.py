"""Hostile input to every route of the URLconf answers anything but a server error.

For each route, as the roles the URL matrix lets in: every query parameter the views read,
set to a NUL byte, 10⁵ characters and odd Unicode; each URL parameter replaced by them; and
every form the page shows (its fields read from the HTML) posted with them in every field. The
answers must all be below 500; the pages that take text refuse it with a message
(``tests/security/test_inputs.py`` checks those messages and that nothing is stored).
"""

import re
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from tests.security.test_url_matrix import EXPECTED
from tests.security.world import PER_ROUTE, ROLES, build_world, our_routes, url_for, url_values

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "\x00",
    "x\x00y",
    "a" * 100_000,
    # superscript two (isdigit, but int() refuses it), right-to-left override, zero-width
    # joiner, byte-order mark, a combining accent alone, line separator, an emoji, a
    # mathematical digit, a non-character, and a Windows path.
    "²\u202e\u200d\ufeff\u0301\u2028😀𝟙\uffff..\\..\\x",
]
# Every query parameter a view reads (grep request.GET), and a few a crawler would try.
QUERY_PARAMS = ["page", "phase", "board", "sort", "since", "format", "state", "order",
                "download", "next", "q", "o", "p"]  # fmt: skip
# Fields the API's endpoints and the views read from a POST body.
BODY_FIELDS = ["note", "reason", "name", "email", "title", "comment", "feedback", "final",
               "accept", "to_team", "action", "decision", "board", "format"]  # fmt: skip
LOGOUT = "/accounts/logout/"
FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.I | re.S)


def allowed_roles(name: str) -> list[str]:
    """Up to four roles the matrix lets reach the route, each meeting different forms (the
    organiser's, a team's, a judge's, a participant's without a team, a fresh sign-up's)."""
    codes = dict(zip(ROLES, EXPECTED[name].split(), strict=True))
    inside = [role for role in ROLES if codes[role] in {"200", "302"}]
    preferred = ("organiser", "leader", "participant", "judge", "fresh", "other_team")
    return [role for role in preferred if role in inside][:4] or ["visitor"]


def forms_of(html: str) -> list[tuple[str, str, dict[str, str]]]:
    """(method, action, {field name: input type}) of each form in the page."""
    found = []
    for attributes, inner in FORM.findall(html):
        attrs = dict(ATTR.findall(attributes))
        fields = {}
        for tag, field_attrs in FIELD.findall(inner):
            field = dict(ATTR.findall(field_attrs))
            name = field.get("name")
            if name and name != "csrfmiddlewaretoken":
                fields[name] = field.get("type", tag.lower())
        found.append((attrs.get("method", "get").lower(), attrs.get("action", ""), fields))
    return found


def hostile_post(fields: dict[str, str], payload: str) -> dict:
    data = {}
    for name, kind in fields.items():
        if kind == "file":
            data[name] = SimpleUploadedFile(f"{payload[:40]}.csv", b"ad_id,cluster_id\na1,x\n")
        else:
            data[name] = payload
    return data


def rolled_back(call, *args):
    with transaction.atomic():
        response = call(*args)
        transaction.set_rollback(True)
    return response


def no_server_error(response, what):
    # /healthz answers 503 by design when the worker or the broker is down.
    assert response.status_code < 500 or response.wsgi_request.path == "/healthz", what


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input_never_makes_a_server_error(name):
    world = build_world()
    params = our_routes()[name]
    url = url_for(world, name, params)
    values = {**url_values(world), **PER_ROUTE.get(name, lambda w: {})(world)}
    for role in allowed_roles(name):
        client = world.client(role)
        page = rolled_back(client.get, url)
        no_server_error(page, (role, url))
        for payload in PAYLOADS:
            query = urlencode({key: payload for key in QUERY_PARAMS})
            no_server_error(rolled_back(client.get, f"{url}?{query}"), (role, url))
            no_server_error(
                rolled_back(client.post, f"{url}?{query}", {"x": payload}),
                (role, url, "query"),
            )
            # The API's (and any view's) body fields by name, as a form and as JSON.
            body = {key: payload for key in BODY_FIELDS}
            no_server_error(rolled_back(client.post, url, body), (role, url, "body"))
            no_server_error(
                rolled_back(client.post, url, body, "application/json"), (role, url, "json")
            )
            # Each URL parameter in turn replaced by the payload (percent-encoded).
            for param in params:
                value = values.get(param) or ""
                if not value or value not in url:
                    continue
                hostile = url.replace(f"/{value}/", f"/{quote(payload, safe='')}/", 1)
                no_server_error(rolled_back(client.get, hostile), (role, hostile))
                no_server_error(rolled_back(client.post, hostile, {}), (role, hostile))
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            for method, action, fields in forms_of(page.content.decode()):
                if action == LOGOUT:
                    continue  # it would end the session the rest of the test needs
                target = action or url
                data = hostile_post(fields, payload)
                if method == "post":
                    response = rolled_back(client.post, target, data)
                else:
                    plain = {k: v for k, v in data.items() if isinstance(v, str)}
                    response = rolled_back(client.get, target, plain)
                no_server_error(response, (role, target, sorted(fields)))


def test_the_join_link_with_a_nul_byte_is_not_found(client, django_user_model):
    user = django_user_model.objects.create_user("u", "u@example.org", "pw-123456789")
    client.force_login(user)
    for path in ("/teams/join/%00/", "/teams/invites/%00/", "/teams/join/" + "a" * 5000 + "/"):
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404


def test_admin_search_and_filters_take_hostile_queries(admin_client):
    """The admin (read-only for our models, Django's own forms for accounts) as a superuser:
    every model's list, searched and filtered with the payloads."""
    from django.contrib import admin

    build_world()
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        for payload in PAYLOADS:
            response = admin_client.get(url, {"q": payload, "o": payload, "p": payload})
            assert response.status_code < 500, (url, payload[:10])
