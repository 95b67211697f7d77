"""Two quarters of a small organisation, played with okr's own commands and checked against
numbers worked out by hand (issue 13).

Acme has two teams. In 2026-Q3 (1 July to 30 September, 92 days) checkout's aspirational
objective has a key result it beats (saved cards, 40 -> 50, ends at 51), one whose target is
moved in week six (latency, 900 -> 500, moved to 600 on 5 August, ends at 700) and one
never checked in (nps). Mobile's committed objective has a steady metric re-confirmed every
Monday (crash-free sessions at 99.5), a rating that ends short of its target (a committed
miss, issue 28) and a binary result. Checkout carries over into
2026-Q4, whose folder is only written on 20 October; a check-in tried before that is refused.
Every number below is worked out in the comments, not by okr's scoring.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from okrcli.closing import refuse_closed
from okrcli.edit import service
from okrcli.errors import OkrError
from okrcli.load.yamlsafe import parse
from okrcli.report.service import ReportRequest, report
from okrcli.score.card import KrRow, ScoreCard
from okrcli.score.formats import text
from okrcli.score.service import ScoreRequest, score
from tests.conftest import git, okr, run_lint, write_repo

pytestmark = pytest.mark.slow

ORG = """\
units:
  - {id: acme, name: Acme, level: company}
  - {id: checkout, name: Checkout, level: team, parent: acme}
  - {id: mobile, name: Mobile, level: team, parent: acme}
strategy:
  - {id: retention, title: Grow the lifetime value of the customers we have}
"""

CHECKOUT_Q3 = """\
unit: checkout
quarter: 2026-Q3
objectives:
  - id: effortless-payment
    title: Make paying again effortless for returning customers
    aligns_to: [strategy/retention]
    key_results:
      - id: saved-card
        title: Raise the share of repeat orders paid with a saved card
        unit: "%"
        baseline: 40
        target: 50
      - id: latency
        title: Cut p95 checkout latency
        unit: ms
        baseline: 900
        target: 500
      - id: nps
        title: Raise the NPS of returning customers
        baseline: 30
        target: 40
"""

MOBILE_Q3 = """\
unit: mobile
quarter: 2026-Q3
objectives:
  - id: dependable-app
    title: Make the app dependable for people who shop on the go
    commitment: committed
    aligns_to: [strategy/retention]
    key_results:
      - id: crash-free
        title: Keep the share of crash-free sessions high
        unit: "%"
        baseline: 99.0
        target: 99.5
      - id: rating
        title: Raise the app store rating
        baseline: 4.0
        target: 4.5
      - id: offline-cart
        title: Customers keep their cart while offline
        binary: true
"""

MONDAYS = [
    "2026-07-06",
    "2026-07-13",
    "2026-07-20",
    "2026-07-27",
    "2026-08-03",
    "2026-08-10",
    "2026-08-17",
    "2026-08-24",
    "2026-08-31",
    "2026-09-07",
    "2026-09-14",
    "2026-09-21",
    "2026-09-28",
]


class Org:
    """The organisation's repository, and its people's commands on given days."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.mp = monkeypatch

    def _as(self, day: str, author: str) -> None:
        stamp = f"{day}T12:00:00+00:00"
        for who in ("AUTHOR", "COMMITTER"):
            self.mp.setenv(f"GIT_{who}_NAME", author)
            self.mp.setenv(f"GIT_{who}_EMAIL", f"{author.lower()}@example.com")
            self.mp.setenv(f"GIT_{who}_DATE", stamp)

    def check_in(
        self,
        day: str,
        spec: str,
        value: str,
        confidence: str | None = None,
        note: str | None = None,
        author: str = "Dana",
        *,
        quarter: str | None = None,
        late: str | None = None,
    ) -> None:
        """`okr check-in SPEC VALUE [-c] [-m] [--quarter Q] [--date LATE] --commit` on
        ``day``, as the command runs it (a closed quarter refused first)."""
        self._as(day, author)
        repo = service.open_repo(None, self.root)
        now = datetime.fromisoformat(f"{day}T12:00:00+00:00")
        q = service.pick_quarter(repo, quarter, now)
        refuse_closed(repo.config, q, "check-in", None, now)
        when = service.checkin_day(repo, q, late, now) if late else None
        unit = spec.split("/")[0]
        service.running_doc(repo, q, unit, quarter is not None)
        with service.turn(repo):
            original = service.committable(repo, q, unit)
            result = service.check_in_one(
                repo,
                q,
                spec,
                value,
                confidence,
                note,
                today=date.fromisoformat(day),
                asked=quarter is not None,
                day=when,
            )
            assert result.written, spec
            service.commit(repo, result, unit, note, original)

    def commit(self, day: str, message: str, author: str = "Dana") -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-qm", message, when=day, author=author)

    def score(self, quarter: str, now: str) -> ScoreCard:
        request = ScoreRequest(
            quarter=quarter, repo=self.root, cwd=self.root, now=datetime.fromisoformat(now)
        )
        return score(request)


