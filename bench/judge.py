"""Score the heuristic rules on a labelled corpus of OKR sentences.

    python bench/judge.py PATH/TO/corpus.jsonl [--show]

Each line is a JSON object with ``level`` (objective | key_result), ``text`` and ``labels``.
Prints recall and precision per label, the task target (OKR203 or OKR205 on key results
labelled initiative or binary) and the rate of heuristic warnings on good sentences. The
corpus is read at run time only; nothing of it is kept in the project.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from okrcli.rules.lexicon import Lexicon
from okrcli.rules.text import read_kr, read_objective

# label -> (level, rule codes that should fire)
TARGETS = {
    "initiative": ("key_result", {"OKR205", "OKR203"}),
    "binary": ("key_result", {"OKR205", "OKR203"}),
    "vanity": ("key_result", {"OKR204"}),
    "metric_in_objective": ("objective", {"OKR102"}),
    "catch_all": ("objective", {"OKR103"}),
    "not_quarter_scoped": ("objective", {"OKR104"}),
}


def codes_for(level: str, text: str, lex: Lexicon) -> dict[str, str]:
    if level == "key_result":
        k = read_kr(text, lex)
        found = {"OKR205": k.task, "OKR203": k.done, "OKR204": k.vanity}
    else:
        o = read_objective(text, lex)
        found = {
            "OKR102": o.metric,
            "OKR103": o.catch_all,
            "OKR104": o.long_horizon,
            "OKR105": o.parity,
        }
    return {c: r for c, r in found.items() if r}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--show", action="store_true", help="print every miss and false alarm")
    args = ap.parse_args()
    lex = Lexicon()
    rows = [json.loads(line) for line in args.corpus.read_text().splitlines() if line.strip()]
    results = [(r, codes_for(r["level"], r["text"], lex)) for r in rows]

    print(f"{'label':22} {'recall':>8} {'precision':>10}  n")
    for label, (level, codes) in TARGETS.items():
        pos = [(r, f) for r, f in results if r["level"] == level and label in r["labels"]]
        flagged = [(r, f) for r, f in results if r["level"] == level and codes & set(f)]
        hit = [r for r, f in pos if codes & set(f)]
        if label in ("initiative", "binary"):
            right = [r for r, f in flagged if {"initiative", "binary"} & set(r["labels"])]
        else:
            right = [r for r, f in flagged if label in r["labels"]]
        rec = len(hit) / len(pos) if pos else float("nan")
        prec = len(right) / len(flagged) if flagged else float("nan")
        print(f"{label:22} {rec:8.0%} {prec:10.0%}  {len(pos)}")
        if args.show:
            for r, f in pos:
                if not codes & set(f):
                    print(f"    miss: {r['text']}")
            for r, f in flagged:
                if r not in right:
                    print(f"    false alarm {sorted(codes & set(f))}: {r['text']}")

    task_pos = [(r, f) for r, f in results if {"initiative", "binary"} & set(r["labels"])]
    task_flag = [
        (r, f) for r, f in results if r["level"] == "key_result" and {"OKR203", "OKR205"} & set(f)
    ]
    rec = sum(1 for _, f in task_pos if {"OKR203", "OKR205"} & set(f)) / max(1, len(task_pos))
    prec = sum(1 for r, _ in task_flag if {"initiative", "binary"} & set(r["labels"])) / max(
        1, len(task_flag)
    )
    good = [(r, f) for r, f in results if "good" in r["labels"]]
    noisy = [(r, f) for r, f in good if f]
    print(
        f"\ntasks (OKR203|OKR205): recall {rec:.0%} (target 80%), precision {prec:.0%} (target 90%)"
    )
    print(
        f"good sentences with any heuristic warning: {len(noisy)}/{len(good)} "
        f"= {len(noisy) / max(1, len(good)):.0%} (target < 5%)"
    )
    if args.show:
        for r, f in noisy:
            print(f"    {sorted(f)}: {r['text']}  <- {next(iter(f.values()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
