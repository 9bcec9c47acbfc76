"""What participants read: moderation shown to the team, failures worded as failures, coverage
explained, invitations before the rules, no Join on a full team, a closed upload form when the
quota is used up, "not a CSV", numbers and sizes in one format per language."""

import datetime as dt

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from competitions.models import Notification, RulesAcceptance, Submission
from competitions.services.moderation import submission_moderate
from competitions.services.submissions import SubmissionRefused, submission_create
from competitions.services.teams import team_invite_send
from tests import factories
from tests.factories import PERFECT_CSV, upload

pytestmark = pytest.mark.django_db
HALF_CSV = "ad_id,cluster_id\na1,x\na2,x\na3,x\na4,y\n"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def team(phase):
    team = factories.TeamFactory(challenge=phase.challenge, name="Buyer Resist")
    team.leader = factories.UserFactory(language="en")
    team.member = factories.UserFactory(language="fr")
    factories.add_member(team, team.leader, role="leader")
    factories.add_member(team, team.member)
    return team


def scored(team, phase, content, capture):
    with capture(execute=True):
        submission = submission_create(user=team.leader, phase=phase, uploaded=upload(content))
    submission.refresh_from_db()
    return submission


def page_of(client, user, submission, **headers):
    client.force_login(user)
    url = reverse("competitions:submission", args=[submission.pk])
    return client.get(url, **headers).content.decode()


