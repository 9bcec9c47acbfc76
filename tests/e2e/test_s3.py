"""DATAJAM_STORAGE=s3 against a real S3 API: moto's server, started here on a free port.

Upload → truth → scoring by a real worker process (which reads both files from the bucket) →
download through our views; every object private; deleted files leave the bucket.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import uuid

import boto3
import pytest
import requests
from django.core.files.storage import storages
from django.urls import reverse

from competitions.models import DataFile, EventRole, Phase, Submission
from tests import factories
from tests.e2e.conftest import ROOT, wait_for

pytestmark = pytest.mark.e2e

PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_server(tmp_path):
    """moto in server mode: a real HTTP S3 API that boto3 in any process can talk to."""
    port = free_port()
    log = open(tmp_path / "moto.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{endpoint}/moto-api/", timeout=1).status_code < 500
        except requests.RequestException:
            return process.poll() is not None

    wait_for(answers, timeout=60, message="moto's S3 server to start")
    assert process.poll() is None, (tmp_path / "moto.log").read_text()
    yield endpoint, tmp_path / "moto.log"
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)
    log.close()


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    """The environment a deployment on S3 sets, here and for the worker processes."""
    s3_server, _log = s3_server
    env = {
        "DATAJAM_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": f"datajam-test-{uuid.uuid4().hex[:10]}",
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1",
        aws_access_key_id="test-key", aws_secret_access_key="test-secret",
    )  # fmt: skip
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    s3.create_bucket(Bucket=bucket)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
        },
    )  # fmt: skip
    return env, s3, bucket


@pytest.fixture
def s3_storage(s3_env, settings, monkeypatch):
    """This process stores on S3 exactly as the settings build it for DATAJAM_STORAGE=s3.

    The storage settings come from a fresh interpreter with the S3 environment (the model
    fields bound theirs at import, so they are pointed at the new one here)."""
    env, s3, bucket = s3_env
    done = subprocess.run(
        [sys.executable, "-c",
         "import json; from django.conf import settings; "
         "print(json.dumps(settings.STORAGES['private']))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "datajam.settings"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    config = json.loads(done.stdout.strip().splitlines()[-1])
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"]["default_acl"] == "private"
    settings.STORAGES = {**settings.STORAGES, "default": config, "private": config}
    storage = storages["private"]
    for model, name in [(Phase, "truth_file"), (DataFile, "file"), (Submission, "file")]:
        monkeypatch.setattr(model._meta.get_field(name), "storage", storage)
    return s3, bucket


def bucket_keys(s3, bucket) -> set[str]:
    listing = s3.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def assert_private(s3, bucket, key: str) -> None:
    acl = s3.get_object_acl(Bucket=bucket, Key=key)
    owner = acl["Owner"]["ID"]
    for grant in acl["Grants"]:
        grantee = grant["Grantee"]
        assert grantee.get("URI") not in PUBLIC_GRANTEES, (key, grant)
        assert grantee.get("ID") == owner, (key, grant)


def body(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming  # streamed by our view, never a redirect to the bucket
    return b"".join(response.streaming_content)


def test_upload_truth_scoring_and_download_on_s3(
    start_worker, s3_server, s3_env, s3_storage, client
):
    env, _s3, _bucket = s3_env
    s3, bucket = s3_storage
    worker = start_worker(extra_env=env)

    phase = factories.PhaseFactory(truth_file="", truth_version=0)
    challenge = phase.challenge
    event = challenge.event
    organiser = factories.UserFactory()
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    client.force_login(organiser)

    truth_url = reverse("competitions:manage_phase_truth", args=[phase.pk])
    response = client.post(truth_url, {"file": factories.upload(factories.TRUTH_CSV, "truth.csv")})
    assert response.status_code == 302, response.content.decode()[-2000:]
    phase.refresh_from_db()
    assert phase.truth_file.name.startswith("truth/")
    first_truth = f"private/{phase.truth_file.name}"
    response = client.post(
        reverse("competitions:manage_data_add", args=[event.slug, challenge.slug]),
        {"file": factories.upload("ad_id,title\na1,x\n", "ads.csv"), "name": "", "kind": "test"},
    )
    assert response.status_code == 302
    data_file = challenge.data_files.get()
    assert bucket_keys(s3, bucket) == {first_truth, f"private/{data_file.file.name}"}

    # Replacing the truth removes the old file from the bucket once the change is committed.
    client.post(truth_url, {"file": factories.upload(factories.TRUTH_CSV, "truth2.csv")})
    phase.refresh_from_db()
    assert phase.truth_version == 2
    assert first_truth not in bucket_keys(s3, bucket)

    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    member = factories.UserFactory()
    factories.add_member(team, member, role="leader")
    client.force_login(member)
    data = client.get(
        reverse("competitions:data_download", args=[event.slug, challenge.slug, data_file.pk])
    )
    assert body(data) == b"ad_id,title\na1,x\n"

    response = client.post(
        reverse("competitions:submit", args=[event.slug, challenge.slug]),
        {"file": factories.upload(factories.PARTIAL_CSV), "note": "on s3"},
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert f"private/{submission.file.name}" in bucket_keys(s3, bucket)

    def finished():
        submission.refresh_from_db()
        return submission.state in {"scored", "failed"}

    wait_for(finished, timeout=90, message="the worker to score the submission from S3")
    assert submission.state == "scored", (submission.error, worker.output()[-3000:])
    assert submission.public_score == pytest.approx(1.0)
    # Only the worker ever reads the truth back: it fetched it from the bucket.
    requests_seen = s3_server[1].read_text(errors="replace")
    assert f"GET /{bucket}/private/{phase.truth_file.name} " in requests_seen

    download = client.get(reverse("competitions:submission_download", args=[submission.pk]))
    assert body(download) == factories.PARTIAL_CSV.encode()
    # Someone outside the team cannot, and no page points into the bucket.
    client.force_login(factories.UserFactory())
    assert (
        client.get(reverse("competitions:submission_download", args=[submission.pk])).status_code
        == 404
    )
    page = client.get(reverse("competitions:challenge", args=[event.slug, challenge.slug]))
    assert env["AWS_S3_ENDPOINT_URL"].split("//")[1] not in page.content.decode()

    keys = bucket_keys(s3, bucket)
    assert len(keys) == 3  # the truth, the data file, the submission
    for key in keys:
        assert key.startswith(("private/truth/", "private/data/", "private/submissions/"))
        assert "truth2" not in key and "predictions" not in key  # random names only
        assert_private(s3, bucket, key)
    bucket_acl = s3.get_bucket_acl(Bucket=bucket)
    assert not [g for g in bucket_acl["Grants"] if g["Grantee"].get("URI") in PUBLIC_GRANTEES]

    # An organiser deleting a data file deletes it from the bucket too.
    client.force_login(organiser)
    client.post(
        reverse("competitions:manage_data_delete", args=[event.slug, challenge.slug, data_file.pk])
    )
    assert f"private/{data_file.file.name}" not in bucket_keys(s3, bucket)
