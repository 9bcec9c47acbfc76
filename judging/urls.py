"""Judging's URLs (listed with their permissions in ``judging/README.md``). Included before
``competitions.urls``, so ``/e/<event>/results/`` is the results page (``results`` is a
reserved challenge slug)."""

from django.urls import path

from .views import judges, manage, public, votes

app_name = "judging"

E = "e/<slug:event_slug>/"
C = E + "<slug:challenge_slug>/"
P = C + "projects/<int:project_id>/"
J = C + "judging/"
M = "manage/e/<slug:event_slug>/c/<slug:challenge_slug>/track/"

urlpatterns = [
    path(E + "results/", public.results, name="results"),
    path(C + "standings/", public.standings, name="standings"),
    path(C + "project/", public.project_handin, name="project"),
    path(C + "vote/", votes.vote, name="vote"),
    path(P, public.project_detail, name="project_detail"),
    path(P + "writeup/", public.writeup, name="writeup"),
    path("judging/", judges.judge_home, name="judge_home"),
    path(J, judges.judge_track, name="judge_track"),
    path(J + "conflicts/", judges.conflict_add, name="conflict_add"),
    path(
        J + "conflicts/<int:conflict_id>/withdraw/",
        judges.conflict_remove,
        name="conflict_remove",
    ),
    path(J + "projects/<int:project_id>/", judges.score_sheet, name="score_sheet"),
    path(J + "sheets/<int:sheet_id>/", judges.score_sheet_by_id, name="score_sheet_by_id"),
    path(M, manage.track_manage, name="manage_track"),
    path(M + "edit/", manage.track_edit, name="manage_track_edit"),
    path(M + "criteria/new/", manage.criterion_edit, name="manage_criterion_new"),
    path(M + "criteria/<int:criterion_id>/", manage.criterion_edit, name="manage_criterion"),
    path(
        M + "criteria/<int:criterion_id>/delete/",
        manage.criterion_delete,
        name="manage_criterion_delete",
    ),
    path(M + "panels/new/", manage.panel_edit, name="manage_panel_new"),
    path(M + "panels/<int:panel_id>/", manage.panel_edit, name="manage_panel"),
    path(M + "panels/<int:panel_id>/delete/", manage.panel_delete, name="manage_panel_delete"),
    path(M + "shortlist/close/", manage.close_shortlist, name="manage_close_shortlist"),
    path(M + "votes/", votes.vote_manage, name="manage_votes"),
    path(M + "votes/reviewed/", votes.vote_reviewed, name="manage_votes_reviewed"),
    path(M + "votes/<int:vote_id>/void/", votes.vote_void, name="manage_vote_void"),
    path(M + "votes/<int:vote_id>/restore/", votes.vote_restore, name="manage_vote_restore"),
    path(M + "conflicts/", manage.conflict_set, name="manage_conflict_add"),
    path(
        M + "conflicts/<int:conflict_id>/withdraw/",
        manage.conflict_unset,
        name="manage_conflict_remove",
    ),
    path(M + "projects/<int:project_id>/screen/", manage.screen, name="manage_screen"),
    path(M + "assign/", manage.assign, name="manage_assign"),
    path(M + "lock/", manage.lock, name="manage_lock"),
    path(M + "unlock/", manage.unlock, name="manage_unlock"),
    path(M + "scores/", manage.scores, name="manage_scores"),
    path(M + "scores.csv", manage.scores_csv, name="manage_scores_csv"),
    path(M + "standings.csv", manage.standings_csv, name="manage_standings_csv"),
    path(M + "prizes/new/", manage.prize_edit, name="manage_prize_new"),
    path(M + "prizes/<int:prize_id>/", manage.prize_edit, name="manage_prize"),
    path(M + "prizes/<int:prize_id>/delete/", manage.prize_delete, name="manage_prize_delete"),
    path(M + "prizes/<int:prize_id>/award/", manage.prize_award, name="manage_prize_award"),
    path("manage/e/<slug:event_slug>/results/", manage.results_manage, name="manage_results"),
    path(
        "manage/e/<slug:event_slug>/results/unpublish/",
        manage.results_unpublish_view,
        name="manage_results_unpublish",
    ),
]
