"""Near-duplicate copy: shingles, MinHash (datasketch) and LSH bands, sub-linear in catalog size.

A normalized text becomes a set of shingles: three consecutive words, or four
consecutive characters for scripts written without spaces. Two texts are near-duplicates when
the Jaccard similarity of their shingle sets reaches the voice's threshold (0.7 by
default: the same text with a few words changed; templated copy that only swaps
the product name scores 0.8 and more).

Each text gets a MinHash signature of ``NUM_PERM`` values (the low 16 bits of each are
kept: 128 bytes, stored with the current description); the share of equal values
estimates the Jaccard similarity (standard error 0.06 at 0.5, so a pair at 0.5 passes
for 0.7 about once in a thousand). Finding the candidates without comparing against
every description: the first ``BANDS`` x ``ROWS`` values are cut into bands, each
band's hash stored with the current text (``descriptions.band_0..7``, indexed), and only texts sharing a band
are compared. A pair at similarity 0.7 shares a band with probability 0.89, at 0.8
with 0.99, at 0.3 with 0.06. No text is read back: the comparison is on signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import xxhash
from datasketch import MinHash

from descgen.quality.voice import counts_characters

NUM_PERM = 64
BANDS = 8
ROWS = 4  # values per band: the first BANDS x ROWS values of the signature
_SEED = 1
_WORD_SHINGLE = 3
_CHARACTER_SHINGLE = 4
_MAX_SHINGLES = 2000  # a bound on work per text; far above any description's count
_BUCKET_MASK = (1 << 63) - 1  # a signed BIGINT column
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd, from the golden ratio: spreads every bit
_LOW_32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class Sketch:
    signature: bytes  # NUM_PERM x uint16; empty for a text too short to shingle
    bands: tuple[int, ...]  # BANDS bucket hashes; empty for a text too short to shingle


NO_SKETCH = Sketch(b"", ())  # a text kept out of the index


def shingles(text: str, language_id: str) -> frozenset[int]:
    """The hashed shingles of a normalized plain text (32-bit values).

    Each word is hashed once (xxHash, cached: a store's vocabulary repeats) and the
    shingle's hash combines its words' hashes, so a text costs one pass, not one
    hash call per shingle.
    """
    if counts_characters(language_id):
        units = np.fromiter(map(ord, "".join(text.split())), dtype=np.uint64)
        width = _CHARACTER_SHINGLE
    else:
        words = text.split()  # punctuation stays with its word: consistent, and 5x faster than \w+
        units = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
        width = _WORD_SHINGLE
    count = min(len(units) - width + 1, _MAX_SHINGLES)
    if count <= 0:
        return frozenset()
    combined = units[:count].copy()
    for offset in range(1, width):
        combined = combined * _MULTIPLIER + units[offset : offset + count]  # wraps modulo 2**64
    return frozenset(((combined ^ (combined >> np.uint64(32))) & _LOW_32).tolist())


@lru_cache(maxsize=500_000)
def _word_hash(word: str) -> int:
    return xxhash.xxh32_intdigest(word.encode())


def sketches(texts: Sequence[tuple[str, str]]) -> list[Sketch]:
    """One sketch per (normalized text, language id); MinHashes computed in bulk."""
    sets = [shingles(text, language_id) for text, language_id in texts]
    hashes = MinHash.bulk([list(s) for s in sets], num_perm=NUM_PERM, seed=_SEED, hashfunc=int)
    return [
        Sketch(m.hashvalues.astype(np.uint16).tobytes(), _bands(m)) if s else Sketch(b"", ())
        for s, m in zip(sets, hashes, strict=True)
    ]


def _bands(minhash: MinHash) -> tuple[int, ...]:
    values = minhash.hashvalues
    return tuple(
        xxhash.xxh64_intdigest(values[band * ROWS : (band + 1) * ROWS].tobytes(), seed=band) & _BUCKET_MASK
        for band in range(BANDS)
    )


def similarity(a: bytes, b: bytes) -> float:
    """The Jaccard similarity two signatures estimate (0 when either text had no shingles)."""
    if not a or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(np.frombuffer(a, np.uint16) == np.frombuffer(b, np.uint16))) / NUM_PERM
