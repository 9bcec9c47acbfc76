"""Time the synthetic corpus generator, against a reference run in the same process.

    python bench/generate.py            # 1,000,000 ads
    python bench/generate.py --n 200000

Absolute times on a shared machine are noisy, so it also times a reference: building and writing
a trivial CSV with the same number of rows and columns through the same library (pyarrow), and
prints the ratio. The generator's budget is a minute for a million ads.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starter.generate import ADS_COLUMNS, generate_corpus  # noqa: E402


def reference(n: int, out: Path) -> float:
    """Seconds to turn n rows of short Python strings into an arrow table and write it as CSV."""
    started = time.perf_counter()
    values = [f"row {i}" for i in range(n)]
    table = pa.table({name: pa.array(values, pa.string()) for name in ADS_COLUMNS})
    pa_csv.write_csv(table, out / "reference.csv")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of ads")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ref = reference(args.n, out)
        started = time.perf_counter()
        summary = generate_corpus(out / "corpus", n_ads=args.n, seed=args.seed)
        seconds = time.perf_counter() - started
        size_mb = (out / "corpus" / "ads.csv").stat().st_size / 1e6
    print(
        f"generate {args.n:,} ads: {seconds:.1f} s ({args.n / seconds:,.0f} ads/s, {size_mb:.0f} MB)"
    )
    print(f"reference (trivial {args.n:,}-row CSV via pyarrow): {ref:.2f} s")
    print(f"ratio generate / reference: {seconds / ref:.1f}")
    print(f"operators: {summary['n_operators']:,}, largest: {summary['largest_operator']:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
