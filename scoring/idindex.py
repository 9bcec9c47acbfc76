"""An exact string → row index built once per truth file and queried by every submission.

pyarrow's hash tables cannot be kept between calls, so matching a submission's ids to the truth
used to hash both id columns on every run. Here the truth's ids are indexed once, in numpy:

- each id's exact key is its UTF-8 bytes zero-padded to ``k`` whole 8-byte words, with its
  length in the last byte (``k`` leaves that byte free in every truth id);
- the keys live in an open-addressing table (linear probing, at most half full) whose slot is
  the top bits of a 64-bit mix of the key; a slot holds the key's words and its row + 1
  (0: empty) side by side, so a probe reads one record.

A lookup computes the submitted ids' keys and slots with numpy, reads the records with one
``np.take`` and compares whole keys, then probes the next slot for the few that differ until
an empty slot says "not there". Equal keys mean equal ids, so a hash collision can never match
two different ids. Ids longer than 63 bytes (``MAX_WORDS`` words) are matched with pyarrow
instead (exact, but it hashes the truth's ids again on every lookup).
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


def _chunks(values: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return list(values.chunks) if isinstance(values, pa.ChunkedArray) else [values]


def _buffers(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (n + 1) and the data bytes of a string or large_string array."""
    _, offsets, data = chunk.buffers()
    dtype = np.int64 if chunk.type == pa.large_string() else np.int32
    offsets = np.frombuffer(offsets, dtype=dtype)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets.astype(np.int64, copy=False), data


def _longest(values: pa.Array | pa.ChunkedArray) -> int:
    if len(values) == 0:
        return 0
    return int(pc.max(pc.binary_length(values)).as_py())


def _keys(values: pa.Array | pa.ChunkedArray, words: int) -> np.ndarray:
    """Each string's exact key: its bytes zero-padded to ``words`` uint64 words (an (n, words)
    array) with its length in the last byte, which the truth's ids always leave free (they
    are at most ``8 * words - 1`` bytes long). A longer string cannot be a truth id: its key
    is cut and marked with 255 there, a length no truth id has."""
    n = len(values)
    width = 8 * words
    padded = np.zeros((n, width), dtype=np.uint8)
    lengths = np.empty(n, dtype=np.int64)
    start = 0
    for chunk in _chunks(values):
        offsets, data = _buffers(chunk)
        m = len(chunk)
        out = padded[start : start + m]
        chunk_lengths = np.diff(offsets)
        lengths[start : start + m] = chunk_lengths
        start += m
        if not m:
            continue
        shortest, longest = int(chunk_lengths.min()), int(chunk_lengths.max())
        if shortest == longest and longest <= width:  # the common case: ids of one length
            out[:, :longest] = data[offsets[0] : offsets[-1]].reshape(m, longest)
        elif longest > 0:
            source = np.concatenate([data, np.zeros(width, np.uint8)])
            columns = np.arange(width)
            for first in range(0, m, _BLOCK):
                last = min(first + _BLOCK, m)
                positions = offsets[first:last, None] + columns
                inside = columns < chunk_lengths[first:last, None]
                out[first:last] = np.where(inside, source[positions], 0)
    padded[:, width - 1] = np.minimum(lengths, 255)
    return padded.view(np.uint64)


