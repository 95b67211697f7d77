"""The closing window and okr.yaml's time zone, in process (issue 28): when a quarter closes,
what a refusal says, which day a moment is, and what --date accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from okrcli.closing import closing_day, is_closed, local_day, refuse_closed, zone
from okrcli.edit import service
from okrcli.errors import OkrError
from okrcli.load.repo import load_config, load_repository
from okrcli.model.config import Config
from okrcli.model.quarter import Quarter
from tests.conftest import write_repo

Q3 = Quarter(2026, 3)


def test_a_quarter_closes_after_its_last_day_plus_close_days() -> None:
    config = Config()
    assert closing_day(Q3, config) == date(2026, 10, 14)
    assert not is_closed(Q3, config, datetime(2026, 10, 14, 23, 59, tzinfo=UTC))
    assert is_closed(Q3, config, datetime(2026, 10, 15, 0, 0, tzinfo=UTC))
    longer = Config.model_validate({"scoring": {"close_days": 30}})
    assert closing_day(Q3, longer) == date(2026, 10, 30)
    # in California the window ends at midnight there, 07:00 UTC
    la = Config.model_validate({"timezone": "America/Los_Angeles"})
    assert not is_closed(Q3, la, datetime(2026, 10, 15, 6, 59, tzinfo=UTC))
    assert is_closed(Q3, la, datetime(2026, 10, 15, 7, 0, tzinfo=UTC))


def test_refusal_names_the_closing_day_and_the_way_to_reopen() -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    with pytest.raises(OkrError) as caught:
        refuse_closed(Config(), "2026-Q3", "check-in", None, now)
    message = caught.value.message
    assert message.startswith("2026-Q3 is closed: it took check-ins until 2026-10-14")
    assert '`okr check-in` again with --reopen "why" --commit' in message
    assert caught.value.exit_code == 2
    refuse_closed(Config(), "2026-Q3", "check-in", "late invoices", now)  # reopened: passes
    refuse_closed(Config(), "2026-Q4", "sync", None, now)  # running: passes
    with pytest.raises(OkrError, match="--reopen needs the reason"):
        refuse_closed(Config(), "2026-Q3", "sync", "  ", now)
    with pytest.raises(OkrError, match="2026-Q4 is not closed"):
        refuse_closed(Config(), "2026-Q4", "sync", "why", now)


def test_the_day_of_a_moment_is_the_time_zones() -> None:
    friday_evening = datetime.fromisoformat("2026-09-26T01:30:00+00:00")
    assert local_day(friday_evening, zone(Config())) == date(2026, 9, 26)
    la = zone(Config.model_validate({"timezone": "America/Los_Angeles"}))
    assert local_day(friday_evening, la) == date(2026, 9, 25)


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe"])
def test_an_unknown_time_zone_is_a_config_error_naming_the_line(tmp_path: Path, name: str) -> None:
    root = write_repo(tmp_path / "r", {"okr.yaml": f"okrs_dir: okrs\ntimezone: '{name}'\n"})
    with pytest.raises(OkrError) as caught:
        load_config(root)
    assert "okr.yaml:2:" in caught.value.message
    assert "is not a time zone okr knows" in caught.value.message


def test_date_of_a_late_check_in(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "r", {})
    repo = load_repository(root)
    now = datetime(2026, 10, 8, 12, tzinfo=UTC)
    assert service.checkin_day(repo, "2026-Q3", "2026-09-30", now) == date(2026, 9, 30)
    with pytest.raises(OkrError, match="is in the future"):
        service.checkin_day(repo, "2026-Q3", "2026-10-09", now)
    with pytest.raises(OkrError, match="before 2026-Q3 began"):
        service.checkin_day(repo, "2026-Q3", "2026-06-30", now)
    with pytest.raises(OkrError, match="as YYYY-MM-DD"):
        service.checkin_day(repo, "2026-Q3", "yesterday", now)
