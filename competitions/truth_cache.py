"""Prepared truths kept warm in a scoring worker process, so a submission pays only for its file.

Reading, checking and indexing a phase's truth (``scoring.prepare_truth``) is about half of
the work of scoring a file, and it is the same for every submission of the phase. Each worker
process keeps the prepared truths it has used, least recently used first out, within
``SCORING_TRUTH_CACHE_MB`` (0: keep none). An entry is known by the phase, its
``truth_version`` and the stored file's (random) name, so a new truth is never served from an
old entry: it has a new key, and the phase's older entries are dropped at once.
"""

import threading
from collections import OrderedDict

from django.conf import settings

import scoring

from .models import Phase
from .storage import local_path


def truth_key(phase: Phase) -> tuple:
    return (phase.pk, phase.truth_version, phase.truth_file.name, phase.challenge.task)


class TruthCache:
    """A least-recently-used map of prepared truths bounded by their memory (bytes)."""

    def __init__(self, limit_bytes: int):
        self.limit_bytes = limit_bytes
        self._entries: OrderedDict[tuple, scoring.PreparedTruth] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def nbytes(self) -> int:
        return sum(entry.nbytes for entry in self._entries.values())

    def keys(self) -> list[tuple]:
        return list(self._entries)

    def get(self, phase: Phase) -> scoring.PreparedTruth:
        """The phase's prepared truth: from memory, or read from storage and kept."""
        key = truth_key(phase)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry
            self.misses += 1
        with local_path(phase.truth_file) as path:
            entry = scoring.prepare_truth(phase.challenge.task, path)
        self._put(key, entry)
        return entry

    def _put(self, key: tuple, entry: scoring.PreparedTruth) -> None:
        with self._lock:
            for old in [k for k in self._entries if k[0] == key[0] and k != key]:
                del self._entries[old]  # another truth of this phase: never asked for again
            if entry.nbytes > self.limit_bytes:
                return
            self._entries[key] = entry
            self._entries.move_to_end(key)
            total = self.nbytes
            while total > self.limit_bytes:
                _, dropped = self._entries.popitem(last=False)
                total -= dropped.nbytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


_cache: TruthCache | None = None


def truth_cache() -> TruthCache:
    """This process's cache (made on first use, with the limit from the settings)."""
    global _cache
    limit = settings.SCORING_TRUTH_CACHE_MB * 1024 * 1024
    if _cache is None or _cache.limit_bytes != limit:
        _cache = TruthCache(limit)
    return _cache


def evaluate_submission(phase: Phase, submission_path: str) -> dict:
    """Score a file against the phase's truth, kept warm, as participants are shown it: the
    figures that count ads (coverage, cluster counts) are those of the whole file. A file
    larger than SUBMISSION_MAX_DECOMPRESSED_BYTES once decompressed is refused unparsed."""
    cache = truth_cache()
    try:
        return scoring.evaluate(
            phase.challenge.task,
            cache.get(phase),
            submission_path,
            per_split_counts=False,
            max_bytes=settings.SUBMISSION_MAX_DECOMPRESSED_BYTES,
        )
    except MemoryError:
        # Warm truths count within a run's memory ceiling: drop them all, so that the retry
        # which decides whether the file is at fault has the whole allowance.
        cache.clear()
        raise
