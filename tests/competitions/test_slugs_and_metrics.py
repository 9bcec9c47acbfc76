"""Slugs filled from titles (editable, server-side too); metric lists that follow the task."""

import pytest
from django.urls import reverse

from competitions.errors import ServiceError
from competitions.models import Challenge, Event
from competitions.services.challenges import challenge_create
from competitions.services.events import event_create
from competitions.slugs import slug_from
from tests import factories

pytestmark = pytest.mark.django_db


def test_slug_from_a_title_skips_taken_and_reserved_addresses():
    taken = {"datajam-montreal-2027", "datajam-montreal-2027-2"}
    assert slug_from("DataJam Montréal 2027", taken=taken.__contains__) == "datajam-montreal-2027-3"
    assert slug_from("Results", taken=lambda s: False, reserved={"results"}) == "results-2"
    assert slug_from("¿?", taken=lambda s: False) == "event"
    assert len(slug_from("x" * 300, taken=lambda s: False)) == 50


def test_an_event_and_a_challenge_without_a_slug_get_one_from_their_title(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("competitions:manage_event_new"), {"name": "DataJam Montréal", "slug": ""}
    )
    assert response.status_code == 302
    event = Event.objects.get(name="DataJam Montréal")
    assert event.slug == "datajam-montreal"
    second = event_create(actor=user, data={"name": "DataJam Montréal", "slug": ""})
    assert second.slug == "datajam-montreal-2"
    response = client.post(
        reverse("competitions:manage_challenge_new", args=[event.slug]),
        {"title": "Link the ads", "slug": "", "task": "ad-linkage", "primary_metric": "pairwise_f1",
         "max_team_size": 3, "final_selection_limit": 2},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    assert Challenge.objects.get(event=event).slug == "link-the-ads"
    results = challenge_create(
        event=event, actor=user, data={"title": "Results", "task": "ad-linkage",
                                       "primary_metric": "pairwise_f1"},
    )  # fmt: skip
    assert results.slug == "results-2"  # /e/<event>/results/ is the results page


def test_an_edited_slug_is_kept_and_a_taken_one_refused():
    user = factories.UserFactory()
    event = event_create(actor=user, data={"name": "DJ", "slug": "my-own"})
    assert event.slug == "my-own"
    with pytest.raises(ServiceError, match="Another event uses this address"):
        event_create(actor=user, data={"name": "Other", "slug": "my-own"})


def test_the_forms_say_how_the_slug_is_filled_and_which_task_each_metric_belongs_to(client):
    user = factories.UserFactory()
    client.force_login(user)
    page = client.get(reverse("competitions:manage_event_new")).content.decode()
    assert 'data-slug-from="id_name"' in page
    assert "filled from the title, you may change it" in page
    event = event_create(actor=user, data={"name": "DJ", "slug": "dj"})
    page = client.get(reverse("competitions:manage_challenge_new", args=[event.slug]))
    html = page.content.decode()
    assert 'data-slug-from="id_title"' in html and "data-task-select" in html
    assert (
        '<option value="pairwise_f1" selected data-task="ad-linkage">Pairwise F1</option>' in html
    )
    assert '<option value="rmse" data-task="regression">' in html
    assert 'value="macro_f1" id="id_secondary_metrics_1_1" data-task="classification"' in html or (
        'data-task="classification"' in html
    )


def test_a_wrong_task_and_metric_pair_is_explained_with_human_names():
    user = factories.UserFactory()
    event = event_create(actor=user, data={"name": "DJ", "slug": "dj"})
    with pytest.raises(ServiceError) as refused:
        challenge_create(
            event=event, actor=user,
            data={"title": "T", "task": "regression", "primary_metric": "pairwise_f1",
                  "secondary_metrics": []},
        )  # fmt: skip
    message = str(refused.value)
    assert "“Pairwise F1” is not a metric of the task “Regression”" in message
    assert "pairwise_f1" not in message
    with pytest.raises(ServiceError) as refused:
        challenge_create(
            event=event, actor=user,
            data={"title": "T", "task": "regression", "primary_metric": "rmse",
                  "secondary_metrics": ["bcubed_f1"]},
        )  # fmt: skip
    assert "bcubed_f1" not in str(refused.value) and "B-cubed F1" in str(refused.value)
