"""Spanish is a language of the interface: chosen, saved on the account, and used for messages."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from competitions.selectors.notifications import as_reader, render_message
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


def test_spanish_is_offered_and_saved_on_the_account(client):
    assert ("es", "Español") in User._meta.get_field("language").choices
    user = factories.UserFactory()
    client.force_login(user)
    page = client.get(reverse("competitions:home")).content.decode()
    assert '<option value="es" lang="es"' in page
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    user.refresh_from_db()
    assert user.language == "es"
    page = client.get(reverse("competitions:home")).content.decode()
    assert '<html lang="es"' in page


def test_a_visitor_whose_browser_asks_for_spanish_reads_spanish(client):
    page = client.get(reverse("competitions:home"), HTTP_ACCEPT_LANGUAGE="es-CO,es;q=0.9")
    assert "Iniciar sesión" in page.content.decode()


def test_notifications_read_in_spanish_by_a_spanish_reader():
    reader = factories.UserFactory(language="es")
    with as_reader(reader):
        text = render_message("%(user)s joined your team %(team)s.", {"user": "ana", "team": "A"})
    assert text == "ana se unió a tu equipo A."
