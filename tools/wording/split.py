"""The final test fold of the wording evaluation, and the development folds (docs/judgement.md).

Sources, not sentences, are split: sentences of one source are alike. Within each kind of
source (a team's OKR file in a repository, ``github:...``; a web page, everything else) the
sources are ordered by the SHA-256 of their name, shuffled with a fixed seed, and the first
``FINAL_SHARE`` of them form the final fold. Nothing is designed on it; ``evaluate.py --final``
judges it once with models learnt on the other sources.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable

FINAL_SEED = 2027
FINAL_SHARE = 0.22
FOLD_SEED = 27  # the development sources' leave-source-out folds
KINDS = ("repository", "web page")


def source_id(source: str) -> str:
    """An opaque id of a source (what the features table keeps)."""
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def kind(source: str) -> str:
    return "repository" if source.startswith("github:") else "web page"


def final_fold(sources: Iterable[str]) -> frozenset[str]:
    """The sources of the final test fold (names as in the corpus)."""
    every = set(sources)
    chosen: set[str] = set()
    for k in KINDS:
        mine = sorted(
            {s for s in every if kind(s) == k}, key=lambda s: hashlib.sha256(s.encode()).digest()
        )
        random.Random(f"{FINAL_SEED}:{k}").shuffle(mine)
        chosen.update(mine[: round(FINAL_SHARE * len(mine))])
    return frozenset(chosen)


def dev_folds(groups: Iterable[str], k: int, seed: int = FOLD_SEED) -> list[set[str]]:
    """Source ids dealt into k folds: sorted, shuffled with a fixed seed, dealt in turn."""
    order = sorted(set(groups))
    random.Random(seed).shuffle(order)
    return [set(order[f::k]) for f in range(k)]
