from django.urls import path, re_path

from .views import teams

C = "e/<slug:event_slug>/<slug:challenge_slug>/"
T = "teams/<int:team_id>/"

urlpatterns = [
    path("teams/join/<str:token>/", teams.join_team, name="join_team"),
    path("teams/invites/<str:token>/", teams.invite_detail, name="team_invite"),
    path(T + "invite/", teams.invite_send, name="team_invite_send"),
    path(
        T + "invites/<int:invite_id>/withdraw/", teams.invite_withdraw, name="team_invite_withdraw"
    ),
    path(T + "invite-link/", teams.invite_link_regenerate, name="team_invite_link"),
    path(T + "leave/", teams.leave, name="team_leave"),
    path(T + "disband/", teams.disband, name="team_disband"),
    path(T + "merge/", teams.merge_request, name="team_merge_request"),
    re_path(
        r"^merges/(?P<merge_id>[0-9]+)/(?P<decision>accept|refuse|cancel)/$",
        teams.merge_decide,
        name="team_merge_decide",
    ),
    path(
        "submissions/<uuid:submission_id>/final/",
        teams.submission_final,
        name="submission_final",
    ),
    path(C + "rules/accept/", teams.accept_rules, name="accept_rules"),
    path(C + "teams/new/", teams.create_team, name="create_team"),
    path(C + "team/", teams.team_detail, name="team"),
]
