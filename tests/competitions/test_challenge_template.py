"""The template challenge's difficulty presets and the reference scores organisers see."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from competitions.models import AuditLog, Challenge, EventRole
from competitions.services import ServiceError
from competitions.services.challenge_templates import challenge_create_from_template
from starter.generate import preset_public_share
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_and_organiser(client):
    user = factories.UserFactory()
    event = factories.EventFactory()
    EventRole.objects.create(event=event, user=user, role="organiser")
    return event, user


def test_form_offers_presets_and_the_page_shows_reference_scores(
    client, event_and_organiser, django_capture_on_commit_callbacks
):
    event, organiser = event_and_organiser
    client.force_login(organiser)
    url = reverse("competitions:manage_challenge_template", args=[event.slug])
    form = client.get(url).content.decode()
    for preset in ("easy", "standard", "hard"):
        assert f'value="{preset}"' in form
    assert "about 0.70" in form
    with django_capture_on_commit_callbacks(execute=True):  # the background task, eagerly
        response = client.post(
            url,
            {"title": "Hard ads", "slug": "hard-ads", "n_ads": 600, "seed": 2, "preset": "hard",
             "public_share": 0.3, "primary_metric": "pairwise_f1", "daily_limit": 4, "days": 10},
        )  # fmt: skip
    assert response.status_code == 302, response.content
    assert "The challenge is ready" in client.get(response.url).content.decode()
    challenge = Challenge.objects.get(event=event, slug="hard-ads")
    corpus = challenge.generated_corpus
    assert corpus["preset"] == "hard" and corpus["n_ads"] == 600 and corpus["seed"] == 2
    assert set(corpus["references"]) == {"contacts", "exact_text", "baseline"}
    baseline = corpus["references"]["baseline"]
    assert 0 < baseline["public"]["pairwise_f1"] <= 1
    assert (
        baseline["public"]["pairwise_f1"]
        > corpus["references"]["exact_text"]["public"]["pairwise_f1"]
    )
    log = AuditLog.objects.get(action="challenge.create_from_template")
    assert log.data["preset"] == "hard"

    page = client.get(reverse("competitions:manage_challenge", args=[event.slug, "hard-ads"]))
    page = page.content.decode()
    assert 'id="reference-scores"' in page
    assert "Starter baseline" in page
    assert f"{baseline['public']['pairwise_f1']:.3f}" in page

    # Participants and visitors never see them.
    client.logout()
    public = client.get(reverse("competitions:challenge", args=[event.slug, challenge.slug]))
    assert "reference-scores" not in public.content.decode()
    assert f"{baseline['public']['pairwise_f1']:.3f}" not in public.content.decode()
    client.force_login(factories.UserFactory())
    manage = client.get(response.url)
    assert manage.status_code in (403, 404)


def test_preset_left_out_is_standard_and_unknown_is_refused(
    client, event_and_organiser, django_capture_on_commit_callbacks
):
    event, organiser = event_and_organiser
    client.force_login(organiser)
    url = reverse("competitions:manage_challenge_template", args=[event.slug])
    data = {"title": "Ads", "slug": "ads", "n_ads": 300, "seed": 1, "public_share": 0.3,
            "primary_metric": "pairwise_f1", "daily_limit": 4, "days": 10}  # fmt: skip
    refused = client.post(url, {**data, "preset": "impossible"})
    assert refused.status_code == 200
    assert not Challenge.objects.filter(slug="ads").exists()
    with django_capture_on_commit_callbacks(execute=True):  # the background task, eagerly
        assert client.post(url, data).status_code == 302
    assert Challenge.objects.get(slug="ads").generated_corpus["preset"] == "standard"
    with pytest.raises(ServiceError):
        challenge_create_from_template(
            event=event, actor=organiser, title="X", slug="x", n_ads=300, preset="extreme"
        )


def test_public_share_left_out_is_the_presets_for_the_corpus_size(
    client, event_and_organiser, django_capture_on_commit_callbacks
):
    """A small corpus gets half its ads on the public board (steadier scores), a large one 30 %;
    a share given explicitly wins."""
    event, organiser = event_and_organiser
    client.force_login(organiser)
    url = reverse("competitions:manage_challenge_template", args=[event.slug])
    page = client.get(url).content.decode()
    assert "Left empty: half of them up to 6,000 ads" in page
    data = {"title": "Ads", "slug": "ads", "n_ads": 300, "seed": 1, "public_share": "",
            "primary_metric": "pairwise_f1", "daily_limit": 4, "days": 10}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
        assert client.post(url, {**data, "slug": "set", "public_share": 0.25}).status_code == 302
    assert Challenge.objects.get(slug="ads").generated_corpus["public_share"] == 0.5
    assert Challenge.objects.get(slug="set").generated_corpus["public_share"] == 0.25
    assert preset_public_share(30_000) == 0.3


def test_command_takes_a_preset_and_prints_the_reference_scores(event_and_organiser):
    event, organiser = event_and_organiser
    out = io.StringIO()
    call_command(
        "create_linkage_challenge", event.slug, "Easy ads", ads=400, preset="easy",
        as_user=organiser.email, stdout=out,
    )  # fmt: skip
    challenge = Challenge.objects.get(event=event, slug="easy-ads")
    assert challenge.generated_corpus["preset"] == "easy"
    text = out.getvalue()
    assert "Preset easy" in text and "baseline: pairwise F1" in text
