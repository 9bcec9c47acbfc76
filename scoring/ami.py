"""Expected mutual information of two random clusterings with fixed cluster sizes.

The expectation (Vinh, Epps & Bailey 2010) is a sum over every pair (true cluster, predicted
cluster) of a sum over the possible overlaps n_ij, weighted by the hypergeometric probability of
n_ij. It depends on the two clusters only through their sizes, so we sum once per pair of
*distinct* sizes and weight by how many cluster pairs share them. A labelling of n items has at
most sqrt(2n) distinct cluster sizes, so there are at most 2n size pairs, against millions of
millions of cluster pairs for scikit-learn's loop at 10^6 ads.

The overlap n_ij of clusters of sizes a and b is hypergeometric with mean mu = ab/n. Sampling
without replacement is more concentrated than with replacement (Hoeffding 1963, Theorem 4), so
Bernstein's inequality for the binomial holds: P(|n_ij - mu| >= t) <= 2 exp(-t^2 / (2 (mu + t/3))).
Overlaps with t above L/3 + sqrt(L^2/9 + 2 L mu), L = 70, have total probability below 1e-30 and are
left out; each term is at most log(n) min(a, b) / n, so the whole sum moves by less than
n log(n) 1e-30, far below float64 rounding.
"""

import numpy as np
from scipy.special import gammaln

TAIL_EXPONENT = 70.0  # overlaps whose tail probability is below exp(-TAIL_EXPONENT) are left out
BATCH_TERMS = 1 << 21


def size_multiplicities(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct cluster sizes and how many clusters have each."""
    ordered = np.sort(np.asarray(sizes, dtype=np.int64))
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def expected_mutual_information(row_sizes: np.ndarray, col_sizes: np.ndarray) -> float:
    """E[MI] (in nats) over random labellings with these true and predicted cluster sizes."""
    n = int(np.sum(row_sizes))
    if n != int(np.sum(col_sizes)):
        raise ValueError("both clusterings must cover the same number of items")
    if n <= 1:
        return 0.0
    a_sizes, a_counts = size_multiplicities(row_sizes)
    b_sizes, b_counts = size_multiplicities(col_sizes)

    a = np.repeat(a_sizes, len(b_sizes)).astype(np.float64)
    b = np.tile(b_sizes, len(a_sizes)).astype(np.float64)
    weight = np.outer(a_counts, b_counts).ravel().astype(np.float64)
    smaller = np.minimum(a, b)
    mean = a * b / n
    level = TAIL_EXPONENT
    spread = np.ceil(level / 3 + np.sqrt(level * level / 9 + 2 * level * mean))
    low = np.maximum(np.maximum(1.0, a + b - n), np.floor(mean - spread))
    high = np.minimum(smaller, np.ceil(mean + spread))
    terms_per_pair = (high - low + 1).astype(np.int64)

    # log of a! b! (n-a)! (n-b)! / n!, the part of the hypergeometric pmf shared by one pair
    shared = gammaln(a + 1) + gammaln(b + 1) + gammaln(n - a + 1) + gammaln(n - b + 1)
    shared -= gammaln(n + 1)
    log_n = np.log(n)
    log_ab = np.log(a) + np.log(b)

    total = 0.0
    ends = np.cumsum(terms_per_pair)
    start = 0
    while start < len(a):
        # A batch of whole pairs with about BATCH_TERMS terms (at least one pair).
        stop = max(start + 1, int(np.searchsorted(ends, ends[start] + BATCH_TERMS, side="left")))
        stop = min(stop, len(a))
        counts = terms_per_pair[start:stop]
        pair = np.repeat(np.arange(start, stop), counts)
        first = np.cumsum(counts) - counts
        k = low[pair] + (np.arange(int(counts.sum())) - np.repeat(first, counts))
        ap, bp = a[pair], b[pair]
        log_pmf = (
            shared[pair]
            - gammaln(k + 1)
            - gammaln(ap - k + 1)
            - gammaln(bp - k + 1)
            - gammaln(n - ap - bp + k + 1)
        )
        mi_term = (k / n) * (log_n + np.log(k) - log_ab[pair])
        total += float(np.dot(weight[pair], np.exp(log_pmf) * mi_term))
        start = stop
    return total
