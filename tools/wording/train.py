"""Learn the wording model's weights (okrcli/wording/weights.json) from labelled sentences.

    python tools/wording/train.py            # features table and weights from ../shared's corpus
    python tools/wording/train.py --check    # exit 1 if the table or the weights differ from it
    python tools/wording/train.py --table    # weights again from tools/wording/features.jsonl

Two steps. First each sentence of the labelled corpus (``CORPORA`` in ``../shared`` beside the
project, read at run time only) is read into its features (okrcli/wording/features.py, with the
default word lists) and the table of features and labels is written to
tools/wording/features.jsonl: no sentence is kept, only which features it shows, its labels and
an opaque id of its source. Then two L2-regularised logistic regressions are fitted on that
table (Newton's method, deterministic, pure Python): task-like key results (initiative or
binary) and catch-all objectives. (Vanity is a plain rule: thirty labelled examples from a
handful of sources cannot carry a model.) Their thresholds come from leave-source-out
predictions on the training sources only: the warning threshold is the lowest at which the held
out precision and the rate of warnings on good sentences meet the targets in ``GOALS``, the
hint threshold the lowest at which the precision of hints still meets its own.

``--check`` is what CI runs (.ci/run): a feature or word-list change cannot land without the
table and the weights it makes. Without ``../shared`` (a user's clone) it says so and passes,
except under CI, where the corpus is always there.

``tools/wording/evaluate.py`` runs this whole procedure once per fold with that fold's sources
held out, so the figures it reports are for sentences from sources the weights and
thresholds never saw.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools" / "wording"))

from split import source_id  # noqa: E402

from okrcli.wording.features import kr_features, objective_features  # noqa: E402
from okrcli.wording.lexicon import Lexicon  # noqa: E402
from okrcli.wording.model import FORMAT  # noqa: E402

TABLE = ROOT / "tools" / "wording" / "features.jsonl"
WEIGHTS = ROOT / "okrcli" / "wording" / "weights.json"

# What each model learns: the level it reads, the labels that make a positive, and the held-out
# precision and good-sentence warning rate its warning threshold must meet (with a margin below
# the targets, since a threshold tuned on folds is a little optimistic). Info hints are
# not warnings, so they have a budget of their own: the precision of the band of hints, and the
# rate of good sentences with a warning or a hint.
GOALS: dict[str, dict[str, object]] = {
    "task": {
        "level": "key_result",
        "positive": ("initiative", "binary"),
        "precision": 0.94,
        "good_rate": 0.035,
        "hint_precision": 0.7,
        "hint_good_rate": 0.08,
    },
    "catch_all": {
        "level": "objective",
        "positive": ("catch_all",),
        "precision": 0.85,
        "good_rate": 0.025,
        "hint_precision": 0.7,
        "hint_good_rate": 0.06,
    },
}
L2 = 1.0  # the penalty on every weight (not the bias)
FOLDS = 5  # inner leave-source-out folds for the thresholds
UNCERTAIN_WEIGHT = 0.5  # items two careful readers could label either way count half


@dataclass(frozen=True, slots=True)
class Item:
    group: str  # an opaque id of the source
    level: str
    labels: tuple[str, ...]
    weight: float
    features: tuple[str, ...]


CORPORA = ("okr-dev-corpus.jsonl", "okr-dev-corpus-2.jsonl")


def shared_dir() -> Path | None:
    """``../shared`` beside the project (a clone, or a worktree one level further down)."""
    for up in (ROOT.parent, ROOT.parent.parent):
        if all((up / "shared" / name).is_file() for name in CORPORA):
            return up / "shared"
    return None


def read_corpus(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def read_corpora(shared: Path) -> list[dict[str, object]]:
    """Every labelled item, in file order, with the name of its file as ``corpus``."""
    return [{**row, "corpus": name} for name in CORPORA for row in read_corpus(shared / name)]


def featurise(rows: Iterable[dict[str, object]], lex: Lexicon | None = None) -> list[Item]:
    """Each corpus row as the features it shows (and its labels, weight and source id)."""
    lex = lex or Lexicon()
    out = []
    for r in rows:
        text = str(r["text"])
        level = str(r["level"])
        reading = kr_features(text, lex) if level == "key_result" else objective_features(text, lex)
        labels = r["labels"]
        assert isinstance(labels, list)
        out.append(
            Item(
                source_id(str(r["source"])),
                level,
                tuple(sorted(str(x) for x in labels)),
                UNCERTAIN_WEIGHT if r.get("uncertain") else 1.0,
                tuple(sorted(reading)),
            )
        )
    return out


def dump_table(items: Sequence[Item]) -> str:
    lines = [
        json.dumps(
            {
                "group": i.group,
                "level": i.level,
                "labels": list(i.labels),
                "weight": i.weight,
                "features": list(i.features),
            },
            sort_keys=True,
        )
        for i in items
    ]
    return "\n".join(lines) + "\n"


def read_table(path: Path = TABLE) -> list[Item]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(
                Item(d["group"], d["level"], tuple(d["labels"]), d["weight"], tuple(d["features"]))
            )
    return out


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is symmetric positive definite here)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        piv = m[c][c]
        for r in range(c + 1, n):
            f = m[r][c] / piv
            if f:
                row, top = m[r], m[c]
                for k in range(c, n + 1):
                    row[k] -= f * top[k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / m[r][r]
    return x


def fit(
    rows: Sequence[tuple[tuple[str, ...], float, float]], l2: float = L2, steps: int = 30
) -> tuple[float, dict[str, float]]:
    """L2-regularised logistic regression on binary features by Newton's method.

    ``rows`` are (features, label 0/1, weight). Returns the bias and a weight per feature."""
    names = sorted({f for fs, _, _ in rows for f in fs})
    index = {f: i + 1 for i, f in enumerate(names)}  # 0 is the bias
    xs = [[0, *(index[f] for f in fs)] for fs, _, _ in rows]
    d = len(names) + 1
    beta = [0.0] * d
    for _ in range(steps):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for x, (_, y, c) in zip(xs, rows, strict=True):
            z = sum(beta[j] for j in x)
            p = 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0
            g = c * (p - y)
            h = c * p * (1.0 - p)
            for j in x:
                grad[j] += g
                hj = hess[j]
                for k in x:
                    hj[k] += h
        for j in range(1, d):
            grad[j] += l2 * beta[j]
            hess[j][j] += l2
        hess[0][0] += 1e-6
        step = _solve(hess, grad)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return beta[0], {f: beta[index[f]] for f in names}


def _rows(items: Sequence[Item], name: str) -> list[tuple[tuple[str, ...], float, float]]:
    goal = GOALS[name]
    positive = set(goal["positive"])  # type: ignore[call-overload]
    return [
        (i.features, 1.0 if positive & set(i.labels) else 0.0, i.weight)
        for i in items
        if i.level == goal["level"]
    ]


def folds(items: Sequence[Item], k: int) -> list[set[str]]:
    """Sources dealt into k folds, in a fixed order (by their id), so every run splits alike."""
    groups = sorted({i.group for i in items})
    return [set(groups[f::k]) for f in range(k)]


def logit(bias: float, weights: dict[str, float], features: Iterable[str]) -> float:
    return bias + sum(weights.get(f, 0.0) for f in features)


def held_out_logits(items: Sequence[Item], name: str, k: int = FOLDS) -> list[tuple[float, Item]]:
    """Each item's log-odds from a model fitted without its source (leave-source-out)."""
    level = GOALS[name]["level"]
    out = []
    for held in folds(items, k):
        train = [i for i in items if i.group not in held]
        bias, w = fit(_rows(train, name))
        out += [
            (logit(bias, w, i.features), i) for i in items if i.group in held and i.level == level
        ]
    return out


