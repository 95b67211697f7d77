"""The rules across units index first: the same findings as comparing every pair (the
way they were written before, kept here as the reference), with work that grows linearly on
the shapes that used to be quadratic (counted, never timed)."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from okrcli.lint import suppress
from okrcli.load.repo import load_repository_from
from okrcli.report import data as report_data
from okrcli.rules import cascade
from okrcli.rules.cascade import ConflictingKrs, SummedCascade
from okrcli.rules.context import Context
from okrcli.rules.indexes import Chains, Work, first_alike
from okrcli.rules.key_results import DuplicateKr, _content
from okrcli.rules.structure import BrokenReference, SchemaError
from tests.conftest import run_lint

# -- the references: every pair, every chain walked per unit ---------------------------------


def alike_pairwise(sets: list[frozenset[str]], threshold: float) -> list[int | None]:
    out: list[int | None] = []
    for j, a in enumerate(sets):
        found = None
        for e in range(j):
            b = sets[e]
            overlap = len(a & b) / len(a | b) if a and b else 0.0
            if overlap >= threshold and len(a & b) >= 2:
                found = e
                break
        out.append(found)
    return out


def chain_walk(parents: dict[str, str | None], uid: str) -> int:
    """CommitmentMix's depth as it was: parents followed until a repeat."""
    n, p, seen = 0, parents[uid], set()
    while p is not None and p in parents and p not in seen:
        seen.add(p)
        n, p = n + 1, parents[p]
    return n


def cycle_walk(units: list[tuple[str, str | None]]) -> list[int]:
    """The units SchemaError called their own ancestor, as it was: a walk per unit."""
    parents = dict(units)
    found = []
    for i, (uid, parent) in enumerate(units):
        if parent is not None and parent not in parents:
            continue
        seen, p = {uid}, parent
        while p is not None and p in parents:
            if p in seen:
                found.append(i)
                break
            seen.add(p)
            p = parents[p]
    return found


def summed_pairwise(ctx: Context) -> list[tuple[str, str]]:
    """SummedCascade as it was: every key result against every other."""
    out = []
    for (quarter, ref), (_pdoc, _pi, _pj, parent) in ctx.key_results.items():
        if parent.metric is None or parent.target is None:
            continue
        obj_ref = ref.rsplit("/", 1)[0]
        children = []
        for (q2, cref), (*_, child) in ctx.key_results.items():
            if q2 != quarter or child.metric != parent.metric or cref == ref:
                continue
            cobj = ctx.objectives[(q2, cref.rsplit("/", 1)[0])][2]
            if (ref in cobj.aligns_to or obj_ref in cobj.aligns_to) and child.target is not None:
                children.append((cref, child))
        if len(children) < 2:
            continue
        total = sum((Decimal(str(c.target)) for _, c in children), Decimal(0))
        deltas = None
        if parent.baseline is not None and all(c.baseline is not None for _, c in children):
            deltas = sum(
                (Decimal(str(c.target)) - Decimal(str(c.baseline)) for _, c in children),
                Decimal(0),
            )
        ptarget = Decimal(str(parent.target))
        pdelta = ptarget - Decimal(str(parent.baseline)) if parent.baseline is not None else None
        if total == ptarget or (deltas is not None and deltas == pdelta and deltas != 0):
            out.append((ref, ", ".join(r for r, _ in children)))
    return out


# -- building repositories in memory ---------------------------------------------------------


def repo_of(tmp_path: Path, org: str, files: dict[str, str]) -> Context:
    raw = {"org.yaml": org.encode(), **{k: v.encode() for k, v in files.items()}}
    return Context(load_repository_from(tmp_path, raw))


def org_yaml(units: list[tuple[str, str | None]], level: str = "team") -> str:
    lines = ["units:"]
    for uid, parent in units:
        tail = f", parent: {parent}" if parent else ""
        lvl = "company" if parent is None else level
        lines.append(f"  - {{id: {uid}, name: {uid}, level: {lvl}{tail}}}")
    return "\n".join(lines) + "\n"


