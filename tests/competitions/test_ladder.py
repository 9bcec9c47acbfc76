"""The Ladder (Blum & Hardt, 2015): a hand-worked sequence, the parameter-free step, and an
adaptive attack that probes single-ad flips against the platform's public board."""

import random

import pytest
from django.core.files.base import ContentFile

import scoring
from competitions.ladder import auto_step, replay, round_to_step
from competitions.models import EventRole, Standing, Submission
from competitions.permissions import can
from competitions.selectors.leaderboards import board_page, ladder_step
from competitions.services.scoring import submission_record_scores, submission_start
from tests import factories


def test_a_hand_worked_sequence_higher_is_better():
    # η = 0.05. Released: the first score; then only a gain of more than η over the released
    # value, rounded to a multiple of η.
    scores = [0.50, 0.53, 0.56, 0.52, 0.61, 0.66, 0.665, 0.72, None]
    steps = replay(scores, 0.05, higher=True)
    assert [s.released for s in steps] == [0.5, 0.5, 0.55, 0.55, 0.6, 0.65, 0.65, 0.7, 0.7]
    assert [s.moved for s in steps] == [True, False, True, False, True, True, False, True, False]


def test_a_hand_worked_sequence_lower_is_better():
    steps = replay([1.00, 0.97, 0.90, 0.93, 0.84], 0.05, higher=False)
    assert [s.released for s in steps] == [1.0, 1.0, 0.9, 0.9, 0.85]
    assert [s.moved for s in steps] == [True, False, True, False, True]


def test_without_a_step_every_strict_improvement_is_released_exactly():
    steps = replay([0.5, 0.5, 0.5000001, 0.4], None, higher=True)
    assert [s.released for s in steps] == [0.5, 0.5, 0.5000001, 0.5000001]
    assert [s.moved for s in steps] == [True, False, True, False]


@pytest.mark.parametrize(
    "n, step",
    [(0, None), (1, 1.0), (30, 0.1), (100, 0.1), (400, 0.05), (3600, 0.01), (10_000, 0.01),
     (1_000_000, 0.001)],
)  # fmt: skip
def test_the_parameter_free_step_is_a_round_number_at_most_one_over_root_n(n, step):
    assert auto_step(n) == step
    if n:
        assert step <= n**-0.5 + 1e-12


def test_rounding_to_the_step():
    assert round_to_step(0.874, 0.05) == 0.85
    assert round_to_step(0.876, 0.05) == 0.9
    assert round_to_step(0.12345, 0.001) == 0.123


# --- An adaptive attack on the public board -------------------------------------------------

N_ADS = 240
PROBES = 70


def _truth_and_start(rng: random.Random) -> tuple[str, dict[str, str]]:
    """A truth of operators of 1–6 ads, half of the ads public; and a fair first attempt that
    has a quarter of the ads in a wrong cluster."""
    labels, cluster = {}, 0
    ads = [f"ad{i:04d}" for i in range(N_ADS)]
    i = 0
    while i < N_ADS:
        size = rng.choice([1, 1, 2, 3, 4, 6])
        for ad in ads[i : i + size]:
            labels[ad] = f"op{cluster}"
        cluster += 1
        i += size
    rows = ["ad_id,cluster_id,usage"]
    for n, ad in enumerate(ads):
        rows.append(f"{ad},{labels[ad]},{'Public' if n % 2 else 'Private'}")
    guess = dict(labels)
    for ad in rng.sample(ads, N_ADS // 4):
        guess[ad] = f"op{rng.randrange(cluster)}"
    return "\n".join(rows) + "\n", guess


def _attack(phase, team, participant, guess: dict[str, str], rng: random.Random, tmp_path):
    """Submit single-ad flips; keep a flip when the public board (as the participant sees it)
    shows a better score for the team, undo it otherwise. Returns the board before and after."""
    truth = phase.truth_file.path
    raw = can(participant, "phase.view_raw_scores", phase)

    def submit(prediction: dict[str, str]) -> float:
        path = tmp_path / "probe.csv"
        path.write_text(
            "ad_id,cluster_id\n" + "".join(f"{ad},{c}\n" for ad, c in prediction.items())
        )
        result = scoring.evaluate("ad-linkage", truth, path, skip=("ami",))
        submission = Submission.objects.create(
            phase=phase, team=team, file="x.csv", original_name="probe.csv", task_id="t"
        )
        submission_record_scores(
            submission=submission_start(submission_id=submission.pk), result=result
        )
        # What the participant's public board shows for the team: its released score.
        return Standing.objects.get(phase=phase, team=team).released

    ads = list(guess)
    board = first = submit(guess)
    for _ in range(PROBES):
        ad, other = rng.sample(ads, 2)
        before = guess[ad]
        guess[ad] = guess[other]
        shown = submit(guess)
        if shown > board:
            board = shown
        else:
            guess[ad] = before
    row = next(r for r in board_page(phase, raw=raw).rows if r.team_id == team.pk)
    assert row.score == board  # the page shows what the attacker saw
    return first, board


@pytest.mark.django_db
def test_single_ad_flip_probing_gains_far_less_with_the_ladder(tmp_path):
    gains = {}
    for ladder in ("off", "auto"):
        rng = random.Random(7)
        truth, guess = _truth_and_start(rng)
        phase = factories.PhaseFactory(
            ladder=ladder,
            daily_limit=1000,
            truth_file=ContentFile(truth.encode(), name="truth.csv"),
            truth_summary={"n_public": N_ADS // 2},
        )
        team = factories.TeamFactory(challenge=phase.challenge)
        participant = factories.UserFactory()
        factories.add_member(team, participant, role="leader")
        EventRole.objects.create(
            event=phase.challenge.event, user=factories.UserFactory(), role="organiser"
        )
        first, last = _attack(phase, team, participant, guess, rng, tmp_path)
        gains[ladder] = last - first
    assert ladder_step(phase) == 0.05  # 1/√120 ≈ 0.091, rounded down to a round step
    # Without the Ladder each lucky flip shows and is kept: the public board climbs.
    assert gains["off"] > 0.02
    # With it a single flip never moves the released score: the probes teach nothing.
    assert gains["auto"] <= gains["off"] / 5
