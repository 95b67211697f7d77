"""Score the wording rules on the labelled corpus, on sources held out of their training.

    python tools/wording/evaluate.py [--folds 10] [--show] [--kinds]   # development sources
    python tools/wording/evaluate.py --final   # the final fold, once the method is frozen

The corpus (``../shared`` beside the project, read at run time only; nothing of it is kept in
the project) holds one JSON object a line with ``level`` (objective | key_result), ``text``,
``labels``, ``source`` and ``uncertain``. The method is written down in docs/judgement.md.

The final fold (``split.py``: 22% of the sources, drawn per kind of source with a fixed seed)
is left out of every run but ``--final``, and its sentences are never printed. By default the
development sources are dealt into folds; for each fold the wording model is learnt (weights
and thresholds, by ``train.py``'s procedure) on the other folds only. ``--final`` learns it on
all development sources and judges the final fold. Either way a sentence is judged the way a
user's repository is: each becomes the title of an objective or key result in an otherwise
well-formed repository (three to five key results an objective, each with a baseline, target
and current), ``okr lint`` runs in process with OKR102-105 and OKR203-205 selected, and its
findings are mapped back to the sentences by line. Figures are per label, with 95% intervals:
Wilson's for a proportion, and a bootstrap that resamples whole sources. Items marked uncertain
count half. ``--kinds`` adds the figures per kind of source.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools" / "wording"))

import split  # noqa: E402
import train as train_judge  # noqa: E402

from okrcli.lint.run import LintRequest, lint  # noqa: E402
from okrcli.wording import model as judgement  # noqa: E402
from okrcli.wording.lexicon import Lexicon  # noqa: E402
from okrcli.wording.reading import read_kr, read_objective  # noqa: E402

SELECT = ["OKR102", "OKR103", "OKR104", "OKR105", "OKR203", "OKR204", "OKR205"]
TASK = {"OKR203", "OKR205"}
# label -> (level, the codes that should fire on it, the labels a firing counts as right on)
TARGETS: dict[str, tuple[str, set[str], set[str]]] = {
    "task (initiative|binary)": ("key_result", TASK, {"initiative", "binary"}),
    "initiative": ("key_result", TASK, {"initiative", "binary"}),
    "binary": ("key_result", TASK, {"initiative", "binary"}),
    "vanity": ("key_result", {"OKR204"}, {"vanity"}),
    "metric_in_objective": ("objective", {"OKR102"}, {"metric_in_objective"}),
    "catch_all": ("objective", {"OKR103"}, {"catch_all"}),
    "not_quarter_scoped": ("objective", {"OKR104"}, {"not_quarter_scoped"}),
}
GOALS = {
    "task (initiative|binary)": "recall >= 0.85 at precision >= 0.93",
    "catch_all": "recall >= 0.60 at precision >= 0.80",
    "vanity": "precision >= 0.80",
}
GOOD_GOALS = {"key_result": "<= 0.04", "objective": "<= 0.06"}
FILLER_OBJECTIVE = "Make checkout effortless for returning customers"
FILLER_KRS = (
    "Raise checkout conversion of returning customers",
    "Cut median time to complete a repeat order",
    "Lower the share of checkouts that fail with a payment error",
)


@dataclass
class Judged:
    row: dict[str, object]
    found: dict[str, str] = field(default_factory=dict)  # code -> severity

    @property
    def weight(self) -> float:
        return train_judge.UNCERTAIN_WEIGHT if self.row.get("uncertain") else 1.0

    @property
    def labels(self) -> set[str]:
        labels = self.row["labels"]
        assert isinstance(labels, list)
        return set(labels)

    def fired(self, codes: set[str], hints: bool) -> bool:
        return any(c in codes and (hints or s != "info") for c, s in self.found.items())


def _q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def write_repository(root: Path, rows: Sequence[dict[str, object]]) -> dict[tuple[str, int], int]:
    """One unit file per objective: corpus objectives each with three filler key results,
    corpus key results four to an objective with a filler title. Returns (file, line) -> row."""
    objectives = [i for i, r in enumerate(rows) if r["level"] == "objective"]
    krs = [i for i, r in enumerate(rows) if r["level"] == "key_result"]
    files: list[tuple[int | None, list[int | None]]] = [(i, [None] * 3) for i in objectives]
    for start in range(0, len(krs), 4):
        chunk: list[int | None] = list(krs[start : start + 4])
        files.append((None, chunk + [None] * (3 - len(chunk))))
    where: dict[tuple[str, int], int] = {}
    units = []
    for n, (obj, kr_rows) in enumerate(files):
        unit = f"u{n:04d}"
        units.append(f"  - {{id: {unit}, name: Unit {n}, level: team, parent: acme}}")
        rel = f"okrs/2026-Q4/{unit}.yaml"
        title = FILLER_OBJECTIVE if obj is None else str(rows[obj]["text"])
        lines = [f"unit: {unit}", "quarter: 2026-Q4", "objectives:", "  - id: objective"]
        if obj is not None:
            where[(rel, len(lines) + 1)] = obj
        lines += [f"    title: {_q(title)}", "    aligns_to: [strategy/retention]"]
        lines.append("    key_results:")
        for j, kr in enumerate(kr_rows):
            title = FILLER_KRS[j % 3] if kr is None else str(rows[kr]["text"])
            lines.append(f"      - id: kr{j}")
            if kr is not None:
                where[(rel, len(lines) + 1)] = kr
            lines += [
                f"        title: {_q(title)}",
                "        baseline: 40",
                "        target: 55",
                "        current: 44",
            ]
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", "utf-8")
    org = [
        "units:",
        "  - {id: acme, name: Acme, level: company}",
        *units,
        "strategy:",
        "  - {id: retention, title: Grow the lifetime value of the customers we have}",
    ]
    (root / "org.yaml").write_text("\n".join(org) + "\n", "utf-8")
    return where


def judge_rows(rows: Sequence[dict[str, object]]) -> list[Judged]:
    """Lint the rows as titles in a repository and read the findings back by line."""
    out = [Judged(r) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        where = write_repository(root, rows)
        result = lint(LintRequest(paths=[root], select=SELECT, repo=root, cwd=root))
    for d in result.diagnostics:
        i = where.get((d.rel, d.line))
        if i is not None:
            out[i].found[d.code] = d.severity
    return out


def wilson(k: float, n: float, z: float = 1.96) -> tuple[float, float]:
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


Stat = Callable[[Sequence[Judged]], tuple[float, float]]  # -> (hits, total)


def bootstrap(judged: Sequence[Judged], stat: Stat, rounds: int = 1000) -> tuple[float, float]:
    """A 95% interval from resampling whole sources."""
    by_source: dict[str, list[Judged]] = {}
    for j in judged:
        by_source.setdefault(str(j.row["source"]), []).append(j)
    groups = list(by_source.values())
    rng = random.Random(17)
    values = []
    for _ in range(rounds):
        sample = [x for _ in groups for x in rng.choice(groups)]
        k, n = stat(sample)
        if n:
            values.append(k / n)
    values.sort()
    if not values:
        return math.nan, math.nan
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def recall_stat(level: str, codes: set[str], label: str, hints: bool) -> Stat:
    wanted = {"initiative", "binary"} if label.startswith("task") else {label}

    def stat(js: Sequence[Judged]) -> tuple[float, float]:
        pos = [j for j in js if j.row["level"] == level and wanted & j.labels]
        return sum(j.weight for j in pos if j.fired(codes, hints)), sum(j.weight for j in pos)

    return stat


def precision_stat(level: str, codes: set[str], right: set[str], hints: bool) -> Stat:
    def stat(js: Sequence[Judged]) -> tuple[float, float]:
        flagged = [j for j in js if j.row["level"] == level and j.fired(codes, hints)]
        return sum(j.weight for j in flagged if right & j.labels), sum(j.weight for j in flagged)

    return stat


def good_stat(level: str, hints: bool) -> Stat:
    codes = set(SELECT)

    def stat(js: Sequence[Judged]) -> tuple[float, float]:
        good = [j for j in js if j.row["level"] == level and "good" in j.labels]
        return sum(j.weight for j in good if j.fired(codes, hints)), sum(j.weight for j in good)

    return stat


def _fmt(stat: Stat, judged: Sequence[Judged]) -> str:
    k, n = stat(judged)
    if not n:
        return f"{'-':>6} {'':17}"
    lo, hi = wilson(k, n)
    blo, bhi = bootstrap(judged, stat)
    return f"{k / n:6.3f} [{lo:.2f}-{hi:.2f} | {blo:.2f}-{bhi:.2f}]"


def report(judged: Sequence[Judged], show: bool) -> None:
    for hints in (False, True):
        what = "warnings and info hints" if hints else "warnings only"
        print(f"\n== {what}   (value [Wilson 95% | source-bootstrap 95%])")
        print(f"{'label':26} {'n':>5}  {'recall':33} {'precision':33}")
        for label, (level, codes, right) in TARGETS.items():
            rs = recall_stat(level, codes, label, hints)
            ps = precision_stat(level, codes, right, hints)
            n = rs(judged)[1]
            goal = f"   goal: {GOALS[label]}" if label in GOALS else ""
            print(f"{label:26} {n:5.0f}  {_fmt(rs, judged):33} {_fmt(ps, judged):33}{goal}")
        for level in ("key_result", "objective"):
            gs = good_stat(level, hints)
            print(f"good {level}s with a finding: {_fmt(gs, judged)}   (goal: {GOOD_GOALS[level]})")
    if show:
        print()
        for label, (level, codes, right) in TARGETS.items():
            if label in ("initiative", "binary"):
                continue
            wanted = {"initiative", "binary"} if label.startswith("task") else {label}
            for j in judged:
                if j.row["level"] != level:
                    continue
                hit = j.fired(codes, True)
                if wanted & j.labels and not hit:
                    print(f"  miss {label}: {j.row['text']}")
                elif hit and not right & j.labels:
                    sev = ",".join(f"{c}:{s}" for c, s in sorted(j.found.items()))
                    print(f"  false {label} [{sev}] {sorted(j.labels)}: {j.row['text']}")


def speed(rows: Sequence[dict[str, object]]) -> float:
    """Microseconds to read one title afresh (no memo), key results and objectives alike."""
    texts = [(str(r["level"]), str(r["text"])) for r in rows]
    best = math.inf
    for _ in range(3):
        lex = Lexicon()
        lex.task_verbs, lex.longest_phrase  # noqa: B018  (build the lists before timing)
        t = time.perf_counter()
        for level, text in texts:
            lex.memo.clear()
            (read_kr if level == "key_result" else read_objective)(text, lex)
        best = min(best, time.perf_counter() - t)
    return best / len(texts) * 1e6


# The feature sets compared in docs/judgement.md. "words": the features as they were before
# the structural readings; "structure": the shape of the sentence (numbers and their shapes,
# the first verb, length, cadence, a share of work done, a count of people, a result someone
# else grants, a subject with its verb, a change named) with no content-word list but the verbs;
# "all": both.
STRUCTURAL = frozenset(
    {
        "cadence",
        "recurring_work",
        "work_share",
        "people_count",
        "others_decide",
        "metric_no_amount",
        "clause",
        "change_word",
        "change_for_someone",
        "two_aims",
        "no_change_named",
        "window",
    }
)
SHAPES = frozenset(
    {
        "amount",
        "percent",
        "money",
        "from_to",
        "compare",
        "by_change",
        "time_amount",
        "share_of",
        "per_period",
        "zero",
        "universal",
        "no_amount",
        "short",
        "long",
        "no_verb",
        "lead_task",
        "lead_outcome",
        "lead_noun",
        "lead_participle",
        "task_no_amount",
        "task_unmeasured_count",
        "few_words",
        "three_words",
        "many_words",
        "heading",
        "verb_list",
        "parenthesis",
        "purpose",
        "lead_generic_verb",
        "lead_make",
    }
)
FEATURE_SETS: dict[str, Callable[[str], bool]] = {
    "all": lambda f: True,
    "words": lambda f: f not in STRUCTURAL,
    "structure": lambda f: f in STRUCTURAL or f in SHAPES,
}


def subset(item: train_judge.Item, name: str) -> train_judge.Item:
    keep = FEATURE_SETS[name]
    return replace(item, features=tuple(f for f in item.features if keep(f)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=10, help="source folds (default 10)")
    ap.add_argument("--show", action="store_true", help="print every miss and false alarm")
    ap.add_argument("--kinds", action="store_true", help="figures per kind of source too")
    ap.add_argument(
        "--features", choices=sorted(FEATURE_SETS), default="all", help="which features learn"
    )
    ap.add_argument("--final", action="store_true", help="judge the final fold (once!)")
    ap.add_argument("--shared", type=Path, help="the folder of the corpus (default ../shared)")
    args = ap.parse_args()
    shared = args.shared or train_judge.shared_dir()
    if shared is None:
        print("evaluate.py: ../shared with the labelled corpus is missing", file=sys.stderr)
        return 2
    rows = train_judge.read_corpora(shared)
    final = split.final_fold(str(r["source"]) for r in rows)
    dev = [r for r in rows if r["source"] not in final]
    held = [r for r in rows if r["source"] in final]
    print(
        f"{len(rows)} items from {len({r['source'] for r in rows})} sources; final fold: "
        f"{len(held)} items from {len(final)} sources (left out unless --final)"
    )
    items = [subset(it, args.features) for it in train_judge.featurise(dev)]
    if args.final:
        judgement.install(judgement.parse(train_judge.train(items)))
        judged = judge_rows(held)
        judgement.install(None)
        print("final fold, judged by the model learnt on the development sources only")
    else:
        judged = [Judged(r) for r in dev]
        folds = split.dev_folds((it.group for it in items), args.folds)
        for k, out in enumerate(folds):
            train = [it for it in items if it.group not in out]
            judgement.install(judgement.parse(train_judge.train(train)))
            idx = [i for i, it in enumerate(items) if it.group in out]
            for i, j in zip(idx, judge_rows([dev[i] for i in idx]), strict=True):
                judged[i] = j
            print(f"  fold {k + 1}/{args.folds}: {len(idx)} items held out", file=sys.stderr)
        judgement.install(None)
        print(f"development sources, leave-source-out: {args.folds} folds of whole sources")
    report(judged, args.show and not args.final)
    if args.kinds:
        for kind in split.KINDS:
            mine = [j for j in judged if split.kind(str(j.row["source"])) == kind]
            print(f"\n##### kind of source: {kind} ({len(mine)} items)")
            report(mine, False)
        for name in train_judge.CORPORA:
            mine = [j for j in judged if j.row.get("corpus") == name]
            print(f"\n##### corpus file: {name} ({len(mine)} items)")
            report(mine, False)
    print(f"\nreading one title: {speed(dev):.1f} us (budget 50 us)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
