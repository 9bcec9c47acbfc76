from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import events, leaderboards, organiser, results, submissions

E = "events/<slug:event>/"
C = E + "challenges/<slug:challenge>/"

app_name = "api"
urlpatterns = [
    path("events/", events.EventList.as_view(), name="events"),
    path(E, events.EventDetail.as_view(), name="event"),
    path(E + "challenges/", events.ChallengeList.as_view(), name="challenges"),
    path(E + "results/", results.Results.as_view(), name="results"),
    path(E + "queue/", organiser.QueueHealth.as_view(), name="queue"),
    path(E + "audit/", organiser.AuditLogList.as_view(), name="audit"),
    path(C, events.ChallengeDetail.as_view(), name="challenge"),
    path(C + "phases/", events.PhaseList.as_view(), name="phases"),
    path(C + "quota/", events.CurrentQuota.as_view(), name="quota"),
    path(C + "rules/accept/", events.AcceptRules.as_view(), name="accept_rules"),
    path(C + "files/", events.FileList.as_view(), name="files"),
    path(C + "files/<int:file_id>/", events.FileDownload.as_view(), name="file_download"),
    path(C + "team/", events.MyTeam.as_view(), name="team"),
    path(C + "submissions/", submissions.ChallengeSubmissions.as_view(), name="submissions"),
    path(C + "leaderboard/", leaderboards.Leaderboard.as_view(), name="leaderboard"),
    path(
        "submissions/<uuid:submission_id>/",
        submissions.SubmissionDetail.as_view(),
        name="submission",
    ),
    path(
        "submissions/<uuid:submission_id>/final/",
        submissions.SubmissionFinal.as_view(),
        name="submission_final",
    ),
    path(
        "submissions/<uuid:submission_id>/rescore/",
        submissions.SubmissionRescore.as_view(),
        name="submission_rescore",
    ),
    path("phases/<int:phase_id>/rescore/", organiser.PhaseRescore.as_view(), name="phase_rescore"),
]

# Outside the versioned prefix: the OpenAPI 3 schema and the interactive docs. Swagger UI is
# served from this site (drf-spectacular-sidecar) with its script in a file of its own; it
# styles its elements inline, so its page alone allows inline styles (never inline script).
docs_view = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)
docs_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs_view, name="api-docs"),
]
