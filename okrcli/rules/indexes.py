"""Indexes the rules across units are built on, so that each rule's work grows with the
repository, never with its square: the chains of parents in org.yaml (how long each is,
which run into a cycle, which unit lies on which chain; all found in one pass), and, among
many key results, the first earlier one whose title is alike.

Each takes an optional :class:`Work` that counts its elementary steps; the tests use it to
show the work stays linear on the shapes that used to be quadratic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property


@dataclass
class Work:
    """How many elementary steps (a parent followed, a pair of titles compared) were taken."""

    steps: int = 0


class Chains:
    """The chains of parents of org.yaml's units, each unit visited once.

    ``parents`` maps a unit id to its parent (None for the root). Following parents from a
    unit either ends, at a unit with no parent or a parent that is no unit, or runs into a
    cycle."""

    def __init__(self, parents: Mapping[str, str | None], work: Work | None = None) -> None:
        self.parents = parents
        self.length: dict[str, int] = {}  # distinct units on the chain from an id, itself too
        self.cyclic: set[str] = set()  # the ids whose chain runs into a cycle
        steps = 0
        for start in parents:
            if start in self.length:
                continue
            path: list[str] = []
            where: dict[str, int] = {}
            node: str | None = start
            while (
                node is not None
                and node in parents
                and node not in self.length
                and node not in where
            ):
                where[node] = len(path)
                path.append(node)
                node = parents[node]
                steps += 1
            if node is not None and node in where:  # the path closed a cycle
                first = where[node]
                size = len(path) - first
                for x in path[first:]:
                    self.length[x] = size
                self.cyclic.update(path[first:])
                path, below, loops = path[:first], size, True
            elif node is not None and node in self.length:
                below, loops = self.length[node], node in self.cyclic
            else:
                below, loops = 0, False
            for x in reversed(path):
                below += 1
                self.length[x] = below
            if loops:
                self.cyclic.update(path)
        if work is not None:
            work.steps += steps

    def above(self, unit: str) -> int:
        """How many distinct units the chain above ``unit`` holds (0 for the root)."""
        p = self.parents.get(unit)
        return self.length[p] if p is not None and p in self.parents else 0

    @cached_property
    def _spans(self) -> dict[str, tuple[int, int]]:
        """Each id not on a cycle's chain -> (entry, exit) of a walk down the forest: an id
        is on another's chain exactly when its span holds the other's entry."""
        children: dict[str, list[str]] = {}
        roots: list[str] = []
        for x, p in self.parents.items():
            if x in self.cyclic:
                continue
            if p is None or p not in self.parents:
                roots.append(x)
            else:
                children.setdefault(p, []).append(x)
        spans: dict[str, tuple[int, int]] = {}
        clock = 0
        for root in roots:
            stack: list[tuple[str, bool]] = [(root, False)]
            while stack:
                x, done = stack.pop()
                if done:
                    spans[x] = (spans[x][0], clock)
                    continue
                spans[x] = (clock, clock)
                clock += 1
                stack.append((x, True))
                stack.extend((c, False) for c in reversed(children.get(x, ())))
        return spans

    def on_chain(self, unit: str, start: str) -> bool:
        """Whether following parents from ``start`` (itself included), whose chain ends in
        no cycle, reaches ``unit``."""
        assert start not in self.cyclic, "a chain into a cycle reaches every unit it holds"
        if start not in self.parents or unit not in self.parents or unit in self.cyclic:
            return False
        enter, leave = self._spans[unit]
        return enter <= self._spans[start][0] < leave


def first_alike(
    sets: Sequence[frozenset[str]], threshold: float, work: Work | None = None
) -> list[int | None]:
    """For each set, the index of the first earlier set alike to it, or None. Two sets are
    alike when they share at least two members and ``threshold`` of their union.

    Indexed by pairs of members, rarest first: two alike sets share their first two common
    members among the first few of each (a prefix, the shorter the higher the threshold); a
    probe skips every group of earlier sets whose size and the pair's place cannot leave
    enough in common, and stops at the first alike set of a group. Sets seen before take
    the answer of their first occurrence. The result is exactly that of comparing every
    pair in order, which is what a handful of sets (an objective's few key results) get:
    the index would cost more."""
    if len(sets) <= FEW:
        return _alike_pairwise(sets, threshold, work)
    out: list[int | None] = [None] * len(sets)
    freq = Counter(t for s in set(sets) for t in s)
    rank = {t: n for n, t in enumerate(sorted(freq, key=lambda t: (freq[t], t)))}
    first: dict[frozenset[str], int] = {}
    answer: dict[frozenset[str], int | None] = {}
    Pair = tuple[str, str]
    groups: dict[tuple[Pair, int, int], list[int]] = {}  # (pair, size, place) -> indexes
    shapes: dict[Pair, set[tuple[int, int]]] = {}  # pair -> the (size, place) groups it has
    steps = 0
    for j, a in enumerate(sets):
        na = len(a)
        if na < 2:
            continue
        seen = first.get(a)
        if seen is not None:
            earlier = answer[a]
            out[j] = earlier if earlier is not None else seen
            continue
        members = sorted(a, key=rank.__getitem__)
        need = next(o for o in range(2, na + 1) if o / na >= threshold)
        # the place of the second of the first two common members is at most na - need + 1
        prefix = members[: na - need + 2]
        pairs = [((prefix[p1], prefix[p2]), p2) for p2 in range(1, len(prefix)) for p1 in range(p2)]
        best: int | None = None
        for pair, p in pairs:
            for nb, q in shapes.get(pair, ()):
                # in common at most, if the pair are the first two common members
                most = 2 + min(na - p - 1, nb - q - 1)
                if most / (na + nb - most) < threshold:
                    continue
                for e in groups[(pair, nb, q)]:
                    if best is not None and e >= best:
                        break
                    steps += 1
                    b = sets[e]
                    both = len(a & b)
                    if both >= 2 and both / (na + nb - both) >= threshold:
                        best = e
                        break
        out[j] = best
        first[a] = j
        answer[a] = best
        for pair, p in pairs:
            groups.setdefault((pair, na, p), []).append(j)
            shapes.setdefault(pair, set()).add((na, p))
    if work is not None:
        work.steps += steps
    return out


FEW = 8  # sets up to this many are compared pair by pair: at most 28 comparisons


def _alike_pairwise(
    sets: Sequence[frozenset[str]], threshold: float, work: Work | None
) -> list[int | None]:
    out: list[int | None] = []
    steps = 0
    for j, a in enumerate(sets):
        found = None
        if len(a) >= 2:
            for e in range(j):
                steps += 1
                b = sets[e]
                both = len(a & b)
                if both >= 2 and both / (len(a) + len(b) - both) >= threshold:
                    found = e
                    break
        out.append(found)
    if work is not None:
        work.steps += steps
    return out
