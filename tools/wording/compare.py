"""Compare the shipped features with sentence embeddings beside them, by nested leave-source-out
cross-validation on the development sources (docs/judgement.md, "Embeddings beside the rules").

    python tools/wording/compare.py   # needs numpy, wordllama and textblob (not okrcli deps)

The outer loop holds out one of the ten development folds of whole sources (the folds of
``evaluate.py``); everything a model needs is learnt on the other nine only: its weights, its
thresholds (``train.thresholds`` over five inner folds of the training sources) and, where
embeddings take part, their penalty, picked among ``EMB_L2`` by the held-out log-loss of the
same inner folds. The final fold is never read. Findings follow ``okrcli/wording/reading.py``:
a named measure with no number is at most a hint, a business-as-usual phrase or a bare heading
is a catch-all warning whatever the model; OKR102, OKR104, OKR105 and OKR204 (plain rules) are
read from one ``okr lint`` of the development sentences, since no model changes them.

Embeddings are WordLlama's (``l2_supercat``, its first 64 dimensions; the weights and the
tokenizer ship in its wheel). WordLlama looks for the tokenizer under a folder its wheel does
not have and would then download it; pointing its cache folder at the installed package finds
both files there, so nothing is fetched (``scripts/offline`` proves it).
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "wording"))

import evaluate as ev  # noqa: E402
import split  # noqa: E402
import train as tr  # noqa: E402

DIMS = tuple(int(d) for d in os.environ.get("COMPARE_DIMS", "64,256").split(","))
# how thresholds are picked: "run" is train.thresholds (the lowest of the run of thresholds,
# from the top, that all meet the goals); "lowest" the lowest at which the figures meet them
WALK = os.environ.get("COMPARE_WALK", "run")
EMB_L2 = (3.0, 30.0, 300.0)  # penalties tried for the embedding weights, inside inner folds
# (dimensions, penalty) pairs the inner folds choose from
CANDS = tuple((d, l2) for d in DIMS for l2 in EMB_L2)
Cand = tuple[int, float]
INNER = tr.FOLDS
VARIANTS = ("rules", "embed", "rules+embed", "stack", "rules+parse")
PLAIN = {"OKR102", "OKR104", "OKR105", "OKR204"}


def embedder(dim: int) -> object:
    import wordllama
    from wordllama import WordLlama

    here = Path(wordllama.__file__).parent
    return WordLlama.load(cache_dir=here, disable_download=True, trunc_dim=dim)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Each title's embedding at every size of ``DIMS``, side by side."""
    out = []
    for dim in DIMS:
        wl = embedder(dim)
        out.append(np.asarray(wl.embed(list(texts), norm=True), dtype=float))  # type: ignore[attr-defined]
    return np.hstack(out)


def columns(dim: int) -> slice:
    start = sum(DIMS[: DIMS.index(dim)])
    return slice(start, start + dim)


def parse_features(text: str) -> set[str]:
    """A reading of the sentence's structure by TextBlob's tagger and chunker (pattern's Brill
    tagger; its lexicon and rules ship in the wheel): the part of speech that opens it, a verb
    and its object with no number, a passive done state, no verb at all, a number, a
    prepositional phrase (for whom), more than one verb phrase."""
    from textblob.en import parse

    tagged = str(parse(text, chunks=True, relations=False, lemmata=False))
    tokens = [t.split("/") for t in tagged.split()]
    tags = [t[1] for t in tokens if len(t) >= 3]
    chunks = [t[2] for t in tokens if len(t) >= 3]
    out: set[str] = set()
    if not tags:
        return out
    first = tags[0]
    for prefix in ("VBG", "VBN", "VB", "NN", "JJ", "RB", "IN"):
        if first.startswith(prefix):
            out.add(f"p:first_{prefix}")
            break
    verbs = [t for t in tags if t.startswith("VB")]
    if not verbs:
        out.add("p:no_verb")
    if "CD" in tags:
        out.add("p:number")
    if first == "VB" and "B-NP" in chunks and "CD" not in tags:
        out.add("p:verb_object_no_number")
    for a, b in itertools.pairwise(tags):
        if a in ("VBZ", "VBP", "VBD") and b == "VBN":
            out.add("p:passive_done")
    if "B-PP" in chunks:
        out.add("p:prep_phrase")
    if chunks.count("B-VP") >= 2:
        out.add("p:two_verb_phrases")
    return out


