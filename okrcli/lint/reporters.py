"""Output formats: each is one small function from the same diagnostic records to text."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from okrcli import __version__
from okrcli import markdown as md
from okrcli.fsutil import name_text, uri_path
from okrcli.lint.diagnostics import Diagnostic, LintResult
from okrcli.rules.base import registry
from okrcli.textsafe import visible


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(result: LintResult) -> str:
    """One closing sentence."""
    n_files = len(result.files)
    if not result.diagnostics:
        return f"All checks passed: {_plural(n_files, 'file')}, no findings."
    counts = Counter(d.severity for d in result.diagnostics)
    parts = [_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s]]
    with_findings = len({d.path for d in result.diagnostics})
    return f"Found {', '.join(parts)} in {with_findings} of {_plural(n_files, 'file')}.".replace(
        "1 infos", "1 info"
    ).replace(" infos", " info")


def line(d: Diagnostic) -> str:
    """``path:line:col: CODE name [severity] message``, on one line whatever the path and
    message hold (control characters are escaped)."""
    return (
        f"{visible(d.path)}:{d.line}:{d.column}: {d.code} {d.name} [{d.severity}] "
        f"{visible(d.message)}"
    )


def text(result: LintResult) -> str:
    """Plain text, one finding a line, unwrapped: for CI logs, pipes and editors."""
    out = [line(d) for d in result.diagnostics]
    out.extend(f"note: {visible(n)}" for n in result.notices)
    out.append(summary(result))
    return "\n".join(out) + "\n"


def concise(result: LintResult) -> str:
    """Only the findings, one a line, no summary."""
    return "".join(line(d) + "\n" for d in result.diagnostics)


def as_json(result: LintResult) -> str:
    """A JSON list, one object per finding."""
    return json.dumps(_named([d.as_dict() for d in result.diagnostics]), indent=2) + "\n"


def statistics(result: LintResult) -> str:
    """Findings per rule, most frequent first."""
    counts = Counter((d.code, d.name, d.severity) for d in result.diagnostics)
    rows = [
        f"{n:5d}  {code}  {name} [{sev}]"
        for (code, name, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return "\n".join(rows) + ("\n" if rows else "")


_GH_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _gh_data(value: str) -> str:
    # line breaks encoded as the runner expects; any other control character escaped
    return visible(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def github(result: LintResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding, escaped so that no
    message can end the command early or inject another one."""
    out = []
    for d in result.diagnostics:
        props = ",".join(
            f"{k}={_gh_property(str(v))}"
            for k, v in (
                ("file", d.path),
                ("line", d.line),
                ("col", d.column),
                ("endLine", d.end_line),
                ("endColumn", d.end_column),
                ("title", f"{d.code} {d.name}"),
            )
        )
        out.append(f"::{_GH_LEVEL[d.severity]} {props}::{_gh_data(d.message)}\n")
    return "".join(out)


