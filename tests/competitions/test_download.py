"""Who may download what: public data after the rules, submissions by their team, truth by nobody."""

import itertools
import re
import uuid
from urllib.parse import urlparse

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from competitions.models import DataFile, EventRole, MergeRequest, Submission, TeamInvite
from tests import factories

pytestmark = pytest.mark.django_db

TRUTH_MARKER = "hidden-operator-7f3a9c"
TRUTH_CSV = f"ad_id,cluster_id,usage\na1,{TRUTH_MARKER},Public\na2,{TRUTH_MARKER},Private\n"
DATA_MARKER = "public-corpus-5e21"
SUBMISSION_MARKER = "team-prediction-c0ffee"


@pytest.fixture
def world(db):
    phase = factories.PhaseFactory(
        truth_file=ContentFile(TRUTH_CSV.encode(), name="truth.csv"),
    )
    challenge = phase.challenge
    event = challenge.event
    data_file = DataFile.objects.create(
        challenge=challenge,
        name="ads.csv",
        kind=DataFile.Kind.TRAIN,
        file=ContentFile(f"ad_id,body\na1,{DATA_MARKER}\n".encode(), name="ads.csv"),
        size=30,
    )
    organiser = factories.UserFactory()
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    participant = factories.UserFactory()
    factories.add_member(team, participant, role="leader")
    rival_team = factories.TeamFactory(challenge=challenge, name="North Star")
    rival = factories.UserFactory()
    factories.add_member(rival_team, rival, role="leader")
    not_accepted = factories.UserFactory()
    submission = Submission.objects.create(
        phase=phase,
        team=team,
        submitted_by=participant,
        file=ContentFile(f"ad_id,cluster_id\na1,{SUBMISSION_MARKER}\n".encode(), name="p.csv"),
        original_name="predictions.csv",
        state=Submission.State.SCORED,
    )
    invite = TeamInvite.objects.create(team=team, email="x@example.org", invited_by=participant)
    merge = MergeRequest.objects.create(from_team=rival_team, to_team=team, requested_by=rival)
    return {
        "phase": phase, "challenge": challenge, "event": event, "data_file": data_file,
        "organiser": organiser, "participant": participant, "rival": rival,
        "not_accepted": not_accepted, "team": team, "submission": submission,
        "invite": invite, "merge": merge,
    }  # fmt: skip


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- public data -------------------------------------------------------------------------------


def data_url(world) -> str:
    c = world["challenge"]
    return f"/e/{c.event.slug}/{c.slug}/data/{world['data_file'].pk}/"


def test_a_visitor_cannot_download_data(world):
    response = client_for(None).get(data_url(world))
    assert response.status_code in {302, 403}
    assert DATA_MARKER.encode() not in body(response)


def test_a_logged_in_user_who_has_not_accepted_the_rules_cannot(world):
    response = client_for(world["not_accepted"]).get(data_url(world))
    assert response.status_code == 403
    assert DATA_MARKER.encode() not in body(response)
    page = client_for(world["not_accepted"]).get(
        f"/e/{world['event'].slug}/{world['challenge'].slug}/"
    )
    assert "Accept the rules to download the data." in page.content.decode()


def test_a_participant_who_accepted_the_rules_can(world):
    response = client_for(world["participant"]).get(data_url(world))
    assert response.status_code == 200
    assert DATA_MARKER.encode() in body(response)
    assert 'filename="ads.csv"' in response["Content-Disposition"]


def test_an_organiser_can_without_accepting(world):
    response = client_for(world["organiser"]).get(data_url(world))
    assert response.status_code == 200
    assert DATA_MARKER.encode() in body(response)


def test_a_data_file_of_another_challenge_is_not_found(world):
    other = DataFile.objects.create(
        challenge=factories.ChallengeFactory(), name="o.csv", file=ContentFile(b"x", name="o.csv")
    )
    c = world["challenge"]
    response = client_for(world["participant"]).get(f"/e/{c.event.slug}/{c.slug}/data/{other.pk}/")
    assert response.status_code == 404


# --- submissions -------------------------------------------------------------------------------


def submission_file_url(world) -> str:
    return f"/submissions/{world['submission'].pk}/file/"


def test_the_team_downloads_its_own_submission(world):
    response = client_for(world["participant"]).get(submission_file_url(world))
    assert response.status_code == 200
    assert SUBMISSION_MARKER.encode() in body(response)


