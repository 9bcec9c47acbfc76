"""Every way a file can be wrong, and what the message says (and never says)."""

import codecs
import gzip

import pytest

import scoring
from scoring import InvalidSubmission, InvalidTruth
from scoring.io import check_header

from .helpers import write_csv, write_truth

# Distinctive truth values: none may ever appear in a message to a participant.
SECRETS = ("OPERATOR_SECRET", "Public", "Private", "HIDDEN_AD")
HEADER = "ad_id,cluster_id"


@pytest.fixture
def truth(tmp_path):
    ids = [f"ad{i}" for i in range(1, 21)] + ["HIDDEN_AD"]
    return write_truth(
        tmp_path / "truth.csv",
        ids,
        [f"OPERATOR_SECRET_{i // 3}" for i in range(21)],
        ["Public" if i % 2 else "Private" for i in range(21)],
    )


def refused(truth, path) -> str:
    with pytest.raises(InvalidSubmission) as caught:
        scoring.evaluate("ad-linkage", truth, path)
    message = str(caught.value)
    for secret in SECRETS:
        assert secret not in message
    return message


def raw(tmp_path, data: bytes):
    path = tmp_path / "sub"
    path.write_bytes(data)
    return path


def test_empty_file(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b""))
    assert "empty" in message and HEADER in message


def test_empty_gzip_file(truth, tmp_path):
    assert "empty" in refused(truth, raw(tmp_path, gzip.compress(b"")))


def test_blank_lines_only(truth, tmp_path):
    assert "empty" in refused(truth, raw(tmp_path, b"\r\n\n"))


def test_header_only(truth, tmp_path):
    message = refused(truth, raw(tmp_path, codecs.BOM_UTF8 + b"ad_id,cluster_id\r\n"))
    assert "no data rows" in message


def test_wrong_header(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"id,cluster\nad1,1\n"))
    assert "expected header ad_id,cluster_id, got 'id,cluster'" in message


def test_header_with_spaces_or_capitals(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"Ad_ID, cluster_id\nad1,1\n"))
    assert "case-sensitive" in message and "spaces" in message


def test_extra_column(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"ad_id,cluster_id,score\nad1,1,0.5\n"))
    assert "expected header ad_id,cluster_id" in message and "extra column" in message
    assert "'score'" in message


def test_missing_header(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"ad1,1\nad2,1\n"))
    assert "add the header line" in message


def test_semicolons(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"ad_id;cluster_id\nad1;1\n"))
    assert "semicolons" in message


def test_ragged_row_gives_line_number(truth, tmp_path):
    data = b"ad_id,cluster_id\nad1,1\n\nad2,1,extra\nad3\n"
    message = refused(truth, raw(tmp_path, data))
    assert message.startswith("Line 4 has 3 columns, expected 2")
    assert "'ad2,1,extra'" in message and "2 such rows" in message


def test_ragged_row_in_gzip(truth, tmp_path):
    message = refused(truth, raw(tmp_path, gzip.compress(b"ad_id,cluster_id\nad1,1\nad2\n")))
    assert message.startswith("Line 3 has 1 column, expected 2")


def test_not_utf8(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"ad_id,cluster_id\nad1,1\nad2,caf\xe9\n"))
    assert "not UTF-8" in message and "line 3" in message and "0xe9" in message


def test_not_utf8_in_the_header(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"ad_id,cluster_\xe9\nad1,1\n"))
    assert "not UTF-8" in message and "line 1" in message


def test_utf16(truth, tmp_path):
    data = codecs.BOM_UTF16_LE + "ad_id,cluster_id\nad1,1\n".encode("utf-16-le")
    assert "UTF-16" in refused(truth, raw(tmp_path, data))


def test_zip_or_excel(truth, tmp_path):
    assert "ZIP" in refused(truth, raw(tmp_path, b"PK\x03\x04rest-of-a-zip"))


def test_broken_gzip(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"\x1f\x8b\x08\x00garbage-garbage-garbage"))
    assert "gzip" in message


