"""Messages written by the worker and the sweeper are in the submitter's language, not the
worker's: the team reads them on its submission page."""

import pytest
from django.utils import translation

from competitions.models import Submission
from competitions.services.scoring import for_team
from competitions.services.submissions import submission_create
from competitions.services.sweeper import GAVE_UP_ERROR, WHY_VANISHED
from tests import factories
from tests.factories import upload

pytestmark = pytest.mark.django_db
DUPLICATES = "ad_id,cluster_id\na1,x\na1,y\n"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.mark.parametrize(
    ("language", "opening"),
    [("fr", "Problème avec votre fichier : "), ("es", "Problema con tu archivo: "),
     ("en", "Problem with your file: ")],
)  # fmt: skip
def test_a_file_refused_by_the_worker_is_explained_in_the_submitters_language(
    phase, language, opening, django_capture_on_commit_callbacks
):
    team = factories.TeamFactory(challenge=phase.challenge)
    user = factories.UserFactory(language=language)
    factories.add_member(team, user, role="leader")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(user=user, phase=phase, uploaded=upload(DUPLICATES))
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED
    assert submission.error_message.startswith(opening)
    assert "a1" in submission.error_message  # the scoring core's details stay


def test_the_sweepers_message_is_put_together_in_the_teams_language(phase):
    user = factories.UserFactory(language="fr")
    submission = Submission(phase=phase, submitted_by=user, attempts=3)
    with translation.override("en"):  # the sweeper runs in beat, in English
        text = for_team(
            submission,
            lambda: (
                translation.gettext(GAVE_UP_ERROR)
                % {"attempts": 3, "why": translation.gettext(WHY_VANISHED)}
            ),
        )
    assert "le worker de notation a cessé de répondre" in text
    assert "%(" not in text and "3" in text
