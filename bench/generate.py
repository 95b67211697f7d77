"""Generate a synthetic OKR organisation of N units for the benchmarks.

    python bench/generate.py N OUT_DIR [--quarter 2026-Q4]

A company, business units of about 20 teams each, one file per unit for one quarter, each
about 1.8 KB: one objective with four key results, aligned to the parent unit. The files
lint clean apart from cross-unit info findings, like a real organisation's.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

KRS = [
    ("conversion", "Raise checkout conversion of returning visitors from {area}", 42, 47, "%"),
    ("latency", "Cut p95 page latency for shoppers in {area}", 900, 450, "ms"),
    ("errors", "Lower the share of {area} sessions that hit an error page", 2.4, 1.0, "%"),
    ("satisfaction", "Raise satisfaction of {area} customers with order status", 4.1, 4.4, None),
]
AREAS = ["mobile", "web", "search", "gift cards", "subscriptions", "marketplace", "b2b", "returns"]
REGIONS = [
    "in the north",
    "in the south",
    "in cities",
    "abroad",
    "on weekends",
    "at night",
    "for first orders",
    "for large baskets",
    "for repeat orders",
    "for gifts",
    "for pets",
]
PEOPLE = ["returning customers", "new shoppers", "small businesses", "partners", "sellers"]


def _area(unit: str) -> str:
    """Titles differ per unit, as they do in a real organisation."""
    h = sum(ord(c) * (i + 1) for i, c in enumerate(unit))
    return f"{AREAS[h % len(AREAS)]} {REGIONS[(h // 8) % len(REGIONS)]}"


def unit_file(unit: str, parent_ref: str, quarter: str, rng: random.Random) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schemas/okr-file.schema.json",
        f"unit: {unit}",
        f"quarter: {quarter}",
        "objectives:",
        f"  - id: {unit}-goal",
        f"    title: Make ordering again effortless for {PEOPLE[len(unit) % len(PEOPLE)]} "
        f"of {_area(unit)}",
        f"    commitment: {'committed' if rng.random() < 0.6 else 'aspirational'}",
        f"    owner: owner-{unit}",
        "    aligns_to:",
        f"      - {parent_ref}",
        "    initiatives:",
        "      - Interview ten customers who stopped ordering and share what we learn",
        "    key_results:",
    ]
    for kid, title, base, target, disp in KRS:
        cur = round(base + (target - base) * rng.random() * 0.8, 2)
        lines += [
            f"      - id: {kid}",
            f"        title: {title.format(area=_area(unit))}",
            *([f'        unit: "{disp}"'] if disp else []),
            f"        baseline: {base}",
            f"        target: {target}",
            f"        current: {cur}",
            f"        confidence: {round(rng.uniform(0.3, 0.9), 1)}",
        ]
    return "\n".join(lines) + "\n"


def generate(
    n: int, out: Path, quarter: str = "2026-Q4", seed: int = 7, *, keep: bool = False
) -> list[Path]:
    """Write the organisation under ``out`` (replacing it, unless ``keep``: then only the
    OKR files are rewritten, with new values, as a weekly check-in would)."""
    rng = random.Random(seed)
    if out.exists() and not keep:
        shutil.rmtree(out)
    if keep:
        (out / "okrs" / quarter).mkdir(parents=True, exist_ok=True)
    (out / "okrs" / quarter).mkdir(parents=True, exist_ok=True)
    n_bu = max(1, (n - 1) // 21)
    org = ["units:", "  - {id: co, name: Company, level: company}"]
    units: list[tuple[str, str]] = [("co", "strategy/growth")]
    for b in range(n_bu):
        org.append(f"  - {{id: bu-{b}, name: BU {b}, level: business-unit, parent: co}}")
        units.append((f"bu-{b}", "co/co-goal"))
    t = 0
    while len(units) < n:
        b = t % n_bu
        org.append(f"  - {{id: team-{t}, name: Team {t}, level: team, parent: bu-{b}}}")
        units.append((f"team-{t}", f"bu-{b}/bu-{b}-goal"))
        t += 1
    org += ["strategy:", "  - {id: growth, title: Grow the value of every customer relationship}"]
    (out / "org.yaml").write_text("\n".join(org) + "\n")
    (out / "okr.yaml").write_text(
        "lint:\n  rules:\n    too-many-objectives: {company: 5}\n"
        "  ignore: [uncovered-parent, commitment-mix]\n"
    )
    paths = []
    for unit, parent in units:
        p = out / "okrs" / quarter / f"{unit}.yaml"
        p.write_text(unit_file(unit, parent, quarter, rng))
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--quarter", default="2026-Q4")
    args = ap.parse_args()
    paths = generate(args.n, args.out, args.quarter)
    print(f"wrote {len(paths)} unit files under {args.out}")


if __name__ == "__main__":
    main()
