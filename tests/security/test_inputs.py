"""Text is checked in the services, before the database: the pages, the API and the admin share
the check, and a refusal names the field and says why (``competitions/inputs.py``)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from competitions.inputs import TEXT_MAX_CHARS, InputRefused, check_text, is_token
from competitions.models import Event, Team
from competitions.services.events import event_create
from competitions.services.teams import team_create
from judging.services.projects import project_save
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    ["a\x00b", "\x07", "\x1b[31m", "\x85", "\ud800", "\uffff", "a" * 301, "two\nlines"],
)
def test_single_line_text_refuses(value):
    with pytest.raises(InputRefused) as refused:
        check_text(value, field="note", max_length=300, label="The note")
    assert refused.value.field == "note"
    assert str(refused.value).startswith("The note ")


@pytest.mark.parametrize("value", ["", "Équipe ②", "مرحبا", "a\u200db", "😀" * 300, "x" * 300])
def test_ordinary_and_unusual_text_passes(value):
    assert check_text(value, field="note", max_length=300) == value


def test_multiline_text_keeps_its_lines_and_tabs():
    text = "# Rules\r\n\n- one\tcolumn\n"
    assert check_text(text, field="rules", multiline=True) == text
    with pytest.raises(InputRefused, match="at most 50000"):
        check_text("x" * (TEXT_MAX_CHARS + 1), field="rules", multiline=True)


def test_tokens():
    assert is_token("AbC-_09" * 4)
    for bad in ["", "\x00", "a" * 65, "a/b", "a b", "é"]:
        assert not is_token(bad)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "name, says",
    [
        ("Red\x00Team", "contains a character that text cannot hold (U+0000"),
        ("R" * 5000, "too long: at most 100 characters (it has 5000)"),
    ],
)
def test_a_hostile_team_name_is_refused_with_a_message(name, says):
    world = build_world()
    client = world.client("participant")
    url = reverse("competitions:create_team", args=[world.event.slug, world.challenge.slug])
    response = client.post(url, {"name": name}, follow=True)
    assert response.status_code == 200
    assert any(says in message for message in _messages(response))
    assert not Team.objects.filter(memberships__user=world.people["participant"]).exists()


def test_a_submission_note_with_a_nul_byte_is_refused(tmp_path):
    world = build_world()
    from tests import factories

    url = reverse("competitions:submit", args=[world.event.slug, world.challenge.slug])
    before = world.team.submissions.count()
    response = world.client("leader").post(
        url, {"file": factories.upload(factories.PERFECT_CSV), "note": "v2\x00"}, follow=True
    )
    assert response.status_code == 200
    assert any("The note contains a character" in m for m in _messages(response))
    assert world.team.submissions.count() == before


def test_services_refuse_for_every_caller():
    """What the API and commands call: the same refusal, naming the form field."""
    world = build_world()
    with pytest.raises(InputRefused) as refused:
        event_create(
            actor=world.people["fresh"],
            data={"name": "Jam", "slug": "jam", "description": "# Hi\x00"},
        )
    assert refused.value.field == "description"
    assert not Event.objects.filter(slug="jam").exists()
    with pytest.raises(InputRefused) as refused:
        team_create(challenge=world.challenge, user=world.people["participant"], name="\x00")
    assert refused.value.field == "name"
    with pytest.raises(InputRefused) as refused:
        project_save(
            track=world.objects["track"],
            actor=world.people["leader"],
            data={"title": "App", "summary": "x" * (TEXT_MAX_CHARS + 1)},
        )
    assert refused.value.field == "summary"
