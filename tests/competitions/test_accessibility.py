"""What a screen reader and a keyboard need from the markup, checked on the server's HTML:
unique ids, every idref resolving, every control labelled, no empty heading, live regions,
content language, htmx only where a page polls. (The browser tests run
axe-core over the same pages: tests/browser/test_a11y_pages.py.)"""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import EventRole, Submission
from tests import factories

pytestmark = pytest.mark.django_db
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


class Markup(HTMLParser):
    """The parts of a page that accessibility depends on."""

    LABELLED = ("aria-label", "aria-labelledby", "id")

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.idrefs: list[tuple[str, str]] = []
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.headings: list[list] = []  # [tag, text]
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for name in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for ref in (attrs.get(name) or "").split():
                self.idrefs.append((name, ref))
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        hidden = attrs.get("type") in ("hidden", "submit", "button")
        if tag in ("input", "select", "textarea") and not hidden:
            self.controls.append({**attrs, "_tag": tag, "_wrapped": self.open_labels > 0})
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append([tag, ""])

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1

    def handle_data(self, data):
        if self.headings and not self.headings[-1][1].strip():
            self.headings[-1][1] += data

    def problems(self) -> list[str]:
        found = []
        duplicates = {i for i in self.ids if self.ids.count(i) > 1}
        found += [f"duplicate id {i!r}" for i in sorted(duplicates)]
        found += [f"{attr} points at missing id {ref!r}" for attr, ref in self.idrefs
                  if ref not in self.ids]  # fmt: skip
        for control in self.controls:
            named = control["_wrapped"] or control.get("id") in self.label_for
            named = named or control.get("aria-label") or control.get("aria-labelledby")
            if not named:
                found.append(f"unlabelled {control['_tag']} name={control.get('name')!r}")
        found += [f"empty <{tag}>" for tag, text in self.headings if not text.strip()]
        return found


def assert_accessible_markup(response) -> Markup:
    assert response.status_code == 200, response.status_code
    markup = Markup(response.content.decode())
    assert markup.problems() == []
    return markup


@pytest.fixture
def world(client):
    now = timezone.now()
    phase = factories.PhaseFactory(challenge__title="Link the ads")
    factories.PhaseFactory(challenge=phase.challenge, name="Final", order=1,
                           starts_at=now + dt.timedelta(days=11),
                           ends_at=now + dt.timedelta(days=12))  # fmt: skip
    challenge = phase.challenge
    alice, organiser = factories.UserFactory(), factories.UserFactory()
    EventRole.objects.create(event=challenge.event, user=organiser, role="organiser")
    mine = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    factories.add_member(mine, alice, role="leader")
    other = factories.TeamFactory(challenge=challenge, name="North Star")
    for team, score in [(mine, 0.8), (mine, 0.7), (other, 0.9)]:
        Submission.objects.create(
            phase=phase, team=team, submitted_by=alice, file="x.csv", original_name="p.csv",
            state="scored", public_score=score, private_score=score, finished_at=now,
        )  # fmt: skip
    return {"phase": phase, "challenge": challenge, "alice": alice, "organiser": organiser}


def pages(world):
    challenge = world["challenge"]
    event, phase = challenge.event.slug, world["phase"]
    public = [
        reverse("competitions:home"),
        reverse("competitions:event", args=[event]),
        reverse("competitions:challenge", args=[event, challenge.slug]),
        reverse("competitions:leaderboard", args=[event, challenge.slug]),
        reverse("account_login"),
        reverse("account_signup"),
    ]
    organiser = [
        reverse("competitions:manage_event", args=[event]),
        reverse("competitions:manage_event_edit", args=[event]),
        reverse("competitions:manage_challenge", args=[event, challenge.slug]),
        reverse("competitions:manage_challenge_edit", args=[event, challenge.slug]),
        reverse("competitions:manage_submissions", args=[event, challenge.slug]),
        reverse("competitions:manage_phase_truth", args=[phase.pk]),
        reverse("competitions:manage_queue", args=[event]),
        reverse("competitions:manage_audit", args=[event]),
    ]
    return public, organiser


