"""The judgement model: small logistic regressions over the features in ``features.py``.

Each model adds the weights of the features a title shows to a bias; the sum (a log-odds) is
compared with two thresholds: at ``warn`` or above the finding is a warning, at ``hint`` or above
an ``info`` hint. The weights and thresholds are plain data (``weights.json``), learnt by
``tools/wording/train.py`` from a labelled corpus, so anyone can read which words weigh how much.
Scoring is a handful of dictionary look-ups: deterministic, no network, nothing downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from itertools import repeat
from typing import Literal

from okrcli.wording.features import Reading

WEIGHTS_FILE = "weights.json"
FORMAT = 1

Level = Literal["warn", "hint"]


@dataclass(frozen=True, slots=True)
class Model:
    """One logistic regression: a bias, a weight per feature, two thresholds (log-odds)."""

    name: str
    bias: float
    weights: Mapping[str, float]
    warn: float
    hint: float
    # the features that push towards a finding, by rank: strongest first, then by name
    rank: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        w = self.weights
        pushing = sorted((k for k in w if w[k] > 0), key=lambda k: (-w[k], k))
        object.__setattr__(self, "rank", {k: n for n, k in enumerate(pushing)})

    def logit(self, reading: Reading) -> float:
        # the weights are added in the reading's order, one at a time, as always
        return self.bias + sum(map(self.weights.get, reading, repeat(0.0)))

    def level(self, reading: Reading) -> Level | None:
        z = self.logit(reading)
        if z >= self.warn:
            return "warn"
        if z >= self.hint:
            return "hint"
        return None

    def reasons(self, reading: Reading, most: int = 2) -> list[str]:
        """The features that pushed hardest towards a finding, strongest first."""
        rank = self.rank
        return sorted((k for k in reading if k in rank), key=rank.__getitem__)[:most]


@dataclass(frozen=True, slots=True)
class Models:
    task: Model  # task-like key results (OKR205, or OKR203 when it reads as done-or-not)
    catch_all: Model  # catch-all objectives (OKR103)


def parse(data: Mapping[str, object]) -> Models:
    """Models from the weights file's content (checked, since a bad file must fail clearly)."""
    if data.get("format") != FORMAT:
        raise ValueError(f"{WEIGHTS_FILE}: format {data.get('format')!r}, expected {FORMAT}")
    raw = data.get("models")
    if not isinstance(raw, dict):
        raise ValueError(f"{WEIGHTS_FILE}: no models")
    built: dict[str, Model] = {}
    for name in ("task", "catch_all"):
        m = raw[name]
        built[name] = Model(
            name,
            float(m["bias"]),
            {str(k): float(v) for k, v in m["weights"].items()},
            float(m["warn"]),
            float(m["hint"]),
        )
    return Models(**built)


_installed: Models | None = None


def models() -> Models:
    """The shipped models (read once per process)."""
    global _installed
    if _installed is None:
        text = resources.files("okrcli.wording").joinpath(WEIGHTS_FILE).read_text("utf-8")
        _installed = parse(json.loads(text))
    return _installed


def install(m: Models | None) -> None:
    """Use other models in this process (``tools/wording/evaluate.py`` scores each fold with
    the models learnt without it); None goes back to the shipped ones."""
    global _installed
    _installed = m
