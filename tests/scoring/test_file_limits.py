"""A quote never closed, and files too large once decompressed (gzip bombs), are file errors."""

import gzip
import io
import zlib

import pytest

import scoring
from scoring import InvalidSubmission, InvalidTruth

from .helpers import write_truth

IDS = [f"ad{i}" for i in range(1, 8)]


@pytest.fixture
def truth(tmp_path):
    return write_truth(
        tmp_path / "t.csv",
        IDS,
        ["A", "A", "B", "B", "C", "D", "D"],
        ["Public", "Private"] * 3 + ["Public"],
    )


def raw(tmp_path, data: bytes, name="s.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(truth, path, **options) -> str:
    with pytest.raises(InvalidSubmission) as error:
        scoring.evaluate("ad-linkage", truth, path, **options)
    return str(error.value)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_unclosed_quote_is_refused_with_the_line_it_opens_on(truth, tmp_path, gz, newline):
    lines = ["ad_id,cluster_id", "ad1,x", "ad2,x", 'ad3,"c1', "ad4,y", "ad5,y", "ad6,z", ""]
    data = newline.join(lines).encode()
    message = refused(truth, raw(tmp_path, gzip.compress(data) if gz else data))
    assert "Line 4 opens a quoted field" in message
    assert "never closed" in message


def test_unclosed_quote_on_the_last_line(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b'ad_id,cluster_id\nad1,x\n"ad2,x'))
    assert "Line 3 opens a quoted field" in message


def test_unclosed_quote_with_a_warm_truth(truth, tmp_path):
    prepared = scoring.prepare_truth("ad-linkage", truth)
    path = raw(tmp_path, b'ad_id,cluster_id\nad1,"c1\nad2,x\nad3,x\n')
    assert "Line 2 opens a quoted field" in refused(prepared, path)


def test_closed_quoted_value_with_a_line_break_is_an_ordinary_label(truth, tmp_path):
    path = raw(tmp_path, b'ad_id,cluster_id\nad1,x\nad2,"two\nlines"\nad3,"two\nlines"\n')
    result = scoring.evaluate("ad-linkage", truth, path)
    assert result["n_submitted"] == 3
    assert result["all"]["n_predicted_clusters"] == 6  # ad2 and ad3 together, the rest alone


def test_unclosed_quote_in_the_truth_is_the_truth_at_fault(tmp_path):
    truth = raw(
        tmp_path, b'ad_id,cluster_id,usage\nad1,A,Public\nad2,"B,Private\nad3,C,Public\n', "t.csv"
    )
    with pytest.raises(InvalidTruth, match="Line 3 opens a quoted field"):
        scoring.prepare_truth("ad-linkage", truth)


def bomb(size: int) -> bytes:
    """A valid submission padded with blank lines: tiny compressed, ``size`` bytes inflated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b"ad_id,cluster_id\nad1,x\n")]
    block = b"\n" * (1 << 20)
    for _ in range(size >> 20):
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    return b"".join(parts)


def test_gzip_bomb_is_refused_before_parsing(truth, tmp_path):
    path = raw(tmp_path, bomb(64 << 20))  # 64 MB of blank lines in ~64 KB
    assert path.stat().st_size < 200_000
    message = refused(truth, path, max_bytes=8 << 20)
    assert "larger than 8 MB once decompressed" in message
    # The same file under a cap it fits in is read (blank lines are skipped).
    assert scoring.evaluate("ad-linkage", truth, path, max_bytes=80 << 20)["n_submitted"] == 1


def test_check_submission_size_reads_through_gzip_and_stops_at_the_cap(tmp_path):
    path = raw(tmp_path, bomb(64 << 20))
    with pytest.raises(InvalidSubmission, match="larger than 8 MB once decompressed"):
        scoring.check_submission_size(path, 8 << 20)
    with open(path, "rb") as handle:  # an open file, as an upload is
        with pytest.raises(InvalidSubmission, match="larger than"):
            scoring.check_submission_size(handle, 8 << 20)
    scoring.check_submission_size(path, 80 << 20)
    # Every member of a multi-member gzip counts.
    two = gzip.compress(b"a" * 600) + gzip.compress(b"b" * 600)
    scoring.check_submission_size(io.BytesIO(two), 1200)
    with pytest.raises(InvalidSubmission, match="larger than 1,100 bytes"):
        scoring.check_submission_size(io.BytesIO(two), 1100)


def test_plain_file_over_the_cap(truth, tmp_path):
    path = raw(tmp_path, b"ad_id,cluster_id\n" + b"ad1,x\n" + b"\n" * 5000)
    with pytest.raises(InvalidSubmission, match="larger than 4,000 bytes"):
        scoring.check_submission_size(path, 4000)
    assert "larger than 4,000 bytes" in refused(truth, path, max_bytes=4000)
    assert scoring.evaluate("ad-linkage", truth, path, max_bytes=6000)["n_submitted"] == 1


def test_truncated_gzip_is_refused(truth, tmp_path):
    rows = "".join(f"ad{i},{i * 7919 % 1000}\n" for i in range(20_000)).encode()
    data = gzip.compress(b"ad_id,cluster_id\n" + rows)
    assert "truncated" in refused(truth, raw(tmp_path, data[: len(data) // 2]))
