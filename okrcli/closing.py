"""Days and the closing window: which day a moment belongs to in okr.yaml's ``timezone``, and
when a quarter stops taking check-ins (its last day plus ``scoring.close_days``).

A quarter is open until the end of its closing day in that zone; after it the quarter is
closed: ``okr check-in`` and ``okr sync`` refuse it unless reopened on purpose, score and
report use its values as of that moment, and OKR404 reports a later change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from okrcli.errors import OkrError
from okrcli.model.config import Config
from okrcli.model.quarter import Period, parse_period
from okrcli.model.timezone import zone_named


def zone(config: Config) -> tzinfo:
    """okr.yaml's time zone (checked when okr.yaml was read)."""
    return zone_named(config.timezone) or UTC


def local_day(when: datetime, tz: tzinfo) -> date:
    """The day ``when`` falls on in ``tz``."""
    return when.astimezone(tz).date()


def day_start(day: date, tz: tzinfo) -> datetime:
    """The first moment of ``day`` in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz)


def today(config: Config, now: datetime | None = None) -> date:
    """Today in okr.yaml's time zone."""
    return local_day(now or datetime.now(UTC), zone(config))


def closing_day(quarter: Period, config: Config) -> date:
    """The last day ``quarter`` takes check-ins: its last day plus ``scoring.close_days``."""
    return quarter.end + timedelta(days=config.scoring.close_days)


def closed_from(quarter: Period, config: Config) -> datetime:
    """The first moment ``quarter`` is closed: the start of the day after its closing day."""
    return day_start(closing_day(quarter, config) + timedelta(days=1), zone(config))


def is_closed(quarter: Period, config: Config, now: datetime | None = None) -> bool:
    return (now or datetime.now(UTC)) >= closed_from(quarter, config)


def refuse_closed(
    config: Config, quarter: str, command: str, reopen: str | None, now: datetime | None = None
) -> None:
    """Raise OkrError when ``quarter`` is closed and not reopened on purpose (``reopen`` is
    the reason given with --reopen)."""
    q = parse_period(quarter, config.fiscal_year_start_month)
    if q is None:
        return
    if not is_closed(q, config, now):
        if reopen is not None:
            raise OkrError(
                f"{quarter} is not closed (it takes check-ins until "
                f"{closing_day(q, config).isoformat()}); check in without --reopen."
            )
        return
    if reopen is not None:
        if not " ".join(reopen.split()):
            raise OkrError(
                f"--reopen needs the reason {quarter} is changed after it closed, like --reopen "
                '"the September invoices came late".'
            )
        return
    raise OkrError(
        f"{quarter} is closed: it took check-ins until {closing_day(q, config).isoformat()} "
        f"(its last day, {q.end.isoformat()}, plus scoring.close_days, "
        f"{config.scoring.close_days}), and its values stand as they were then; nothing was "
        f"written. To change them on purpose, run `okr {command}` again with "
        '--reopen "why" --commit (the reason goes into the commit message, and okr lint '
        "reports the change as OKR404)."
    )


def is_open(quarter: str, config: Config, now: datetime | None = None) -> bool:
    """Whether ``quarter`` (a YYYY-Qn name) still takes check-ins."""
    q = parse_period(quarter, config.fiscal_year_start_month)
    return q is None or not is_closed(q, config, now)
