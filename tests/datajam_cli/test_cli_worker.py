"""``datajam submit --wait`` against the live test server with a real Celery worker process
on the real Redis and PostgreSQL: the upload is queued, the worker scores it, the client
follows the state and prints the score."""

import pytest

from datajam_cli import errors
from tests import factories
from tests.e2e.conftest import real_broker, start_worker  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_submit_wait_with_a_real_worker(site, start_worker):  # noqa: F811
    worker = start_worker().wait_ready()
    path = site.home / "partial.csv"
    path.write_text(factories.PARTIAL_CSV)
    result = site.run("submit", site.target, str(path), "--wait", "--timeout", "120")
    assert result.returncode == 0, result.stderr + worker.output()[-3000:]
    assert ": scored" in result.stdout
    assert "public    pairwise_f1 1.0000" in result.stdout
    assert "… scored" in result.stderr  # it followed the state while the worker ran

    bad = site.home / "unknown.csv"
    bad.write_text(factories.PERFECT_CSV + "zz9,x\n")
    failed = site.run("submit", site.target, str(bad), "--wait", "--timeout", "120")
    assert failed.returncode == errors.SCORING_FAILED, failed.stderr
    assert "zz9" in failed.stderr
