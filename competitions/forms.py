"""Forms for organisers' pages. Dates are entered in the organiser's time zone and stored in UTC."""

from django import forms
from django.conf import global_settings
from django.utils.translation import gettext_lazy as _

from scoring import TASKS

from .models import Challenge, DataFile, Event, EventRole, Phase, QuotaOverride
from .services.challenges import metric_choices, secondary_metric_choices

# Labels of model fields (the models have no verbose_name), marked for translation.
LABELS = {
    "name": _("Name"),
    "slug": _("Slug"),
    "tagline": _("Tagline"),
    "description": _("Description"),
    "starts_at": _("Starts at"),
    "ends_at": _("Ends at"),
    "title": _("Title"),
    "summary": _("Summary"),
    "task": _("Task"),
    "primary_metric": _("Primary metric"),
    "evaluation": _("Evaluation"),
    "rules": _("Rules"),
    "max_team_size": _("Max team size"),
    "merger_deadline": _("Merger deadline"),
    "final_selection_limit": _("Final selection limit"),
    "secondary_metrics": _("Secondary metrics"),
    "ladder": _("Ladder (against leaderboard probing)"),
    "ladder_step": _("Ladder step"),
    "order": _("Order"),
    "daily_limit": _("Daily limit"),
    "total_limit": _("Total limit"),
    "failed_daily_limit": _("Failed daily limit"),
    "time_limit_seconds": _("Time limit seconds"),
    "file": _("File"),
    "kind": _("Kind"),
    "reason": _("Reason"),
    "content_language": _("Language of the texts"),
    "require_mfa": _("Require two-factor authentication for organisers and judges"),
}


def labels_for(fields):
    return {f: LABELS[f] for f in fields}


