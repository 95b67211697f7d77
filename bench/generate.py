"""Generate synthetic OKR organisations for the benchmarks.

    python bench/generate.py N OUT_DIR [--shape full] [--quarter 2026-Q4]

``full`` (the default) is written the way the format invites: a company, business units of
about 20 teams each (one of them a platform team), one file per unit for one quarter. Most
key results name a `metric`, shared across units (a team's first key result moves the metric
of the parent's key result it aligns to); objectives align to the parent's objectives and
key results and to strategy themes; some depend on their business unit's platform team,
which aligns an objective to theirs; confidences, weights, binary and threshold key results,
initiatives, owners, comments and long titles. It lints with few findings, like a real
organisation.

The pathological shapes, each the worst of one kind that a real repository could hold:

* ``krs``: N key results in one objective of one file (20,000 fit under the 1 MiB cap);
* ``chain``: org.yaml with a chain of parents N deep, and a file for every tenth unit,
  each aligned to the one above, so the alignment chain is N/10 deep;
* ``wide``: N teams under one company;
* ``metric``: N units whose first key result moves one metric, each aligned to its parent's.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date
from pathlib import Path

SHAPES = ("full", "krs", "chain", "wide", "metric")

# metric, key result title (before the area), display unit, baseline, target, direction
METRICS: list[tuple[str, str, str | None, float, float]] = [
    ("repeat-rate", "Raise the share of customers who order again within a quarter", "%", 22, 28),
    ("weekly-orders", "Grow the orders placed each week by returning customers", None, 1000, 1300),
    ("checkout-conversion", "Raise checkout conversion of returning visitors", "%", 30, 34),
    ("page-latency", "Cut p95 page latency for shoppers", "ms", 900, 450),
    ("error-sessions", "Lower the share of sessions that hit an error page", "%", 2.4, 1.0),
    ("support-contacts", "Cut support contacts per hundred orders", None, 6, 4),
    ("order-satisfaction", "Raise satisfaction with order status updates", None, 4.1, 4.4),
    ("search-exit", "Cut the exit rate from search result pages", "%", 41, 33),
    ("reorder-time", "Cut the median time to complete a repeat order", "s", 95, 60),
    ("refund-days", "Cut the days from a return to its refund", "days", 9, 5),
    ("seller-activation", "Raise the share of new sellers who list within a week", "%", 35, 45),
    (
        "subscriber-retention",
        "Raise the share of subscribers still active after a quarter",
        "%",
        71,
        76,
    ),
]
ON_TIME = ("on-time-delivery", "Keep the share of orders delivered on time above target", "%")
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
THEMES = [
    ("retention", "Grow the lifetime value of the customers we have"),
    ("reliability", "Be the shop that simply works every time"),
    ("marketplace", "Make our marketplace the easiest place for sellers to grow"),
]
INITIATIVES = [
    "Interview ten customers who stopped ordering and share what we learn",
    "One-click reorder from the order history page",
    "Move the slowest pages to the new rendering service",
    "Weekly review of the top support contact reasons with the support leads",
    "Pilot next-day refunds for returns dropped at a partner shop",
]
LONG_TAIL = (
    ", so that they come back without a second thought, recommend us to the people they "
    "know, and never have to ask our support team where their order is"
)


def running_quarter(today: date | None = None) -> str:
    """The calendar quarter of ``today``: the bench's files stay current as the years pass."""
    d = today or date.today()
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def _area(unit: str) -> str:
    """Titles differ per unit, as they do in a real organisation."""
    h = sum(ord(c) * (i + 1) for i, c in enumerate(unit))
    return f"{AREAS[h % len(AREAS)]} {REGIONS[(h // 8) % len(REGIONS)]}"


class _Unit:
    """One unit's place in the organisation, fixed by the organisation's size alone."""

    def __init__(self, uid: str, level: str, parent: str | None, role: str = "product") -> None:
        self.id, self.level, self.parent, self.role = uid, level, parent, role
        self.objectives: list[tuple[str, list[str], list[int]]] = []  # id, aligns_to, metrics
        self.depends_on: str | None = None
        self.supports: list[str] = []  # objectives of the units that depend on this one


