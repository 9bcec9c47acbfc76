"""Every URL of the project for each of the nine roles, generated from the URLconf.

Each route of ours (``world.our_routes()``) is requested by every role of ``world.ROLES``,
filled with the world's objects: a GET, or an empty POST where the route only takes POSTs
(inside a transaction that is rolled back, so one role's POST never changes what the next one
meets). The answer must be the one written here: ``L`` is the redirect to the login page, a
number the status code, ``*`` any answer (a route whose answer depends on the machine). A route without a line here fails ``test_every_route_has_expectations``,
so a new URL needs its answers decided; a line that lets one more role in fails its test.

A 302 on a POST is the page coming back with a message (a refusal by the service, such as a
member asking to disband, also answers that way; the services' own tests and
``tests/competitions/test_permissions.py`` check what is refused there).
"""

import pytest
from django.db import transaction

from tests.security.world import ROLES, build_world, our_routes, url_for

pytestmark = pytest.mark.django_db

# Columns: visitor, fresh, participant, other_organiser, other_team, leader, member, judge,
# organiser (see world.ROLES).
EXPECTED = {
    "accounts:profile": "  L 200 200 200 200 200 200 200 200",
    "accounts:token_create": "  L 400 400 400 400 400 400 400 400",
    "accounts:token_revoke": "  L 302 302 302 302 302 302 302 302",
    "accounts:two_factor_required": "  L 200 200 200 200 200 200 200 200",
    "api-docs": "200 200 200 200 200 200 200 200 200",
    "api-schema": "200 200 200 200 200 200 200 200 200",
    "api:accept_rules": "401 200 200 200 200 200 200 400 200",
    "api:audit": "401 403 403 403 403 403 403 403 200",
    "api:challenge": "200 200 200 200 200 200 200 200 200",
    "api:challenges": "200 200 200 200 200 200 200 200 200",
    "api:event": "200 200 200 200 200 200 200 200 200",
    "api:events": "200 200 200 200 200 200 200 200 200",
    "api:file_download": "401 403 200 403 200 200 200 200 200",
    "api:files": "200 200 200 200 200 200 200 200 200",
    "api:leaderboard": "200 200 200 200 200 200 200 200 200",
    "api:phase_rescore": "401 403 403 403 403 403 403 403 400",
    "api:phases": "200 200 200 200 200 200 200 200 200",
    "api:queue": "401 403 403 403 403 403 403 403 200",
    "api:quota": "200 200 200 200 200 200 200 200 200",
    "api:results": "404 404 404 404 404 404 404 404 200",
    "api:submission": "401 404 404 404 404 200 200 404 200",
    "api:submission_final": "401 404 404 404 404 200 200 404 400",
    "api:submission_rescore": "401 404 404 404 404 400 400 404 400",
    "api:submissions": "401 200 200 200 200 200 200 200 200",
    "api:team": "401 404 404 404 200 200 200 404 404",
    "competitions:accept_rules": "  L 302 302 302 302 302 302 302 302",
    "competitions:challenge": "200 200 200 200 200 200 200 200 200",
    "competitions:create_team": "  L 302 302 302 302 302 302 302 302",
    "competitions:data_download": "403 403 200 403 200 200 200 200 200",
    "competitions:event": "200 200 200 200 200 200 200 200 200",
    "competitions:home": "200 200 200 200 200 200 200 200 200",
    "competitions:join_team": "  L 200 200 200 200 200 200 200 200",
    "competitions:leaderboard": "200 200 200 200 200 200 200 200 200",
    "competitions:leaderboard_export": "200 200 200 200 200 200 200 200 200",
    "competitions:manage": "  L 200 200 200 200 200 200 200 200",
    "competitions:manage_announcement_new": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_audit": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_challenge": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_challenge_edit": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_challenge_new": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_challenge_template": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_data_add": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_data_delete": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_event": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_event_edit": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_event_new": "  L 200 200 200 200 200 200 200 200",
    "competitions:manage_event_publish": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_event_unpublish": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_moderate": "  L 404 404 404 404 403 403 404 302",
    "competitions:manage_phase_edit": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_phase_new": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_phase_rescore": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_phase_reveal": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_phase_truth": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_queue": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_queue_rescore": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_queue_rescore_phase": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_quota": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_role_add": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_role_remove": "  L 403 403 403 403 403 403 403 302",
    "competitions:manage_submissions": "  L 403 403 403 403 403 403 403 200",
    "competitions:manage_template_job": "  L 403 403 403 403 403 403 403 200",
    "competitions:notifications": "  L 200 200 200 200 200 200 200 200",
    "competitions:submission": "  L 404 404 404 404 200 200 404 200",
    "competitions:submission_download": "  L 404 404 404 404 200 200 404 200",
    "competitions:submission_final": "  L 404 404 404 404 302 302 404 302",
    "competitions:submission_status": "  L 404 404 404 404 200 200 404 200",
    "competitions:submit": "  L 302 302 302 302 302 302 302 302",
    "competitions:team": "  L 302 302 302 200 200 200 302 302",
    "competitions:team_disband": "  L 404 404 404 404 302 302 404 404",
    "competitions:team_invite": "  L 200 200 200 200 200 200 200 200",
    "competitions:team_invite_link": "  L 404 404 404 404 302 302 404 404",
    "competitions:team_invite_send": "  L 404 404 404 404 302 302 404 404",
    "competitions:team_invite_withdraw": "  L 404 404 404 404 302 302 404 404",
    "competitions:team_leave": "  L 404 404 404 404 302 302 404 404",
    "competitions:team_merge_decide": "  L 404 404 404 302 302 302 404 404",
    "competitions:team_merge_request": "  L 404 404 404 404 302 302 404 404",
    "competitions:team_submissions_export": "  L 404 404 404 200 200 200 404 404",
    "healthz": "  *   *   *   *   *   *   *   *   *",  # 503 without a worker: its own tests
    "judging:conflict_add": "403 403 403 403 403 403 403 302 403",
    "judging:conflict_remove": "403 403 403 403 403 403 403 302 403",
    "judging:judge_home": "  L 200 200 200 200 200 200 200 200",
    "judging:judge_track": "403 403 403 403 403 403 403 200 403",
    "judging:manage_assign": "403 403 403 403 403 403 403 403 302",
    "judging:manage_close_shortlist": "403 403 403 403 403 403 403 403 302",
    "judging:manage_conflict_add": "403 403 403 403 403 403 403 403 302",
    "judging:manage_conflict_remove": "403 403 403 403 403 403 403 403 302",
    "judging:manage_criterion": "403 403 403 403 403 403 403 403 200",
    "judging:manage_criterion_delete": "403 403 403 403 403 403 403 403 302",
    "judging:manage_criterion_new": "403 403 403 403 403 403 403 403 200",
    "judging:manage_lock": "403 403 403 403 403 403 403 403 302",
    "judging:manage_panel": "403 403 403 403 403 403 403 403 200",
    "judging:manage_panel_delete": "403 403 403 403 403 403 403 403 302",
    "judging:manage_panel_new": "403 403 403 403 403 403 403 403 200",
    "judging:manage_prize": "403 403 403 403 403 403 403 403 200",
    "judging:manage_prize_award": "403 403 403 403 403 403 403 403 302",
    "judging:manage_prize_delete": "403 403 403 403 403 403 403 403 302",
    "judging:manage_prize_new": "403 403 403 403 403 403 403 403 200",
    "judging:manage_results": "403 403 403 403 403 403 403 403 200",
    "judging:manage_results_unpublish": "403 403 403 403 403 403 403 403 302",
    "judging:manage_scores": "403 403 403 403 403 403 403 403 200",
    "judging:manage_scores_csv": "403 403 403 403 403 403 403 403 200",
    "judging:manage_screen": "403 403 403 403 403 403 403 403 302",
    "judging:manage_standings_csv": "403 403 403 403 403 403 403 403 200",
    "judging:manage_track": "403 403 403 403 403 403 403 403 200",
    "judging:manage_track_edit": "403 403 403 403 403 403 403 403 200",
    "judging:manage_unlock": "403 403 403 403 403 403 403 403 302",
    "judging:manage_vote_restore": "403 403 403 403 403 403 403 403 302",
    "judging:manage_vote_void": "403 403 403 403 403 403 403 403 302",
    "judging:manage_votes": "403 403 403 403 403 403 403 403 404",
    "judging:manage_votes_reviewed": "403 403 403 403 403 403 403 403 302",
    "judging:project": "  L 404 404 404 200 200 200 404 404",
    "judging:project_detail": "404 404 404 404 404 200 200 200 200",
    "judging:results": "404 404 404 404 404 404 404 404 200",
    "judging:score_sheet": "403 403 403 403 403 403 403 200 403",
    "judging:score_sheet_by_id": "403 403 403 403 403 403 403 200 403",
    "judging:standings": "404 404 404 404 404 404 404 404 200",
    "judging:vote": "404 404 404 404 404 404 404 404 404",
    "judging:writeup": "404 404 404 404 404 404 404 404 404",
    "set_language": "302 302 302 302 302 302 302 302 302",
}


def answer(client, url: str) -> tuple[str, object]:
    """What a role gets: the status code (``L`` for the login redirect) and the response."""
    with transaction.atomic():
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        transaction.set_rollback(True)
    code = str(response.status_code)
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        code = "L"
    return code, response


def test_every_route_has_expectations():
    routes = our_routes()
    assert len(routes) > 70
    assert sorted(set(routes) - set(EXPECTED)) == [], "decide these routes' answers here"
    assert sorted(set(EXPECTED) - set(routes)) == [], "these routes are gone"
    for name, row in EXPECTED.items():
        assert len(row.split()) == len(ROLES), name


@pytest.fixture(scope="module")
def routes():
    return our_routes()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_answer(name, routes):
    world = build_world()
    url = url_for(world, name, routes[name])
    got = {}
    for role in ROLES:
        got[role], _response = answer(world.client(role), url)
    expected = dict(zip(ROLES, EXPECTED[name].split(), strict=True))
    expected = {role: got[role] if code == "*" else code for role, code in expected.items()}
    assert got == expected, url