def okr_file(unit: str, objectives: list[tuple[str, list[str], list[str]]]) -> str:
    """objectives: (id, aligns_to, key-result flow mappings without the id)."""
    lines = [f"unit: {unit}", "quarter: 2026-Q4", "objectives:"]
    for oid, aligns, krs in objectives:
        lines += [f"  - id: {oid}", "    title: Make ordering effortless", "    key_results:"]
        if aligns:
            lines.insert(-1, f"    aligns_to: [{', '.join(aligns)}]")
        lines += [
            f"      - {{id: k{n}, title: Raise the rate {n}, {kr}}}" for n, kr in enumerate(krs)
        ]
    return "\n".join(lines) + "\n"


def messages(rule: Any, ctx: Context) -> list[tuple[str, int, str]]:
    return [(f.rel, f.span.line, f.message) for f in rule.check_repo(ctx)]


# -- the same findings -------------------------------------------------------------------------


def random_sets(rng: random.Random) -> tuple[list[frozenset[str]], float]:
    words = [f"w{n}" for n in range(rng.randint(2, 9))]
    size = rng.choice([0, 1, 2, 5, 8, 9, 12, 30])  # a few are compared pair by pair
    sets = [frozenset(rng.sample(words, rng.randint(0, len(words)))) for _ in range(size)]
    return sets, rng.choice([0.1, 0.3, 0.5, 0.6, 2 / 3, 0.75, 0.8, 0.9, 1.0, rng.random() or 1])


def test_first_alike_is_every_pair_compared_in_order() -> None:
    rng = random.Random(15)
    for _ in range(400):
        sets, threshold = random_sets(rng)
        assert first_alike(sets, threshold) == alike_pairwise(sets, threshold), (sets, threshold)


def test_chains_are_the_walks_per_unit(tmp_path: Path) -> None:
    rng = random.Random(3)
    for _ in range(300):
        ids = [f"u{n}" for n in range(rng.randint(1, 14))]
        pool: list[str | None] = [*ids, None, "gone"]
        units = [(u, rng.choice(pool)) for u in ids]
        units += [(rng.choice(ids), rng.choice(pool)) for _ in range(rng.randint(0, 2))]  # dups
        parents = dict(units)
        chains = Chains(parents)
        assert {u: chains.above(u) for u in parents} == {u: chain_walk(parents, u) for u in parents}
        org = org_yaml([(u, p if p != "gone" else "ghost") for u, p in units])
        ctx = repo_of(tmp_path, org, {})
        found = [
            f.span.line - 2  # the units' lines start at line 2
            for f in SchemaError().check_repo(ctx)
            if "own ancestor" in f.message
        ]
        assert found == cycle_walk(units), units


def test_duplicate_kr_findings_are_those_of_every_pair(tmp_path: Path) -> None:
    rng = random.Random(5)
    words = ["orders", "repeat", "checkout", "latency", "search", "returns", "basket"]
    krs = []
    for n in range(60):
        title = " ".join(rng.sample(words, rng.randint(1, 4)))
        metric = f", metric: m{rng.randint(0, 9)}" if rng.random() < 0.5 else ""
        krs.append(f"      - {{id: k{n}, title: Raise {title}{metric}, baseline: 1, target: 2}}")
    text = "unit: checkout\nquarter: 2026-Q4\nobjectives:\n  - id: o\n    title: Make it easy\n"
    text += "    key_results:\n" + "\n".join(krs) + "\n"
    ctx = repo_of(tmp_path, org_yaml([("checkout", None)]), {"okrs/2026-Q4/checkout.yaml": text})
    doc = ctx.valid_docs[0]
    assert doc.model is not None
    found = [f.message for f in DuplicateKr().check_file(doc, ctx)]
    o = doc.model.objectives[0]
    words_of = [_content(k.title, ctx) for k in o.key_results]
    expected = []
    for j, k in enumerate(o.key_results):
        for e in range(j):
            other = o.key_results[e]
            same = k.metric is not None and k.metric == other.metric
            a, b = words_of[j], words_of[e]
            overlap = len(a & b) / len(a | b) if a and b else 0.0
            if same or (overlap >= 0.75 and len(a & b) >= 2):
                what = f"measures metric '{k.metric}' like" if same else "says almost the same as"
                expected.append(f"key result '{k.id}' {what} '{other.id}'")
                break
    assert [m.split(";")[0] for m in found] == expected
    assert any("measures metric" in m for m in found) and any("almost" in m for m in found)


