"""Prizes in order, the standings' suggested winners, and an event's results page."""

from dataclasses import dataclass, field

from competitions.models import Event, Team

from ..models import EventResults, Prize, Project, Track
from .judging import tracks_of_event
from .standings import Standings, leaderboard_ranks, track_phase, track_standings
from .votes import Tallies, vote_tallies

KIND_ORDER = {
    Prize.Kind.PLACE: 0, Prize.Kind.MENTION: 1, Prize.Kind.SPECIAL: 2, Prize.Kind.COMMUNITY: 3,
}  # fmt: skip


def prizes_in_order(track: Track) -> list[Prize]:
    """Places by number, then honourable mentions, then special prizes."""
    prizes = list(track.prizes.select_related("winner"))
    return sorted(prizes, key=lambda p: (KIND_ORDER.get(p.kind, 3), p.place or 0, p.pk))


def suggested_winners(track: Track, standings: Standings | None = None) -> dict[int, Team]:
    """``{prize_id: team}`` from the standings: the Nth place goes to the Nth ranked team,
    honourable mentions to the teams after the last place; the community prize to the project
    with the most valid votes once the organisers reviewed the vote (none on a tie); special
    prizes get no suggestion."""
    standings = standings or track_standings(track)
    ranked = standings.ranked
    teams = {t.pk: t for t in Team.objects.filter(pk__in=[r.team_id for r in ranked])}
    prizes = prizes_in_order(track)
    places = [p.place for p in prizes if p.kind == Prize.Kind.PLACE and p.place]
    next_index = max(places, default=0)
    result = {}
    community = None
    if track.has_vote and track.vote_reviewed_at is not None:
        leader = vote_tallies(track).leader
        community = leader.team if leader is not None else None
    for prize in prizes:
        if prize.kind == Prize.Kind.COMMUNITY:
            if community is not None:
                result[prize.pk] = community
            continue
        index = None
        if prize.kind == Prize.Kind.PLACE and prize.place:
            index = prize.place - 1
        elif prize.kind == Prize.Kind.MENTION:
            index = next_index
            next_index += 1
        if index is not None and index < len(ranked):
            result[prize.pk] = teams[ranked[index].team_id]
    return result


def is_published(event: Event) -> bool:
    return EventResults.objects.filter(event=event, state=EventResults.State.PUBLISHED).exists()


def publication(event: Event) -> EventResults | None:
    return EventResults.objects.filter(event=event).select_related("published_by").first()


@dataclass
class Winner:
    prize: Prize
    team: Team
    members: list
    project: Project | None


@dataclass
class TrackResults:
    track: Track
    winners: list[Winner]
    unawarded: list[Prize]
    standings: Standings
    leaderboard: list = field(default_factory=list)  # (rank, team name, score)
    votes: Tallies | None = None  # the reviewed community vote


def event_results(event: Event) -> list[TrackResults]:
    """What the results page shows for each track: winners by place with their prize, team
    members and project, the standings, and the final (private) leaderboard."""
    result = []
    for track in tracks_of_event(event):
        projects = {p.team_id: p for p in Project.objects.filter(track=track)}
        winners, unawarded = [], []
        for prize in prizes_in_order(track):
            if prize.winner is None:
                unawarded.append(prize)
                continue
            members = [m.user for m in prize.winner.memberships.select_related("user")]
            winners.append(Winner(prize, prize.winner, members, projects.get(prize.winner_id)))
        board = leaderboard_ranks(track_phase(track)) if track.uses_leaderboard else {}
        result.append(
            TrackResults(
                track=track,
                winners=winners,
                unawarded=unawarded,
                standings=track_standings(track),
                leaderboard=[(e.rank, e.team_name, e.score) for e in board.values()],
                votes=vote_tallies(track)
                if track.has_vote and track.vote_reviewed_at is not None
                else None,
            )
        )
    return result
