"""The OpenAPI schema generates with no warning or error, is served, and documents every
endpoint; the interactive docs load their self-hosted assets."""

import io

import pytest
import yaml
from django.core.management import call_command
from django.urls import get_resolver

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates():
    out = io.StringIO()
    # --fail-on-warn turns any warning (an unguessable serializer, a missing type) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    assert schema["openapi"].startswith("3.")
    api_patterns = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/"][
        0
    ].url_patterns
    assert len(schema["paths"]) == len(api_patterns) >= 19
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    submit = schema["paths"]["/api/v1/events/{event}/challenges/{challenge}/submissions/"]["post"]
    assert "multipart/form-data" in submit["requestBody"]["content"]


def test_schema_and_docs_are_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs.content