class Design:
    """Rows of a model: one-hot rule features and/or embedding dimensions, standardised on the
    training rows."""

    def __init__(
        self, items: Sequence[tr.Item], emb: np.ndarray, rules: bool, dense: bool, dim: int
    ) -> None:
        self.dim, self.cols = dim, columns(dim)
        emb = emb[:, self.cols]
        self.rules, self.dense = rules, dense
        self.names = sorted({f for i in items for f in i.features}) if rules else []
        self.index = {f: k for k, f in enumerate(self.names)}
        self.mu = emb.mean(axis=0) if dense else None
        self.sd = emb.std(axis=0) + 1e-9 if dense else None

    def x(self, items: Sequence[tr.Item], emb: np.ndarray) -> np.ndarray:
        parts = [np.ones((len(items), 1))]
        if self.rules:
            m = np.zeros((len(items), len(self.names)))
            for r, i in enumerate(items):
                for f in i.features:
                    if f in self.index:
                        m[r, self.index[f]] = 1.0
            parts.append(m)
        if self.dense:
            parts.append((emb[:, self.cols] - self.mu) / self.sd)
        return np.hstack(parts)

    def penalty(self, l2_emb: float) -> np.ndarray:
        p = [0.0] + [tr.L2] * len(self.names)
        if self.dense:
            p += [l2_emb] * self.dim
        return np.array(p)


def fit(x: np.ndarray, y: np.ndarray, c: np.ndarray, pen: np.ndarray) -> np.ndarray:
    beta = np.zeros(x.shape[1])
    for _ in range(40):
        z = np.clip(x @ beta, -30, 30)
        p = 1 / (1 + np.exp(-z))
        grad = x.T @ (c * (p - y)) + pen * beta
        hess = (x * (c * p * (1 - p))[:, None]).T @ x + np.diag(pen + 1e-6)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def target(items: Sequence[tr.Item], name: str) -> tuple[np.ndarray, np.ndarray]:
    positive = set(tr.GOALS[name]["positive"])  # type: ignore[call-overload]
    y = np.array([1.0 if positive & set(i.labels) else 0.0 for i in items])
    return y, np.array([i.weight for i in items])


def learn(
    items: Sequence[tr.Item], emb: np.ndarray, name: str, variant: str, cand: Cand
) -> tuple[Design, np.ndarray]:
    d = Design(items, emb, rules=variant != "embed", dense=variant != "rules", dim=cand[0])
    y, c = target(items, name)
    return d, fit(d.x(items, emb), y, c, d.penalty(cand[1]))


def inner_logits(
    items: Sequence[tr.Item],
    emb: np.ndarray,
    name: str,
    variant: str,
    cand: Cand,
    inner: list[set[str]],
) -> np.ndarray:
    z = np.zeros(len(items))
    for held in inner:
        tr_idx = [k for k, i in enumerate(items) if i.group not in held]
        te_idx = [k for k, i in enumerate(items) if i.group in held]
        d, beta = learn([items[k] for k in tr_idx], emb[tr_idx], name, variant, cand)
        z[te_idx] = d.x([items[k] for k in te_idx], emb[te_idx]) @ beta
    return z


