"""Time ad-linkage scoring against the pipeline a participant would write with pandas + sklearn.

    python bench/scoring.py                # 1,000,000 ads
    python bench/scoring.py --n 200000 --dir /tmp/corpus
    python bench/scoring.py --runs floor,cold,warm   # a subset (ratios need their runs)

Generates a corpus (heavy-tailed operator sizes, most ads alone, ~20 % of the predicted labels
perturbed, ~30 % of the ads Public), writes truth and submission CSVs, then times, each in its
own process so that its peak memory can be read from the kernel (VmHWM, the resident-set
high-water mark of the process's own address space; ru_maxrss would also count the parent's
memory at fork time):

  naive   pandas.read_csv of both files (dtype=str), merge on ad_id, then scikit-learn's
          adjusted_rand_score, normalized_mutual_info_score, v_measure_score,
          fowlkes_mallows_score and pair_confusion_matrix on all, public and private ads
          (no AMI: scikit-learn's takes hours at this size);
  cold    scoring.evaluate(task, truth_path, ..., skip=("ami",)): the same metrics and the rest
          of the suite (pairwise and B-cubed P/R/F1, exact-cluster F1, coverage, ...), without
          AMI, on a submission whose rows are shuffled (the general case: ids looked up);
  warm    the same with the truth prepared beforehand (scoring.prepare_truth, outside the
          clock): what a worker that has scored the phase before pays;
  ordered / warm_ordered
          cold / warm on the same rows in the truth's order (the fast path: no lookup);
  floor   parsing both files with pyarrow.csv and nothing else;
  ami     AMI alone on all ads (contingency + expected mutual information by cluster sizes);
  full    scoring.evaluate(...) with AMI on all three splits, what the platform runs cold.

Every process imports the same libraries before its clock starts, so the memory figures differ
only by the work. Wall and CPU seconds are both reported: on a shared machine the wall clock of
a process waiting for a core says little, its CPU time much more. Goals at 10^6 ads: cold >= 8x
and warm >= 12x faster than naive, warm within 4x of the parse floor, AMI under 5 s.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(n: int, folder: Path, seed: int) -> tuple[Path, Path]:
    """Write truth.csv and submission.csv for n ads; returns their paths."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    rng = np.random.default_rng(seed)
    # Operators: 55 % of the ads alone, the others in clusters with Zipf-like sizes up to 5,000.
    sizes = np.where(rng.random(n) < 0.55, 1, np.minimum(rng.zipf(1.7, n) + 1, 5000))
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    operator = np.repeat(np.arange(len(sizes)), sizes)[:n]
    order = rng.permutation(n)  # ads are listed in random order, not grouped by operator
    operator = operator[order]
    ids = np.char.add("ad", np.char.zfill(np.arange(n).astype(str), 7))
    usage = np.where(rng.random(n) < 0.3, "Public", "Private")

    # The prediction: same operators under other names, 20 % of the ads perturbed, half of those
    # moved into another predicted cluster and half split off alone.
    predicted = operator.copy()
    perturbed = np.flatnonzero(rng.random(n) < 0.2)
    moved = perturbed[rng.random(len(perturbed)) < 0.5]
    alone = np.setdiff1d(perturbed, moved)
    predicted[moved] = operator[rng.integers(0, n, len(moved))]
    predicted[alone] = len(sizes) + np.arange(len(alone))

    truth = folder / "truth.csv"
    submission = folder / "submission.csv"
    options = pa_csv.WriteOptions(quoting_style="needed")
    pa_csv.write_csv(
        pa.table(
            {
                "ad_id": ids,
                "cluster_id": np.char.add("op", operator.astype(str)),
                "usage": usage,
            }
        ),
        truth,
        options,
    )
    labels = np.char.add("c", predicted.astype(str))
    shuffle = rng.permutation(n)
    pa_csv.write_csv(
        pa.table({"ad_id": ids[shuffle], "cluster_id": labels[shuffle]}), submission, options
    )
    pa_csv.write_csv(
        pa.table({"ad_id": ids, "cluster_id": labels}), in_order_path(submission), options
    )
    return truth, submission


def in_order_path(submission: Path) -> Path:
    """The same submission with its rows in the order of the truth file."""
    return submission.with_name("submission-in-truth-order.csv")


