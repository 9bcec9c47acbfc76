"""The signed-in person's row comes from the shared cache (``accounts.backends``), and every
change to it shows on the next request."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import _key
from tests import factories

pytestmark = pytest.mark.django_db


def user_queries(client, url="/me/") -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    table = get_user_model()._meta.db_table
    reads = [q for q in queries if f'FROM "{table}"' in q["sql"] and q["sql"].startswith("SELECT")]
    return len(reads), response


def test_the_second_request_reads_no_user_row(client):
    user = factories.UserFactory(language="en")
    client.force_login(user)
    first, response = user_queries(client)
    assert response.status_code == 200 and first >= 1
    second, response = user_queries(client)
    assert response.status_code == 200
    assert second == 0
    assert cache.get(_key(user.pk)).pk == user.pk


def test_a_password_change_signs_other_sessions_out(client):
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get("/me/").status_code == 200  # cached now
    user.set_password("a new and long password")
    user.save()
    response = client.get("/me/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_deactivated_person_is_signed_out_at_once(client):
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/me/").status_code == 302


def test_the_language_switch_shows_on_the_next_page(client):
    user = factories.UserFactory(language="en")
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_without_the_cache_the_row_is_read_every_time(client, settings):
    settings.USER_CACHE_SECONDS = 0
    user = factories.UserFactory()
    client.force_login(user)
    client.get("/me/")
    again, response = user_queries(client)
    assert response.status_code == 200 and again >= 1
    assert cache.get(_key(user.pk)) is None