def _plan(n: int) -> list[_Unit]:
    """Who is where, aligned to what, moving which metrics (no values yet)."""
    rng = random.Random(f"plan-{n}")
    co = _Unit("co", "company", None)
    co.objectives = [
        (f"co-{theme}", [f"strategy/{theme}"], [(k * 3 + m) % len(METRICS) for m in range(4)])
        for k, (theme, _) in enumerate(THEMES)
    ]
    co_krs = [f"co/{oid}/kr-{m}" for oid, _, ms in co.objectives for m in range(len(ms))]
    units = [co]
    n_bu = max(1, (n - 1) // 21)
    bus = []
    for b in range(n_bu):
        bu = _Unit(f"bu-{b}", "business-unit", "co")
        for k in range(2):
            # every company key result taken up, however few the business units
            kr = co_krs[(2 * b + k) % len(co_krs)]
            more = co_krs[(2 * b + k + 2 * n_bu) % len(co_krs)]
            oid, m = kr.split("/")[1], int(kr.rsplit("-", 1)[1])
            metric = {o: ms for o, _, ms in co.objectives}[oid][m]
            others = [x for x in rng.sample(range(len(METRICS)), 5) if x != metric][:3]
            aligns = [kr] if more == kr else [kr, more]
            bu.objectives.append((f"{bu.id}-{('grow', 'keep')[k]}", aligns, [metric, *others]))
        units.append(bu)
        bus.append(bu)
    t = 0
    per_bu: dict[str, int] = {}
    while len(units) < n:
        bu = bus[t % n_bu]
        i = per_bu[bu.id] = per_bu.get(bu.id, -1) + 1
        team = _Unit(f"team-{t}", "team", bu.id, "platform" if i == 0 else "product")
        bu_krs = [(oid, m, ms[m]) for oid, _, ms in bu.objectives for m in range(len(ms))]
        oid, m, metric = bu_krs[i % len(bu_krs)]  # every business-unit key result taken up
        by_kr = i < len(bu_krs) or rng.random() < 0.7
        aligns = [f"{bu.id}/{oid}/kr-{m}"] if by_kr else [f"{bu.id}/{oid}"]
        if rng.random() < 0.2:
            aligns.append(f"strategy/{THEMES[t % len(THEMES)][0]}")
        size = rng.choice([3, 4, 4, 5])
        others = [x for x in rng.sample(range(len(METRICS)), size + 1) if x != metric]
        metrics = [metric, *others[: size - 1]]
        if rng.random() < 0.2:
            metrics[-1] = -1  # no metric: a key result of the team's own
        if rng.random() < 0.1:
            metrics[-1] = -2  # a threshold to hold
        if rng.random() < 0.08:
            metrics[-1] = -3  # binary
        team.objectives = [(f"{team.id}-goal", aligns, metrics)]
        if i % 4 == 1:
            team.depends_on = f"team-{t % n_bu}"  # the business unit's first, its platform
        units.append(team)
        t += 1
    by_id = {u.id: u for u in units}
    for u in units:
        if u.depends_on is not None and u.depends_on in by_id and u.depends_on != u.id:
            by_id[u.depends_on].supports.append(f"{u.id}/{u.objectives[0][0]}")
        else:
            u.depends_on = None
    return units


def _kr_lines(
    unit: _Unit, k: int, metric: int, rng: random.Random, values: random.Random
) -> list[str]:
    area = _area(unit.id)
    kid = f"kr-{k}"
    if metric == -3:
        return [
            f"      - id: {kid}",
            f"        title: Card payments for {area} pass the yearly security audit",
            "        binary: true",
            f"        confidence: {round(values.uniform(0.4, 0.9), 1)}",
        ]
    base: float
    target: float
    disp: str | None
    if metric == -2:
        mid, title, disp = ON_TIME
        base, target = 96, 95
        lines = [
            f"      - id: {kid}",
            f"        title: {title} for {area}",
            f"        metric: {mid}",
            f'        unit: "{disp}"',
            "        direction: stay_above",
        ]
    elif metric == -1:
        base, target = 12, 20
        lines = [
            f"      - id: {kid}",
            f"        title: Raise the share of {area} orders placed with a saved basket",
            '        unit: "%"',
        ]
    else:
        mid, title, disp, base0, target0 = METRICS[metric]
        scale = rng.choice([0.5, 0.8, 1, 1, 1.2, 1.5])
        base = round(base0 * scale, 1 if isinstance(base0, float) else 0)
        target = round(target0 * scale + rng.choice([-0.3, 0.1, 0.2, 0.4]), 1)
        if (target0 > base0) != (target > base) or target == base:
            target = round(base + (target0 - base0) * scale, 1)
        lines = [
            f"      - id: {kid}",
            f"        title: {title} ({area})",
            f"        metric: {mid}",
            *([f'        unit: "{disp}"'] if disp else []),
        ]
    current = round(base + (target - base) * values.random() * 0.9, 2)
    lines += [f"        baseline: {base}", f"        target: {target}"]
    lines.append(
        f"        current: {current}" + ("  # from the weekly dashboard" if k == 0 else "")
    )
    if values.random() < 0.7:
        lines.append(f"        confidence: {round(values.uniform(0.3, 0.9), 1)}")
    if k == 0 and rng.random() < 0.3:
        lines.append("        weight: 2")
    return lines


def unit_file(unit: _Unit, quarter: str, values: random.Random) -> str:
    rng = random.Random(f"file-{unit.id}")  # what stays put from week to week
    lines = [
        "# yaml-language-server: $schema=../../schemas/okr-file.schema.json",
        f"# {unit.id}'s OKRs; agreed at the quarterly planning, checked in every week",
        f"unit: {unit.id}",
        f"quarter: {quarter}",
        "objectives:",
    ]
    for n, (oid, aligns, metrics) in enumerate(unit.objectives):
        people = PEOPLE[(len(unit.id) + n) % len(PEOPLE)]
        title = f"Make ordering again effortless for {people} of {_area(unit.id)}"
        if rng.random() < 0.2:
            title += LONG_TAIL
        aligned = [*aligns, *(unit.supports if n == len(unit.objectives) - 1 else [])]
        lines += [
            f"  - id: {oid}",
            f"    title: {title}",
            f"    commitment: {'committed' if rng.random() < 0.6 else 'aspirational'}",
            f"    owner: owner-{unit.id}",
            "    aligns_to:",
            *[f"      - {ref}" for ref in aligned],
        ]
        if unit.depends_on and n == 0:
            lines += ["    depends_on:", f"      - {unit.depends_on}"]
        lines += ["    initiatives:"]
        lines += [f"      - {x}" for x in rng.sample(INITIATIVES, rng.randint(1, 3))]
        lines += [
            "    # agreed with the parent unit; the first moves its metric",
            "    key_results:",
        ]
        for k, metric in enumerate(metrics):
            lines += _kr_lines(unit, k, metric, rng, values)
    return "\n".join(lines) + "\n"


def org_file(units: list[_Unit]) -> str:
    lines = ["units:"]
    for u in units:
        parent = f", parent: {u.parent}" if u.parent else ""
        role = f", role: {u.role}" if u.role != "product" else ""
        name = u.id.replace("-", " ").title()
        lines.append(f"  - {{id: {u.id}, name: {name}, level: {u.level}{parent}{role}}}")
    lines += ["strategy:", *[f"  - {{id: {i}, title: {t}}}" for i, t in THEMES]]
    return "\n".join(lines) + "\n"


def _compact(unit: str, quarter: str, aligns: list[str], metric: str, values: random.Random) -> str:
    """A small file: one objective, three key results in flow style."""
    cur = round(values.uniform(22, 27), 1)
    commitment = ("committed", "aspirational")[sum(map(ord, unit)) % 5 // 3]  # 60/40
    return (
        f"unit: {unit}\nquarter: {quarter}\nobjectives:\n"
        f"  - id: goal\n    title: Make ordering again effortless for {_area(unit)}\n"
        f"    commitment: {commitment}\n"
        f"    aligns_to: [{', '.join(aligns)}]\n    key_results:\n"
        f"      - {{id: a, title: Raise the share of repeat orders, metric: {metric}, "
        f"baseline: 22, target: 28, current: {cur}}}\n"
        "      - {id: b, title: Cut p95 page latency for shoppers, metric: page-latency, "
        "baseline: 900, target: 450}\n"
        f"      - {{id: c, title: Cut support contacts for {_area(unit)}, "
        "baseline: 6, target: 4}\n"
    )


def _pathological(
    shape: str, n: int, quarter: str, values: random.Random
) -> tuple[str, dict[str, str]]:
    """(org.yaml, {unit: file}) of a pathological shape."""
    theme = "  - {id: retention, title: Grow the lifetime value of the customers we have}\n"
    root = "units:\n  - {id: co, name: Company, level: company}\n"
    if shape == "krs":
        krs = "".join(
            f"  - {{id: k{_b36(k)}, title: k{_b36(k)}, baseline: 1, target: 2}}\n" for k in range(n)
        )
        text = (
            f"unit: co\nquarter: {quarter}\nobjectives:\n- id: everything\n"
            "  title: Make every order easy\n  aligns_to: [strategy/retention]\n"
            f"  key_results:\n{krs}"
        )
        return root + "strategy:\n" + theme, {"co": text}
    if shape == "chain":
        lines = [root.rstrip("\n")]
        files = {"co": _compact("co", quarter, ["strategy/retention"], "repeat-rate", values)}
        above = "co"
        for k in range(1, n):
            parent = "co" if k == 1 else f"u{k - 1}"
            lines.append(f"  - {{id: u{k}, name: U{k}, level: department, parent: {parent}}}")
            if k % 10 == 0:
                files[f"u{k}"] = _compact(
                    f"u{k}", quarter, [f"{above}/goal"], "repeat-rate", values
                )
                above = f"u{k}"
        return "\n".join(lines) + "\nstrategy:\n" + theme, files
    if shape == "wide":
        lines = [root.rstrip("\n")]
        files = {"co": _compact("co", quarter, ["strategy/retention"], "repeat-rate", values)}
        for k in range(n):
            lines.append(f"  - {{id: t{k}, name: T{k}, level: team, parent: co}}")
            aligned = f"co/goal/{'abc'[k % 3]}"
            files[f"t{k}"] = _compact(f"t{k}", quarter, [aligned], "repeat-rate", values)
        return "\n".join(lines) + "\nstrategy:\n" + theme, files
    if shape == "metric":
        n_bu = max(1, n // 100)
        lines = [root.rstrip("\n")]
        files = {"co": _compact("co", quarter, ["strategy/retention"], "repeat-rate", values)}
        for b in range(n_bu):
            lines.append(f"  - {{id: b{b}, name: B{b}, level: business-unit, parent: co}}")
            aligns = ["co/goal/a", "co/goal/b", "co/goal/c"]
            files[f"b{b}"] = _compact(f"b{b}", quarter, aligns, "repeat-rate", values)
        for k in range(n - n_bu - 1):
            lines.append(f"  - {{id: t{k}, name: T{k}, level: team, parent: b{k % n_bu}}}")
            aligns = [f"b{k % n_bu}/goal/{kr}" for kr in "abc"]
            files[f"t{k}"] = _compact(f"t{k}", quarter, aligns, "repeat-rate", values)
        return "\n".join(lines) + "\nstrategy:\n" + theme, files
    raise ValueError(f"unknown shape {shape!r}; one of {', '.join(SHAPES)}")


def _b36(k: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        k, r = divmod(k, 36)
        out = digits[r] + out
        if k == 0:
            return out


MAX_BYTES = 1024 * 1024  # okr's cap on one file


def generate(
    n: int,
    out: Path,
    quarter: str | None = None,
    seed: int = 7,
    *,
    keep: bool = False,
    shape: str = "full",
) -> list[Path]:
    """Write the organisation under ``out`` (replacing it, unless ``keep``: then only the
    OKR files are rewritten, with new current values and confidences, as a weekly check-in
    would). The structure depends on ``n`` and ``shape`` alone; ``seed`` sets the values."""
    quarter = quarter or running_quarter()
    values = random.Random(seed)
    if out.exists() and not keep:
        shutil.rmtree(out)
    folder = out / "okrs" / quarter
    folder.mkdir(parents=True, exist_ok=True)
    if shape == "full":
        units = _plan(n)
        org = org_file(units)
        files = {u.id: unit_file(u, quarter, values) for u in units}
    else:
        org, files = _pathological(shape, n, quarter, values)
    (out / "org.yaml").write_text(org)
    (out / "okr.yaml").write_text("# the bench's organisation: every rule on, with its defaults\n")
    paths = []
    for unit, text in files.items():
        if len(text.encode()) > MAX_BYTES:
            raise ValueError(f"{unit}: {len(text.encode()):,} bytes is over okr's cap on a file")
        p = folder / f"{unit}.yaml"
        p.write_text(text)
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--shape", choices=SHAPES, default="full")
    ap.add_argument("--quarter", default=None, help="default: the running quarter")
    args = ap.parse_args()
    paths = generate(args.n, args.out, args.quarter, shape=args.shape)
    print(f"wrote {len(paths)} unit files under {args.out}")


if __name__ == "__main__":
    main()
