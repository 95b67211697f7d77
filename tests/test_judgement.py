"""The judgement model: the shipped weights load, are what the trainer learns, and judge
deterministically; weak readings are info hints a repository can turn off."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from okrcli.rules.base import variant
from okrcli.wording import model as judgement
from okrcli.wording.features import kr_features, objective_features
from okrcli.wording.lexicon import Lexicon
from okrcli.wording.reading import WHY, read_kr, read_objective
from tests.conftest import ROOT, Builder, run_lint


def _tool(name: str) -> ModuleType:
    """A script of tools/wording/ as a module (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "wording" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


TRAINER = _tool("train")
SHIPPED = json.loads((ROOT / "okrcli" / "wording" / judgement.WEIGHTS_FILE).read_text("utf-8"))


def test_shipped_weights_load_with_sane_thresholds() -> None:
    m = judgement.models()
    for model in (m.task, m.catch_all):
        assert model.weights, model.name
        assert all(math.isfinite(w) for w in model.weights.values())
        assert model.hint <= model.warn
    assert judgement.parse(SHIPPED) == m


def test_a_weights_file_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        judgement.parse({**SHIPPED, "format": 99})


def test_every_weighted_feature_is_one_the_readers_make_and_can_explain() -> None:
    table = TRAINER.read_table()
    seen = {f for item in table for f in item.features}
    m = judgement.models()
    for model in (m.task, m.catch_all):
        assert set(model.weights) <= seen
        strong = [k for k, w in model.weights.items() if w > 0.3]
        assert all(k in WHY for k in strong), [k for k in strong if k not in WHY]


def test_the_trainer_reproduces_the_shipped_weights_from_the_table_in_the_repository() -> None:
    # tools/wording/features.jsonl holds features and labels only (no sentences)
    learnt = TRAINER.dump(TRAINER.train(TRAINER.read_table()))
    assert json.loads(learnt) == SHIPPED


SAMPLE = [  # written for this test: (level, text, labels, source)
    ("key_result", "Launch the partner portal", ["initiative", "binary"], "a"),
    ("key_result", "Write 6 case studies", ["initiative"], "a"),
    ("key_result", "Raise trial conversion from 3% to 5%", ["good"], "a"),
    ("key_result", "Cut p95 latency from 900 ms to 400 ms", ["good"], "b"),
    ("key_result", "Implement the new billing flow", ["initiative", "binary"], "b"),
    ("key_result", "Grow weekly active teams from 1.2k to 2k", ["good"], "b"),
    ("key_result", "Hold 4 customer workshops", ["initiative"], "c"),
    ("key_result", "Reduce refund requests from 40 to 25 a week", ["good"], "c"),
    ("key_result", "Publish the API reference", ["initiative", "binary"], "c"),
    ("key_result", "Lower monthly churn from 4% to 3%", ["good"], "d"),
    ("objective", "Marketing", ["catch_all"], "d"),
    ("objective", "Make checkout effortless for returning shoppers", ["good"], "d"),
]


def _sample_items() -> list[object]:
    rows = [
        {"level": lv, "text": t, "labels": labels, "source": src, "uncertain": False}
        for lv, t, labels, src in SAMPLE
    ]
    return list(TRAINER.featurise(rows))


def test_training_is_deterministic_and_learns_the_direction_of_the_cues() -> None:
    items = _sample_items()
    first = TRAINER.dump(TRAINER.train(items))
    assert TRAINER.dump(TRAINER.train(list(reversed(items)))) == first
    task = json.loads(first)["models"]["task"]["weights"]
    assert task["lead_task"] > 0 > task["from_to"]


def test_the_fit_is_the_regularised_optimum() -> None:
    rows = [
        (
            tuple(sorted(item.features)),
            1.0 if {"initiative", "binary"} & set(item.labels) else 0.0,
            1.0,
        )
        for item in _sample_items()
        if item.level == "key_result"
    ]
    bias, w = TRAINER.fit(rows, l2=1.0)
    # the gradient of the penalised log-likelihood is zero at the optimum
    grad = dict.fromkeys(w, 0.0)
    grad_bias = 0.0
    for features, y, c in rows:
        p = 1 / (1 + math.exp(-(bias + sum(w[f] for f in features))))
        grad_bias += c * (p - y)
        for f in features:
            grad[f] += c * (p - y)
    assert abs(grad_bias) < 1e-6
    assert all(abs(g + 1.0 * w[f]) < 1e-6 for f, g in grad.items())


def test_reading_is_deterministic_and_independent_of_what_was_read_before() -> None:
    texts = ["Launch the partner portal", "Raise trial conversion from 3% to 5%", "Marketing"]
    a, b = Lexicon(), Lexicon()
    first = [(kr_features(t, a), objective_features(t, a)) for t in texts]
    again = [(kr_features(t, b), objective_features(t, b)) for t in reversed(texts)]
    assert first == list(reversed(again))
    assert read_kr(texts[0], a) == read_kr(texts[0], b)


def test_a_bench_model_can_be_installed_and_removed() -> None:
    never = judgement.Model("task", -100.0, {}, 0.0, 0.0)
    shipped = judgement.models()
    try:
        judgement.install(judgement.Models(task=never, catch_all=shipped.catch_all))
        assert read_kr("Launch the partner portal", Lexicon()).task is None
    finally:
        judgement.install(None)
    assert read_kr("Launch the partner portal", Lexicon()).task


def _kr_file(title: str) -> str:
    """The good example file with ``title`` as its first key result's (id ``first``)."""
    return variant(
        "      - id: conversion\n        title: Raise checkout conversion of returning customers\n",
        f"      - id: first\n        title: {title}\n",
    )


PATH = "okrs/2026-Q4/checkout.yaml"


def test_strong_readings_warn_and_say_why(make_repo: Builder) -> None:
    root = make_repo({PATH: _kr_file("Implement single sign-on for enterprise admins")})
    found = [d for d in run_lint(root, PATH, select=["OKR205"]).diagnostics]
    assert [(d.code, d.severity, d.line) for d in found] == [("OKR205", "warning", 9)]
    assert "'implement'" in found[0].message and "initiatives" in found[0].message


def test_weak_readings_are_info_hints_that_a_repository_can_turn_off(make_repo: Builder) -> None:
    title = "Ship 90% of releases without a rollback"
    root = make_repo({PATH: _kr_file(title)})
    found = run_lint(root, PATH, select=["OKR205"]).diagnostics
    assert [(d.code, d.severity) for d in found] == [("OKR205", "info")]
    assert "may read as a task" in found[0].message
    (root / "okr.yaml").write_text("lint:\n  rules:\n    initiative-kr: {hints: false}\n")
    assert run_lint(root, PATH, select=["OKR205"]).diagnostics == []


def test_the_bench_harness_maps_findings_back_to_the_sentences() -> None:
    bench = _tool("evaluate")
    rows = [
        {"level": "objective", "text": "Keep the lights on", "labels": ["catch_all"]},
        {"level": "key_result", "text": 'Ship the "new": onboarding', "labels": ["initiative"]},
        {"level": "key_result", "text": "Raise trial conversion from 3% to 5%", "labels": ["good"]},
        {"level": "key_result", "text": "Grow total page views to 2M", "labels": ["vanity"]},
    ]
    judged = bench.judge_rows([{**r, "source": "s"} for r in rows])
    assert [sorted(j.found) for j in judged] == [["OKR103"], ["OKR205"], [], ["OKR204"]]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("Implement single sign-on", "task", "starts with 'implement' and names no measure"),
        ("Publish 6 case studies", "task", "counts work produced ('6 case studies')"),
        ("Scheduler supports retries with backoff", "done", "'supports' says a thing is done"),
        ("Grow total page views to 2M", "vanity", "'page views'"),
    ],
)
def test_findings_quote_the_words_that_made_them(text: str, field: str, words: str) -> None:
    assert words in (getattr(read_kr(text, Lexicon()), field) or "")


