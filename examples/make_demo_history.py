"""Build a real git repository from examples/acme with two quarters of weekly check-ins.

    python examples/make_demo_history.py OUT_DIR [--force]

The repository has the acme organisation, its 2026-Q3 quarter planned on 1 July and checked
in every Friday until the end of September, and its 2026-Q4 quarter planned on 1 October and
checked in every Friday until 20 November 2026, by the units' owners. On purpose it holds:

* a stale key result: warehouse/fast-picking/scanner-downtime is last checked in on 9 October;
* a moved goalpost: growth/second-order/activation has its target lowered from 60 to 50 on
  6 November, five weeks into the quarter;
* lower-is-better key results (checkout repeat-time, payments latency) checked in downwards,
  and a stay_above one (payments uptime);
* Acme's year (format 1.2, okrs/2026/acme.yaml): its annual objectives, which both quarters
  align to, written with the repository on 1 July and checked in every fourth Friday;
* metric sources for `okr sync` (format 1.1), added on 21 November, after the day the demo
  is seen at: checkout's conversion and repeat-time come from a SQLite file
  (metrics/kpis.db, named `local` in okr.yaml), its payment-errors from a CSV file.

It writes only with git and plain file writes; `okr` is not needed to build it. Dates are
fixed, so the repository is the same on every machine; use `okr score --at 2026-11-20` (or a
commit) to see it as it was.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

ACME = Path(__file__).resolve().parent / "acme"

STALE = ("warehouse", "scanner-downtime", date(2026, 10, 9))
MOVED = ("growth", "activation", date(2026, 11, 6), "50")
Q3 = ("2026-Q3", date(2026, 7, 1), date(2026, 9, 25))
Q4 = ("2026-Q4", date(2026, 10, 1), date(2026, 11, 20))
# the year: from its first day to the demo's last check-in, when it reaches the file's values
YEAR = ("2026", date(2026, 1, 1), date(2026, 11, 20))

_KR_ID = re.compile(r"^      - id: (\S+)\s*$")
_FIELD = re.compile(r"^(        (current|confidence|target|baseline): )(\S+)(.*)$")
_UNIT = re.compile(r"^unit: (\S+)", re.M)
_OWNER = re.compile(r"^    owner: (\S+)", re.M)


def fridays(start: date, last: date) -> list[date]:
    day = start + timedelta(days=(4 - start.weekday()) % 7)
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(days=7)
    return out


def fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def read_values(text: str) -> dict[str, dict[str, str]]:
    """KR id -> field -> text, for the fields the demo moves."""
    out: dict[str, dict[str, str]] = {}
    kr = None
    for line in text.splitlines():
        m = _KR_ID.match(line)
        if m:
            kr = m.group(1)
            out[kr] = {}
            continue
        f = _FIELD.match(line)
        if f and kr is not None:
            out[kr][f.group(2)] = f.group(3)
    return out


def rewrite(text: str, values: dict[str, dict[str, str]]) -> str:
    """Replace field values per KR, leaving every other line as it is."""
    lines = []
    kr = None
    for line in text.splitlines(keepends=True):
        m = _KR_ID.match(line.rstrip("\n"))
        if m:
            kr = m.group(1)
        f = _FIELD.match(line.rstrip("\n"))
        if f and kr is not None and f.group(2) in values.get(kr, {}):
            line = f"{f.group(1)}{values[kr][f.group(2)]}{f.group(4)}\n"
        lines.append(line)
    return "".join(lines)


def git(repo: Path, *args: str, when: date | None = None, author: str = "maria") -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)}
    if when is not None:
        stamp = f"{when.isoformat()}T16:00:00+00:00"
        env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    env |= {
        "GIT_AUTHOR_NAME": author.title(), "GIT_AUTHOR_EMAIL": f"{author}@acme.example",
        "GIT_COMMITTER_NAME": author.title(), "GIT_COMMITTER_EMAIL": f"{author}@acme.example",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def build(out: Path) -> None:
    out.mkdir(parents=True)
    git(out, "init", "-q", "-b", "main")
    shutil.copy(ACME / "org.yaml", out / "org.yaml")
    config = (ACME / "okr.yaml").read_text(encoding="utf-8")
    (out / "okr.yaml").write_text(config.replace("ignore: [OKR4]", "ignore: []"), encoding="utf-8")
    shutil.copytree(ACME.parent.parent / "schemas", out / "schemas")
    year_final = (ACME / "okrs" / YEAR[0] / "acme.yaml").read_text(encoding="utf-8")
    (out / "okrs" / YEAR[0]).mkdir(parents=True)
    _year_at(out, year_final, Q3[1])
    for quarter, start, last in (Q3, Q4):
        src = ACME / "okrs" / quarter
        dst = out / "okrs" / quarter
        dst.mkdir(parents=True)
        finals = {p.name: p.read_text(encoding="utf-8") for p in sorted(src.glob("*.yaml"))}
        weeks = fridays(start, last)
        # planning: every file with current at its baseline
        for name, text in finals.items():
            vals = read_values(text)
            plan = {kr: {"current": v["baseline"], "confidence": "0.5"} for kr, v in vals.items()}
            if quarter == MOVED_QUARTER and name == f"{MOVED[0]}.yaml":
                plan[MOVED[1]]["target"] = "60"
            (dst / name).write_text(rewrite(text, plan), encoding="utf-8")
        if not (out / ".git" / "refs" / "heads" / "main").exists():
            git(out, "add", "-A")
            git(out, "commit", "-q", "-m", "Set up the Acme OKR repository", when=start)
        git(out, "add", "-A")
        git(out, "commit", "-q", "--allow-empty", "-m", f"Plan {quarter}", when=start)
        for n, week in enumerate(weeks, start=1):
            share = n / len(weeks)
            for name, text in finals.items():
                unit = _UNIT.search(text).group(1)  # type: ignore[union-attr]
                if quarter == Q4[0] and unit == STALE[0] and week > STALE[2]:
                    skip_kr = STALE[1]
                else:
                    skip_kr = None
                current = read_values((dst / name).read_text(encoding="utf-8"))
                final = read_values(text)
                update: dict[str, dict[str, str]] = {}
                for kr, v in final.items():
                    if kr == skip_kr:
                        continue
                    base, end = float(v["baseline"]), float(v["current"])
                    wobble = 0.04 * (((n * 7 + len(kr)) % 5) - 2) if n < len(weeks) else 0
                    value = base + (end - base) * min(1.0, share + wobble)
                    if "direction" in text and kr == "uptime":
                        value = float(v["current"]) if n % 3 else float(v["baseline"])
                    update[kr] = {"current": fmt(value), "confidence": v.get("confidence", "0.5")}
                    if quarter == Q4[0] and unit == MOVED[0] and kr == MOVED[1]:
                        update[kr]["target"] = MOVED[3] if week >= MOVED[2] else "60"
                new = rewrite((dst / name).read_text(encoding="utf-8"), update)
                if new != (dst / name).read_text(encoding="utf-8"):
                    (dst / name).write_text(new, encoding="utf-8")
                    owner = _OWNER.search(text)
                    git(out, "add", f"okrs/{quarter}/{name}", when=week)
                    git(
                        out,
                        "commit",
                        "-q",
                        "-m",
                        f"check-in: {unit} week {n} of {quarter}",
                        when=week,
                        author=owner.group(1) if owner else "maria",
                    )
            if n % 4 == 0 or (quarter == Q4[0] and n == len(weeks)):
                _year_at(out, year_final, week)
                git(out, "add", f"okrs/{YEAR[0]}/acme.yaml", when=week)
                git(out, "commit", "-q", "-m", f"check-in: acme {YEAR[0]}", when=week)


def _year_at(out: Path, final: str, day: date) -> None:
    """Acme's annual file with each value where a straight line from the baseline on the
    year's first day to the file's value on its last check-in day puts it on ``day``."""
    share = (day - YEAR[1]).days / (YEAR[2] - YEAR[1]).days
    values = {
        kr: {
            "current": fmt(float(v["baseline"]) + (float(v["current"]) - float(v["baseline"])) * share)
        }
        for kr, v in read_values(final).items()
    }
    (out / "okrs" / YEAR[0] / "acme.yaml").write_text(rewrite(final, values), encoding="utf-8")


MOVED_QUARTER = Q4[0]
SOURCES_ADDED = date(2026, 11, 21)
# key result -> its source, as written in checkout's 2026-Q4 file
SOURCES = {
    "conversion": "{sql: local, query: select conversion_pct from kpi_weekly "
    "order by week desc limit 1}",
    "repeat-time": "{sql: local, query: select repeat_order_seconds from kpi_weekly "
    "order by week desc limit 1}",
    "payment-errors": "{csv: metrics/payment-errors.csv, column: failed_pct}",
}


def add_sources(out: Path) -> None:
    """The metrics a sync reads (weekly rows up to 27 November) and the sources naming them,
    committed by checkout's owner after the last weekly check-in."""
    import sqlite3

    metrics = out / "metrics"
    metrics.mkdir()
    weeks = fridays(Q4[1], date(2026, 11, 27))
    db = sqlite3.connect(metrics / "kpis.db")
    db.execute("create table kpi_weekly (week text, conversion_pct real, repeat_order_seconds real)")
    db.executemany(
        "insert into kpi_weekly values (?, ?, ?)",
        [(w.isoformat(), round(42 + 0.33 * n, 2), round(95 - 2.2 * n, 1)) for n, w in enumerate(weeks)],
    )
    db.commit()
    db.close()
    rows = [f"{w.isoformat()},{fmt(2.4 - 0.079 * n)}" for n, w in enumerate(weeks)]
    rows[-1] = f"{weeks[-1].isoformat()},1.77"  # as checked in on 20 November: unchanged
    (metrics / "payment-errors.csv").write_text("week,failed_pct\n" + "\n".join(rows) + "\n")
    config = out / "okr.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "# Databases for okr sync's sql sources (secrets only as ${env:NAME}).\n"
        + "sources:\n  local:\n    url: sqlite:///metrics/kpis.db\n",
        encoding="utf-8",
    )
    path = out / "okrs" / Q4[0] / "checkout.yaml"
    lines, kr = [], None
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        lines.append(line)
        m = _KR_ID.match(line.rstrip("\n"))
        if m:
            kr = m.group(1)
        elif kr in SOURCES and line.startswith("        confidence: "):
            lines.append(f"        source: {SOURCES[kr]}\n")
    path.write_text("".join(lines), encoding="utf-8")
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", "checkout: key results read from the metrics (okr sync)",
        when=SOURCES_ADDED, author="dana")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = ap.parse_args()
    if shutil.which("git") is None:
        print("make_demo_history: git is not installed.", file=sys.stderr)
        return 2
    if args.out.exists():
        if not args.force:
            print(f"make_demo_history: {args.out} exists; pass --force to replace it.",
                  file=sys.stderr)
            return 2
        shutil.rmtree(args.out)
    build(args.out)
    add_sources(args.out)
    print(f"Built the demo repository in {args.out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
