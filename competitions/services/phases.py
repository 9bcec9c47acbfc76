"""Hidden truth of a phase: validated with the scoring core before it is stored."""

import os
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

import scoring

from ..models import Phase
from . import ServiceError
from .audit import log_action


class TruthRefused(ServiceError):
    pass


def phase_set_truth(*, phase: Phase, uploaded: File, actor) -> dict:
    """Validate and store a phase's ground truth; returns its summary.

    The previous truth (if any) is kept until the new one has passed validation, and the phase's
    ``truth_version`` goes up so submissions scored against the old truth can be found.
    """
    suffix = ".csv.gz" if (uploaded.name or "").lower().endswith(".gz") else ".csv"
    fd, tmp = tempfile.mkstemp(prefix="truth-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            if hasattr(uploaded, "seek"):
                uploaded.seek(0)
            for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
                out.write(chunk)
        try:
            summary = scoring.validate_truth(phase.challenge.task, tmp)
        except scoring.InvalidTruth as error:
            raise TruthRefused(
                _("The ground truth was not accepted: %(error)s") % {"error": error}
            ) from None
        with transaction.atomic():
            phase = Phase.objects.select_for_update().get(pk=phase.pk)
            old_name = phase.truth_file.name if phase.truth_file else ""
            with open(tmp, "rb") as handle:
                phase.truth_file.save(os.path.basename(tmp), File(handle), save=False)
            phase.truth_summary = summary
            phase.truth_version += 1
            phase.save(update_fields=["truth_file", "truth_summary", "truth_version"])
            log_action(
                event=phase.challenge.event,
                actor=actor,
                action="truth.replace" if old_name else "truth.upload",
                target=phase,
                data={"summary": summary, "version": phase.truth_version},
            )
            if old_name:
                storage = phase.truth_file.storage
                transaction.on_commit(lambda: storage.delete(old_name))
        return summary
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
