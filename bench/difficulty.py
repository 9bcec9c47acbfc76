"""Calibration of the corpus difficulty presets: reference scores per preset, seed and size.

    python bench/difficulty.py                                  # 3,000 and 10,000 ads, seeds 0-2
    python bench/difficulty.py --sizes 3000,10000,30000,100000 --seeds 0,1,2,3,4
    python bench/difficulty.py --presets hard --methods baseline --sizes 100000 --seeds 0
    python bench/difficulty.py --presets hard --methods baseline --sizes 3000 --seeds 0-15

For each preset, corpus size and seed it generates the corpus, runs the reference methods of
`starter.references` (shared contacts only, identical text, the starter baseline), scores them with
the platform's scorer and prints public / private pairwise F1 and B-cubed F1. Then, per preset,
the baseline's public pairwise F1 against its band: every corpus within ± 0.07 of the target, and
the mean over seeds at 10,000 ads within ± 0.05, and how many seeds are within ± 0.07. Scores, not
times: the figures are the same on any machine.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starter.generate import PRESET_BAND, PRESET_TARGETS, PRESETS, generate_corpus  # noqa: E402
from starter.references import REFERENCES, reference_scores  # noqa: E402

BAND_OF_MEAN_AT_10K = 0.05


def in_band(target: float, n_ads: int, values: list[float]) -> bool:
    """Every corpus within BAND of the target; at 10,000 ads the mean within the narrower band."""
    if n_ads == 10_000 and abs(statistics.mean(values) - target) > BAND_OF_MEAN_AT_10K:
        return False
    return all(abs(v - target) <= PRESET_BAND for v in values)


def _ints(text: str) -> list[int]:
    """``"0,1,2"`` or ranges, both ends included: ``"0-4,10"``."""
    out: list[int] = []
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        out.extend(range(int(low), int(high or low) + 1))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--sizes", default="3000,10000", help="comma-separated numbers of ads")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds or ranges (0-15)")
    parser.add_argument("--methods", default=",".join(REFERENCES))
    args = parser.parse_args(argv)
    presets = args.presets.split(",")
    methods = tuple(args.methods.split(","))
    baseline: dict[tuple[str, int], list[float]] = {}
    print(
        "| preset | ads | seed | method | public pairwise F1 | private pairwise F1 "
        "| public B-cubed F1 | private B-cubed F1 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for preset in presets:
        for n_ads in _ints(args.sizes):
            for seed in _ints(args.seeds):
                with tempfile.TemporaryDirectory() as tmp:
                    out = Path(tmp)
                    generate_corpus(out, preset, n_ads=n_ads, seed=seed)
                    scores = reference_scores(out / "ads.csv", out / "truth.csv", out, methods)
                for method, split in scores.items():
                    pub, priv = split["public"], split["private"]
                    print(
                        f"| {preset} | {n_ads:,} | {seed} | {method} | {pub['pairwise_f1']:.3f} "
                        f"| {priv['pairwise_f1']:.3f} | {pub['bcubed_f1']:.3f} "
                        f"| {priv['bcubed_f1']:.3f} |",
                        flush=True,
                    )
                if "baseline" in scores:
                    f1 = scores["baseline"]["public"]["pairwise_f1"]
                    baseline.setdefault((preset, n_ads), []).append(f1)
    if baseline:
        print("\nBaseline public pairwise F1 against the bands:\n")
        print(
            "| preset | target | ads | seeds | mean | s.d. | min | max | seeds in band | in band |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        failures = 0
        for (preset, n_ads), values in baseline.items():
            target = PRESET_TARGETS.get(preset)
            inside = target is None or in_band(target, n_ads, values)
            failures += not inside
            seeds_in = "" if target is None else sum(abs(v - target) <= PRESET_BAND for v in values)
            spread = statistics.stdev(values) if len(values) > 1 else 0.0
            print(
                f"| {preset} | {target} | {n_ads:,} | {len(values)} "
                f"| {statistics.mean(values):.3f} | {spread:.3f} | {min(values):.3f} "
                f"| {max(values):.3f} | {seeds_in}/{len(values)} | {'yes' if inside else 'NO'} |"
            )
        print(f"\n{failures} preset/size combinations outside their band.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
