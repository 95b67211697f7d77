"""Run the selected rules over a repository and return diagnostics for the files asked about."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from okrcli.errors import OkrError
from okrcli.history.git import Git, GitError
from okrcli.history.source import moment as load_moment
from okrcli.lint import select as sel
from okrcli.lint import suppress
from okrcli.lint.diagnostics import Diagnostic, LintResult
from okrcli.lint.facts import UnusedSuppressionFacts
from okrcli.lint.request import LintRequest
from okrcli.load.files import CONFIG_NAME, ORG_NAME, OkrDoc, Source
from okrcli.load.repo import Repository, load_okr_doc, load_repository
from okrcli.load.yamlsafe import Span
from okrcli.model.config import rule_options_model
from okrcli.model.quarter import parse_period, quarter_hint
from okrcli.rules.base import Finding, Rule, registry
from okrcli.rules.context import Context
from okrcli.rules.structure import ParseError, SchemaError, UnusedSuppression
from okrcli.wording.lexicon import Lexicon

if TYPE_CHECKING:
    from okrcli.history.source import Moment


@dataclass(slots=True)
class Plan:
    """The rules to run, with their severities and options."""

    rules: dict[str, Rule]
    severity: dict[str, str]
    options: dict[str, BaseModel]
    per_path: dict[str, set[str]]


def plan(repo: Repository, request: LintRequest) -> Plan:
    """Resolve selection, severities, options and per-path ignores from config and flags."""
    all_rules = registry()
    lc = repo.config.lint
    cfg = CONFIG_NAME
    chosen = sel.resolve(
        request.select if request.select is not None else lc.select,
        all_rules,
        "--select" if request.select is not None else f"{cfg}: lint.select",
    )
    chosen -= sel.resolve(lc.ignore, all_rules, f"{cfg}: lint.ignore")
    chosen -= sel.resolve(request.ignore, all_rules, "--ignore")
    severity: dict[str, str] = {code: r.severity for code, r in all_rules.items()}
    for ref, level in lc.severity.items():
        for code in sel.resolve([ref], all_rules, f"{cfg}: lint.severity"):
            severity[code] = level
    named: dict[str, str] = {}
    for ref in lc.rules:  # every key names one rule, and no rule has two
        code = sel.code_of(ref, all_rules, f"{cfg}: lint.rules")
        if code in named:
            raise OkrError(
                f"{cfg}: lint.rules names {code} twice ('{named[code]}' and '{ref}'); keep one."
            )
        named[code] = ref
    options: dict[str, BaseModel] = {}
    for code in named:
        rule = all_rules[code]
        found = lc.rule_options(code, rule.name)
        assert found is not None
        options[code] = rule_options_model(rule.Options, found, code)
    per_path = {
        pattern: sel.resolve(refs, all_rules, f"{cfg}: lint.per_path_ignores")
        for pattern, refs in lc.per_path_ignores.items()
    }
    rules = {code: all_rules[code]() for code in sorted(chosen)}
    return Plan(rules, severity, options, per_path)


def _targets(repo: Repository, request: LintRequest) -> tuple[list[OkrDoc], set[str]]:
    """The OKR files to report on, and the set of repository-relative paths asked about."""
    if not request.paths:
        return list(repo.docs), {d.rel for d in repo.docs} | {ORG_NAME, CONFIG_NAME}
    by_path = {d.path.resolve(): d for d in repo.docs}
    root = repo.root.resolve()
    chosen: dict[Path, OkrDoc] = {}
    rels: set[str] = {ORG_NAME}
    for given in request.paths:
        path = (request.cwd / given).resolve() if not given.is_absolute() else given.resolve()
        if not path.exists():
            raise OkrError(f"{given}: no such file or folder.")
        if not path.is_relative_to(root):
            raise OkrError(
                f"{given} is outside the OKR repository at {root}; "
                "lint one repository at a time, or pass --repo."
            )
        if path.is_dir():
            for p, d in by_path.items():
                if p.is_relative_to(path):
                    chosen[p] = d
            if path == root:
                rels.add(CONFIG_NAME)
        elif path.name in (ORG_NAME, CONFIG_NAME) and path.parent == root:
            # a renamed unit or a rule setting can break any file: every one is checked
            rels.add(path.name)
            chosen.update(by_path)
        elif path in by_path:
            chosen[path] = by_path[path]
        elif path.suffix in (".yaml", ".yml"):
            doc = load_okr_doc(path, root)
            repo.docs.append(doc)
            chosen[path] = doc
        else:
            raise OkrError(f"{given} is not a YAML file; okr lints .yaml and .yml files.")
    docs = list(chosen.values())
    rels |= {d.rel for d in docs}
    return docs, rels


def _narrowed(
    repo: Repository, request: LintRequest, docs: list[OkrDoc], rels: set[str]
) -> tuple[list[OkrDoc], set[str], list[str]]:
    """The files to report on, cut down to ``--quarter`` and ``--changed-since`` (the
    whole repository stays the context of the cross-file rules), with a notice saying so."""
    notices = []
    if request.quarter is not None:
        if parse_period(request.quarter) is None:  # a quarter, or (format 1.2) a year or span
            advice = quarter_hint(request.quarter) or (
                "write a quarter like 2026-Q4, a year like 2026 or a span of years like "
                "2026-2028 (years from 1000 to 9998, the first before the last)"
            )
            raise OkrError(f"--quarter {request.quarter}: {advice}.")
        docs = [d for d in docs if d.folder == request.quarter]
        rels = {d.rel for d in docs}
    if request.changed_since is not None:
        try:
            changed, deleted = Git(repo.root).changed_since(request.changed_since, repo.root)
        except GitError as exc:
            raise OkrError(exc.message) from None
        if changed & {ORG_NAME, CONFIG_NAME}:
            # a renamed unit or a new rule setting can break any file: report on all
            notices.append(
                f"{' and '.join(sorted(changed & {ORG_NAME, CONFIG_NAME}))} changed since "
                f"{request.changed_since}: every OKR file is checked."
            )
            rels = rels | (changed & {ORG_NAME, CONFIG_NAME})
        else:
            gone = {rel.rsplit("/", 2)[-2] for rel in deleted if rel.count("/") >= 2}
            docs = [d for d in docs if d.rel in changed or d.folder in gone]
            rels = {d.rel for d in docs}
            if not docs:
                notices.append(f"no OKR file changed since {request.changed_since}.")
    return docs, rels, notices


def _display(path: Path, cwd: str) -> str:
    """Relative to the working directory when inside it, else absolute (paths are absolute)."""
    text = str(path)
    if text.startswith(cwd + os.sep):
        return text[len(cwd) + 1 :]
    return text


def lint_root(root: Path, request: LintRequest) -> LintResult:
    """Load the repository at ``root`` and lint it."""
    repo = load_repository(root)
    if repo.org_source is None:
        raise OkrError(
            f"{root} has no {ORG_NAME}: every OKR repository lists its units there. "
            "Create it (okr init writes a starter) or pass --repo."
        )
    return lint_repository(repo, request)


def lint_repository(
    repo: Repository,
    request: LintRequest,
    moment: Moment | None = None,
    lexicon: Lexicon | None = None,
) -> LintResult:
    """Lint an already loaded repository (as it was at ``moment``, when given). ``lexicon``
    is the word lists, with what they read, kept by a caller that lints again and again (okr
    lsp); it must be okr.yaml's."""
    p = plan(repo, request)
    ctx = Context(repo, p.options, lexicon or Lexicon(repo.config.lint.words))
    docs, asked = _targets(repo, request)
    docs, asked, notices = _narrowed(repo, request, docs, asked)
    findings: list[tuple[str, Finding]] = []

    sources: list[Source] = [*docs]
    if repo.org_source is not None:
        sources.append(repo.org_source)
    for src in sources:
        for issue in src.issues:
            code = ParseError.code if issue.kind == "parse" else SchemaError.code
            findings.append((code, Finding(src.rel, issue.span, issue.message)))

    valid_docs = [doc for doc in docs if doc.model is not None]
    for code, rule in p.rules.items():
        if rule.scope == "file":
            check = rule.check_file
            for doc in valid_docs:
                for f in check(doc, ctx):
                    findings.append((code, f))
        elif rule.scope in ("repo", "load"):
            findings.extend((code, f) for f in rule.check_repo(ctx) if f.rel in asked)
    history_rules = [code for code, rule in p.rules.items() if rule.scope == "history"]
    history_ran = False
    if history_rules and any(d.model is not None for d in docs):
        ctx.moment = _history(repo, moment, history_rules, notices)
        if ctx.moment is not None:
            history_ran = True
            for code in history_rules:
                checked = p.rules[code].check_repo(ctx)
                findings.extend((code, f) for f in checked if f.rel in asked)

    findings = [(c, f) for c, f in findings if c in p.rules]
    # the rules that never ran on a file cannot say a suppression there hides nothing: a
    # file that could not be read (a parse or schema error) gets only the load rules, and
    # the history rules may have been skipped
    ran = {code for code, rule in p.rules.items() if rule.scope != "history" or history_ran}
    only_load = {code for code, rule in p.rules.items() if rule.scope == "load"}
    ran_on = {src.rel: ran & only_load if _unread(src, repo) else ran for src in sources}
    findings = _apply_suppressions(findings, sources, p, asked, ran_on)

    all_rules = registry()
    path_of = {s.rel: s.path for s in sources}
    cwd = str(request.cwd.resolve())
    shown_of: dict[str, str] = {}  # each file's path as shown, worked out once per file
    out = []
    for code, f in findings:
        if sel.path_ignored(f.rel, code, p.per_path):
            continue
        rule_cls = all_rules[code]
        shown = shown_of.get(f.rel)
        if shown is None:
            where = path_of.get(f.rel)
            shown = shown_of[f.rel] = _display(where or repo.root / f.rel, cwd)
        s = f.span
        out.append(
            Diagnostic(
                path=shown,
                rel=f.rel,
                line=s.line,
                column=s.column,
                end_line=s.end_line,
                end_column=s.end_column,
                code=code,
                name=rule_cls.name,
                severity="info" if f.hint else p.severity[code],
                message=f.message,
                facts=f.facts,
            )
        )
    out.sort(key=Diagnostic.sort_key)
    files = sorted(_display(s.path, cwd) for s in sources if s.rel in asked)
    return LintResult(out, files, notices)