def cascade_repo(tmp_path: Path, rng: random.Random) -> Context:
    teams = [f"t{n}" for n in range(8)]
    org = org_yaml([("co", None), *[(t, "co") for t in teams]])
    files = {}
    parents = [f"co/o{n}" for n in range(2)] + [f"co/o{n}/k{m}" for n in range(2) for m in range(3)]

    def kr() -> str:
        base = rng.choice([None, 0, 1, 2])
        target = rng.choice([1, 2, 3, 4, 0.5, 1.5])
        metric = rng.choice(["m1", "m2", None])
        parts = [f"metric: {metric}"] if metric else []
        parts += [f"baseline: {base}"] if base is not None else []
        return ", ".join([*parts, f"target: {target}"])

    files["okrs/2026-Q4/co.yaml"] = okr_file(
        "co", [(f"o{n}", [], [kr() for _ in range(3)]) for n in range(2)]
    )
    for t in teams:
        aligns = rng.sample(parents, rng.randint(0, 2))
        files[f"okrs/2026-Q4/{t}.yaml"] = okr_file(t, [("g", aligns, [kr() for _ in range(3)])])
    return repo_of(tmp_path, org, files)


def test_summed_cascade_finds_what_every_pair_found(tmp_path: Path) -> None:
    rng = random.Random(11)
    seen = 0
    for n in range(120):
        ctx = cascade_repo(tmp_path / str(n), rng)
        found = [
            (f.rel, f.message.split("the targets of ")[1].split(" add up")[0])
            for f in SummedCascade().check_repo(ctx)
        ]
        expected = [
            (ctx.key_results[("2026-Q4", ref)][0].rel, names) for ref, names in summed_pairwise(ctx)
        ]
        assert found == expected
        seen += len(found)
    assert seen >= 5  # the random repositories do find summed cascades


def test_summed_cascade_counts_a_key_result_aligned_to_itself_out(tmp_path: Path) -> None:
    org = org_yaml([("co", None), ("a", "co"), ("b", "co")])
    # co/o aligns to itself: its key results of metric m are children of co/o/k0, but not
    # co/o/k0 itself
    co = ["metric: m, baseline: 0, target: 10", "metric: n, target: 4", "metric: n, target: 3"]
    files = {
        "okrs/2026-Q4/co.yaml": okr_file("co", [("o", ["co/o"], co)]),
        "okrs/2026-Q4/a.yaml": okr_file("a", [("g", ["co/o/k0"], ["metric: m, target: 4"])]),
        "okrs/2026-Q4/b.yaml": okr_file("b", [("g", ["co/o"], ["metric: m, target: 6"])]),
    }
    ctx = repo_of(tmp_path, org, files)
    found = [m for _, _, m in messages(SummedCascade(), ctx)]
    assert len(found) == 1 and "the targets of a/g/k0, b/g/k0 add up" in found[0]
    assert [n for _, n in summed_pairwise(ctx)] == ["a/g/k0, b/g/k0"]


def test_conflicting_krs_name_a_few_of_many(tmp_path: Path) -> None:
    teams = [f"t{n}" for n in range(12)]
    org = org_yaml([("co", None), *[(t, "co") for t in teams]])
    files = {
        f"okrs/2026-Q4/{t}.yaml": okr_file(
            t, [("g", [], [f"metric: m, baseline: 1, target: {0 if n < 2 else 2}"])]
        )
        for n, t in enumerate(teams)
    }
    found = messages(ConflictingKrs(), repo_of(tmp_path, org, files))
    assert len(found) == 12
    down = [m for _, _, m in found if "' down while" in m]
    assert down[0].startswith("'t0/g/k0' pushes metric 'm' down while t10/g/k0, t11/g/k0, ")
    assert "t4/g/k0 and 5 more push it up" in down[0]
    up = [m for _, _, m in found if "' up while" in m]
    assert "while t0/g/k0, t1/g/k0 push it down" in up[0]


# -- linear work on the shapes that were quadratic ---------------------------------------------


