"""Organisers can take published results back, with a reason, audit-logged; the results page
answers 404 again to everyone else."""

import pytest
from django.urls import reverse

from competitions.models import AuditLog
from competitions.services import PermissionRefused
from judging.models import EventResults
from judging.services import JudgingRefused
from judging.services.prizes import prize_award, prize_create
from judging.services.results import results_publish, results_unpublish
from judging.services.tracks import track_lock_judging, track_unlock_judging

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(judged):
    prize = prize_create(track=judged.track, actor=judged.organiser, data={"place": 1})
    prize_award(prize=prize, actor=judged.organiser, team=judged.red)
    track_lock_judging(track=judged.track, actor=judged.organiser)
    results_publish(event=judged.event, actor=judged.organiser)
    return judged


def test_unpublishing(published):
    t = published
    with pytest.raises(PermissionRefused):
        results_unpublish(event=t.event, actor=t.judge, reason="x")
    with pytest.raises(JudgingRefused, match="Say why") as refusal:
        results_unpublish(event=t.event, actor=t.organiser, reason=" ")
    assert refusal.value.field == "reason"
    results = results_unpublish(event=t.event, actor=t.organiser, reason="Wrong winner")
    assert results.state == EventResults.State.DRAFT and results.published_at is None
    entry = AuditLog.objects.get(action="results.unpublish")
    assert entry.reason == "Wrong winner" and entry.data["published_at"]
    with pytest.raises(JudgingRefused, match="not published"):
        results_unpublish(event=t.event, actor=t.organiser, reason="again")
    # The judging can change again, and the results can be published again.
    track_unlock_judging(track=t.track, actor=t.organiser, reason="fix")
    track_lock_judging(track=t.track, actor=t.organiser)
    assert results_publish(event=t.event, actor=t.organiser).state == "published"


def test_unpublish_page(client, published):
    t = published
    results_url = reverse("judging:results", args=[t.event.slug])
    assert client.get(results_url).status_code == 200  # public while published
    url = reverse("judging:manage_results_unpublish", args=[t.event.slug])
    client.force_login(t.red_people[0])
    assert client.post(url, {"reason": "x"}).status_code in {403, 404}
    client.force_login(t.organiser)
    page = client.get(reverse("judging:manage_results", args=[t.event.slug])).content.decode()
    assert 'id="unpublish-form"' in page
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Say why the results are taken back" in response.content.decode()
    assert EventResults.objects.get(event=t.event).state == "published"
    client.post(url, {"reason": "Prize typo"})
    assert EventResults.objects.get(event=t.event).state == "draft"
    client.logout()
    assert client.get(results_url).status_code == 404
    client.force_login(t.red_people[0])
    assert client.get(results_url).status_code == 404
