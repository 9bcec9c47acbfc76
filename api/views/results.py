"""An event's published results: winners by place, and each track's final leaderboard."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from competitions.permissions import can
from competitions.views.helpers import get_event
from judging.selectors.results import event_results, publication

from ..serializers import ResultsSerializer
from .base import ApiView, errors


class Results(ApiView):
    serializer_class = ResultsSerializer

    @extend_schema(
        summary="Published results (404 before publication, except to organisers)",
        responses={200: ResultsSerializer, **errors(404)},
    )
    def get(self, request, event):
        event = get_event(request, event)
        if not can(request.user, "results.view", event):
            raise Http404
        published = publication(event)
        tracks = [
            {
                "track": t.track,
                "winners": [
                    {
                        "prize": w.prize,
                        "team": w.team,
                        "members": [str(m) for m in w.members],
                        "project": w.project,
                    }
                    for w in t.winners
                ],
                "leaderboard": [
                    {"rank": rank, "team": team, "score": score}
                    for rank, team, score in t.leaderboard
                ],
            }
            for t in event_results(event)
        ]
        data = {
            "event": event.slug,
            "published_at": published.published_at if published else None,
            "tracks": tracks,
        }
        return Response(ResultsSerializer(data).data)