def test_duplicate_ids_count_and_first_ten(truth, tmp_path):
    rows = [(f"ad{i}", 1) for i in range(1, 21)] + [(f"ad{i}", 2) for i in range(12, 0, -1)]
    message = refused(truth, write_csv(tmp_path / "s.csv", HEADER, rows))
    assert "Duplicate ad_id: 12 ids appear on more than one row" in message
    assert "(first 10 of 12)" in message
    assert "'ad1', 'ad2'," in message  # in file order of first appearance


def test_unknown_ids_count_and_first_ten(truth, tmp_path):
    rows = [("ad1", 1), ("x9", 1)] + [(f"zz{i}", 1) for i in range(15)] + [("x9", 2)]
    message = refused(truth, write_csv(tmp_path / "s.csv", HEADER, rows))
    assert "Unknown ad_id: 16 ids are not in this challenge's data" in message
    assert "'x9', 'zz0'" in message and "(first 10 of 16)" in message


def test_unknown_id_differs_only_by_leading_zeros_or_spaces(truth, tmp_path):
    message = refused(truth, write_csv(tmp_path / "s.csv", HEADER, [("ad01", 1), (" ad2", 1)]))
    assert "'ad01'" in message and "' ad2'" in message


def test_empty_ad_id(truth, tmp_path):
    message = refused(truth, write_csv(tmp_path / "s.csv", HEADER, [("ad1", 1), ("", 2)]))
    assert "empty ad_id" in message and "line 3" in message


def assert_truth_refused(tmp_path, text: str, *expected: str, task="ad-linkage"):
    path = raw(tmp_path, text.encode())
    with pytest.raises(InvalidTruth) as caught:
        scoring.validate_truth(task, path)
    for part in expected:
        assert part in str(caught.value)
    # The same truth breaks evaluation with InvalidTruth, not InvalidSubmission.
    sub = write_csv(tmp_path / "s.csv", HEADER, [("a", 1)])
    with pytest.raises(InvalidTruth):
        scoring.evaluate("ad-linkage", path, sub)


def test_truth_bad_usage_values_are_listed(tmp_path):
    text = "ad_id,cluster_id,usage\na,1,Public\nb,1,public\nc,2,test\nd,2,public\ne,3,Private\n"
    assert_truth_refused(tmp_path, text, "Public or Private", "'public' (2 rows)", "'test' (1 row")


def test_truth_duplicate_ids(tmp_path):
    text = "ad_id,cluster_id,usage\na,1,Public\nb,1,Private\na,2,Private\n"
    assert_truth_refused(tmp_path, text, "unique", "'a'")


def test_truth_empty_ids_and_clusters(tmp_path):
    assert_truth_refused(
        tmp_path, "ad_id,cluster_id,usage\n,1,Public\nb,1,Private\n", "empty ad_id"
    )
    assert_truth_refused(
        tmp_path, "ad_id,cluster_id,usage\na,1,Public\nb,,Private\n", "empty cluster_id", "line 3"
    )


def test_truth_needs_both_splits(tmp_path):
    text = "ad_id,cluster_id,usage\na,1,Public\nb,1,Public\n"
    assert_truth_refused(tmp_path, text, "No row has usage Private")


def test_truth_wrong_header(tmp_path):
    assert_truth_refused(
        tmp_path, "ad_id,cluster_id\na,1\n", "expected header ad_id,cluster_id,usage"
    )


def test_check_submission_header_accepts_good_files(tmp_path):
    good = [
        b"ad_id,cluster_id\nad1,1\n",
        codecs.BOM_UTF8 + b"ad_id,cluster_id\r\nad1,\r\n",
        gzip.compress(b"ad_id,cluster_id\nad1,1\n"),
        b'"ad_id","cluster_id"\nad1,1\n',
        b"ad_id,cluster_id\n" + b"ad1,1\n" * 50_000,  # longer than what is read
    ]
    for data in good:
        scoring.check_submission_header("ad-linkage", raw(tmp_path, data))


