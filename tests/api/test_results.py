"""Published results through the API: the judging app's own world (tests/judging), 404
before publication except to organisers, then winners by place and the final leaderboard;
and messages in the token user's language."""

import pytest
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from judging.services.results import results_publish
from tests import factories
from tests.judging.conftest import judged  # noqa: F401  (fixture)
from tests.judging.test_results import _ready, ranked  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='t')[1]}")
    return client


def test_results_hidden_until_published_then_winners_by_place(ranked):  # noqa: F811
    url = f"/api/v1/events/{ranked.event.slug}/results/"
    assert APIClient().get(url).status_code == 404
    assert bearer(ranked.organiser).get(url).status_code == 200
    _ready(ranked)
    results_publish(event=ranked.event, actor=ranked.organiser)
    body = APIClient().get(url).json()
    assert body["published_at"]
    (track,) = body["tracks"]
    assert track["challenge"] == ranked.challenge.slug
    winners = [(w["prize"], w["place"], w["team"]) for w in track["winners"]]
    assert winners[:2] == [("1st place", 1, "Red"), ("2nd place", 2, "Blue")]
    assert sorted(track["winners"][0]["members"]) == sorted(str(p) for p in ranked.red_people)
    assert [row["team"] for row in track["leaderboard"]][:1] == ["Red"]


def test_messages_are_in_the_token_users_language(phase):
    person = factories.UserFactory(language="fr", timezone="America/Toronto")
    challenge = phase.challenge
    client = bearer(person)
    client.post(f"/api/v1/events/{challenge.event.slug}/challenges/{challenge.slug}/rules/accept/")
    response = client.post(
        f"/api/v1/events/{challenge.event.slug}/challenges/{challenge.slug}/submissions/",
        {"file": factories.upload(factories.PERFECT_CSV)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Créez une équipe ou joignez-vous à une équipe avant de soumettre."
    )
