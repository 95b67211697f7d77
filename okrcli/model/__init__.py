"""Pydantic models of the OKR repository format: the single source of truth.

``okr schema`` exports them to ``schemas/`` as JSON Schema; a test fails when the two drift.
"""

from okrcli.model.config import Config, LintConfig, ScoringConfig
from okrcli.model.okr import Direction, KeyResult, Objective, OkrFile
from okrcli.model.org import Org, StrategyTheme, Unit

__all__ = [
    "Config",
    "Direction",
    "KeyResult",
    "LintConfig",
    "Objective",
    "OkrFile",
    "Org",
    "ScoringConfig",
    "StrategyTheme",
    "Unit",
]
