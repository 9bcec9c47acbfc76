"""Celery tasks: take an id, call a service. The database holds the state."""

import socket

from celery import shared_task

from competitions.services.scoring import submission_score


@shared_task(bind=True, name="scoring.tasks.score_submission", acks_late=True)
def score_submission(self, submission_id: str) -> str:
    worker = self.request.hostname or socket.gethostname()
    return submission_score(submission_id=submission_id, task_id=self.request.id, worker=worker)