def test_ids_idrefs_labels_and_headings_on_every_page(client, world):
    public, organiser = pages(world)
    for url in public:
        assert_accessible_markup(client.get(url))
    client.force_login(world["organiser"])
    for url in organiser + public[:4]:
        assert_accessible_markup(client.get(url))
    client.force_login(world["alice"])
    submission = Submission.objects.filter(team__name="Buyer Resist").first()
    for url in [public[2], public[3], reverse("competitions:submission", args=[submission.pk])]:
        assert_accessible_markup(client.get(url))


def test_moderation_controls_are_labelled_with_ids_of_their_own(client, world):
    client.force_login(world["organiser"])
    challenge = world["challenge"]
    url = reverse("competitions:manage_submissions", args=[challenge.event.slug, challenge.slug])
    markup = assert_accessible_markup(client.get(url))
    selects = [c for c in markup.controls if c.get("name") == "action"]
    assert len(selects) == 3 and len({s["id"] for s in selects}) == 3
    reasons = [c for c in markup.controls if c.get("name") == "reason"]
    assert len(reasons) == 3 and all(r["id"] in markup.label_for for r in reasons)


def test_role_select_is_labelled(client, world):
    client.force_login(world["organiser"])
    url = reverse("competitions:manage_event", args=[world["challenge"].event.slug])
    markup = assert_accessible_markup(client.get(url))
    role = next(c for c in markup.controls if c.get("name") == "role")
    assert role["id"] in markup.label_for


def test_organiser_form_help_texts_and_errors_are_tied_to_their_fields(client, world):
    client.force_login(world["organiser"])
    event = world["challenge"].event
    url = reverse("competitions:manage_event_edit", args=[event.slug])
    response = client.post(url, {"name": "", "slug": event.slug})  # refused by the form
    markup = assert_accessible_markup(response)  # every aria-describedby resolves
    html = response.content.decode()
    assert 'id="form-errors"' in html and "Please correct the following:" in html
    assert '<a href="#id_name">' in html
    fields = {attrs.get("name"): attrs for tag, attrs in markup.elements if tag == "input"}
    assert fields["name"]["aria-invalid"] == "true"
    assert fields["name"]["aria-describedby"] == "id_name_error"
    selects = {attrs.get("name"): attrs for tag, attrs in markup.elements if tag == "select"}
    assert selects["content_language"]["aria-describedby"] == "id_content_language_helptext"

    response = client.post(url, {"name": "DataJam", "slug": event.slug,  # refused by the service
                                 "starts_at": "2027-01-02T10:00", "ends_at": "2027-01-01T10:00"})  # fmt: skip
    markup = assert_accessible_markup(response)
    assert '<a href="#id_ends_at">' in response.content.decode()
    fields = {attrs.get("name"): attrs for tag, attrs in markup.elements if tag == "input"}
    assert fields["ends_at"]["aria-invalid"] == "true"
    assert fields["ends_at"]["aria-describedby"] == "id_ends_at_error"


def test_log_in_refusal_is_tied_to_both_fields(client, world):
    response = client.post(
        reverse("account_login"), {"login": world["alice"].email, "password": "wrong-one"}
    )
    markup = assert_accessible_markup(response)
    inputs = {attrs.get("name"): attrs for tag, attrs in markup.elements if tag == "input"}
    for name in ("login", "password"):
        assert inputs[name]["aria-invalid"] == "true"
        assert "form-errors" in inputs[name]["aria-describedby"].split()
    assert "id_password_helptext" in inputs["password"]["aria-describedby"].split()
    assert "not correct" in response.content.decode()


def test_sign_up_password_rules_are_read_with_the_field(client):
    response = client.get(reverse("account_signup"))
    markup = assert_accessible_markup(response)
    password = next(a for t, a in markup.elements if t == "input" and a.get("name") == "password1")
    assert password["aria-describedby"] == "id_password1_helptext"
    assert "at least 8 characters" in response.content.decode()


