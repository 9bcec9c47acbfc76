"""Ground-truth files (every task: ids, labels, a final ``usage`` column) and matching ids to them."""

from dataclasses import dataclass
from os import PathLike

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import describe_lines, encode, refuse_empty, to_numpy
from .errors import InvalidSubmission, InvalidTruth, count, examples, show
from .idindex import IdIndex
from .io import read_csv
from .specs import TaskSpec

USAGES = ("Public", "Private")


@dataclass(frozen=True)
class Truth:
    path: str | PathLike
    table: pa.Table
    ids: pa.ChunkedArray
    is_public: np.ndarray
    is_private: np.ndarray

    @property
    def n(self) -> int:
        return self.table.num_rows

    def column(self, name: str) -> pa.ChunkedArray:
        return self.table.column(name)


@dataclass(frozen=True, eq=False)
class PreparedTruth:
    """A truth file read, checked and indexed once, to score any number of submissions.

    Made by ``scoring.prepare_truth(task, path)``; holds only what scoring needs: the ids and
    their index, the Public/Private flags, and the task's target (cluster codes for the
    linkage tasks, the labels or values for the tabular ones). Never changed after it is made,
    so one object may serve several threads.
    """

    task: str
    path: str
    index: IdIndex
    is_public: np.ndarray
    is_private: np.ndarray
    target: np.ndarray

    @property
    def n(self) -> int:
        return self.index.n

    @property
    def ids(self) -> pa.Array:
        return self.index.values

    @property
    def nbytes(self) -> int:
        """Memory held, roughly (object arrays counted at 64 bytes an item)."""
        target = self.target.nbytes
        if self.target.dtype == object:
            target += 64 * len(self.target)
        return self.index.nbytes + self.is_public.nbytes + self.is_private.nbytes + target


def read_truth(spec: TaskSpec, path) -> Truth:
    """Read a truth file and check what every task needs: header, ids, usage. Not uniqueness:
    that comes with :func:`match_ids`, which factorises the truth ids anyway."""
    table = read_csv(path, spec.truth_columns, InvalidTruth)
    id_name = spec.truth_columns[0]
    refuse_empty(path, table.column(id_name), id_name, InvalidTruth)
    usage = table.column("usage")
    is_public = to_numpy(pc.equal(usage, USAGES[0]))
    is_private = to_numpy(pc.equal(usage, USAGES[1]))
    bad = ~(is_public | is_private)
    if bad.any():
        values, counts = np.unique(to_numpy(usage)[bad], return_counts=True)
        order = np.argsort(-counts, kind="stable")[:10]
        found = ", ".join(f"{show(values[i])} ({count(counts[i], 'row')})" for i in order)
        raise InvalidTruth(
            f"usage must be exactly Public or Private (Kaggle's convention, case-sensitive); "
            f"found {found} ({describe_lines(path, np.flatnonzero(bad))})."
        )
    for flags, name in ((is_public, "Public"), (is_private, "Private")):
        if not flags.any():
            raise InvalidTruth(
                f"No row has usage {name}: every submission gets a public and a private score, "
                "so mark some rows Public (shown while the phase runs) and the others Private "
                "(revealed at the end)."
            )
    return Truth(path, table, table.column(id_name), is_public, is_private)


def _same_ids(expected: pa.Array, given: pa.ChunkedArray) -> bool:
    """Whether two id columns are equal row by row (tried on a few rows first)."""
    if len(expected) != len(given):
        return False
    given = given.cast(expected.type)
    head = min(len(expected), 1000)
    if not pc.all(pc.equal(expected.slice(0, head), given.slice(0, head))).as_py():
        return False
    return bool(pc.all(pc.equal(expected, given)).as_py())


def index_ids(truth: Truth) -> IdIndex:
    """The truth's ids indexed for matching (see ``idindex.py``); InvalidTruth if one repeats."""
    index = IdIndex.build(truth.ids)
    if len(index.duplicated):
        # Rare and only for the organiser: name the repeated ids in order of first appearance.
        codes, dictionary = encode(truth.ids)
        repeated = np.flatnonzero(np.bincount(codes) > 1)
        name = truth.table.column_names[0]
        raise InvalidTruth(
            f"{name} values must be unique: {len(repeated):,} appear more than once: "
            f"{examples(dictionary.take(pa.array(repeated[:10])).to_pylist(), len(repeated))}."
        )
    return index


def match_ids(
    truth: "PreparedTruth",
    submission_path,
    submitted: list[tuple[str, pa.ChunkedArray]],
) -> list[np.ndarray]:
    """For each submitted id column, the truth row of every id.

    The truth's ids were indexed once (``index_ids``); each column is looked up in that index,
    so only the submitted ids are hashed. Raises InvalidSubmission for empty or unknown
    submitted ids (naming only the participant's ids). A single column equal to the truth ids
    row by row (a file in the order of the truth) needs no lookup at all.
    """
    n = truth.n
    if len(submitted) == 1 and _same_ids(truth.ids, submitted[0][1]):
        return [np.arange(n, dtype=np.int64)]
    result = []
    for name, column in submitted:
        rows = truth.index.lookup(column)
        refuse_empty(submission_path, column, name, InvalidSubmission)
        unknown = np.flatnonzero(rows < 0)
        if len(unknown):
            distinct = pc.unique(column.take(pa.array(unknown)))  # in order of first appearance
            values = distinct.slice(0, 10).to_pylist()
            ids = "id is" if len(distinct) == 1 else "ids are"
            raise InvalidSubmission(
                f"Unknown {name}: {len(distinct):,} {ids} not in this challenge's data: "
                f"{examples(values, len(distinct))}. Use the ids of the data you downloaded."
            )
        result.append(rows)
    return result


def refuse_duplicates(rows: np.ndarray, n: int, ids: pa.ChunkedArray, name: str) -> None:
    """Each id at most once (rows are truth rows of the submitted ids, in file order)."""
    counts = np.bincount(rows, minlength=n)
    if counts.max(initial=0) > 1:
        positions = np.flatnonzero(counts[rows] > 1)
        _, first = np.unique(rows[positions], return_index=True)
        first_positions = np.sort(positions[first])
        values = ids.take(pa.array(first_positions[:10])).to_pylist()
        distinct = len(first_positions)
        ids_are = "id appears" if distinct == 1 else "ids appear"
        raise InvalidSubmission(
            f"Duplicate {name}: {distinct:,} {ids_are} on more than one row: "
            f"{examples(values, distinct)}. Give each {name} exactly one row."
        )


def refuse_missing(rows: np.ndarray, truth: "PreparedTruth", name: str) -> None:
    """Every truth id present (for tasks where a missing prediction cannot be scored)."""
    present = np.zeros(truth.n, dtype=bool)
    present[rows] = True
    if not present.all():
        missing = np.flatnonzero(~present)
        values = truth.ids.take(pa.array(missing[:10])).to_pylist()
        ids_are = "id of the test data has" if len(missing) == 1 else "ids of the test data have"
        raise InvalidSubmission(
            f"Missing {name}: {len(missing):,} {ids_are} no row in your file: "
            f"{examples(values, len(missing))}. Give every {name} exactly one row."
        )
