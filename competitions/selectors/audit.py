"""The audit log in words: "organiser@datajam.local made judge@datajam.local a judge".

Each stored action code has a sentence (a source text, translated for the reader) and a short
name for the filter; the sentences take ``%(actor)s`` (the person, or "The platform"),
``%(target)s`` (what it was done to) and, for roles, ``%(person)s``. An action without a
sentence is still shown, with its code.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import AuditLog, Event

# action code → (short name for the filter, sentence)
ACTIONS = {
    "event.create": (_("Event created"), _("%(actor)s created the event")),
    "event.edit": (_("Event edited"), _("%(actor)s edited the event (%(fields)s)")),
    "event.publish": (_("Event published"), _("%(actor)s published the event")),
    "event.unpublish": (_("Event unpublished"), _("%(actor)s made the event a draft again")),
    "role.grant": (_("Role given"), _("%(actor)s made %(person)s %(role)s")),
    "role.revoke": (_("Role removed"), _("%(actor)s removed %(person)s as %(role)s")),
    "challenge.create": (_("Challenge created"), _("%(actor)s created the challenge %(target)s")),
    "challenge.create_from_template": (
        _("Challenge created from the template"),
        _("%(actor)s created the challenge %(target)s from the ad-linkage template"),
    ),
    "challenge.edit": (_("Challenge edited"), _("%(actor)s edited the challenge %(target)s")),
    "data.upload": (_("Data file uploaded"), _("%(actor)s uploaded the data file %(target)s")),
    "data.delete": (_("Data file deleted"), _("%(actor)s deleted the data file %(target)s")),
    "phase.create": (_("Phase created"), _("%(actor)s created the phase %(target)s")),
    "phase.edit": (_("Phase edited"), _("%(actor)s edited the phase %(target)s")),
    "truth.upload": (_("Ground truth uploaded"), _("%(actor)s uploaded the ground truth of %(target)s")),
    "truth.replace": (_("Ground truth replaced"), _("%(actor)s replaced the ground truth of %(target)s")),
    "phase.rescore": (_("Phase rescored"), _("%(actor)s queued every submission of %(target)s for rescoring")),
    "phase.reveal_private": (_("Private leaderboard revealed"), _("%(actor)s revealed the private leaderboard of %(target)s")),
    "phase.hide_private": (_("Private leaderboard hidden"), _("%(actor)s hid the private leaderboard of %(target)s again")),
    "quota.override": (_("Team limits changed"), _("%(actor)s changed the limits of %(target)s")),
    "submission.hide": (_("Submission hidden"), _("%(actor)s hid the submission %(target)s from the leaderboard")),
    "submission.unhide": (_("Submission shown again"), _("%(actor)s showed the submission %(target)s again")),
    "submission.disqualify": (_("Submission disqualified"), _("%(actor)s disqualified the submission %(target)s")),
    "submission.requalify": (_("Disqualification lifted"), _("%(actor)s lifted the disqualification of %(target)s")),
    "submission.rescore": (_("Submission rescored"), _("%(actor)s queued the submission %(target)s for rescoring")),
    "submission.final": (_("Final submission chosen"), _("%(actor)s marked %(target)s as final")),
    "submission.unfinal": (_("Final choice removed"), _("%(actor)s unmarked %(target)s as final")),
    "team.create": (_("Team created"), _("%(actor)s created the team %(target)s")),
    "team.join": (_("Team joined"), _("%(actor)s joined the team %(target)s")),
    "team.leave": (_("Team left"), _("%(actor)s left the team %(target)s")),
    "team.disband": (_("Team disbanded"), _("%(actor)s disbanded the team %(target)s")),
    "team.merge": (_("Teams merged"), _("%(actor)s merged teams into %(target)s")),
    "announcement.send": (_("Announcement sent"), _("%(actor)s sent the announcement “%(target)s”")),
    "track.create": (_("Judging track created"), _("%(actor)s created the judging track %(target)s")),
    "track.edit": (_("Judging track edited"), _("%(actor)s edited the judging track %(target)s")),
    "criterion.create": (_("Criterion created"), _("%(actor)s added the criterion %(target)s")),
    "criterion.edit": (_("Criterion edited"), _("%(actor)s edited the criterion %(target)s")),
    "criterion.delete": (_("Criterion deleted"), _("%(actor)s deleted the criterion %(target)s")),
    "judging.assign": (_("Projects assigned"), _("%(actor)s assigned projects to judges in %(target)s")),
    "judging.lock": (_("Judging locked"), _("%(actor)s locked judging of %(target)s")),
    "judging.unlock": (_("Judging unlocked"), _("%(actor)s unlocked judging of %(target)s")),
    "conflict.declare": (_("Conflict declared"), _("%(actor)s declared a conflict of interest: %(target)s")),
    "conflict.withdraw": (_("Conflict withdrawn"), _("%(actor)s withdrew a conflict of interest: %(target)s")),
    "scoresheet.submit": (_("Score sheet submitted"), _("%(actor)s submitted the score sheet %(target)s")),
    "scoresheet.reopen": (_("Score sheet reopened"), _("%(actor)s reopened the score sheet %(target)s")),
    "project.handin": (_("Project handed in"), _("%(actor)s handed in the project %(target)s")),
    "project.edit": (_("Project edited"), _("%(actor)s edited the project %(target)s")),
    "prize.create": (_("Prize created"), _("%(actor)s created the prize %(target)s")),
    "prize.edit": (_("Prize edited"), _("%(actor)s edited the prize %(target)s")),
    "prize.delete": (_("Prize deleted"), _("%(actor)s deleted the prize %(target)s")),
    "prize.award": (_("Prize awarded"), _("%(actor)s awarded the prize %(target)s")),
    "prize.unaward": (_("Prize award removed"), _("%(actor)s took back the award of %(target)s")),
    "results.publish": (_("Results published"), _("%(actor)s published the results")),
    "handin.reminder": (_("Hand-in reminder sent"), _("%(actor)s reminded the teams of %(target)s to hand in")),
}  # fmt: skip

ROLE_WORDS = {"organiser": _("an organiser"), "judge": _("a judge")}


def actor_name(entry: AuditLog) -> str:
    return entry.actor.email or str(entry.actor) if entry.actor else gettext("The platform")


def action_name(action: str) -> str:
    return str(ACTIONS[action][0]) if action in ACTIONS else action


def _role_params(entry: AuditLog) -> dict:
    """Who got or lost which role: from the entry's data, else from the role's label
    ("user · role · event") for entries written before the data carried it."""
    parts = entry.target_label.split(" · ")
    person = entry.data.get("email") or (parts[0] if parts else "")
    role = entry.data.get("role") or (parts[1] if len(parts) > 1 else "")
    return {"person": person, "role": str(ROLE_WORDS.get(role, role))}


def audit_sentence(entry: AuditLog) -> str:
    """The entry as a sentence in the active language."""
    params = {"actor": actor_name(entry), "target": entry.target_label, "fields": ""}
    if entry.action.startswith("role."):
        params.update(_role_params(entry))
    changed = entry.data.get("changed") if isinstance(entry.data, dict) else None
    if isinstance(changed, dict):
        params["fields"] = ", ".join(name.replace("_", " ") for name in changed)
    if entry.action not in ACTIONS:
        return f"{params['actor']}: {entry.action} {entry.target_label}".strip()
    try:
        return str(ACTIONS[entry.action][1]) % params
    except (KeyError, TypeError, ValueError):
        return f"{params['actor']}: {action_name(entry.action)} {entry.target_label}".strip()


@dataclass
class AuditFilter:
    action: str = ""
    person: str = ""  # an actor's id, or "platform"


def audit_entries(event: Event, chosen: AuditFilter) -> QuerySet[AuditLog]:
    entries = AuditLog.objects.filter(event=event).select_related("actor")
    if chosen.action:
        entries = entries.filter(action=chosen.action)
    if chosen.person == "platform":
        entries = entries.filter(actor__isnull=True)
    elif chosen.person.isdigit():
        entries = entries.filter(actor_id=int(chosen.person))
    return entries


def audit_filter_choices(event: Event) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The actions and the people that appear in the event's log, for the filter."""
    log = AuditLog.objects.filter(event=event)
    actions = sorted(
        {(code, action_name(code)) for code in log.values_list("action", flat=True).distinct()},
        key=lambda pair: pair[1].lower(),
    )
    people = {}
    for actor_id, email, username in (
        log.filter(actor__isnull=False)
        .values_list("actor_id", "actor__email", "actor__username")
        .distinct()
    ):
        people[str(actor_id)] = email or username
    choices = sorted(people.items(), key=lambda pair: pair[1].lower())
    if log.filter(actor__isnull=True).exists():
        choices.append(("platform", gettext("The platform")))
    return actions, choices
