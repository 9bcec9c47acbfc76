"""``python -m scoring``: exit 0 with a table or JSON, exit 2 with the reason on stderr."""

import json
import subprocess
import sys
from pathlib import Path

from .helpers import write_csv, write_truth

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli(tmp_path):
    truth = write_truth(
        tmp_path / "t.csv", ["a", "b", "c", "d"], ["1", "1", "2", "3"], ["Public", "Private"] * 2
    )
    sub = write_csv(tmp_path / "s.csv", "ad_id,cluster_id", [("a", "x"), ("b", "x"), ("c", "")])

    table = run("evaluate", "--task", "ad-linkage", "--truth", truth, "--submission", sub)
    assert table.returncode == 0, table.stderr
    assert "Pairwise F1" in table.stdout and "public" in table.stdout
    assert "1 of the 4 ads has no row" in table.stdout

    as_json = run(
        "evaluate", "--task", "ad-linkage", "--truth", truth, "--submission", sub, "--json"
    )
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["all"]["pairwise_f1"] == 1.0

    bad = write_csv(tmp_path / "bad.csv", "ad_id,cluster", [("a", "x")])
    refused = run("evaluate", "--task", "ad-linkage", "--truth", truth, "--submission", bad)
    assert refused.returncode == 2
    assert "Invalid submission" in refused.stderr and "expected header" in refused.stderr
    assert refused.stdout == ""

    broken_truth = run("evaluate", "--task", "ad-linkage", "--truth", sub, "--submission", sub)
    assert broken_truth.returncode == 2
    assert "Invalid ground truth" in broken_truth.stderr

    valid = run("validate-truth", "--task", "ad-linkage", "--truth", truth)
    assert valid.returncode == 0 and "n_clusters: 3" in valid.stdout
    invalid = run("validate-truth", "--task", "ad-linkage", "--truth", bad)
    assert invalid.returncode == 2 and "truth file is at fault" in invalid.stderr
