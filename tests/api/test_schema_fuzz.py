"""A property-based run of the OpenAPI schema (schemathesis) against the live test server:
for every operation, generated query strings and bodies on real objects (the path parameters
point at a real event, challenge, phase, file and submission) give no 5xx and no response
that violates the schema, for a team leader and for an organiser."""

import pytest
import schemathesis
from django.core.files.base import ContentFile
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from accounts.tokens import api_token_create
from competitions.models import DataFile, EventRole, Submission
from tests import factories

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def objects(db):
    phase = factories.PhaseFactory()
    challenge = phase.challenge
    data = DataFile.objects.create(
        challenge=challenge, name="ads.csv", size=9, file=ContentFile(b"ad_id\na1\n", "ads.csv")
    )
    team = factories.TeamFactory(challenge=challenge)
    leader, organiser = factories.UserFactory(), factories.UserFactory()
    factories.add_member(team, leader, role="leader")
    EventRole.objects.create(event=challenge.event, user=organiser, role="organiser")
    submission = Submission.objects.create(
        phase=phase, team=team, submitted_by=leader, original_name="p.csv",
        file=ContentFile(factories.PERFECT_CSV.encode(), "p.csv"),
    )  # fmt: skip
    return {
        "path": {
            "event": challenge.event.slug, "challenge": challenge.slug, "phase_id": phase.pk,
            "file_id": data.pk, "submission_id": str(submission.pk),
        },
        "tokens": {
            role: api_token_create(user=user, name="fuzz")[1]
            for role, user in [("leader", leader), ("organiser", organiser)]
        },
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_no_5xx_and_every_response_matches_the_schema(objects, live_server, settings):
    # Generous throttles: the run makes hundreds of requests from one address.
    settings.API_THROTTLE_RATES = dict.fromkeys(settings.API_THROTTLE_RATES, "100000/minute")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    calls = {"n": 0}

    def fuzz(operation, role):
        headers = {"Authorization": f"Bearer {objects['tokens'][role]}"}

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=10, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        def run(case):
            for name in list(case.path_parameters or {}):
                case.path_parameters[name] = objects["path"][name]
            case.call_and_validate(
                base_url=live_server.url,
                headers=headers,
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
            )
            calls["n"] += 1

        run()

    for operation in operations:
        for role in ("leader", "organiser"):
            fuzz(operation, role)
    assert calls["n"] >= len(operations) * 2