def rows(card: ScoreCard) -> dict[str, KrRow]:
    return {k.ref: k for u in card.units for o in u.objectives for k in o.key_results}


def D(text: str) -> Decimal:
    return Decimal(text)


def test_two_quarters_of_a_small_organisation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_repo(
        tmp_path / "acme",
        {"okrs/2026-Q3/checkout.yaml": CHECKOUT_Q3, "okrs/2026-Q3/mobile.yaml": MOBILE_Q3},
        org=ORG,
    )
    git(root, "init", "-q", "-b", "main")
    org = Org(root, monkeypatch)
    org.commit("2026-07-01", "OKRs for 2026-Q3")

    # -- the third quarter, to mid-August ------------------------------------------------------
    for n, monday in enumerate(MONDAYS[:6]):  # 6 Mondays, 6 July to 10 August
        note = "steady since the 3.2 release" if n == 0 else None
        org.check_in(monday, "mobile/crash-free", "99.5", note=note, author="Mo")
    org.check_in("2026-07-08", "checkout/saved-card", "42", note="promo started")
    org.check_in("2026-07-22", "checkout/latency", "850")
    # week six (days 35 to 41 of the quarter): Sam moves latency's target from 500 to 600
    q3 = root / "okrs/2026-Q3/checkout.yaml"
    q3.write_text(q3.read_text().replace("target: 500", "target: 600"))
    org.commit("2026-08-05", "latency: target 600 after the CDN delay", author="Sam")
    org.check_in("2026-08-10", "mobile/rating", "4.2", "0.6", author="Mo")
    org.check_in("2026-08-12", "checkout/saved-card", "45")

    # 16 August, 00:00 UTC: 46 of 92 days gone, elapsed 0.5. Expected score 0.5: on track
    # from 0.9 x 0.5 = 0.45, at risk from 0.6 x 0.5 = 0.3, else off track.
    mid = org.score("2026-Q3", "2026-08-16T00:00:00+00:00")
    k = rows(mid)
    assert mid.elapsed == D("0.50") and not mid.ended
    # saved-card (45 - 40) / (50 - 40) = 0.5: on track
    assert (
        k["checkout/effortless-payment/saved-card"].score,
        k["checkout/effortless-payment/saved-card"].pace,
    ) == (D("0.50"), "on track")
    # latency against the agreed 500: (850 - 900) / (500 - 900) = 0.125, shown to two places
    # (half to even) as 0.12: off track
    lat = k["checkout/effortless-payment/latency"]
    assert (lat.score, lat.pace, lat.target) == (D("0.12"), "off track", 500)
    assert lat.moved is not None and (lat.moved.agreed, lat.moved.latest) == (500, 600)
    assert (lat.moved.when, lat.moved.who) == (date(2026, 8, 5), "Sam")
    # nps never checked in: 0, no pace, no check-in (the file's first commit is not one)
    nps = k["checkout/effortless-payment/nps"]
    assert (nps.score, nps.pace, nps.checkins, nps.last_checkin) == (D("0.00"), None, 0, None)
    # crash-free (99.5 - 99.0) / 0.5 = 1: on track; rating 0.2 / 0.5 = 0.4: at risk
    crash = k["mobile/dependable-app/crash-free"]
    assert (crash.score, crash.pace) == (D("1.00"), "on track")
    assert (k["mobile/dependable-app/rating"].score, k["mobile/dependable-app/rating"].pace) == (
        D("0.40"),
        "at risk",
    )
    assert k["mobile/dependable-app/offline-cart"].pace is None
    # re-confirmed Mondays 6 July to 10 August: 6 check-ins, the last on 10 August
    assert (crash.checkins, crash.last_checkin) == (6, date(2026, 8, 10))
    assert crash.note is None  # the first check-in's note went with the next check-in
    assert k["checkout/effortless-payment/saved-card"].checkins == 2
    assert k["checkout/effortless-payment/latency"].checkins == 1  # the moved target is not one
    assert k["mobile/dependable-app/rating"].checkins == 1
    # objectives (the mean of the key results' two-place scores): checkout (0.5 + 0.12 + 0)
    # / 3 = 0.2067 -> 0.21, below 0.3: off track;
    # mobile (1 + 0.4 + 0) / 3 = 0.4667 -> 0.47, above 0.45: on track
    checkout, mobile = mid.units
    assert (checkout.score, checkout.objectives[0].pace, checkout.pace) == (
        D("0.21"),
        "off track",
        "off track",
    )
    assert (mobile.score, mobile.objectives[0].pace, mobile.pace) == (
        D("0.47"),
        "on track",
        "on track",
    )
    # the organisation: (0.21 + 0.47) / 2 = 0.34, at risk; key results 2 on track
    # (saved-card, crash-free), 1 at risk (rating), 1 off track (latency); 4 of 6 checked in
    # after the file was written (nps and offline-cart never)
    assert (mid.score, mid.pace) == (D("0.34"), "at risk")
    assert mid.paces == {"on track": 2, "at risk": 1, "off track": 1}
    assert (mid.checked_in, mid.key_results) == (4, 6)
    shown = text(mid)
    assert "500 ms (moved to 600 ms)" in shown  # with the key result's unit
    assert "latency: target moved from 500 to 600 on 2026-08-05 by Sam" in shown
    assert "stretch zone" not in shown and "over-achieved" not in shown  # pace, not bands

    # -- the rest of the third quarter ---------------------------------------------------------
    for monday in MONDAYS[6:]:  # 7 more Mondays: 17 August to 28 September
        org.check_in(monday, "mobile/crash-free", "99.5", author="Mo")
    org.check_in("2026-09-16", "checkout/saved-card", "51", note="beat it: saved cards by default")
    org.check_in("2026-09-16", "checkout/latency", "700")
    org.check_in("2026-09-21", "mobile/rating", "4.4", "0.9", author="Mo")
    org.check_in("2026-09-21", "mobile/offline-cart", "1", note="shipped in 3.4", author="Mo")

    # 1 October: the quarter is over, bands replace pace
    end = org.score("2026-Q3", "2026-10-01T00:00:00+00:00")
    k = rows(end)
    assert end.ended and end.paces == {"on track": 0, "at risk": 0, "off track": 0}
    # saved-card (51 - 40) / 10 = 1.1, clamped to 1; latency (700 - 900) / (500 - 900) = 0.5
    # against the agreed target (0.67 against the moved one); nps 0
    assert k["checkout/effortless-payment/saved-card"].score == D("1.00")
    assert k["checkout/effortless-payment/latency"].score == D("0.50")
    assert k["checkout/effortless-payment/nps"].score == D("0.00")
    assert k["checkout/effortless-payment/saved-card"].note == "beat it: saved cards by default"
    # check-ins: saved-card 8 Jul, 12 Aug, 16 Sep; latency 22 Jul, 16 Sep; nps none;
    # crash-free every Monday (13); rating 10 Aug, 21 Sep; offline-cart 21 Sep
    counts = {ref.split("/")[-1]: (r.checkins, r.last_checkin) for ref, r in k.items()}
    assert counts == {
        "saved-card": (3, date(2026, 9, 16)),
        "latency": (2, date(2026, 9, 16)),
        "nps": (0, None),
        "crash-free": (13, date(2026, 9, 28)),
        "rating": (2, date(2026, 9, 21)),
        "offline-cart": (1, date(2026, 9, 21)),
    }
    checkout, mobile = end.units
    assert k["mobile/dependable-app/rating"].score == D("0.80")  # (4.4 - 4.0) / 0.5
    # checkout: (1 + 0.5 + 0) / 3 = 0.5, below 0.6: missed (aspirational bands)
    assert (checkout.score, checkout.objectives[0].band, checkout.band) == (
        D("0.50"),
        "missed",
        "missed",
    )
    assert checkout.pace is None and checkout.objectives[0].pace is None
    # mobile: (1 + 0.8 + 1) / 3 = 0.933 -> 0.93, committed and short of 1.0: missed. The
    # unit's 0.93 is above 0.8, but a unit that missed a commitment is never over-achieved:
    # the stretch zone, with the commitment's questions first
    assert (mobile.score, mobile.objectives[0].band, mobile.band) == (
        D("0.93"),
        "missed",
        "stretch",
    )
    assert mobile.missed_commitments == ["dependable-app"]
    assert mobile.prompts[0].startswith("A commitment was missed")
    # calibration: rating's confidences checked in 0.6 and 0.9, outcome 0 (4.4 < 4.5):
    # ((0.6)^2 + (0.9)^2) / 2 = (0.36 + 0.81) / 2 = 0.585
    assert (mobile.brier, checkout.brier) == (D("0.585"), None)
    # the organisation: (0.5 + 0.93) / 2 = 0.715 -> 0.72 (half to even); one unit missed, one
    # in the stretch zone; 5 of 6 checked in (nps never)
    assert (end.score, end.bands) == (D("0.72"), {"missed": 1, "stretch": 1, "over": 0})
    assert (end.checked_in, end.key_results) == (5, 6)
    assert end.missed_commitments == ["mobile/dependable-app"]

    # the same through the command line: the headline names the missed commitment, and
    # mobile's own report says what was missed (not that everything is on track)
    shown = okr("score", "--quarter", "2026-Q3", "--at", "2026-10-01", cwd=root)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == (
        "2026-Q3 as of 2026-10-01 (quarter over): organisation score 0.72; units 1 missed, "
        "1 in the stretch zone, 0 over-achieved; 5 of 6 key results checked in; committed "
        "objectives missed: mobile/dependable-app."
    )
    unit_report = okr(
        "report", "--quarter", "2026-Q3", "--at", "2026-10-01", "--unit", "mobile", cwd=root
    )
    assert unit_report.returncode == 0, unit_report.stderr
    attention = unit_report.stdout.split("## Needs attention")[1].split("## ")[0]
    assert "every key result is on track" not in attention
    assert (
        "| Mobile | Make the app dependable for people who shop on the go | 0.93 | 🔴 missed | "
        "committed objective missed: score 0.93, committed to 1.00 |" in attention
    )

    # okr.yaml may score against the moved target instead: (700 - 900) / (600 - 900) = 0.667
    (root / "okr.yaml").write_text("scoring:\n  targets: current\n")
    current = org.score("2026-Q3", "2026-10-01T00:00:00+00:00")
    lat = rows(current)["checkout/effortless-payment/latency"]
    assert (lat.score, lat.target) == (D("0.67"), 600)
    # (1 + 0.667 + 0) / 3 = 0.556 -> 0.56
    assert current.units[0].score == D("0.56")
    (root / "okr.yaml").unlink()

    # the history rules at the quarter's end: nps never checked in; the moved target
    found = run_lint(root, at="2026-09-30").diagnostics
    stale = [d.message for d in found if d.code == "OKR401"]
    assert stale == [
        "key result 'nps' has never been checked in since the file was written on 2026-07-01, "
        "91 days before 2026-09-30; check in its current value at least every 14 days "
        "(`okr check-in checkout/effortless-payment/nps VALUE`, also when it has not changed)."
    ]
    (moved,) = [d.message for d in found if d.code == "OKR402"]
    assert "moved from 500 to 600 (easier) on 2026-08-05" in moved and "by Sam" in moved

    # the report for one unit: its check-ins only, its name in the headline
    markdown = report(
        ReportRequest(
            quarter="2026-Q3",
            unit="checkout",
            repo=root,
            cwd=root,
            now=datetime(2026, 10, 1, tzinfo=UTC),
        )
    )
    assert "**Unit score" in markdown and "Organisation score" not in markdown
    assert "checkout/" in markdown and "mobile/" not in markdown
    assert "500 ms (moved to 600 ms)" in markdown
    assert "- Note on `saved-card`: beat it: saved cards by default" in markdown
    assert "score 0.5 (missed)" in markdown or "score 0.50 (missed)" in markdown

    # -- the fourth quarter --------------------------------------------------------------------
    # 6 October: no 2026-Q4 folder yet. A check-in stops; the third quarter's value stays
    before = q3.read_text()
    with pytest.raises(OkrError, match="okr new checkout --from 2026-Q3"):
        org.check_in("2026-10-06", "checkout/saved-card", "52")
    assert q3.read_text() == before

    # 20 October: the folder is written late, carried over
    repo = service.open_repo(None, root)
    quarter = service.pick_quarter(repo, None, datetime(2026, 10, 20, 12, tzinfo=UTC))
    q4 = service.new_file(repo, "checkout", quarter, "2026-Q3")
    assert q4 == root / "okrs/2026-Q4/checkout.yaml"
    krs = {x["id"]: x for x in parse(q4.read_text()).data["objectives"][0]["key_results"]}
    # saved-card beat 50 at 51: baseline 51, no target, still increase
    assert (krs["saved-card"]["baseline"], krs["saved-card"].get("target")) == (51, None)
    assert krs["saved-card"]["direction"] == "increase"
    # latency ended at 700 on its way to 600 (the file's target): carried with it
    assert (krs["latency"]["baseline"], krs["latency"]["target"]) == (700, 600)
    assert (krs["nps"]["baseline"], krs["nps"]["target"]) == (30, 40)
    (error,) = [d for d in run_lint(root, "okrs/2026-Q4").diagnostics if d.code == "OKR202"]
    assert error.severity == "error" and "set one above its baseline (51)" in error.message
    q4.write_text(
        q4.read_text().replace("direction: increase", "direction: increase\n        target: 55", 1)
    )
    org.commit("2026-10-20", "OKRs for 2026-Q4, carried over from 2026-Q3")

    org.check_in("2026-11-02", "checkout/saved-card", "53", "0.7", note="autumn sale")

    # 16 November, 00:00 UTC: 46 of 92 days gone, elapsed 0.5 (on track from 0.45, at risk
    # from 0.3). saved-card (53 - 51) / (55 - 51) = 0.5: on track; latency and nps have no
    # value: 0, no pace. Objective (0.5 + 0 + 0) / 3 = 0.1667 -> 0.17: off track.
    q4_card = org.score("2026-Q4", "2026-11-16T00:00:00+00:00")
    k = rows(q4_card)
    assert [u.id for u in q4_card.units] == ["checkout"]
    saved = k["checkout/effortless-payment/saved-card"]
    assert (saved.score, saved.pace, saved.checkins, saved.note) == (
        D("0.50"),
        "on track",
        1,
        "autumn sale",
    )
    assert (
        k["checkout/effortless-payment/latency"].checkins,
        k["checkout/effortless-payment/latency"].last_checkin,
    ) == (0, None)
    assert (q4_card.units[0].score, q4_card.units[0].pace) == (D("0.17"), "off track")
    assert (q4_card.score, q4_card.pace) == (D("0.17"), "off track")
    assert q4_card.paces == {"on track": 1, "at risk": 0, "off track": 0}
    assert (q4_card.checked_in, q4_card.key_results) == (1, 3)
    # nothing moved after the first days of the fourth quarter
    assert q4_card.moved == []
    # written 20 October, never checked in: stale on 16 November (27 days)
    stale = [d.message for d in run_lint(root, at="2026-11-16").diagnostics if d.code == "OKR401"]
    assert [m.split(" has never")[0] for m in stale if "2026-10-20, 27 days" in m] == [
        "key result 'latency'",
        "key result 'nps'",
    ]

    # -- closing the third quarter -------------------------------------------------------------
    # 2026-Q3 takes check-ins until 14 October (30 September plus scoring.close_days, 14).
    # 8 October: nps's final value arrives late, dated the quarter's last day: counted
    org.check_in("2026-10-08", "checkout/nps", "35", quarter="2026-Q3", late="2026-09-30")
    assert "checked: 2026-09-30" in q3.read_text()
    # no finding within the window: the late check-in is part of the quarter
    found = run_lint(root, at="2026-10-10").diagnostics
    assert not [d for d in found if d.code == "OKR404"]
    # 20 November, the quarter closed: a check-in is refused and the file left alone
    before = q3.read_text()
    with pytest.raises(OkrError, match=r"2026-Q3 is closed: it took check-ins until 2026-10-14"):
        org.check_in("2026-11-20", "checkout/latency", "550", quarter="2026-Q3")
    assert q3.read_text() == before
    # Sam forces the change by hand the same day
    q3.write_text(before.replace("current: 700", "current: 550"))
    org.commit("2026-11-20", "latency: the real number", author="Sam")
    closed = org.score("2026-Q3", "2026-11-25T00:00:00+00:00")
    k = rows(closed)
    assert closed.closed_on == date(2026, 10, 14)
    # nps (35 - 30) / (40 - 30) = 0.5, last checked in on the day the late check-in named
    nps = k["checkout/effortless-payment/nps"]
    assert (nps.score, nps.current, nps.last_checkin) == (D("0.50"), 35, date(2026, 9, 30))
    # latency keeps 700 as at close: (700 - 900) / (500 - 900) = 0.5; the forced 550 is
    # shown beside it: (550 - 900) / (500 - 900) = 0.875 -> 0.88
    lat = k["checkout/effortless-payment/latency"]
    assert (lat.score, lat.current) == (D("0.50"), 700)
    assert lat.after_close is not None
    assert (lat.after_close.value, lat.after_close.score) == (550, D("0.88"))
    assert (lat.after_close.when, lat.after_close.who) == (date(2026, 11, 20), "Sam")
    # checkout: (1 + 0.5 + 0.5) / 3 = 0.667 -> 0.67, the stretch zone (the late nps counted);
    # with the forced value it would be (1 + 0.88 + 0.5) / 3 = 0.793 -> 0.79: shown, not used
    checkout = closed.units[0]
    assert (checkout.score, checkout.band, checkout.after_close) == (
        D("0.67"),
        "stretch",
        D("0.79"),
    )
    assert "0.67 (changed after close: 0.79)" in text(closed)
    assert "700 ms (changed after close: 550 ms)" in text(closed)
    # lint names the forced change, with its facts as data
    (late,) = [d for d in run_lint(root, at="2026-11-25").diagnostics if d.code == "OKR404"]
    assert late.severity == "warning" and late.facts is not None
    facts = late.facts.as_json()
    assert {k: facts[k] for k in ("field", "old", "new", "day", "who")} == {
        "field": "current",
        "old": 700,
        "new": 550,
        "day": "2026-11-20",
        "who": "Sam",
    }