def thresholds(scored: Sequence[tuple[float, Item]], name: str) -> tuple[float, float]:
    """The warning and hint thresholds: as low as the held-out figures meet the goals."""
    goal = GOALS[name]
    positive = set(goal["positive"])  # type: ignore[call-overload]
    good = sum(i.weight for _, i in scored if "good" in i.labels) or 1.0
    cands = sorted({round(z, 4) for z, _ in scored})

    def figures(t: float) -> tuple[float, float, float]:
        tp = fp = fg = 0.0
        for z, i in scored:
            if z >= t:
                if positive & set(i.labels):
                    tp += i.weight
                else:
                    fp += i.weight
                    if "good" in i.labels:
                        fg += i.weight
        return tp, fp, fg / good

    # Walk down from the highest score and stop at the first threshold that misses a goal:
    # the lowest threshold of the run of thresholds that all meet it (a threshold that meets
    # it only by luck, below one that does not, is not taken). Goals are checked once ten
    # sentences (five in the hint band) are flagged: a precision of one or two says nothing.
    # The rate of findings on good sentences is checked at every threshold.
    warn = hint = 99.0
    for t in reversed(cands):
        tp, fp, rate = figures(t)
        if tp + fp >= 10 and not (
            tp / (tp + fp) >= float(goal["precision"])  # type: ignore[arg-type]
            and rate <= float(goal["good_rate"])  # type: ignore[arg-type]
        ):
            break
        warn = t
    lo_tp, lo_fp, _ = figures(warn)
    for t in reversed(cands):
        if t >= warn:
            continue
        tp, fp, rate = figures(t)
        band_tp, band_fp = tp - lo_tp, fp - lo_fp
        precise = band_tp + band_fp < 5 or band_tp / (band_tp + band_fp) >= float(
            goal["hint_precision"]  # type: ignore[arg-type]
        )
        if not precise or rate > float(goal["hint_good_rate"]):  # type: ignore[arg-type]
            break
        hint = t
    return warn, min(hint, warn)


