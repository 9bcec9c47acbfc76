"""Forms shape input only; the rules (and their messages) live in ``judging/services``."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from competitions.formatting import score_text
from competitions.forms import DateTimeInput
from competitions.models import Submission, Team

from .models import Criterion, Panel, Prize, Track


def weight_text(weight) -> str:
    """2.50 → "2.5", 10.00 → "10"."""
    text = format(weight, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = [
            "ranking", "leaderboard_weight", "phase", "handin_deadline", "require_screening",
            "normalise", "assignment", "judges_per_project", "shortlist",
            "shortlist_judges_per_project", "shortlist_size", "feedback_shows_judges",
            "vote_opens_at", "vote_closes_at",
        ]  # fmt: skip
        labels = {
            "ranking": _("Final ranking"),
            "leaderboard_weight": _("Leaderboard weight in a blend (%)"),
            "phase": _("Leaderboard phase"),
            "handin_deadline": _("Project hand-in deadline"),
            "normalise": _("Normalise each judge's scores (z-scores)"),
            "assignment": _("Assigning projects to judges"),
            "judges_per_project": _("Judges per project (when balanced)"),
            "require_screening": _("Judges see only projects screened eligible"),
            "feedback_shows_judges": _("Show judges' names beside their feedback to teams"),
            "shortlist": _("Run a shortlist round before the final round"),
            "shortlist_judges_per_project": _("Shortlist round: judges per project"),
            "shortlist_size": _("Shortlist round: projects that go on to the final"),
            "vote_opens_at": _("Community vote opens"),
            "vote_closes_at": _("Community vote closes"),
        }
        help_texts = {
            "leaderboard_weight": _(
                "Blend only: the final position is this share of the leaderboard rank plus the "
                "rest of the judges' rank."
            ),
            "phase": _("Whose private leaderboard counts; empty for the challenge's last phase."),
            "handin_deadline": _("Needed when judges take part; in your time zone."),
            "normalise": _(
                "Centre and scale each judge's scores before averaging, so a harsh and a "
                "generous judge weigh the same."
            ),
            "vote_opens_at": _(
                "Optional, for a community-choice prize: signed-in people with a verified "
                "e-mail vote once for a project not their own; tallies stay hidden until you "
                "review the ballots."
            ),
            "shortlist": _(
                "Each project is first seen by a few judges on every criterion; the best by "
                "normalised score go on to the final round, judged by the panels."
            ),
        }
        widgets = {
            "handin_deadline": DateTimeInput(),
            "vote_opens_at": DateTimeInput(),
            "vote_closes_at": DateTimeInput(),
        }

    def __init__(self, *args, challenge, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["require_screening"].initial = True
        for name in ("shortlist_judges_per_project", "shortlist_size"):
            self.fields[name].required = False  # only with a shortlist round
        self.fields["phase"].queryset = challenge.phases.all()
        self.fields["phase"].required = False

    def _default_if_empty(self, name: str):
        value = self.cleaned_data.get(name)
        return Track._meta.get_field(name).default if value is None else value

    def clean_shortlist_judges_per_project(self):
        return self._default_if_empty("shortlist_judges_per_project")

    def clean_shortlist_size(self):
        return self._default_if_empty("shortlist_size")

    def _post_clean(self):
        """No model validation here: the service checks the track, with its own messages."""


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "scale_min", "scale_max", "order", "panel"]
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            "weight": _("Weight"),
            "scale_min": _("Lowest score"),
            "scale_max": _("Highest score"),
            "order": _("Order"),
            "panel": _("Panel"),
        }
        help_texts = {
            "panel": _("The panel whose judges score it in the final round; empty: every judge."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, track, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = track.panels.all()
        self.fields["panel"].required = False
        if not track.panels.exists():
            del self.fields["panel"]

    def _post_clean(self):
        """The service checks names, weights and scales."""


class PanelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    weight = forms.DecimalField(
        label=_("Weight in the judges' score"), min_value=0, max_digits=6, decimal_places=2
    )
    judges = forms.ModelMultipleChoiceField(
        label=_("Judges"), queryset=Panel.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, judges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judges"].queryset = judges


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you built and how; Markdown."),
    )
    repository_url = forms.CharField(
        label=_("Repository link"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    demo_url = forms.CharField(
        label=_("Demo or video link"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    writeup = forms.FileField(
        label=_("Write-up (PDF or Markdown, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.md,.markdown"}),
    )
    remove_writeup = forms.BooleanField(label=_("Remove the current write-up"), required=False)
    submissions = forms.ModelMultipleChoiceField(
        label=_("Submissions the project stands on"),
        queryset=Submission.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, team, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submissions"].queryset = Submission.objects.filter(
            team=team, state=Submission.State.SCORED
        ).order_by("-created_at")
        self.fields["submissions"].label_from_instance = _submission_label
        self.fields["writeup"].help_text = _("At most %(size)s.") % {
            "size": filesizeformat(max_bytes)
        }


def _submission_label(submission: Submission) -> str:
    score = score_text(submission.public_score)
    return f"{submission.original_name} · {submission.phase.name} · {score}"


class ConflictForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    reason = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)

    def __init__(self, *args, challenge, judges=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            challenge=challenge, is_baseline=False
        ).order_by("name")
        if judges is not None:
            self.fields["judge"] = forms.ModelChoiceField(label=_("Judge"), queryset=judges)
            self.order_fields(["judge", "team", "reason"])


class ScreenForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("Eligible")), ("ineligible", _("Not eligible"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (the team reads it; needed when not eligible)"),
        max_length=500,
        required=False,
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason (audit-logged)"), max_length=300)


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=_("Why the results are taken back"), max_length=300)


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("Why judging opens again"), max_length=300)


class PrizeForm(forms.ModelForm):
    class Meta:
        model = Prize
        fields = ["kind", "place", "name", "description"]
        labels = {
            "kind": _("Kind"),
            "place": _("Place (1 for 1st)"),
            "name": _("Name"),
            "description": _("What the winner gets"),
        }
        help_texts = {
            "name": _("Empty for a place: “1st place” and so on."),
            "description": _("Money, an incubator place, an invitation to the next DataJam…"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def _post_clean(self):
        """The service checks places and names."""


class AwardForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Winner"), queryset=Team.objects.none(), required=False, empty_label=_("nobody")
    )
    reason = forms.CharField(
        label=_("Reason (needed when it is not the team the standings suggest)"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            challenge=challenge, is_baseline=False
        ).order_by("name")


class ScoreSheetForm(forms.Form):
    """One whole-number field per criterion (empty allowed: drafts), and a comment."""

    comment = forms.CharField(
        label=_("Comment (for the organisers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    feedback = forms.CharField(
        label=_("Feedback for the team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The team reads it once the results are published (your name only if the "
            "organisers choose to show it)."
        ),
    )

    def __init__(self, *args, criteria, values=None, **kwargs):
        super().__init__(*args, **kwargs)
        values = values or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            name = f"criterion_{criterion.pk}"
            self.fields[name] = forms.IntegerField(
                label=criterion.name,
                required=False,
                min_value=criterion.scale_min,
                max_value=criterion.scale_max,
                help_text=_("%(low)s to %(high)s, weight %(weight)s. %(description)s")
                % {
                    "low": criterion.scale_min,
                    "high": criterion.scale_max,
                    "weight": weight_text(criterion.weight),
                    "description": criterion.description,
                },
                initial=values.get(criterion.pk),
            )
        self.order_fields([f"criterion_{c.pk}" for c in self.criteria] + ["comment", "feedback"])

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"criterion_{c.pk}") for c in self.criteria}