def _mix(key_words: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each key, whose top bits are well spread."""
    with np.errstate(over="ignore"):
        h = np.full(len(key_words), _SEED, dtype=np.uint64)
        for j in range(key_words.shape[1]):
            h ^= key_words[:, j]
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
    shift: int  # slot = hash >> shift
    table: np.ndarray  # (slots, words + 1) uint64: key words, then length << 32 | row + 1
    values: pa.Array  # the truth's ids, one contiguous array
    duplicated: np.ndarray  # truth rows whose id appears on an earlier row

    @classmethod
    def build(cls, values: pa.Array | pa.ChunkedArray) -> "IdIndex":
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
        n = len(values)
        words = _longest(values) // 8 + 1  # room for the length byte
        if words > MAX_WORDS or n >= 2**31:
            duplicated = _arrow_duplicates(values)
            return cls(n, 0, 64, np.zeros((0, 1), np.uint64), values, duplicated)
        bits = max(1, int(np.ceil(np.log2(max(2 * n, 2)))))  # at most half full
        shift = 64 - bits
        key_words = _keys(values, words)
        hashes = _mix(key_words)
        # Sort by slot with np.sort (much faster than argsort): the row rides in the low bits.
        row_bits = max(1, int(np.ceil(np.log2(max(n, 2)))))
        low = np.uint64((1 << row_bits) - 1)
        packed = np.sort((hashes & ~low) | np.arange(n, dtype=np.uint64))
        order = (packed & low).astype(np.int64)
        slots = (packed >> np.uint64(shift)).astype(np.int64)
        # Linear probing, placed in one pass: each key takes the first free slot at or after its
        # own, so position_i = max(slot_i, position_(i-1) + 1) = i + cummax(slot_i - i).
        index = np.arange(n, dtype=np.int64)
        positions = index + np.maximum.accumulate(slots - index) if n else index
        size = max(1 << bits, int(positions[-1]) + 1 if n else 0) + 1  # + an empty slot to stop
        table = np.zeros((size, words + 1), dtype=np.uint64)
        sorted_words = key_words[order]
        table[positions, :words] = sorted_words
        table[positions, words] = order.astype(np.uint64) + np.uint64(1)
        duplicated = _duplicates(packed & ~low, sorted_words, order)
        return cls(n, words, shift, table, values, duplicated)

    @property
    def nbytes(self) -> int:
        return self.table.nbytes + self.values.nbytes + self.duplicated.nbytes

    def lookup(self, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """The truth row of each id (int64), -1 for an id the truth does not have."""
        if self.words == 0:
            found = pc.index_in(values, value_set=self.values)
            return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        words = self.words
        key_words = _keys(values, words)
        result = np.full(len(values), -1, dtype=np.int64)
        if self.n == 0 or len(values) == 0:
            return result
        slot = (_mix(key_words) >> np.uint64(self.shift)).astype(np.int64)
        asked = key_words
        todo = None  # None: every id, in order (no index arrays needed on the first pass)
        records = self.table.view(np.dtype((np.void, 8 * (words + 1)))).ravel()
        while len(slot):
            found = np.take(records, slot).view(np.uint64).reshape(len(slot), words + 1)
            same = found[:, 0] == asked[:, 0]
            for j in range(1, words):
                same &= found[:, j] == asked[:, j]
            where = np.flatnonzero(same) if todo is None else todo[same]
            result[where] = found[same, words].astype(np.int64) - 1
            again = ~same
            again &= found[:, words] != 0  # occupied by another key: try the next slot
            if not again.any():
                break
            slot, asked = slot[again] + 1, asked[again]
            todo = np.flatnonzero(again) if todo is None else todo[again]
        return result


def _duplicates(prefixes: np.ndarray, key_words: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Rows whose key equals the key of an earlier row. ``prefixes`` (sorted, with the other
    arrays in the same order) are equal for equal keys, so only runs of equal prefixes are
    compared, exactly."""
    candidates = np.flatnonzero(prefixes[1:] == prefixes[:-1])
    if not len(candidates):
        return np.zeros(0, np.int64)
    members = np.unique(np.concatenate([candidates, candidates + 1]))
    columns = [key_words[members, j] for j in range(key_words.shape[1])]
    order = np.lexsort((rows[members], *reversed(columns), prefixes[members]))
    members = members[order]
    same = prefixes[members[1:]] == prefixes[members[:-1]]
    for j in range(key_words.shape[1]):
        same &= key_words[members[1:], j] == key_words[members[:-1], j]
    return np.sort(rows[members[1:][same]]).astype(np.int64)


def _arrow_duplicates(values: pa.Array) -> np.ndarray:
    encoded = pc.dictionary_encode(values)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    first = np.full(len(encoded.dictionary), len(values), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(values)))
    return np.flatnonzero(first[codes] != np.arange(len(values)))
