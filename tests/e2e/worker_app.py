"""The Celery app the end-to-end tests start workers with: DataJam's own, plus slow scoring on
request — test behaviour injected from the tests, never read by production code.

``celery -A tests.e2e.worker_app worker`` with E2E_SCORING_DELAY=<seconds> makes each run sleep
that long inside its scoring (under the heartbeat and the time limit, as a slow file would),
for files whose original name contains E2E_SCORING_DELAY_MATCH (every file when that is unset),
and only in their first E2E_SCORING_DELAY_ATTEMPTS attempts when that is set (a later run, e.g.
the one that takes over from a killed process, then scores at once).
E2E_SCORING_GREEDY_MATCH=<text> makes the runs of files whose name contains it ask for 1 GB
more memory, as a file that needs more than the memory limit would.
"""

import os
import time

import scoring
from datajam.celery import app  # noqa: F401  (what celery -A loads)

DELAY = float(os.environ.get("E2E_SCORING_DELAY") or 0)
MATCH = os.environ.get("E2E_SCORING_DELAY_MATCH", "")
ATTEMPTS = int(os.environ.get("E2E_SCORING_DELAY_ATTEMPTS") or 10**9)
GREEDY = os.environ.get("E2E_SCORING_GREEDY_MATCH", "")

if DELAY or GREEDY:
    import django

    django.setup()
    from competitions.services import scoring as scoring_service

    _start, _evaluate = scoring_service.submission_start, scoring.evaluate
    _running = {"name": "", "attempt": 0}

    def _start_and_remember(**kwargs):
        submission = _start(**kwargs)
        _running["name"] = submission.original_name if submission is not None else ""
        _running["attempt"] = submission.attempts if submission is not None else 0
        return submission

    def _slow_evaluate(*args, **kwargs):
        if DELAY and MATCH in _running["name"] and _running["attempt"] <= ATTEMPTS:
            time.sleep(DELAY)
        if GREEDY and GREEDY in _running["name"]:
            hog = bytearray(1 << 30)  # under the run's memory ceiling: MemoryError
            del hog
        return _evaluate(*args, **kwargs)

    scoring_service.submission_start = _start_and_remember
    scoring.evaluate = _slow_evaluate