def test_another_team_gets_404_as_if_it_did_not_exist(world):
    rival = client_for(world["rival"])
    response = rival.get(submission_file_url(world))
    assert response.status_code == 404
    assert SUBMISSION_MARKER.encode() not in body(response)
    assert rival.get(f"/submissions/{uuid.uuid4()}/file/").status_code == 404
    assert rival.get(f"/submissions/{world['submission'].pk}/").status_code == 404


def test_an_organiser_may_download_a_submission(world):
    response = client_for(world["organiser"]).get(submission_file_url(world))
    assert response.status_code == 200


def test_a_visitor_is_sent_to_log_in(world):
    response = client_for(None).get(submission_file_url(world))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- the hidden truth --------------------------------------------------------------------------


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _sample_values(world) -> dict[str, list[str]]:
    """Values for every URL parameter, several where one name means different things."""
    truth_name = world["phase"].truth_file.name
    return {
        "event_slug": [world["event"].slug],
        "challenge_slug": [world["challenge"].slug],
        "file_id": [str(world["data_file"].pk)],
        "phase_id": [str(world["phase"].pk)],
        "submission_id": [str(world["submission"].pk)],
        "team_id": [str(world["team"].pk)],
        "token": [world["team"].invite_token, world["invite"].token],
        "invite_id": [str(world["invite"].pk)],
        "merge_id": [str(world["merge"].pk)],
        "decision": ["accept"],
        "object_id": [str(world["phase"].pk)],
        "app_label": ["competitions"],
        "model_name": ["phase"],
        "url": [truth_name, "competitions/phase/"],
        "path": [truth_name],
    }


def _fill(route: str, values: dict[str, list[str]]) -> list[str]:
    """Concrete URLs for a route in path() or re_path() syntax (none if it cannot be filled)."""
    urls = [route]
    for pattern in (r"\(\?P<(?P<name>\w+)>[^()]*\)", r"<(?:\w+:)?(?P<name>\w+)>"):
        filled = []
        for url in urls:
            names = [m.group("name") for m in re.finditer(pattern, url)]
            choices = [values.get(name, ["1"]) for name in names]
            for combination in itertools.product(*choices):
                parts = re.split(pattern, url)
                # re.split keeps the captured names between the literal pieces: swap them.
                literal, names_in = parts[0::2], parts[1::2]
                assert len(names_in) == len(combination)
                filled.append(
                    "".join(
                        piece + (combination[i] if i < len(combination) else "")
                        for i, piece in enumerate(literal)
                    )
                )
        urls = filled
    result = []
    for url in urls:
        url = url.replace("^", "").replace("$", "").replace("\\Z", "")
        if not re.search(r"[()\[\]*+?\\|{}]", url):
            result.append("/" + url)
    return result


def test_no_url_serves_the_hidden_truth_to_anyone(world):
    """Every URL pattern, filled with this world's ids, fetched by a visitor, a participant and
    an organiser: the truth's content and its storage name never appear in any response."""
    truth_name = world["phase"].truth_file.name
    values = _sample_values(world)
    routes = list(_patterns(get_resolver()))
    urls = sorted({url for route in routes for url in _fill(route, values)})
    unfilled = [route for route in routes if not _fill(route, values)]
    assert unfilled == [], "give test_download sample values for these routes"
    assert len(urls) > 40  # the whole site, not a handful of pages
    served_files = 0
    for user in (None, world["participant"], world["organiser"]):
        client = client_for(user)
        for url in urls:
            content = body(client.get(url))
            assert TRUTH_MARKER.encode() not in content, url
            assert truth_name.encode() not in content, url
            if DATA_MARKER.encode() in content or SUBMISSION_MARKER.encode() in content:
                served_files += 1
    # The crawl did reach the views that serve files: it would have seen the truth there.
    assert served_files >= 3


def test_the_truth_file_has_no_url_of_its_own(world):
    truth = world["phase"].truth_file
    for name in (truth.name, "truth/" + truth.name.rsplit("/", 1)[-1]):
        for prefix in ("/media/", "/", "/static/", "/private/"):
            path = prefix + name
            try:
                resolve(path)
            except Resolver404:
                pass
            else:
                pytest.fail(f"{path} resolves to a view")
            response = client_for(world["organiser"]).get(path)
            assert response.status_code == 404
            assert TRUTH_MARKER.encode() not in body(response)
    try:
        url = truth.url
    except ValueError:
        return  # storage without URLs: nothing to serve
    assert client_for(world["organiser"]).get(urlparse(url).path).status_code == 404
