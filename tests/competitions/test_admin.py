"""The admin is read-only: truth, scores and the audit log change only through the services."""

import pytest
from django.urls import reverse

from competitions.models import AuditLog, Phase, Submission
from competitions.services.audit import log_action
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


def test_admin_cannot_change_the_truth(client, staff, phase):
    url = reverse("admin:competitions_phase_change", args=[phase.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert phase.truth_file.name not in page.content.decode()
    before = (phase.truth_file.name, phase.truth_version)
    response = client.post(url, {"name": "Changed", "truth_version": 99})
    assert response.status_code == 403
    phase.refresh_from_db()
    assert (phase.truth_file.name, phase.truth_version, phase.name) == (*before, "Development")


def test_admin_cannot_change_scores(client, staff, phase):
    team = factories.TeamFactory(challenge=phase.challenge)
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv", public_score=0.5
    )
    url = reverse("admin:competitions_submission_change", args=[submission.pk])
    assert client.post(url, {"public_score": "1.0"}).status_code == 403
    submission.refresh_from_db()
    assert submission.public_score == 0.5


def test_admin_cannot_delete_audit_rows(client, staff, phase):
    entry = log_action(event=phase.challenge.event, actor=staff, action="phase.edit", target=phase)
    delete = reverse("admin:competitions_auditlog_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:competitions_auditlog_changelist")
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in {200, 302, 403}
    assert AuditLog.objects.filter(pk=entry.pk).exists()
    assert client.get(changelist).status_code == 200  # still readable


def test_admin_cannot_set_a_metric_or_add_phases(client, staff, phase):
    challenge = phase.challenge
    url = reverse("admin:competitions_challenge_change", args=[challenge.pk])
    assert client.post(url, {"primary_metric": "not-a-metric"}).status_code == 403
    challenge.refresh_from_db()
    assert challenge.primary_metric == "pairwise_f1"
    assert client.get(reverse("admin:competitions_phase_add")).status_code == 403
    assert Phase.objects.count() == 1
