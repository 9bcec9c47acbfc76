"""The interface in French and Spanish: our own strings come from locale/<lang>, and each
catalogue is complete."""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from competitions.models import EventRole
from tests import factories

LOCALE = Path(settings.BASE_DIR) / "locale"
# Each catalogue and its gettext plural rule.
CATALOGUES = {
    "fr": "Plural-Forms: nplurals=2; plural=(n > 1);",
    "es": "Plural-Forms: nplurals=2; plural=(n != 1);",
}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture(autouse=True)
def restore_language():
    """A request in French leaves French active in this thread (LocaleMiddleware does not
    deactivate it); later tests match English messages, so put the language back."""
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


def parse_po(path):
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr (a list), flags, obsolete."""
    entries, entry, field = [], None, None

    def flush():
        if entry is not None and (entry["msgid"] is not None or entry["obsolete"]):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
            entry["obsolete"] = False
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
        else:
            keyword, _, value = line.partition(" ")
            value = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                field = ("msgstr", index)
                entry["msgstr"][index] = value
            else:
                field = (keyword, None)
                entry[keyword] = value
    return entries


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_catalogue_is_complete_and_compiled(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    entries = parse_po(po)
    header = next(e for e in entries if e["msgid"] == "")
    assert CATALOGUES[lang] in header["msgstr"][0]
    assert f"Language: {lang}" in header["msgstr"][0]
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 400
    assert not [e["msgid"] for e in entries if e["obsolete"]]
    assert not [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [
        e["msgid"]
        for e in messages
        if not e["msgstr"] or not all(e["msgstr"].values())
        or (e["msgid_plural"] is not None and sorted(e["msgstr"]) != [0, 1])
    ]  # fmt: skip
    assert not untranslated
    # The compiled catalogue is committed (CI machines may lack gettext) and matches the source.
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        e["msgid"]
        for e in messages
        if e["msgid_plural"] is None and compiled.gettext(e["msgid"]) != e["msgstr"][0]
    ]
    assert not stale, "run manage.py compilemessages"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext (Debian's gettext)")
@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_catalogue_holds_every_string_of_the_code(lang, tmp_path):
    """makemessages over a copy of the sources adds no message and drops none: every string in
    the code and templates is in the catalogue, and the catalogue carries no leftovers."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "*.mo")
    shutil.copytree(root, copy, ignore=skip)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", lang, "--no-obsolete", "-v", "0",
         "--ignore=.venv", "--ignore=var"],
        cwd=copy, env=env, check=True, capture_output=True,
    )  # fmt: skip

    def msgids(path):
        return {(e["msgid"], e["msgid_plural"]) for e in parse_po(path) if e["msgid"]}

    ours = msgids(LOCALE / lang / "LC_MESSAGES" / "django.po")
    fresh = msgids(copy / "locale" / lang / "LC_MESSAGES" / "django.po")
    assert not sorted(fresh - ours), f"strings missing from locale/{lang}: run makemessages"
    assert not sorted(ours - fresh), f"strings no longer in the code, in locale/{lang}"


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_placeholders_are_kept(lang):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}|<[^>]+>")
    for e in parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po"):
        if not e["msgid"]:
            continue
        for index, text in e["msgstr"].items():
            source = e["msgid_plural"] if index and e["msgid_plural"] else e["msgid"]
            assert set(placeholder.findall(text)) == set(placeholder.findall(source)), e["msgid"]


@pytest.mark.django_db
def test_home_page_in_french(client):
    factories.ChallengeFactory()
    page = client.get(reverse("competitions:home"), **FR).content.decode()
    assert '<html lang="fr"' in page
    assert "Événements DataJam" in page
    assert "Se connecter" in page


@pytest.mark.django_db
def test_challenge_and_leaderboard_in_french(client):
    phase = factories.PhaseFactory()
    challenge = phase.challenge
    args = [challenge.event.slug, challenge.slug]

    page = client.get(reverse("competitions:challenge", args=args), **FR).content.decode()
    assert "Classement" in page
    assert "Participer" in page
    assert "Take part" not in page

    user = factories.UserFactory()
    factories.add_member(factories.TeamFactory(challenge=challenge), user, role="leader")
    client.force_login(user)
    page = client.get(reverse("competitions:challenge", args=args), **FR).content.decode()
    assert "Soumettre" in page
    assert "Téléverser et noter" in page
    assert "Upload and score" not in page

    board = client.get(reverse("competitions:leaderboard", args=args), **FR).content.decode()
    assert "<h1>Classement</h1>" in board
    assert "Meilleur score le" in board
    assert "Aucune soumission notée pour l'instant." in board.replace("&#x27;", "'")


@pytest.mark.django_db
def test_language_cookie_and_english_default(client):
    phase = factories.PhaseFactory()
    url = reverse(
        "competitions:leaderboard", args=[phase.challenge.event.slug, phase.challenge.slug]
    )
    assert "No scored submissions yet." in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": url})
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert "Aucune soumission notée pour l'instant." in page


@pytest.mark.django_db
def test_organiser_form_labels_in_french(client):
    phase = factories.PhaseFactory()
    user = factories.UserFactory()
    EventRole.objects.create(event=phase.challenge.event, user=user, role="organiser")
    client.force_login(user)
    url = reverse(
        "competitions:manage_phase_new", args=[phase.challenge.event.slug, phase.challenge.slug]
    )
    page = client.get(url, **FR).content.decode()
    assert "Limite quotidienne" in page
    assert "Daily limit" not in page


@pytest.mark.django_db
def test_challenge_pages_in_spanish(client):
    phase = factories.PhaseFactory()
    challenge = phase.challenge
    args = [challenge.event.slug, challenge.slug]
    ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
    page = client.get(reverse("competitions:home"), **ES).content.decode()
    assert '<html lang="es"' in page
    assert "Iniciar sesión" in page

    user = factories.UserFactory()
    factories.add_member(factories.TeamFactory(challenge=challenge), user, role="leader")
    client.force_login(user)
    page = client.get(reverse("competitions:challenge", args=args), **ES).content.decode()
    assert "Subir y puntuar" in page
    assert "Upload and score" not in page
    board = client.get(reverse("competitions:leaderboard", args=args), **ES).content.decode()
    assert "<h1>Clasificación</h1>" in board
    assert "Aún no hay envíos puntuados." in board