def test_alike_titles_work_is_linear_in_the_key_results() -> None:
    # one word in common across all titles and one of their own: nothing alike
    common = [frozenset({"orders", f"zone{n}"}) for n in range(10_000)]
    # a vocabulary of 40 words, pairs of them: thousands alike, ten times over
    rng = random.Random(1)
    vocab = [f"v{n}" for n in range(40)]
    pairs = [frozenset(rng.sample(vocab, 2)) for _ in range(10_000)]
    # long titles sharing most words, each with two of its own
    long = [frozenset({*vocab[:8], f"a{n}", f"b{n}"}) for n in range(10_000)]
    for sets in (common, pairs, long):
        work = Work()
        first_alike(sets, 0.75, work)
        assert work.steps <= 2 * len(sets)
    assert first_alike(long, 0.75)[1] is None and first_alike(pairs, 0.75).count(None) <= 780


def test_a_ten_thousand_deep_chain_is_walked_once() -> None:
    parents: dict[str, str | None] = {
        "u0": None,
        **{f"u{n}": f"u{n - 1}" for n in range(1, 10_000)},
    }
    work = Work()
    chains = Chains(parents, work)
    assert work.steps == 10_000 and chains.above("u9999") == 9_999 and not chains.cyclic
    assert chains.on_chain("u0", "u9999") and not chains.on_chain("u9999", "u0")
    parents["u0"] = "u9999"  # the whole chain a cycle
    work = Work()
    chains = Chains(parents, work)
    assert work.steps == 10_000 and len(chains.cyclic) == 10_000
    assert chains.above("u5") == 10_000


def test_a_deep_org_lints_its_chain_once(tmp_path: Path) -> None:
    units = [("u0", None), *[(f"u{n}", f"u{n - 1}") for n in range(1, 10_000)]]
    # a second u5000 before the first, under the deepest unit: its chain comes back to it
    units.insert(1, ("u5000", "u9999"))
    ctx = repo_of(tmp_path, org_yaml(units), {})
    found = [(f.span.line, f.message) for f in SchemaError().check_repo(ctx)]
    assert found == [(3, "unit 'u5000' is its own ancestor (a parent cycle); break the cycle.")]


