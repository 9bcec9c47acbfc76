"""The community vote: tallies (valid ballots only) and the organisers' review, with the
signals of ballot stuffing on each ballot.

Signals (each ballot can carry several; a ballot with any is "suspicious" and listed first):

- **new account**: the voter's account was created after the window opened;
- **fast**: the vote came within ``FAST_SECONDS`` of the account's creation;
- **shared address**: ``SHARED_IP`` or more ballots of the track came from the same address;
- **shared network**: ``SHARED_NETWORK`` or more from the same /24 (IPv4) or /48 (IPv6);
- **new-account cluster**: ``CLUSTER_SIZE`` or more new accounts voted for one project and
  make up at least half of its ballots: those new accounts' ballots.

Signals are evidence for a person to weigh, never automatic voiding: a lab full of students
behind one NAT is legitimate, a ring of accounts made a minute before voting is not.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import Project, Track, Vote

FAST_SECONDS = 300
SHARED_IP = 3
SHARED_NETWORK = 5
CLUSTER_SIZE = 3


@dataclass
class Tally:
    project: Project
    votes: int


@dataclass
class Tallies:
    rows: list[Tally]
    voided: int

    @property
    def total(self) -> int:
        return sum(t.votes for t in self.rows)

    @property
    def leader(self) -> Project | None:
        """The project with the most valid votes; None when there are none or a tie on top."""
        if not self.rows or self.rows[0].votes == 0:
            return None
        if len(self.rows) > 1 and self.rows[1].votes == self.rows[0].votes:
            return None
        return self.rows[0].project


def vote_tallies(track: Track) -> Tallies:
    """Valid ballots per eligible project, most first (ties by title)."""
    counts: dict[int, int] = {}
    voided = 0
    for project_id, voided_at in Vote.objects.filter(track=track).values_list(
        "project_id", "voided_at"
    ):
        if voided_at is not None:
            voided += 1
        else:
            counts[project_id] = counts.get(project_id, 0) + 1
    votable = Q(track=track, team__is_baseline=False) & track.judgeable_filter()
    projects = Project.objects.filter(votable | Q(pk__in=list(counts))).select_related("team")
    rows = [Tally(p, counts.get(p.pk, 0)) for p in projects]
    rows.sort(key=lambda t: (-t.votes, t.project.title.lower(), t.project.pk))
    return Tallies(rows, voided)


@dataclass
class Ballot:
    vote: Vote
    signals: list[str] = field(default_factory=list)

    @property
    def suspicious(self) -> bool:
        return bool(self.signals)


def vote_review(track: Track) -> list[Ballot]:
    """Every ballot of the track with its signals, suspicious ones first."""
    votes = list(
        Vote.objects.filter(track=track).select_related("voter", "project__team", "voided_by")
    )
    by_ip: dict[str, int] = {}
    by_network: dict[str, int] = {}
    for vote in votes:
        if vote.ip:
            by_ip[vote.ip] = by_ip.get(vote.ip, 0) + 1
        if vote.network:
            by_network[vote.network] = by_network.get(vote.network, 0) + 1
    opens = track.vote_opens_at

    def is_new(vote: Vote) -> bool:
        return opens is not None and vote.voter.date_joined >= opens

    per_project: dict[int, list[Vote]] = {}
    for vote in votes:
        per_project.setdefault(vote.project_id, []).append(vote)
    clustered: set[int] = set()
    for ballots in per_project.values():
        fresh = [v for v in ballots if is_new(v)]
        if len(fresh) >= CLUSTER_SIZE and 2 * len(fresh) >= len(ballots):
            clustered.update(v.pk for v in fresh)

    result = []
    for vote in votes:
        ballot = Ballot(vote)
        if is_new(vote):
            ballot.signals.append(_("account created during the vote"))
        if (vote.created_at - vote.voter.date_joined).total_seconds() < FAST_SECONDS:
            ballot.signals.append(_("voted within minutes of signing up"))
        if vote.ip and by_ip[vote.ip] >= SHARED_IP:
            ballot.signals.append(_("%(n)d ballots from this address") % {"n": by_ip[vote.ip]})
        if vote.network and by_network[vote.network] >= SHARED_NETWORK:
            ballot.signals.append(
                _("%(n)d ballots from network %(net)s")
                % {"n": by_network[vote.network], "net": vote.network}
            )
        if vote.pk in clustered:
            ballot.signals.append(_("one of a cluster of new accounts voting for this project"))
        result.append(ballot)
    result.sort(key=lambda b: (not b.suspicious, b.vote.is_void, b.vote.created_at, b.vote.pk))
    return result