def _history(
    repo: Repository, moment: Moment | None, codes: list[str], notices: list[str]
) -> Moment | None:
    """The moment whose history the history rules read, or None with a notice saying why
    they were skipped (no git, no commits, a shallow clone)."""

    m = moment if moment is not None else load_moment(repo.root, None, repo=repo)
    skipped = f"the history rules ({', '.join(codes)}) were skipped"
    if m.unavailable is not None:
        notices.append(f"{skipped}: {m.unavailable}")
        return None
    if m.git is not None and m.git.is_shallow():
        notices.append(
            f"{skipped}: this is a shallow clone, so its history is incomplete. Fetch it all "
            "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)."
        )
        return None
    return m


def _unread(src: Source, repo: Repository) -> bool:
    """Whether the rules could not read the file: an OKR file or an org.yaml that did not
    load as the format (its parse and schema errors are all it is checked for)."""
    if isinstance(src, OkrDoc):
        return src.model is None
    return src.rel == ORG_NAME and repo.org is None


def _apply_suppressions(
    findings: Iterable[tuple[str, Finding]],
    sources: list[Source],
    p: Plan,
    asked: set[str],
    ran_on: dict[str, set[str]],
) -> list[tuple[str, Finding]]:
    """The findings the files' comments leave, and OKR007 for each comment that names no
    rule or hides nothing of a rule that ran on its file (``ran_on``, by file)."""
    all_rules = registry()
    sups: dict[str, list[tuple[suppress.Suppression, set[str], list[str]]]] = {}
    for src in sources:
        if src.text is None or src.rel not in asked:
            continue
        for s in suppress.find(src.text):
            codes: set[str] = set()
            unknown: list[str] = []
            for ref in s.refs:
                try:
                    codes |= sel.resolve([ref], all_rules, "")
                except OkrError:
                    unknown.append(ref)
            sups.setdefault(src.rel, []).append((s, codes, unknown))
    # what each file's comments hide, by code and by (line, code): a finding is looked up,
    # never compared with every comment of its file
    whole: dict[str, set[str]] = {}
    by_line: set[tuple[str, int, str]] = set()
    for rel, items in sups.items():
        for s, codes, _ in items:
            if s.kind == "disable-file":
                whole.setdefault(rel, set()).update(codes)
            else:
                by_line.update((rel, line, code) for line in s.applies_to for code in codes)
    hit_whole: set[tuple[str, str]] = set()
    hit_line: set[tuple[str, int, str]] = set()
    kept: list[tuple[str, Finding]] = []
    for code, f in findings:
        hidden = False
        if code in whole.get(f.rel, ()):
            hit_whole.add((f.rel, code))
            hidden = True
        if (f.rel, f.span.line, code) in by_line:
            hit_line.add((f.rel, f.span.line, code))
            hidden = True
        if not hidden:
            kept.append((code, f))
    for rel, items in sups.items():  # every comment that hid a finding is used
        for s, codes, _ in items:
            if s.kind == "disable-file":
                s.used.update(c for c in codes if (rel, c) in hit_whole)
            else:
                s.used.update(
                    c for c in codes for line in s.applies_to if (rel, line, c) in hit_line
                )
    unused = UnusedSuppression.code
    if unused in p.rules:
        for rel, items in sups.items():
            for s, codes, unknown in items:
                span = Span(s.line, s.column, s.line, s.column + 1)
                for ref in unknown:
                    kept.append(
                        (
                            unused,
                            Finding(
                                rel,
                                span,
                                f"the suppression names '{ref}', which is no rule; fix or "
                                "remove it.",
                                facts=UnusedSuppressionFacts(rule=ref, known=False),
                            ),
                        )
                    )
                ran = ran_on.get(rel, set())
                for code in sorted(codes - s.used):
                    if code in ran and code != unused:
                        kept.append(
                            (
                                unused,
                                Finding(
                                    rel,
                                    span,
                                    f"the suppression of {code} ({all_rules[code].name}) hides "
                                    "nothing here; remove it.",
                                    facts=UnusedSuppressionFacts(rule=code, known=True),
                                ),
                            )
                        )
    return kept