def test_units_sharing_one_metric_are_summed_once_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = 2_000
    org = org_yaml([("co", None), *[(f"t{i}", "co") for i in range(n)]])
    files = {
        "okrs/2026-Q4/co.yaml": okr_file(
            "co", [("o", [], ["metric: m, baseline: 0, target: 9"] * 5)]
        )
    }
    for i in range(n):
        files[f"okrs/2026-Q4/t{i}.yaml"] = okr_file(
            f"t{i}", [("g", ["co/o", "co/o/k1"], ["metric: m, baseline: 1, target: 2.5"] * 3)]
        )
    ctx = repo_of(tmp_path, org, files)
    calls = 0
    add = cascade._add

    def counted(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return add(*args)

    monkeypatch.setattr(cascade, "_add", counted)
    assert list(SummedCascade().check_repo(ctx)) == []
    # each of the 3n key results is added once in each group a parent asks about (those
    # aligned to co/o, to co/o/k1): never once per parent
    assert calls <= 2 * 3 * n + 5


def _chain_card(depth: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The report's units (as report data holds them) whose objectives align in one chain
    ``depth`` long, and the strategy themes."""
    units = []
    for n in range(depth):
        parent = f"u{n - 1}/goal" if n else "strategy/growth"
        objective = {
            "id": "goal",
            "title": f"Goal {n}",
            "score": 0.5,
            "status": "at risk",
            "aligns_to": [parent],
        }
        units.append(
            {
                "id": f"u{n}",
                "name": f"U{n}",
                "level": "team",
                "parent": f"u{n - 1}" if n else None,
                "score": 0.5,
                "status": "at risk",
                "objectives": [objective],
            }
        )
    return units, {"growth": "Grow"}


def test_the_alignment_list_follows_a_chain_deeper_than_recursion_goes() -> None:
    tree = report_data._tree(*_chain_card(3_000))
    assert [t["depth"] for t in tree["text"]] == list(range(3_001))
    assert tree["text"][-1]["label"].startswith("U2999: Goal 2999")


def test_the_alignment_list_repeats_shared_objectives_under_each_parent() -> None:
    units, themes = _chain_card(3)
    # u2 aligns to u0 as well as to u1; u0 aligns to u2, a cycle the list does not follow
    units[2]["objectives"][0]["aligns_to"].append("u0/goal")
    units[0]["objectives"][0]["aligns_to"].append("u2/goal")
    shown = [
        (t["depth"], t["label"].split(":")[0]) for t in report_data._tree(units, themes)["text"]
    ]
    assert shown == [
        (0, "Strategy"),
        (1, "U0"),
        (2, "U1"),
        (3, "U2"),
        (2, "U2"),
    ]


def test_the_alignment_list_stops_where_alignments_multiply_the_paths() -> None:
    # 30 layers of two objectives, each aligned to both of the layer above: 2**30 paths
    units = []
    for layer in range(30):
        for side in "ab":
            above = [f"u{layer - 1}{s}/goal" for s in "ab"] if layer else ["strategy/growth"]
            objective = {
                "id": "goal",
                "title": f"Goal {layer}{side}",
                "score": 0.5,
                "status": "at risk",
                "aligns_to": above,
            }
            units.append(
                {
                    "id": f"u{layer}{side}",
                    "name": f"U{layer}{side}",
                    "level": "team",
                    "parent": None,
                    "score": 0.5,
                    "status": "at risk",
                    "objectives": [objective],
                }
            )
    tree = report_data._tree(units, {"growth": "Grow"})
    limit = report_data.LIST_LINES_PER_OBJECTIVE * 61
    assert len(tree["text"]) == limit
    assert f"The list stops after {limit:,} lines" in tree["note"]
    # a list within the bound is whole, and says nothing
    small = report_data._tree(*_chain_card(40))
    assert len(small["text"]) == 41 and "stops" not in small["note"]


def dependency_pairwise(ctx: Context) -> list[str]:
    """UnacknowledgedDependency's verdicts as they were: each dependent scanned the
    supporting unit's alignments."""
    out = []
    for doc in ctx.valid_docs:
        assert doc.model is not None
        for o in doc.model.objectives:
            mine = f"{doc.model.unit}/{o.id}"
            for dep in o.depends_on:
                unit = ctx.units.get(dep)
                if unit is None or unit.role != "platform":
                    continue
                shown = any(
                    ref == mine or ref.startswith(mine + "/")
                    for sdoc in ctx.unit_docs.get((doc.model.quarter, dep), [])
                    if sdoc.model is not None
                    for so in sdoc.model.objectives
                    for ref in so.aligns_to
                )
                if not shown:
                    out.append(f"{mine}->{dep}")
    return out


def dependency_repo(tmp_path: Path, rng: random.Random, n: int) -> Context:
    teams = [f"t{i}" for i in range(n)]
    platforms = ["p0", "p1"]
    lines = ["units:", "  - {id: co, name: co, level: company}"]
    lines += [
        f"  - {{id: {p}, name: {p}, level: team, parent: co, role: platform}}" for p in platforms
    ]
    lines += [f"  - {{id: {t}, name: {t}, level: team, parent: co}}" for t in teams]
    refs = [f"{t}/g" for t in teams] + [f"{t}/g/k0" for t in teams] + [f"{t}/gx" for t in teams]
    files = {}
    for p in platforms:
        aligned = rng.sample(refs, rng.randint(0, len(refs)))
        files[f"okrs/2026-Q4/{p}.yaml"] = okr_file(p, [("g", aligned, ["target: 1"])])
    for t in teams:
        deps = rng.sample([*platforms, "co"], rng.randint(0, 2))
        text = okr_file(t, [("g", [], ["target: 1"])])
        if deps:
            text = text.replace(
                "    key_results:", f"    depends_on: [{', '.join(deps)}]\n    key_results:"
            )
        files[f"okrs/2026-Q4/{t}.yaml"] = text
    return repo_of(tmp_path, "\n".join(lines) + "\n", files)


def test_unacknowledged_dependencies_are_those_of_every_scan(tmp_path: Path) -> None:
    rng = random.Random(8)
    seen = shown = 0
    for n in range(40):
        ctx = dependency_repo(tmp_path / str(n), rng, rng.randint(1, 6))
        found = [
            f.message.split("objective '")[1].split("' depends on")[0]
            + "->"
            + f.message.split("unit '")[1].split("'")[0]
            for f in cascade.UnacknowledgedDependency().check_repo(ctx)
        ]
        expected = dependency_pairwise(ctx)
        assert found == expected
        seen += len(expected)
        shown += sum(  # dependents on a platform that does align to them
            1
            for d in ctx.valid_docs
            if d.model is not None
            for o in d.model.objectives
            for dep in o.depends_on
            if dep.startswith("p")
        ) - len(expected)
    assert seen > 10 and shown > 10


def test_a_platform_supporting_thousands_is_read_once(tmp_path: Path) -> None:
    n = 3_000
    lines = ["units:", "  - {id: co, name: co, level: company}"]
    lines.append("  - {id: p, name: p, level: team, parent: co, role: platform}")
    lines += [f"  - {{id: t{i}, name: t{i}, level: team, parent: co}}" for i in range(n)]
    files = {
        "okrs/2026-Q4/p.yaml": okr_file("p", [("g", [f"t{i}/g" for i in range(n)], ["target: 1"])])
    }
    for i in range(n):
        text = okr_file(f"t{i}", [("g", [], ["target: 1"])])
        files[f"okrs/2026-Q4/t{i}.yaml"] = text.replace(
            "    key_results:", "    depends_on: [p]\n    key_results:"
        )
    ctx = repo_of(tmp_path, "\n".join(lines) + "\n", files)
    splits = 0
    real = str.split

    class Counted(str):
        def split(self, *args: Any, **kwargs: Any) -> list[str]:
            nonlocal splits
            splits += 1
            return real(self, *args, **kwargs)

    platform = ctx.unit_docs[("2026-Q4", "p")][0].model
    assert platform is not None
    objective = platform.objectives[0]
    objective.aligns_to[:] = [Counted(r) for r in objective.aligns_to]  # in place: frozen model
    assert list(cascade.UnacknowledgedDependency().check_repo(ctx)) == []
    assert splits == n  # each of the platform's alignments read once, not once per dependent


def suppressions_scanned(text: str) -> list[tuple[int, set[int]]]:
    """Where each suppression comment applied, as found before: a scan per comment."""
    lines = text.splitlines()
    out = []
    for n, line in enumerate(lines, start=1):
        m = suppress._COMMENT.search(line) if "okr:" in line else None
        if m is None:
            continue
        applies = {n} if m.group(1) == "disable" else set()
        if m.group(1) == "disable" and not line[: m.start()].strip():
            for k in range(n, len(lines)):
                nxt = lines[k].strip()
                if nxt and not nxt.startswith("#"):
                    applies.add(k + 1)
                    break
        out.append((n, applies))
    return out


def test_suppressions_apply_where_a_scan_per_comment_found() -> None:
    rng = random.Random(4)
    kinds = [
        "# okr: disable=OKR202",
        "  # okr: disable=vanity-kr, OKR205",
        "# okr: disable-file=OKR204",
        "# a comment",
        "",
        "key: value",
        "key: value  # okr: disable=OKR202",
    ]
    for _ in range(300):
        text = "\n".join(rng.choice(kinds) for _ in range(rng.randint(0, 12)))
        assert [(s.line, s.applies_to) for s in suppress.find(text)] == suppressions_scanned(text)
    # a block of 50,000 comments, each applying to the line after the block: one pass
    text = "# okr: disable=OKR202\n" * 50_000 + "key: value\n"
    found = suppress.find(text)
    assert len(found) == 50_000 and all(s.applies_to == {s.line, 50_001} for s in found)


def test_many_suppressions_in_one_file_hide_and_are_used_as_before(tmp_path: Path) -> None:
    n = 3_000
    krs = []
    for k in range(n):
        # every key result lacks its baseline; even ones are suppressed on their line, every
        # third by a comment above, and a comment on key results 5 to 9 names another rule
        line = f"      - {{id: k{k}, title: Raise the rate {k}, target: 2}}"
        if k % 2 == 0:
            line += "  # okr: disable=OKR202"
        if k % 3 == 0:
            line = "      # okr: disable=missing-baseline-or-target\n" + line
        if 5 <= k < 10:
            line = "      # okr: disable=OKR204\n" + line
        krs.append(line)
    text = "unit: checkout\nquarter: 2026-Q4\n# okr: disable-file=OKR201,OKR303\nobjectives:\n"
    text += "  - id: o\n    title: Make ordering effortless\n    key_results:\n" + "\n".join(krs)
    root = tmp_path / "repo"
    (root / "okrs" / "2026-Q4").mkdir(parents=True)
    (root / "org.yaml").write_text("units:\n  - {id: checkout, name: C, level: company}\n")
    (root / "okrs" / "2026-Q4" / "checkout.yaml").write_text(text + "\n")
    found = [
        (d.code, d.message.split(" has no")[0] if d.code == "OKR202" else d.message)
        for d in run_lint(root).diagnostics
    ]
    shown = sorted(int(m.split("'k")[1].rstrip("'")) for c, m in found if c == "OKR202")
    assert shown == [k for k in range(n) if k % 2 and k % 3]
    unused = [m for c, m in found if c == "OKR007"]
    # the OKR204 comments hide nothing; the file's OKR201 (3,000 key results) and OKR303
    # (nobody aligns to the company's objective) both hide a finding
    assert len(unused) == 5 and all("OKR204" in m for m in unused)


def test_a_broken_theme_names_ten_themes_and_counts_the_rest(tmp_path: Path) -> None:
    themes = [f"theme-{n:02d}" for n in range(15)]
    org = org_yaml([("co", None)]) + "strategy:\n"
    files = {"okrs/2026-Q4/co.yaml": okr_file("co", [("o", ["strategy/nope"], ["target: 1"])])}
    for shown, listed in ((themes[:2], "theme-00, theme-01)"), (themes, "and 5 more)")):
        lines = "".join(f"  - {{id: {t}, title: T}}\n" for t in shown)
        ctx = repo_of(tmp_path / str(len(shown)), org + lines, files)
        (message,) = [f.message for f in BrokenReference().check_repo(ctx)]
        assert listed in message and "theme-10" not in message


def test_uncovered_key_results_of_a_large_objective(tmp_path: Path) -> None:
    org = org_yaml([("co", None), ("t", "co")])
    krs = ["target: 1"] * 3_000
    aligned = [f"co/o/k{k}" for k in range(0, 3_000, 2)]
    files = {
        "okrs/2026-Q4/co.yaml": okr_file("co", [("o", [], krs)]),
        "okrs/2026-Q4/t.yaml": okr_file("t", [("g", aligned, ["target: 1"])]),
    }
    found = [f.message for f in cascade.UncoveredParent().check_repo(repo_of(tmp_path, org, files))]
    assert len(found) == 1_500 and "none to 'co/o/k1'" in found[0]


def test_unknown_units_get_a_hint_up_to_a_bound(tmp_path: Path) -> None:
    from okrcli.rules.structure import HINTS, UnknownUnit

    n = HINTS + 50
    org = org_yaml([("co", None), *[(f"team-{i}", "co") for i in range(n)]])
    files = {
        f"okrs/{q}/teem-{i}.yaml": okr_file(f"teem-{i}", [("g", [], ["target: 1"])]).replace(
            "2026-Q4", q
        )
        for i in range(n)
        for q in ("2026-Q3", "2026-Q4")
    }
    ctx = repo_of(tmp_path, org, files)
    messages = [f.message for d in ctx.valid_docs for f in UnknownUnit().check_file(d, ctx)]
    hinted = [m for m in messages if "Did you mean 'team-" in m]
    # one comparison with every unit per unknown id, for the first HINTS ids, in both quarters
    assert len(messages) == 2 * n and len(hinted) == 2 * HINTS
    assert "unit 'teem-1' is not in org.yaml. Did you mean 'team-1'?" in messages
    assert sum(m.endswith("Add it to org.yaml.") for m in messages) == 2 * (n - HINTS)