def content_language_field(help_text) -> forms.ChoiceField:
    """Any language Django knows, named in the reader's language ("French" / "français")."""
    choices = [(code, _(name)) for code, name in global_settings.LANGUAGES]
    return forms.ChoiceField(
        label=LABELS["content_language"],
        choices=[("", _("Not given"))] + choices,
        required=False,
        help_text=help_text,
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TaskOptionsMixin:
    """Each metric's option says which task it belongs to (``data-task``), so the page shows
    only the chosen task's metrics (``static/js/datajam.js``)."""

    def __init__(self, *args, task_of: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task_of = task_of or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.task_of:
            option["attrs"]["data-task"] = self.task_of[value]
        return option


class TaskSelect(TaskOptionsMixin, forms.Select):
    pass


class TaskCheckboxes(TaskOptionsMixin, forms.CheckboxSelectMultiple):
    pass


def _task_of() -> dict[str, str]:
    return {metric: name for name, spec in TASKS.items() for metric in spec.metrics}


SLUG_HELP = _("The address on the site; filled from the title, you may change it.")


def slug_from_field(form, source: str) -> None:
    """A new object's slug may be left empty (the service fills it from ``source``); the page
    fills it as the title is typed, until the person edits it."""
    field = form.fields["slug"]
    field.widget.attrs["data-slug-from"] = f"id_{source}"
    if not form.instance.pk:
        field.required = False
        field.help_text = SLUG_HELP


class EventForm(forms.ModelForm):
    """Shapes input only: the rules live in ``services/events.py``."""

    content_language = content_language_field(
        _("The language you write the name, tagline and description in; screen readers use it.")
    )

    class Meta:
        model = Event
        fields = [
            "name", "slug", "tagline", "description", "content_language", "starts_at", "ends_at",
            "require_mfa",
        ]  # fmt: skip
        labels = labels_for(fields)
        help_texts = {
            "require_mfa": _(
                "Organisers and judges of this event then need an authenticator app to open "
                "its organiser and judging pages. Set it up for yourself first."
            )
        }
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug_from_field(self, "name")

    def validate_unique(self):
        """The service checks the slug, with a message of its own."""


class ChallengeForm(forms.ModelForm):
    """Shapes input only: the rules live in ``services/challenges.py``."""

    content_language = content_language_field(
        _(
            "The language of the title, summary, description, evaluation and rules; empty: the event's."
        )
    )

    class Meta:
        model = Challenge
        fields = [
            "title", "slug", "summary", "task", "primary_metric", "description", "evaluation",
            "rules", "content_language", "max_team_size", "merger_deadline",
            "final_selection_limit", "secondary_metrics",
        ]  # fmt: skip
        labels = labels_for(fields)
        widgets = {"merger_deadline": DateTimeInput()}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        slug_from_field(self, "title")
        self.fields["task"].widget.attrs["data-task-select"] = ""
        # The metrics of each task, by their human names, grouped by task; an existing
        # challenge offers only its own task's.
        if self.instance.pk:
            choices = metric_choices(self.instance.task)
        else:
            choices = [(spec.label, metric_choices(name)) for name, spec in TASKS.items()]
        self.fields["primary_metric"] = forms.ChoiceField(
            choices=choices,
            initial="pairwise_f1",
            label=LABELS["primary_metric"],
            help_text=_("The leaderboard ranks by this metric; it must belong to the task."),
            widget=TaskSelect(task_of=_task_of()),
        )
        if self.instance.pk:
            secondary = secondary_metric_choices(self.instance.task)
        else:
            secondary = [
                (spec.label, secondary_metric_choices(name)) for name, spec in TASKS.items()
            ]
        self.fields["secondary_metrics"] = forms.MultipleChoiceField(
            choices=secondary,
            required=False,
            widget=TaskCheckboxes(task_of=_task_of()),
            label=LABELS["secondary_metrics"],
            help_text=_(
                "Shown next to the primary metric on the leaderboards (at most four); "
                "people can sort by them."
            ),
        )


class PhaseForm(forms.ModelForm):
    """Shapes input only: the rules live in ``services/phases.py``."""

    class Meta:
        model = Phase
        fields = [
            "name", "order", "starts_at", "ends_at", "daily_limit", "total_limit",
            "failed_daily_limit", "time_limit_seconds", "ladder", "ladder_step",
        ]  # fmt: skip
        labels = labels_for(fields)
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}
        help_texts = {
            "ladder": _(
                "With the Ladder (Blum & Hardt, 2015) a team's public score changes only when "
                "it improves by more than a step, so probing the public part teaches little."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ladder"].required = False

    def clean_ladder(self):
        return self.cleaned_data.get("ladder") or Phase.Ladder.OFF

    def _post_clean(self):
        """No model validation here: the service checks the phase, with its own messages."""


class DataFileForm(forms.ModelForm):
    class Meta:
        model = DataFile
        fields = ["file", "name", "kind", "description"]
        labels = labels_for(fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Leave empty to use the uploaded file's name.")


class TruthForm(forms.Form):
    file = forms.FileField(
        label=_("Ground truth CSV"),
        help_text=_("Hidden from participants. Validated before it replaces the current one."),
    )


class QuotaOverrideForm(forms.ModelForm):
    class Meta:
        model = QuotaOverride
        fields = ["daily_limit", "total_limit", "reason"]
        labels = labels_for(fields)


class ModerationForm(forms.Form):
    ACTIONS = [
        ("hide", _("Hide from the leaderboard")),
        ("unhide", _("Show again")),
        ("disqualify", _("Disqualify")),
        ("requalify", _("Lift disqualification")),
        ("rescore", _("Rescore")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    reason = forms.CharField(label=LABELS["reason"], max_length=300, required=True)


class RoleForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=EventRole.Role.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=LABELS["reason"], max_length=300, required=False)


class LinkageTemplateForm(forms.Form):
    title = forms.CharField(label=LABELS["title"], max_length=200, initial=_("Link the ads"))
    slug = forms.SlugField(
        label=LABELS["slug"],
        initial="ad-linkage",
        help_text=SLUG_HELP,
        widget=forms.TextInput(attrs={"data-slug-from": "id_title"}),
    )
    n_ads = forms.IntegerField(
        label=_("Number of ads"), min_value=100, max_value=200_000, initial=10_000
    )
    seed = forms.IntegerField(
        label=_("Seed"), initial=0, help_text=_("The same seed gives the same corpus.")
    )
    preset = forms.ChoiceField(
        label=_("Difficulty"),
        choices=[
            (
                "easy",
                _(
                    "Easy: the starter baseline scores about 0.90 (operators re-post their "
                    "templates with small edits and keep their phones for long)."
                ),
            ),
            (
                "standard",
                _(
                    "Standard: about 0.70 (operators paraphrase, switch language, use throwaway "
                    "phones and buy templates from the same ad writers)."
                ),
            ),
            (
                "hard",
                _(
                    "Hard: about 0.50 (much more paraphrasing, throwaway phones, ads without "
                    "contact and shared templates)."
                ),
            ),
        ],
        initial="standard",
        required=False,  # left out: the template's default, standard
        widget=forms.RadioSelect,
        help_text=_(
            "Public pairwise F1 of the starter baseline; after creation the challenge page shows "
            "the reference scores on your corpus."
        ),
    )
    public_share = forms.FloatField(
        label=_("Public share"),
        min_value=0.05,
        max_value=0.95,
        required=False,  # left out: the preset's share for the corpus size
        help_text=_(
            "Share of ads on the public board. Left empty: half of them up to 6,000 ads, "
            "tapering to 0.3 from 10,000, so that a small corpus still gives steady scores."
        ),
    )
    primary_metric = forms.ChoiceField(
        label=LABELS["primary_metric"],
        choices=[
            (m, TASKS["ad-linkage"].metric_labels[m]) for m in TASKS["ad-linkage"].ranking_metrics
        ],
        initial="pairwise_f1",
    )
    daily_limit = forms.IntegerField(
        label=LABELS["daily_limit"], min_value=1, max_value=100, initial=5
    )
    days = forms.IntegerField(label=_("Length in days"), min_value=1, max_value=365, initial=30)

    def clean_preset(self) -> str:
        return self.cleaned_data.get("preset") or "standard"


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(label=_("To"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Markdown. Shown on the event page and sent to each participant as a notification "
            "and an e-mail."
        ),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenges = {str(c.pk): c for c in event.challenges.all()}
        self.fields["audience"].choices = [("", _("Every participant of the event"))] + [
            (pk, _("Participants of %(challenge)s") % {"challenge": c.title})
            for pk, c in self.challenges.items()
        ]

    def clean_audience(self):
        return self.challenges.get(self.cleaned_data.get("audience") or "")
