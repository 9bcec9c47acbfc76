"""A web process that dies (SIGKILL) between storing an upload and committing its row.

``python -m tests.e2e.store_then_die <user id> <phase id> <file>`` runs the real upload
service (``submission_create``); the test's injection makes the process kill itself at the
moment the service opens the transaction that creates the row — the file is stored, the row
never exists. Test behaviour injected from the test, never read by production code.
"""

import os
import signal
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datajam.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from competitions.models import Phase  # noqa: E402
from competitions.services import submissions  # noqa: E402


class _DieAtTheCommit:
    @staticmethod
    def atomic(*args, **kwargs):
        print("stored; dying before the row", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)


def main(user_id: str, phase_id: str, path: str) -> None:
    user = get_user_model().objects.get(pk=user_id)
    phase = Phase.objects.select_related("challenge").get(pk=phase_id)
    with open(path, "rb") as source:
        uploaded = SimpleUploadedFile(os.path.basename(path), source.read())
    submissions.transaction = _DieAtTheCommit
    submissions.submission_create(user=user, phase=phase, uploaded=uploaded)


if __name__ == "__main__":
    main(*sys.argv[1:4])
