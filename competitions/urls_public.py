from django.urls import path

from .views import leaderboards, public, submissions

C = "e/<slug:event_slug>/<slug:challenge_slug>/"

urlpatterns = [
    path("", public.home, name="home"),
    path("submissions/<uuid:submission_id>/", submissions.submission_detail, name="submission"),
    path(
        "submissions/<uuid:submission_id>/status/",
        submissions.submission_status,
        name="submission_status",
    ),
    path(
        "submissions/<uuid:submission_id>/file/",
        submissions.submission_download,
        name="submission_download",
    ),
    path("e/<slug:event_slug>/", public.event_detail, name="event"),
    path(C, public.challenge_detail, name="challenge"),
    path(C + "leaderboard/", leaderboards.leaderboard, name="leaderboard"),
    path(C + "leaderboard/export/", leaderboards.leaderboard_export, name="leaderboard_export"),
    path(
        C + "team/submissions.csv",
        leaderboards.team_submissions_export,
        name="team_submissions_export",
    ),
    path(C + "data/<int:file_id>/", public.data_download, name="data_download"),
    path(C + "submit/", submissions.submit, name="submit"),
]