def warm_imports() -> None:
    """The same imports in every measured process, before its clock starts."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import scipy.special  # noqa: F401
    import sklearn.metrics  # noqa: F401

    import scoring  # noqa: F401


def naive(truth: str, submission: str) -> dict:
    import pandas as pd
    from sklearn import metrics as sk

    t = pd.read_csv(truth, dtype=str, keep_default_na=False)
    s = pd.read_csv(submission, dtype=str, keep_default_na=False)
    merged = t.merge(s, on="ad_id", how="left", suffixes=("_true", "_pred"))
    scores = {}
    for split in ("all", "Public", "Private"):
        part = merged if split == "all" else merged[merged["usage"] == split]
        y, p = part["cluster_id_true"].to_numpy(), part["cluster_id_pred"].to_numpy()
        (_, fp), (fn, tp) = sk.pair_confusion_matrix(y, p)
        scores[split] = {
            "ari": sk.adjusted_rand_score(y, p),
            "nmi": sk.normalized_mutual_info_score(y, p),
            "v_measure": sk.v_measure_score(y, p),
            "fowlkes_mallows": sk.fowlkes_mallows_score(y, p),
            "pairwise_precision": int(tp) / int(tp + fp),
            "pairwise_recall": int(tp) / int(tp + fn),
        }
    return scores["all"]


def cold(truth: str, submission: str) -> dict:
    import scoring

    return scoring.evaluate("ad-linkage", truth, submission, skip=("ami",))["all"]


def ordered(truth: str, submission: str) -> dict:
    return cold(truth, str(in_order_path(Path(submission))))


def prepared(truth: str):
    """Set-up outside the clock of the warm runs."""
    import scoring

    return scoring.prepare_truth("ad-linkage", truth)


def warm(truth, submission: str) -> dict:
    import scoring

    return scoring.evaluate("ad-linkage", truth, submission, skip=("ami",))["all"]


def warm_ordered(truth, submission: str) -> dict:
    return warm(truth, str(in_order_path(Path(submission))))


def full(truth: str, submission: str) -> dict:
    import scoring

    return scoring.evaluate("ad-linkage", truth, submission)["all"]


def floor(truth: str, submission: str) -> dict:
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    for path, columns in ((truth, 3), (submission, 2)):
        names = ("ad_id", "cluster_id", "usage")[:columns]
        pa_csv.read_csv(
            path,
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
        )
    return {}


def ami(truth: str, submission: str) -> dict:
    """AMI on all ads from labels already in memory: the clock covers contingency + AMI only."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from scoring.linkage import adjusted_mutual_info, clustering_metrics, contingency

    t = pa_csv.read_csv(
        truth, convert_options=pa_csv.ConvertOptions(column_types={"ad_id": pa.string()})
    )
    s = pa_csv.read_csv(
        submission, convert_options=pa_csv.ConvertOptions(column_types={"ad_id": pa.string()})
    )
    true = pd.factorize(t.column("cluster_id").to_numpy())[0]
    position = pd.Series(np.arange(t.num_rows), index=t.column("ad_id").to_numpy())
    rows = position.loc[s.column("ad_id").to_numpy()].to_numpy()
    pred = np.empty(t.num_rows, dtype=np.int64)
    pred[rows] = pd.factorize(s.column("cluster_id").to_numpy())[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    table = contingency(true, pred)
    counted = time.perf_counter()
    clustering_metrics(table, skip=("ami",))
    others = time.perf_counter()
    adjusted = adjusted_mutual_info(table)
    done = time.perf_counter()
    return {
        "ami": adjusted,
        "_seconds": done - started,
        "_cpu": time.process_time() - cpu_started,
        "_contingency": counted - started,
        "_others": others - counted,
        "_ami_only": done - others,
    }


RUNS = {
    "floor": floor,
    "cold": cold,
    "warm": warm,
    "ordered": ordered,
    "warm_ordered": warm_ordered,
    "ami": ami,
    "full": full,
    "naive": naive,
}
WARM = {"warm", "warm_ordered"}  # the truth is prepared before the clock starts


def peak_rss_kb() -> int:
    """Peak resident memory of this process in KiB (VmHWM on Linux, else ru_maxrss)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(run: str, truth: str, submission: str) -> None:
    warm_imports()
    if run in WARM:
        truth = prepared(truth)
    baseline_kb = peak_rss_kb()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = RUNS[run](truth, submission)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_kb = peak_rss_kb()
    seconds = result.pop("_seconds", seconds)
    cpu = result.pop("_cpu", cpu)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "peak_mb": peak_kb / 1024,
                "work_mb": (peak_kb - baseline_kb) / 1024,
                "result": result,
            }
        )
    )


def measure(run: str, truth: Path, submission: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", run, str(truth), str(submission)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def ratio_line(label: str, m: dict, top: str, bottom: str, goal: str) -> str:
    wall = m[top]["seconds"] / m[bottom]["seconds"]
    cpu = m[top]["cpu"] / m[bottom]["cpu"]
    return f"{label:<26} {wall:>7.1f}x wall {cpu:>7.1f}x CPU   goal {goal}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of ads")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="keep the corpus here (default: a temp dir)")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the slow baseline")
    parser.add_argument("--runs", help=f"comma-separated subset of {','.join(RUNS)}")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each fast measurement; the best counts"
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("RUN", "TRUTH", "SUBMISSION"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0

    runs = args.runs.split(",") if args.runs else list(RUNS)
    if args.skip_naive and "naive" in runs:
        runs.remove("naive")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        truth, submission = folder / "truth.csv", folder / "submission.csv"
        if not (args.dir and truth.exists() and in_order_path(submission).exists()):
            truth, submission = generate(args.n, folder, args.seed)
        size_mb = (truth.stat().st_size + submission.stat().st_size) / 1e6
        print(
            f"corpus: {args.n:,} ads, {size_mb:.0f} MB of CSV, "
            f"ready in {time.perf_counter() - started:.1f} s in {folder}"
        )
        load_before = os.getloadavg()[0]
        m = {}
        for run in runs:
            tries = [
                measure(run, truth, submission) for _ in range(1 if run == "naive" else args.repeat)
            ]
            m[run] = min(tries, key=lambda r: r["seconds"])
        load_after = os.getloadavg()[0]

    print(f"{'run':<13} {'seconds':>9} {'CPU s':>9} {'peak MB':>9} {'work MB':>9}")
    for run, r in m.items():
        print(
            f"{run:<13} {r['seconds']:>9.3f} {r['cpu']:>9.3f} {r['peak_mb']:>9.0f} "
            f"{r['work_mb']:>9.0f}"
        )
    print(
        f"(best of {args.repeat} for all but naive; {os.cpu_count()} cores; load average "
        f"{load_before:.1f} before, {load_after:.1f} after)"
    )
    lines = [
        ("naive / cold", "naive", "cold", ">= 8x"),
        ("naive / warm", "naive", "warm", ">= 12x"),
        ("warm / parse floor", "warm", "floor", "<= 4x"),
        ("cold / parse floor", "cold", "floor", "(information)"),
        ("cold / warm", "cold", "warm", "(information)"),
        ("warm_ordered / parse floor", "warm_ordered", "floor", "(information)"),
    ]
    for label, top, bottom, goal in lines:
        if top in m and bottom in m:
            print(ratio_line(label, m, top, bottom, goal))
    if "ami" in m:
        a = m["ami"]["result"]
        print(
            f"AMI on all ads: {a['_ami_only']:.3f} s (target < 5 s), on top of the contingency "
            f"table ({a['_contingency']:.3f} s) and the other metrics ({a['_others']:.3f} s)"
        )
    if "naive" in m:
        nv = m["naive"]
        for run in ("cold", "warm"):
            if run in m:
                print(
                    f"peak memory {run} {m[run]['peak_mb']:.0f} MB vs naive {nv['peak_mb']:.0f} MB"
                )
        ours = m.get("warm") or m.get("cold")
        if ours:
            for name in ("ari", "nmi", "v_measure", "fowlkes_mallows", "pairwise_precision"):
                a, b = nv["result"][name], ours["result"][name]
                print(f"  {name:<20} naive {a:.12f}  ours {b:.12f}  diff {abs(a - b):.1e}")
    if "cold" in m and "warm" in m:
        same = m["cold"]["result"] == m["warm"]["result"]
        print(f"cold and warm results identical: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