def test_check_submission_header_reads_only_the_start(tmp_path):
    # Garbage after the first KBs is for the full parse to find, not the upload check.
    data = b"ad_id,cluster_id\n" + b"ad1,1\n" * 20_000 + b"\xff\xfe,,,\n"
    scoring.check_submission_header("ad-linkage", raw(tmp_path, data))
    big = gzip.compress(b"ad_id,cluster_id\n" + b"ad1,1\n" * 200_000 + b"\xff,\n")
    scoring.check_submission_header("ad-linkage", raw(tmp_path, big))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"id,cluster_id\na,1\n", "expected header ad_id,cluster_id, got 'id,cluster_id'"),
        (b"ad_id,cluster_id\n", "no data rows"),
        (b"\xff\xfeabc\n", "UTF-16"),
        (b"ad_id,cluster_id\xe9\n", "not UTF-8"),
        (gzip.compress(b"ad_id;cluster_id\n1;2\n", mtime=0), "semicolons"),
    ],
)
def test_check_submission_header_refuses(tmp_path, data, expected):
    with pytest.raises(InvalidSubmission, match=expected):
        scoring.check_submission_header("ad-linkage", raw(tmp_path, data))


def test_check_submission_header_per_task(tmp_path):
    path = raw(tmp_path, b"ad_id_a,ad_id_b,score\na,b,1\n")
    scoring.check_submission_header("pair-ranking", path)
    with pytest.raises(InvalidSubmission, match="expected header id,probability"):
        scoring.check_submission_header("binary-probability", path)


def test_truth_duplicates_are_found_when_the_submission_repeats_the_truth_order(tmp_path):
    truth = write_truth(
        tmp_path / "t.csv", ["a", "b", "a"], [1, 2, 3], ["Public", "Private", "Public"]
    )
    sub = write_csv(tmp_path / "s.csv", HEADER, [("a", 1), ("b", 1), ("a", 1)])
    with pytest.raises(InvalidTruth, match="unique"):
        scoring.evaluate("ad-linkage", truth, sub)


def test_header_with_a_trailing_comma(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"ad_id,cluster_id,\nad1,1,\n"))
    assert "trailing comma" in message


def test_old_mac_line_ends_are_read(truth, tmp_path):
    path = raw(tmp_path, b"ad_id,cluster_id\rad1,x\rad2,x\r")
    scoring.check_submission_header("ad-linkage", path)
    result = scoring.evaluate("ad-linkage", truth, path)
    assert result["n_submitted"] == 2


def test_nul_bytes_do_not_crash(truth, tmp_path):
    message = refused(truth, raw(tmp_path, b"ad_id,cluster_id\nad1,x\nad\x002,x,y\n"))
    assert "3 columns" in message or "could not be read" in message


def test_multi_member_gzip_is_read_to_the_end(truth, tmp_path):
    data = gzip.compress(b"ad_id,cluster_id\nad1,x\n") + gzip.compress(b"ad2,x\nad3,y\n")
    result = scoring.evaluate("ad-linkage", truth, raw(tmp_path, data))
    assert result["n_submitted"] == 3


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"hello\nworld\n", "plain text, not a CSV file: its first line, 'hello', has no commas"),
        (b'[{"ad_id": "a1", "cluster_id": "x"}]', "looks like JSON, not a CSV file"),
        (b'{"a1": "x", "a2": "x"}', "looks like JSON, not a CSV file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive or an Excel workbook, not a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel workbook (.xls)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document, not a CSV file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image, not a CSV file"),
        (b"PAR1\x15\x04\x15", "a Parquet file, not a CSV file"),
        (bytes(range(1, 40)) + b"\x00" * 8, "a binary file, not a CSV file"),
        (b"<!DOCTYPE html><html><body>", "web page or an XML document, not a CSV file"),
    ],
)
def test_files_that_are_not_csv_at_all_are_named_for_what_they_are(tmp_path, content, says):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(InvalidSubmission) as refused:
        check_header(path, ("ad_id", "cluster_id"))
    message = str(refused.value)
    assert says in message
    assert "whose first line is the header ad_id,cluster_id" in message
    assert "Wrong header" not in message


def test_a_csv_with_a_wrong_header_is_still_told_about_its_header(tmp_path):
    path = tmp_path / "upload.csv"
    path.write_text("id;label\na;b\n")
    with pytest.raises(InvalidSubmission, match="Wrong header.*semicolons"):
        check_header(path, ("ad_id", "cluster_id"))
