"""An exact string → row index built once per truth file and queried by every submission.

pyarrow's hash tables cannot be kept between calls, so matching a submission's ids to the truth
used to hash both id columns each time. Here the truth's ids are hashed once: each id's UTF-8
bytes, zero-padded to whole 8-byte words, are its exact key (``k`` uint64 words plus its length);
a 64-bit mix of the key orders the ids, and the top bits of the mix index a directory of buckets
(about one id per bucket). A lookup mixes the submitted ids the same way, with numpy, and
compares whole keys, so a hash collision can never match two different ids.

Ids longer than ``MAX_WORDS`` words (64 bytes) are matched with pyarrow instead (exact, but it
hashes the truth ids again on every lookup).
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_WORDS = 8
_BLOCK = 1 << 16  # rows per block when building keys of ids of different lengths
_SEED = np.uint64(0x9E3779B97F4A7C15)
_MULTIPLIER = np.uint64(0xFF51AFD7ED558CCD)
_FINAL = np.uint64(0xC4CEB9FE1A85EC53)
_S32, _S29 = np.uint64(32), np.uint64(29)


def _contiguous(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if values.type == pa.string():
        values = values.cast(pa.large_string())  # int64 offsets: one code path
    return values


def _buffers(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (int64, n + 1) and the data bytes of a large_string array."""
    _, offsets, data = values.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[
        values.offset : values.offset + len(values) + 1
    ]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets, data


def id_lengths(values: pa.Array) -> np.ndarray:
    offsets, _ = _buffers(_contiguous(values))
    return np.diff(offsets)


def _keys(values: pa.Array, words: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Each string's bytes, zero-padded to ``words`` uint64 words (one array per word), and its
    length. Strings longer than ``8 * words`` bytes are cut (callers treat them apart)."""
    offsets, data = _buffers(values)
    n = len(values)
    lengths = np.diff(offsets)
    width = 8 * words
    padded = np.zeros((n, width), dtype=np.uint8)
    if n:
        shortest, longest = int(lengths.min()), int(lengths.max())
        if shortest == longest and longest <= width:  # the common case: ids of one length
            padded[:, :longest] = data[offsets[0] : offsets[-1]].reshape(n, longest)
        elif longest > 0:
            source = np.concatenate([data, np.zeros(width, np.uint8)])
            columns = np.arange(width)
            for start in range(0, n, _BLOCK):
                stop = min(start + _BLOCK, n)
                positions = offsets[start:stop, None] + columns
                inside = columns < lengths[start:stop, None]
                padded[start:stop] = np.where(inside, source[positions], 0)
    view = padded.view(np.uint64)
    return [np.ascontiguousarray(view[:, j]) for j in range(words)], lengths


def _mix(key_words: list[np.ndarray], lengths: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each key, whose top bits are well spread."""
    with np.errstate(over="ignore"):
        h = lengths.astype(np.uint64) * _SEED
        for word in key_words:
            h ^= word
            h *= _MULTIPLIER
            h ^= h >> _S32
        h *= _FINAL
        h ^= h >> _S29
    return h


@dataclass(frozen=True, eq=False)
class IdIndex:
    """Truth rows of string ids; build with :meth:`build`, query with :meth:`lookup`."""

    n: int
    words: int  # 0: ids too long, matched with pyarrow against ``values``
    shift: np.uint64
    hashes: np.ndarray  # sorted
    rows: np.ndarray  # truth row of each sorted hash
    key_words: tuple[np.ndarray, ...]  # in sorted order
    lengths: np.ndarray  # in sorted order
    starts: np.ndarray  # first position of each bucket (top bits of the hash), and the end
    values: pa.Array
    duplicated: np.ndarray  # truth rows whose id appears on an earlier row

    @classmethod
    def build(cls, values: pa.Array | pa.ChunkedArray) -> "IdIndex":
        values = _contiguous(values)
        n = len(values)
        longest = int(id_lengths(values).max(initial=0))
        words = max(1, -(-longest // 8))
        bits = max(1, int(np.ceil(np.log2(max(n, 2)))))
        shift = np.uint64(64 - bits)
        empty = np.zeros(0, np.int64)
        if words > MAX_WORDS:
            duplicated = _arrow_duplicates(values)
            return cls(n, 0, shift, empty, empty, (), empty, empty, values, duplicated)
        key_words, lengths = _keys(values, words)
        hashes = _mix(key_words, lengths)
        order = np.argsort(hashes)
        hashes = hashes[order]
        key_words = tuple(word[order] for word in key_words)
        lengths = lengths[order]
        buckets = np.bincount((hashes >> shift).astype(np.int64), minlength=1 << bits)
        starts = np.concatenate(([0], np.cumsum(buckets)))
        row_type = np.int32 if n < 2**31 else np.int64
        rows = order.astype(row_type)
        duplicated = _duplicates(hashes, key_words, lengths, rows)
        return cls(n, words, shift, hashes, rows, key_words, lengths, starts, values, duplicated)

    @property
    def nbytes(self) -> int:
        arrays = (self.hashes, self.rows, self.lengths, self.starts, *self.key_words)
        return sum(a.nbytes for a in arrays) + self.values.nbytes

    def lookup(self, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """The truth row of each id (int64), -1 for an id the truth does not have."""
        values = _contiguous(values)
        if self.words == 0:
            found = pc.index_in(values, value_set=self.values)
            return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        key_words, lengths = _keys(values, self.words)
        hashes = _mix(key_words, lengths)
        result = np.full(len(values), -1, dtype=np.int64)
        if self.n == 0:
            return result
        todo = np.flatnonzero(lengths <= 8 * self.words)
        queries = hashes[todo]
        bucket = (queries >> self.shift).astype(np.int64)
        position, end = self.starts[bucket], self.starts[bucket + 1]
        while len(todo):
            live = position < end
            if not live.all():
                todo, position, end = todo[live], position[live], end[live]
                queries = hashes[todo]
            hit = np.flatnonzero(self.hashes[position] == queries)
            at, asked = position[hit], todo[hit]
            same = self.lengths[at] == lengths[asked]
            for stored, given in zip(self.key_words, key_words, strict=True):
                same &= stored[at] == given[asked]
            result[asked[same]] = self.rows[at[same]]
            again = np.ones(len(todo), dtype=bool)
            again[hit[same]] = False
            todo, position, end = todo[again], position[again] + 1, end[again]
            queries = hashes[todo]
        return result


def _duplicates(
    hashes: np.ndarray, key_words: tuple[np.ndarray, ...], lengths: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Rows whose key equals the key of an earlier row (exact: equal keys share a hash)."""
    candidates = np.flatnonzero(hashes[1:] == hashes[:-1])
    if not len(candidates):
        return np.zeros(0, np.int64)
    members = np.unique(np.concatenate([candidates, candidates + 1]))
    # Sort the few colliding positions by (hash, key, row) so equal keys sit together.
    order = np.lexsort(
        (rows[members], lengths[members], *(w[members] for w in reversed(key_words)),
         hashes[members])
    )  # fmt: skip
    members = members[order]
    same = hashes[members[1:]] == hashes[members[:-1]]
    same &= lengths[members[1:]] == lengths[members[:-1]]
    for word in key_words:
        same &= word[members[1:]] == word[members[:-1]]
    return np.sort(rows[members[1:][same]]).astype(np.int64)


def _arrow_duplicates(values: pa.Array) -> np.ndarray:
    encoded = pc.dictionary_encode(values)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    first = np.full(len(encoded.dictionary), len(values), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(values)))
    return np.flatnonzero(first[codes] != np.arange(len(values)))