def train(items: Sequence[Item]) -> dict[str, object]:
    """The weights file's content: every model fitted on all items, thresholds from folds."""
    models: dict[str, object] = {}
    for name in GOALS:
        warn, hint = thresholds(held_out_logits(items, name), name)
        bias, w = fit(_rows(items, name))
        models[name] = {
            "bias": round(bias, 4),
            "weights": {f: round(v, 4) for f, v in sorted(w.items()) if abs(v) >= 5e-5},
            "warn": round(warn, 4),
            "hint": round(hint, 4),
        }
    return {
        "format": FORMAT,
        "about": "Learnt by tools/wording/train.py from tools/wording/features.jsonl; do not edit.",
        "trained_on": {
            "items": len(items),
            "sources": len({i.group for i in items}),
            "l2": L2,
            "folds": FOLDS,
        },
        "models": models,
    }


def dump(data: dict[str, object]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if table or weights differ")
    ap.add_argument("--table", action="store_true", help="learn from the table in the project")
    ap.add_argument("--shared", type=Path, help="the folder of the corpus (default ../shared)")
    args = ap.parse_args()
    if args.table:
        items = read_table()
    else:
        shared = args.shared or shared_dir()
        if shared is not None and not all((shared / n).is_file() for n in CORPORA):
            shared = None
        if shared is None:
            if os.environ.get("CI"):
                print("train.py: ../shared with the labelled corpus is missing", file=sys.stderr)
                return 1
            print("../shared is not beside this clone: the wording weights are not checked")
            return 0
        items = featurise(read_corpora(shared))
    table = dump_table(items)
    learnt = dump(train(items))
    if args.check:
        problems = [p for p, text in ((TABLE, table), (WEIGHTS, learnt)) if p.read_text() != text]
        for p in problems:
            print(f"{p.relative_to(ROOT)} differs from what the corpus gives: run {RUN}")
        if not problems:
            print("the wording features table and weights are what the corpus gives")
        return 1 if problems else 0
    if not args.table:
        TABLE.write_text(table, "utf-8")
    WEIGHTS.write_text(learnt, "utf-8")
    print(f"wrote {WEIGHTS.relative_to(ROOT)}")
    return 0


RUN = "python tools/wording/train.py (with ../shared beside the project)"


if __name__ == "__main__":
    raise SystemExit(main())