def test_htmx_loads_only_on_pages_that_poll(client, world):
    challenge = world["challenge"]
    args = [challenge.event.slug, challenge.slug]
    client.force_login(world["alice"])
    submission = Submission.objects.filter(team__name="Buyer Resist").first()
    for url in [reverse("competitions:home"), reverse("competitions:challenge", args=args)]:
        assert "htmx.min.js" not in client.get(url).content.decode()
    for url in [
        reverse("competitions:leaderboard", args=args),
        reverse("competitions:submission", args=[submission.pk]),
    ]:
        assert "htmx.min.js" in client.get(url).content.decode()


def test_selectors_have_a_button_and_no_inline_handlers(client, world):
    challenge = world["challenge"]
    html = client.get(
        reverse("competitions:leaderboard", args=[challenge.event.slug, challenge.slug])
    ).content.decode()
    assert "onchange" not in html
    for form_id in ("language-form", "phase-form"):
        form = html[html.index(f'id="{form_id}"') :]
        form = form[: form.index("</form>")]
        assert "data-submit-on-pick" in form
        assert '<button type="submit"' in form
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html


def test_submission_status_says_what_changed_for_the_live_region(client, world):
    client.force_login(world["alice"])
    submission = Submission.objects.get(team__name="Buyer Resist", public_score=0.8)
    page = client.get(reverse("competitions:submission", args=[submission.pk])).content.decode()
    assert '<p id="status-live" class="visually-hidden" aria-live="polite"' in page
    status = client.get(reverse("competitions:submission_status", args=[submission.pk]))
    html = status.content.decode()
    assert 'data-announce="Scored. Public score (Pairwise F1): 0.8000."' in html
    assert 'data-announce-to="status-live"' in html
    Submission.objects.filter(pk=submission.pk).update(state="running", finished_at=None)
    html = client.get(reverse("competitions:submission_status", args=[submission.pk]))
    assert 'data-announce="Scoring has started."' in html.content.decode()


def test_first_visit_leaves_times_to_the_browser(client, world):
    html = client.get(reverse("competitions:home")).content.decode()
    assert '<html lang="en" data-timezone="">' in html
    client.cookies["datajam_tz"] = "Asia/Tokyo"
    html = client.get(reverse("competitions:home")).content.decode()
    assert '<html lang="en" data-timezone="Asia/Tokyo">' in html
    assert '<span id="timezone-name">Asia/Tokyo</span>' in html
    alice = world["alice"]
    alice.timezone = "America/Toronto"
    alice.save()
    client.force_login(alice)
    html = client.get(reverse("competitions:home")).content.decode()
    assert '<html lang="en" data-timezone="America/Toronto">' in html


def test_organiser_text_carries_its_language(client, world):
    challenge = world["challenge"]
    event = challenge.event
    client.force_login(world["organiser"])
    edit = reverse("competitions:manage_event_edit", args=[event.slug])
    response = client.post(edit, {"name": "DataJam", "slug": event.slug, "is_published": "on",
                                  "content_language": "en"})  # fmt: skip
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.content_language == "en"
    client.logout()  # a visitor whose browser asks for French
    page = client.get(
        reverse("competitions:challenge", args=[event.slug, challenge.slug]), **FR
    ).content.decode()
    assert '<html lang="fr"' in page
    assert '<h1 lang="en">Link the ads</h1>' in page  # the challenge takes its event's language
    challenge.content_language = "es"
    challenge.save()
    page = client.get(
        reverse("competitions:challenge", args=[event.slug, challenge.slug]), **FR
    ).content.decode()
    assert '<h1 lang="es">Link the ads</h1>' in page
    assert '<div lang="es">' in page  # the description, evaluation and rules
    client.force_login(world["organiser"])
    refused = client.post(edit, {"name": "DataJam", "slug": event.slug,
                                 "content_language": "xx-nope"})  # fmt: skip
    assert refused.status_code == 200 and 'aria-invalid="true"' in refused.content.decode()