@pytest.mark.parametrize(
    ("text", "feature", "words"),
    [  # written for this test: the structural readings, and the words each quotes
        ("Hold demos with the sales team every sprint", "recurring_work", "every sprint"),
        ("Publish a newsletter twice a month", "cadence", "twice a month"),
        ("Migrate 100% of services to the new cluster", "work_share", "migrate"),
        ("Budget approved by the board", "others_decide", "approved by the"),
        ("Train 40 new volunteers", "people_count", "40 new volunteers"),
        ("1,000 sign-ups in the first week", "window", ""),
    ],
)
def test_the_structural_readings_of_a_key_result(text: str, feature: str, words: str) -> None:
    assert kr_features(text, Lexicon()).get(feature) == words


@pytest.mark.parametrize(
    "text", ["Improve customer retention", "Reduce churn", "Customer satisfaction score"]
)
def test_a_metric_named_without_a_number_is_no_task_warning(text: str) -> None:
    # "no target" is the finding there (OKR202 reads the target), not "a task": at most a hint
    reading = kr_features(text, Lexicon())
    assert "metric_no_amount" in reading
    shape = read_kr(text, Lexicon())
    assert shape.task is None or "task" in shape.hints
    assert shape.done is None or "done" in shape.hints


def test_a_change_for_someone_is_read_in_an_objective() -> None:
    f = objective_features("Customers find answers without calling us", Lexicon())
    assert f["clause"].startswith("customers find")
    assert f["change_word"] == "without"
    assert "no_change_named" not in f


@pytest.mark.parametrize("text", ["Team health", "Be more responsive"])
def test_a_bare_heading_or_be_more_is_a_catch_all_warning(text: str) -> None:
    shape = read_objective(text, Lexicon())
    assert shape.catch_all is not None and shape.catch_all.startswith("reads as a catch-all")
    assert "catch_all" not in shape.hints


def _train(*args: str, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    script = ROOT / "tools" / "wording" / "train.py"
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, env=env, check=False
    )


def test_the_ci_check_passes_without_the_corpus_outside_ci_only(tmp_path: Path) -> None:
    outside = _train("--check", "--shared", str(tmp_path / "none"), ci=False)
    assert outside.returncode == 0
    assert "not checked" in outside.stdout
    inside = _train("--check", "--shared", str(tmp_path / "none"), ci=True)
    assert inside.returncode == 1
    assert "missing" in inside.stderr


def test_the_ci_check_fails_when_the_corpus_gives_other_weights(tmp_path: Path) -> None:
    # a corpus written for this test: the shipped table and weights are not what it gives
    for n, name in enumerate(TRAINER.CORPORA):
        rows = [
            {"level": level, "text": text, "labels": labels, "source": f"{source}{n}"}
            for level, text, labels, source in SAMPLE
        ]
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    before = (ROOT / "okrcli" / "wording" / "weights.json").read_text()
    done = _train("--check", "--shared", str(tmp_path), ci=True)
    assert done.returncode == 1
    assert "weights.json differs from what the corpus gives" in done.stdout
    assert (ROOT / "okrcli" / "wording" / "weights.json").read_text() == before