def test_a_disqualified_submission_says_so_to_its_team_with_the_reason(
    client, phase, team, django_capture_on_commit_callbacks
):
    submission = scored(team, phase, PERFECT_CSV, django_capture_on_commit_callbacks)
    organiser = factories.UserFactory()
    phase.challenge.event.roles.create(user=organiser, role="organiser")
    with django_capture_on_commit_callbacks(execute=True):
        submission_moderate(
            submission=submission, action="disqualify", reason="Used the test labels",
            actor=organiser,
        )  # fmt: skip
    page = page_of(client, team.leader, submission)
    assert 'id="moderation"' in page and "Disqualified" in page
    assert "Reason: Used the test labels" in page
    assert 'data-announce="Disqualified by the organisers' in page
    challenge_page = client.get(
        reverse("competitions:challenge", args=[phase.challenge.event.slug, phase.challenge.slug])
    ).content.decode()
    assert f'id="moderation-{submission.pk}"' in challenge_page
    assert "Reason: Used the test labels" in challenge_page
    row = challenge_page[challenge_page.index(f'<tr id="submission-{submission.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="/submissions/{submission.pk}/"' in row and "predictions.csv" in row
    assert "Disqualified" in row and "Mark final" not in row  # it no longer counts
    texts = {n.user_id: n for n in Notification.objects.all()}
    assert set(texts) == {team.leader.pk, team.member.pk}
    assert factories.notification_texts(team.leader) == [
        "The organisers disqualified your submission predictions.csv: it no longer counts on "
        "the leaderboard. Reason: Used the test labels"
    ]
    assert {m.to[0] for m in mail.outbox} == {team.leader.email, team.member.email}


def test_a_file_that_fails_reads_as_a_refusal_not_as_scored(client, phase, team):
    submission = Submission.objects.create(
        phase=phase, team=team, submitted_by=team.leader, file="x.csv", original_name="x.csv",
        state="failed", failure="file", error_message="Duplicate ad_id: 'a1'.", attempts=1,
        duration_ms=503, counts_for_quota=False, finished_at=timezone.now(),
    )  # fmt: skip
    page = page_of(client, team.leader, submission)
    assert "Refused: problem with the file" in page
    assert "checked in 503 ms" in page
    assert "scored in" not in page and "attempt 1 of" not in page
    platform = Submission.objects.create(
        phase=phase, team=team, submitted_by=team.leader, file="y.csv", original_name="y.csv",
        state="failed", failure="platform", error_message="The worker stopped.", attempts=3,
        duration_ms=20, counts_for_quota=False, finished_at=timezone.now(),
    )  # fmt: skip
    page = page_of(client, team.leader, platform)
    assert "Failed: platform problem" in page and "gave up after attempt 3 of" in page
    assert "scored in" not in page


def test_coverage_is_given_for_the_whole_file_and_explained(
    client, phase, team, django_capture_on_commit_callbacks
):
    submission = scored(team, phase, HALF_CSV, django_capture_on_commit_callbacks)
    assert submission.state == "scored"
    page = page_of(client, team.leader, submission)
    assert "coverage 50.0%" in page  # the warning, from the scoring core
    assert "Coverage: 50.0 % of the ads." in page
    assert "public and private parts together" in page
    metrics_table = page.split('id="metrics"')[1].split("</table>")[0]
    assert "Coverage" not in metrics_table
    # The predicted-cluster counts are whole-file figures too: listed apart, with their values.
    file_table = page.split('id="file-figures"')[1].split("</table>")[0]
    spec = phase.challenge.task_spec
    for name in ("n_predicted_clusters", "largest_predicted_cluster"):
        label = spec.metric_labels.get(name, name)
        assert label not in metrics_table
        assert label in file_table


def test_an_invitation_shows_before_the_rules_are_accepted(client, phase, team):
    erin = factories.UserFactory(email="erin@example.org")
    invite = team_invite_send(team=team, user=team.leader, email="erin@example.org")
    client.force_login(erin)
    url = reverse("competitions:challenge", args=[phase.challenge.event.slug, phase.challenge.slug])
    page = client.get(url).content.decode()
    assert not RulesAcceptance.objects.filter(user=erin).exists()
    assert f'id="invitation-{invite.pk}"' in page
    assert "you accept the rules there" in page


def test_a_full_team_offers_no_join(client, phase, team):
    dan = factories.UserFactory(email="dan@example.org")
    invite = team_invite_send(team=team, user=team.leader, email="dan@example.org")
    client.force_login(dan)
    page = client.get(reverse("competitions:join_team", args=[team.invite_token])).content.decode()
    assert ">Join</button>" in page  # room for one more
    phase.challenge.max_team_size = 2
    phase.challenge.save()
    page = client.get(reverse("competitions:join_team", args=[team.invite_token])).content.decode()
    assert "This team is full" in page
    assert ">Join</button>" not in page
    page = client.get(reverse("competitions:team_invite", args=[invite.token])).content.decode()
    assert "This team is full" in page and "Accept and join" not in page and "Decline" in page


def test_the_upload_form_is_closed_with_the_reset_time_when_the_quota_is_used(
    client, phase, team, django_capture_on_commit_callbacks
):
    phase.daily_limit = 1
    phase.save()
    url = reverse("competitions:challenge", args=[phase.challenge.event.slug, phase.challenge.slug])
    client.force_login(team.leader)
    page = client.get(url).content.decode()
    assert "<fieldset disabled" not in page
    scored(team, phase, PERFECT_CSV, django_capture_on_commit_callbacks)
    page = client.get(url).content.decode()
    assert '<fieldset disabled class="plain">' in page
    assert "You can upload again from <time" in page
    assert 'aria-describedby="quota-used-up"' in page


def test_plain_text_and_json_uploads_are_told_they_are_not_csv(phase, team):
    for content, says in [
        ("hello\n", "plain text, not a CSV file"),
        ('[{"ad_id": "a1", "cluster_id": "x"}]', "looks like JSON, not a CSV file"),
    ]:
        with pytest.raises(SubmissionRefused, match=says):
            submission_create(user=team.leader, phase=phase, uploaded=upload(content))


def test_numbers_and_sizes_in_one_format_per_language():
    template = Template("{% load datajam %}{{ s|metric }} {{ n|metric }} {{ b|filesizeformat }}")
    context = {"s": 0.83812, "n": 12000, "b": 84_000}
    with translation.override("fr"):
        french = template.render(Context(context))
    with translation.override("en"):
        english = template.render(Context(context))
    assert french.split()[0] == "0,8381" and "82,0" in french and "Kio" in french
    assert "12\xa0000" in french or "12 000" in french
    assert english == "0.8381 12,000 82.0\xa0KB"
    # Rounded, not cut off: Django's number_format alone would write 0.430 for 0.43077.
    rounded = Template("{% load datajam %}{{ s|metric:3 }} {{ t|metric }}")
    assert rounded.render(Context({"s": 0.43077, "t": 0.99996})) == "0.431 1.0000"


def test_the_reset_time_is_a_time_in_the_future(phase, team):
    from competitions.selectors.quotas import team_quota

    quota = team_quota(team=team, phase=phase)
    assert not quota.used_up
    assert quota.next_reset > timezone.now() > quota.next_reset - dt.timedelta(days=1)
