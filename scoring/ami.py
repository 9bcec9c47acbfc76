"""Expected mutual information of two random clusterings with fixed cluster sizes.

The expectation (Vinh, Epps & Bailey 2010) is a sum over every pair (true cluster, predicted
cluster) of a sum over the possible overlaps n_ij, weighted by the hypergeometric probability of
n_ij. It depends on the two clusters only through their sizes, so we sum once per pair of
*distinct* sizes and weight by how many cluster pairs share them. A labelling of n items has at
most sqrt(2n) distinct cluster sizes, so there are at most 2n size pairs (a few hundred thousand in
practice at 10^6 ads), against millions of millions of cluster pairs for scikit-learn's loop.

Only overlaps with a non-negligible probability are summed. The overlap of clusters of sizes a
and b is hypergeometric with mean mu = ab/n; sampling without replacement is more concentrated
than with replacement (Hoeffding 1963, Theorem 4), so the binomial's Chernoff bounds hold, and
with them the Poisson ones: P(n_ij >= k) <= exp(-g(k)) for k > mu and P(n_ij <= k) <= exp(-g(k))
for k < mu, where g(k) = k log(k / mu) - k + mu. Overlaps with g(k) >= 70 (tail probability below
4e-31) are left out; each term is at most log(n) min(a, b) / n, so the whole sum moves by less than
n log(n) 1e-30, far below float64 rounding.

log-factorials come from two tables (small arguments up to the largest cluster, and arguments
near n), so each term costs a few table look-ups and one exp.
"""

import numpy as np
from scipy.special import gammaln

TAIL_EXPONENT = 70.0  # overlaps whose tail probability is below exp(-TAIL_EXPONENT) are left out
BATCH_TERMS = 1 << 17


def size_multiplicities(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct cluster sizes and how many clusters have each."""
    ordered = np.sort(np.asarray(sizes, dtype=np.int64))
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def overlap_window(mean: np.ndarray, level: float = TAIL_EXPONENT) -> tuple[np.ndarray, np.ndarray]:
    """Bounds (low, high) outside which the overlap's tail probabilities are below exp(-level).

    Bernstein's inequality, P(|X - mu| >= t) <= exp(-t^2 / (2 (mu + t/3))), gives a first window;
    it is weaker than the Poisson-Chernoff bound g, so g >= level at its upper end, and since g is
    convex and increasing above mu, Newton steps from there move down towards g = level without
    crossing it. The lower end keeps Bernstein's bound (it matters only for the few large means).
    """
    spread = level / 3 + np.sqrt(level * level / 9 + 2 * level * mean)
    high = mean + spread
    for _ in range(6):
        g = high * np.log(high / mean) - high + mean
        high = high - (g - level) / np.log(high / mean)
    return np.floor(mean - spread), np.ceil(high)


def expected_mutual_information(row_sizes: np.ndarray, col_sizes: np.ndarray) -> float:
    """E[MI] (in nats) over random labellings with these true and predicted cluster sizes."""
    n = int(np.sum(row_sizes))
    if n != int(np.sum(col_sizes)):
        raise ValueError("both clusterings must cover the same number of items")
    if n <= 1:
        return 0.0
    a_sizes, a_counts = size_multiplicities(row_sizes)
    b_sizes, b_counts = size_multiplicities(col_sizes)

    a = np.repeat(a_sizes, len(b_sizes))
    b = np.tile(b_sizes, len(a_sizes))
    weight = np.outer(a_counts, b_counts).ravel().astype(np.float64)
    mean = a.astype(np.float64) * b / n
    low, high = overlap_window(mean)
    low = np.maximum(np.maximum(1, a + b - n), low).astype(np.int64)
    high = np.minimum(np.minimum(a, b), high).astype(np.int64)
    terms_per_pair = high - low + 1

    # log j! for small j (up to the largest cluster) and for j near n (from n - 2 * largest).
    largest = int(max(a_sizes[-1], b_sizes[-1]))
    log_fact = gammaln(np.arange(largest + 1) + 1.0)
    base = max(0, n - 2 * largest)
    log_fact_near_n = gammaln(np.arange(base, n + 1) + 1.0)
    log_k = np.log(np.maximum(np.arange(largest + 1), 1))

    # log of a! b! (n-a)! (n-b)! / n!: the part of the hypergeometric pmf shared by one pair
    shared = (
        log_fact[a]
        + log_fact[b]
        + log_fact_near_n[n - a - base]
        + log_fact_near_n[n - b - base]
        - log_fact_near_n[n - base]
    )
    log_n_over_ab = np.log(n) - np.log(a) - np.log(b)

    # Pairs in batches of about BATCH_TERMS terms, small enough to stay in cache; per-pair
    # values are spread over their terms with np.repeat, much cheaper than fancy indexing.
    total = 0.0
    ends = np.cumsum(terms_per_pair)
    start = 0
    while start < len(a):
        stop = int(np.searchsorted(ends, ends[start] + BATCH_TERMS, side="left"))
        stop = min(max(stop, start + 1), len(a))
        counts = terms_per_pair[start:stop]
        first = np.cumsum(counts) - counts
        k = np.arange(int(ends[stop - 1] - ends[start] + counts[0]))
        k -= np.repeat(first - low[start:stop], counts)
        ap = np.repeat(a[start:stop], counts)
        bp = np.repeat(b[start:stop], counts)
        log_pmf = np.repeat(shared[start:stop], counts)
        log_pmf -= log_fact[k]
        log_pmf -= log_fact[ap - k]
        log_pmf -= log_fact[bp - k]
        log_pmf -= log_fact_near_n[(n - base) - ap - bp + k]
        mi_term = k * (log_k[k] + np.repeat(log_n_over_ab[start:stop], counts))
        mi_term *= np.exp(log_pmf)
        total += float(np.dot(np.repeat(weight[start:stop], counts), mi_term))
        start = stop
    return total / n