class Stack:
    """The combination: the rules' log-odds and the embeddings' log-odds, weighed by a small
    logistic regression fitted on their inner held-out log-odds."""

    def __init__(self, parts: list[tuple[Design, np.ndarray]], top: np.ndarray) -> None:
        self.parts, self.top = parts, top

    def score(self, items: Sequence[tr.Item], emb: np.ndarray) -> np.ndarray:
        zs = [d.x(items, emb) @ b for d, b in self.parts]
        return self.top[0] + sum(w * z for w, z in zip(self.top[1:], zs, strict=True))


def train_stack(
    items: Sequence[tr.Item], emb: np.ndarray, name: str, inner: list[set[str]]
) -> tuple[Stack, float, float, Cand]:
    y, c = target(items, name)
    z_rules = inner_logits(items, emb, name, "rules", (DIMS[0], tr.L2), inner)
    best: tuple[float, Cand, np.ndarray] = (np.inf, CANDS[0], np.zeros(len(items)))
    for l2 in CANDS:
        z = inner_logits(items, emb, name, "embed", l2, inner)
        p = np.clip(1 / (1 + np.exp(-z)), 1e-9, 1 - 1e-9)
        loss = float(-(c * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum())
        if loss < best[0]:
            best = (loss, l2, z)
    _, l2, z_emb = best
    x = np.column_stack([np.ones(len(items)), z_rules, z_emb])
    top = fit(x, y, c, np.array([0.0, 0.1, 0.1]))
    warn, hint = pick(list(zip((x @ top).tolist(), items, strict=True)), name)
    parts = [
        learn(items, emb, name, "rules", (DIMS[0], tr.L2)),
        learn(items, emb, name, "embed", l2),
    ]
    return Stack(parts, top), warn, hint, l2


def train_model(
    items: Sequence[tr.Item], emb: np.ndarray, name: str, variant: str, inner: list[set[str]]
) -> tuple[Design, np.ndarray, float, float, Cand]:
    """Weights, penalty and thresholds from the training sources only (``inner``: the inner
    folds, dealt over every training source as ``train.py`` deals them)."""
    y, c = target(items, name)
    best: tuple[float, Cand, np.ndarray] = (np.inf, CANDS[0], np.zeros(len(items)))
    for l2 in CANDS if variant != "rules" else ((DIMS[0], tr.L2),):
        z = inner_logits(items, emb, name, variant, l2, inner)
        p = np.clip(1 / (1 + np.exp(-z)), 1e-9, 1 - 1e-9)
        loss = float(-(c * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum())
        if loss < best[0]:
            best = (loss, l2, z)
    _, l2, z = best
    warn, hint = pick(list(zip(z.tolist(), items, strict=True)), name)
    d, beta = learn(items, emb, name, variant, l2)
    return d, beta, warn, hint, l2


def pick(scored: list[tuple[float, tr.Item]], name: str) -> tuple[float, float]:
    warn, hint = tr.thresholds(scored, name)
    if WALK == "run":
        return warn, hint
    goal = tr.GOALS[name]
    good = sum(i.weight for _, i in scored if "good" in i.labels) or 1.0
    best = 99.0
    for t in sorted({round(z, 4) for z, _ in scored}):
        tp = sum(i.weight for z, i in scored if z >= t and _pos(i, name))
        fl = sum(i.weight for z, i in scored if z >= t)
        fg = sum(i.weight for z, i in scored if z >= t and "good" in i.labels)
        if (
            fl >= 10
            and tp / fl >= float(goal["precision"])  # type: ignore[arg-type]
            and fg / good <= float(goal["good_rate"])  # type: ignore[arg-type]
        ):
            best = t
            break
    return best, min(hint, best)


def bare(f: set[str]) -> bool:
    short = "few_words" in f or "three_words" in f
    return ("no_verb" in f and "few_words" in f and "no_change_named" in f) or (
        "be_more" in f and short
    )


def level(z: float, warn: float, hint: float) -> str | None:
    return "warning" if z >= warn else "info" if z >= hint else None


def main() -> int:
    shared = tr.shared_dir()
    assert shared is not None, "../shared with the corpus is needed"
    rows = tr.read_corpora(shared)
    final = split.final_fold(str(r["source"]) for r in rows)
    dev = [r for r in rows if r["source"] not in final]  # the final fold is never read here
    items = tr.featurise(dev)
    t = time.perf_counter()
    parsed = [
        replace(i, features=tuple(sorted({*i.features, *parse_features(str(r["text"]))})))
        for i, r in zip(items, dev, strict=True)
    ]
    print(f"parsed {len(dev)} titles in {time.perf_counter() - t:.2f} s (import included)")
    t = time.perf_counter()
    emb = embed([str(r["text"]) for r in dev])
    print(f"embedded {len(dev)} titles in {time.perf_counter() - t:.2f} s (model load included)")
    plain = {
        k: {c: s for c, s in j.found.items() if c in PLAIN}
        for k, j in enumerate(ev.judge_rows(dev))
    }
    outer = split.dev_folds((i.group for i in items), 10)
    judged: dict[str, list[ev.Judged]] = {
        v: [ev.Judged(r, dict(plain[k])) for k, r in enumerate(dev)] for v in VARIANTS
    }
    chosen: dict[str, list[Cand]] = {}
    pooled: dict[tuple[str, str], list[tuple[float, tr.Item]]] = {}
    forced: set[int] = set()  # objectives a phrase or a bare heading makes catch-alls
    for n, out in enumerate(outer):
        inner = tr.folds([i for i in items if i.group not in out], INNER)
        for name, level_name in (("task", "key_result"), ("catch_all", "objective")):
            lv = [k for k, i in enumerate(items) if i.level == level_name]
            tr_idx = [k for k in lv if items[k].group not in out]
            te_idx = [k for k in lv if items[k].group in out]
            train_items = [items[k] for k in tr_idx]
            for variant in VARIANTS:
                test_items = [items[k] for k in te_idx]
                if variant == "rules+parse":
                    mine = [parsed[k] for k in tr_idx]
                    d, beta, warn, hint, l2 = train_model(mine, emb[tr_idx], name, "rules", inner)
                    zs = d.x([parsed[k] for k in te_idx], emb[te_idx]) @ beta
                elif variant == "stack":
                    st, warn, hint, l2 = train_stack(train_items, emb[tr_idx], name, inner)
                    zs = st.score(test_items, emb[te_idx])
                else:
                    d, beta, warn, hint, l2 = train_model(
                        train_items, emb[tr_idx], name, variant, inner
                    )
                    zs = d.x(test_items, emb[te_idx]) @ beta
                chosen.setdefault(f"{variant} {name}", []).append(l2)
                for k, z in zip(te_idx, zs.tolist(), strict=True):
                    pooled.setdefault((variant, name), []).append((z, items[k]))
                for k, z in zip(te_idx, zs.tolist(), strict=True):
                    f = set(items[k].features)
                    lvl = level(z, warn, hint)
                    found = judged[variant][k].found
                    if name == "task":
                        if "metric_no_amount" in f:
                            lvl = "info" if lvl else None
                        if lvl:
                            found["OKR205"] = lvl
                    else:
                        if "catch_all_phrase" in f or bare(f):
                            lvl = "warning"
                            forced.add(k)
                        if lvl:
                            found["OKR103"] = lvl
        print(f"  outer fold {n + 1}/10 done", file=sys.stderr)
    for key, l2s in chosen.items():
        print(f"penalty chosen per outer fold, {key}: {l2s}")
    print("\nranking alone (outer log-odds pooled; no threshold): AUC, and the best recall at")
    print("precision >= 0.93 (task) / 0.80 (catch-all), an oracle threshold on the outer folds")
    for (variant, name), scored in sorted(pooled.items()):
        print(
            f"  {variant:12} {name:9} AUC {auc(scored, name):.3f}  best recall "
            f"{best_recall(scored, name):.3f}"
        )
    print("\npaired with the rules, warnings (weight): sentences only the variant gets right /")
    print("only the rules get right (task-like key results; catch-all objectives)")
    for variant in VARIANTS[1:]:
        line = []
        for level_name, codes, positive in (
            ("key_result", ev.TASK, {"initiative", "binary"}),
            ("objective", {"OKR103"}, {"catch_all"}),
        ):
            gain = loss = 0.0
            for mine, base in zip(judged[variant], judged["rules"], strict=True):
                if mine.row["level"] != level_name:
                    continue
                want = bool(positive & mine.labels)
                ok_mine = mine.fired(codes, False) == want
                ok_base = base.fired(codes, False) == want
                gain += mine.weight if ok_mine and not ok_base else 0.0
                loss += mine.weight if ok_base and not ok_mine else 0.0
            line.append(f"{gain:.1f} / {loss:.1f}")
        print(f"  {variant:12} " + "; ".join(line))
    for variant in VARIANTS:
        js = judged[variant]
        print(f"\n######## {variant}")
        why: dict[str, float] = {}
        for k, j in enumerate(js):
            if j.row["level"] == "objective" and "good" in j.labels:
                for c, sev in j.found.items():
                    if sev != "info":
                        key = f"{c} (phrase or heading)" if c == "OKR103" and k in forced else c
                        why[key] = why.get(key, 0.0) + j.weight
        print("good objectives warned, by rule (weight):", dict(sorted(why.items())))
        summary(js, "all development sources")
        for kind in split.KINDS:
            summary([j for j in js if split.kind(str(j.row["source"])) == kind], f"kind: {kind}")
        for name in tr.CORPORA:
            summary([j for j in js if j.row.get("corpus") == name], f"file: {name}")
    return 0


def _pos(i: tr.Item, name: str) -> bool:
    return bool(set(tr.GOALS[name]["positive"]) & set(i.labels))  # type: ignore[call-overload]


def auc(scored: Sequence[tuple[float, tr.Item]], name: str) -> float:
    pos = [(z, i.weight) for z, i in scored if _pos(i, name)]
    neg = [(z, i.weight) for z, i in scored if not _pos(i, name)]
    num = sum(
        wp * wn * (1.0 if zp > zn else 0.5 if zp == zn else 0.0) for zp, wp in pos for zn, wn in neg
    )
    return num / (sum(w for _, w in pos) * sum(w for _, w in neg))


def best_recall(scored: Sequence[tuple[float, tr.Item]], name: str) -> float:
    floor = 0.93 if name == "task" else 0.80
    total = sum(i.weight for _, i in scored if _pos(i, name))
    tp = fp = best = 0.0
    for _, i in sorted(scored, key=lambda s: -s[0]):
        if _pos(i, name):
            tp += i.weight
        else:
            fp += i.weight
        if tp + fp >= 10 and tp / (tp + fp) >= floor:
            best = max(best, tp / total)
    return best


def summary(js: Sequence[ev.Judged], what: str) -> None:
    stats = [
        ("task R", ev.recall_stat("key_result", ev.TASK, "task", False)),
        ("task P", ev.precision_stat("key_result", ev.TASK, {"initiative", "binary"}, False)),
        ("catch R", ev.recall_stat("objective", {"OKR103"}, "catch_all", False)),
        ("catch P", ev.precision_stat("objective", {"OKR103"}, {"catch_all"}, False)),
        ("goodKR", ev.good_stat("key_result", False)),
        ("goodObj", ev.good_stat("objective", False)),
    ]
    parts = []
    for label, stat in stats:
        k, n = stat(js)
        if not n:
            parts.append(f"{label} -")
            continue
        lo, hi = ev.bootstrap(js, stat, 400)
        parts.append(f"{label} {k / n:.3f} [{lo:.2f}-{hi:.2f}]")
    print(f"{what} ({len(js)}): " + "; ".join(parts))


if __name__ == "__main__":
    raise SystemExit(main())