def _named(value: Any) -> Any:
    """``value`` (JSON data) with every text made one any UTF-8 output can hold (a file name
    that is no UTF-8 has its bytes written ``\\xff``; see :func:`okrcli.fsutil.name_text`)."""
    if isinstance(value, str):
        return name_text(value)
    if isinstance(value, dict):
        return {name_text(k): _named(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_named(v) for v in value]
    return value


def _fingerprints(result: LintResult) -> list[str]:
    """Stable ids for findings: from rule, file and message (line numbers left out), and
    the finding's rank among identical ones, so they survive lines moving."""
    seen: Counter[tuple[str, str, str]] = Counter()
    prints = []
    for d in result.diagnostics:
        message = re.sub(r"\bline \d+", "line", d.message)
        key = (d.code, d.rel, message)
        seen[key] += 1
        raw = "\0".join((*key, str(seen[key])))
        prints.append(hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest())
    return prints


_GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def gitlab(result: LintResult) -> str:
    """GitLab Code Quality report (a JSON list)."""
    items = [
        {
            "description": f"{d.code} {d.name}: {d.message}",
            "check_name": d.code,
            "fingerprint": fp,
            "severity": _GITLAB_SEVERITY[d.severity],
            "location": {"path": d.path, "lines": {"begin": d.line, "end": d.end_line}},
        }
        for d, fp in zip(result.diagnostics, _fingerprints(result), strict=True)
    ]
    return json.dumps(_named(items), indent=2) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif(result: LintResult) -> str:
    """SARIF 2.1.0, with every rule's metadata and help, for code scanning."""
    rules = registry()
    codes = list(rules)
    index = {c: i for i, c in enumerate(codes)}
    driver = {
        "name": "okr",
        "fullName": "okrcli: OKRs as code",
        "version": __version__,
        "informationUri": "https://pypi.org/project/okrcli/",
        "rules": [
            {
                "id": code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": " ".join(r.rationale().split())},
                "help": {
                    "text": f"{' '.join(r.rationale().split())} Explain it with: okr rule {code}"
                },
                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            }
            for code, r in rules.items()
        ],
    }
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": uri_path(d.path),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": max(d.end_line, d.line),
                            "endColumn": d.end_column
                            if (d.end_line, d.end_column) > (d.line, d.column)
                            else d.column + 1,
                        },
                    }
                }
            ],
            "partialFingerprints": {"okr/v1": fp},
            **({"properties": {"facts": d.facts.as_json()}} if d.facts is not None else {}),
        }
        for d, fp in zip(result.diagnostics, _fingerprints(result), strict=True)
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints"}
        ],
    }
    return json.dumps(_named(log), indent=2) + "\n"


def junit(result: LintResult) -> str:
    """JUnit XML: one test case per file, failing when it has findings that fail the run
    (errors; warnings too with --strict); the others are the case's output."""
    by_file: dict[str, list[Diagnostic]] = {f: [] for f in result.files}
    for d in result.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    fails = set(result.failing)
    failing = {f for f, ds in by_file.items() if any(d.severity in fails for d in ds)}
    suites = ET.Element("testsuites", name="okr lint")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="okr lint",
        tests=str(len(by_file)),
        failures=str(len(failing)),
        errors="0",
        skipped="0",
    )
    for path, ds in sorted(by_file.items()):
        case = ET.SubElement(suite, "testcase", classname="okr lint", name=visible(path))
        problems = [d for d in ds if d.severity in fails]
        if problems:
            failure = ET.SubElement(
                case,
                "failure",
                type=problems[0].code,
                message=f"{len(problems)} finding(s) in {visible(path)}",
            )
            failure.text = "\n".join(line(d) for d in problems)
        notes = [d for d in ds if d.severity not in fails]
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(line(d) for d in notes)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + name_text(ET.tostring(suites, encoding="unicode"))
        + "\n"
    )


SUMMARY_LIMIT = 1024 * 1024 - 1024  # GitHub's step summary limit, with room to spare


def step_summary(result: LintResult, limit: int = SUMMARY_LIMIT) -> str:
    """A markdown summary for a CI job page: counts per rule, then the findings; when it
    would pass ``limit`` bytes, the findings table is cut with a note saying how many."""
    head = ["## okr lint", "", summary(result), ""]
    if result.diagnostics:
        counts = Counter((d.code, d.name, d.severity) for d in result.diagnostics)
        rows = [[f"{c} {n}", s, str(k)] for (c, n, s), k in sorted(counts.items())]
        head += md.table(["rule", "severity", "findings"], rows, {"findings"})
        head += ["", *md.table(["where", "rule", "message"], [])]
    text = "\n".join(head) + "\n"
    shown = 0
    for d in result.diagnostics:
        row = md.row([md.code(f"{d.path}:{d.line}"), d.code, md.cell(d.message)]) + "\n"
        if len((text + row).encode()) > limit - 200:
            break
        text += row
        shown += 1
    if shown < len(result.diagnostics):
        hidden = len(result.diagnostics) - shown
        text += f"\n{hidden} more findings are not shown here; run `okr lint` to see all.\n"
    for note in result.notices:
        text += f"\n> {md.text(note)}\n"
    return text


FORMATS: dict[str, Callable[[LintResult], str]] = {
    "text": text,
    "concise": concise,
    "json": as_json,
    "github": github,
    "gitlab": gitlab,
    "sarif": sarif,
    "junit": junit,
}
