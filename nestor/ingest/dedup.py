"""Near-duplicate detection with MinHash and banded LSH whose index lives in the store.

Signatures are computed with datasketch's MinHash over word 5-shingles. The LSH index is the
``lsh_bands`` table (band, hash, article id): a new article is a candidate duplicate of every
stored article that shares one band hash, and is a duplicate when the estimated Jaccard
similarity of the two signatures reaches ``Settings.dup_threshold``. Keeping the index in DuckDB
instead of in memory keeps memory flat however large the store grows, and makes detection work
across runs. Articles of the current run that are not yet committed are held in a small
in-memory index (:attr:`Deduper.pending`) until their batch is written.

With 128 permutations in 16 bands of 8 rows, a pair at Jaccard 0.8 becomes a candidate with
probability 1-(1-0.8^8)^16 = 0.95, a pair at 0.5 with 0.06 (then rejected by the exact check).
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from functools import cache

import numpy as np
from datasketch import MinHash

BANDS = 16
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = 5) -> list[bytes]:
    words = _TOKEN.findall(text.lower())
    if len(words) < k:
        return [" ".join(words).encode()] if words else [b""]
    return [" ".join(words[i:i + k]).encode() for i in range(len(words) - k + 1)]


@cache
def _permutations(num_perm: int) -> tuple[object, str]:
    """The permutation parameters (and their scheme) of datasketch's MinHash for ``num_perm`` and
    seed 1, made once: a MinHash made with them hashes exactly as a fresh one, which draws them from
    a seeded random generator every time (a quarter of a signature's CPU)."""
    mh = MinHash(num_perm=num_perm, seed=1)
    return mh.permutations, mh.scheme


def signature(text: str, num_perm: int = 128) -> np.ndarray:
    perms, scheme = _permutations(num_perm)
    mh = MinHash(num_perm=num_perm, seed=1, permutations=perms, scheme=scheme)
    mh.update_batch(shingles(text))
    return mh.hashvalues.astype(np.uint64)


def band_hashes(sig: np.ndarray, bands: int = BANDS) -> list[int]:
    rows = len(sig) // bands
    # a stable hash (Python's hash() of bytes changes between processes)
    return [int.from_bytes(hashlib.blake2b(sig[b * rows:(b + 1) * rows].tobytes(), digest_size=8).digest(), "little")
            & 0x7FFF_FFFF_FFFF_FFFF for b in range(bands)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


class Deduper:
    def __init__(self, threshold: float = 0.8, num_perm: int = 128) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.pending: dict[tuple[int, int], list[str]] = defaultdict(list)
        self.pending_sigs: dict[str, np.ndarray] = {}
        self.pending_bands: dict[str, list[int]] = {}

    def check(self, con, article_id: str, text: str) -> tuple[str | None, np.ndarray, list[int]]:
        """(id of the article this duplicates or None, signature, band hashes)."""
        sig = signature(text, self.num_perm)
        bands = band_hashes(sig)
        stored = self._stored_candidates(con, [bands])[0]
        return self._decide(con, article_id, sig, bands, stored, {}), sig, bands

    def check_batch(self, con, items: list[tuple[str, str]]) -> list[tuple[str | None, np.ndarray, list[int]]]:
        """:meth:`check` for a chunk of (article id, text), in order, with two queries to the store
        for the whole chunk instead of one per article and candidate. An article that is not a
        duplicate is added to the pending index (:meth:`add_pending`) before the next one is
        checked, so the result is that of ``check`` then ``add_pending`` article by article."""
        sigs = [signature(text, self.num_perm) for _, text in items]
        bands = [band_hashes(sig) for sig in sigs]
        stored = self._stored_candidates(con, bands)
        want = sorted({c for (aid, _), cands in zip(items, stored, strict=True) for c in cands if c != aid})
        known = self._stored_signatures(con, want)
        out = []
        for (aid, _), sig, bh, cands in zip(items, sigs, bands, stored, strict=True):
            dup = self._decide(con, aid, sig, bh, cands, known)
            if dup is None:
                self.add_pending(aid, sig, bh)
            out.append((dup, sig, bh))
        return out

    @staticmethod
    def _stored_candidates(con, bands: list[list[int]]) -> list[set[str]]:
        """For each article's band hashes, the stored articles that share one."""
        out: list[set[str]] = [set() for _ in bands]
        if con is None or not bands:
            return out
        rows = con.execute(
            "SELECT DISTINCT q.i, l.article_id FROM lsh_bands l JOIN "
            "(SELECT unnest(?) AS i, unnest(?) AS band, unnest(?)::UBIGINT AS hash) q USING (band, hash)",
            [[i for i, bh in enumerate(bands) for _ in bh], [b for bh in bands for b in range(len(bh))],
             [h for bh in bands for h in bh]]).fetchall()
        for i, aid in rows:
            out[i].add(aid)
        return out

    @staticmethod
    def _stored_signatures(con, ids: list[str]) -> dict[str, np.ndarray]:
        if con is None or not ids:
            return {}
        got = con.execute("SELECT article_id, sig FROM signatures WHERE article_id IN (SELECT unnest(?))",
                          [ids]).fetchall()
        return {aid: np.array(sig, dtype=np.uint64) for aid, sig in got}

    def _decide(self, con, article_id: str, sig: np.ndarray, bands: list[int], stored: set[str],
                known: dict[str, np.ndarray]) -> str | None:
        candidates: set[str] = set(stored)
        for b, h in enumerate(bands):
            candidates.update(self.pending.get((b, h), ()))
        candidates.discard(article_id)
        best: tuple[float, str] | None = None
        for cid in sorted(candidates):
            other = self.pending_sigs.get(cid)
            if other is None:
                other = known.get(cid)
            if other is None and con is not None and cid in stored and cid not in known:
                other = self._stored_signatures(con, [cid]).get(cid)
            if other is None:
                continue
            s = similarity(sig, other)
            if s >= self.threshold and (best is None or s > best[0]):
                best = (s, cid)
        return best[1] if best else None

    def add_pending(self, article_id: str, sig: np.ndarray, bands: list[int]) -> None:
        for b, h in enumerate(bands):
            self.pending[(b, h)].append(article_id)
        self.pending_sigs[article_id] = sig
        self.pending_bands[article_id] = list(bands)

    def index_rows(self, article_ids: list[str]) -> tuple[list[tuple[int, int, str]], list[tuple[str, list[int]]]]:
        """The ``lsh_bands`` and ``signatures`` rows of pending articles, to write with their batch."""
        bands = [(b, h, aid) for aid in article_ids for b, h in enumerate(self.pending_bands.get(aid, ()))]
        sigs = [(aid, [int(x) for x in self.pending_sigs[aid]]) for aid in article_ids if aid in self.pending_sigs]
        return bands, sigs

    def forget(self, article_ids: list[str]) -> None:
        """Drop pending entries: their batch is in the store (the store's index answers from now on),
        or the article was not stored at all (it must not be anyone's original)."""
        for aid in article_ids:
            self.pending_sigs.pop(aid, None)
            for b, h in enumerate(self.pending_bands.pop(aid, ())):
                lst = self.pending.get((b, h))
                if lst and aid in lst:
                    lst.remove(aid)
                    if not lst:
                        del self.pending[(b, h)]
