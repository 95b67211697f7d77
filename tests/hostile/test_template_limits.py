"""Every way a template can build text or lists is bounded in size and time: operators,
filters, string methods, formatting, loops and the output itself (tests/commands/test_report.py
holds the sandbox's first cases: internals, plain multiplication, ranges, endless loops)."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from okrcli.errors import OkrError
from okrcli.report.render import Renderer

BIG = "'x' * 10000000"  # 10 MB: allowed on its own, half the size bound

# template -> a phrase of the error
HOSTILE = {
    "~ doubling": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
        "too large",
    ),
    "~ of a list of big strings": (f"{{{{ '' ~ [{BIG}] * 1000 }}}}", "too large"),
    "+ doubling a list": (
        "{% set ns = namespace(s=['x']) %}{% for i in range(40) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
        "too large",
    ),
    "list.extend doubling": (
        "{% set l = ['x'] %}{% for i in range(40) %}{{ l.extend(l) or '' }}{% endfor %}",
        "too large",
    ),
    "indent": ("{{ ('x\\n' * 1000000) | indent(100000) }}", "too large"),
    "center": ("{{ 'x' | center(1000000000) }}", "too large"),
    "join": (f"{{{{ ([{BIG}] * 1000) | join }}}}", "too large"),
    "join with a long separator": ("{{ (['a'] * 100000) | join('y' * 1000) }}", "too large"),
    "format filter padding": ("{{ '%1000000000s' | format('') }}", "too large"),
    "% padding": ("{{ '%*s' % (1000000000, '') }}", "too large"),
    "% repeating a big argument": (f"{{{{ '%s' * 10000 % (({BIG},) * 10000) }}}}", "too large"),
    "str.format padding": ("{{ '{:>1000000000}'.format(1) }}", "too large"),
    "str.format nested width": ("{{ '{:{}}'.format(1, 1000000000) }}", "too large"),
    "ljust": ("{{ 'x'.ljust(1000000000) }}", "too large"),
    "zfill": ("{{ '1'.zfill(1000000000) }}", "too large"),
    "expandtabs": ("{{ ('\\t' * 1000).expandtabs(1000000) }}", "too large"),
    "str.replace": ("{{ ('x' * 1000000).replace('x', 'y' * 1000) }}", "too large"),
    "replace filter on empty": ("{{ ('x' * 1000000) | replace('', 'y' * 100) }}", "too large"),
    "str.join": (f"{{{{ 'a'.join([{BIG}] * 1000) }}}}", "too large"),
    "a list printed": (f"{{{{ [{BIG}] * 1000 }}}}", "too large"),
    "string filter": (f"{{{{ ([{BIG}] * 100) | string | length }}}}", "too large"),
    "tojson": (f"{{{{ ([{BIG}] * 100) | tojson | length }}}}", "too large"),
    "splitting a long text": ("{{ ('ab ' * 6000000).split() | length }}", "too large"),
    "a long text as a list": ("{{ ('x' * 6000000) | list | length }}", "too large"),
    "list multiplication": ("{{ ([0] * 100000000) | length }}", "too large"),
    "power of a power": ("{{ (10 ** 64) ** 64 ** 64 }}", "may not"),
    "batch with a huge size": ("{{ [1, 2] | batch(1000000000, 'x') | list }}", "too large"),
    "output of many pieces": (
        f"{{% set s = {BIG} %}}{{% for i in range(4000) %}}{{{{ s }}}}{{% endfor %}}",
        "produced more than",
    ),
    "recursion": ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "recursed"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_template_limits_hold_for_every_operator_and_filter(tmp_path: Path, case: str) -> None:
    source, phrase = HOSTILE[case]
    path = tmp_path / "evil.md.j2"
    path.write_text(source)
    start = time.monotonic()
    with pytest.raises(OkrError, match=phrase):
        Renderer(template=path, seconds=2).render({})
    assert time.monotonic() - start < 5
    # the process never held gigabytes (the bound is 20 MB per value; a few at a time)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_500_000


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ 'x' * 3 }}|{{ 'a' ~ 1 ~ [1] }}", "xxx|a1[1]"),
        ("{{ '%5s' % 'a' }}|{{ '{:>3}'.format(1) }}", "    a|  1"),
        ("{{ 'a b' | center(9) }}|{{ ['a', 'b'] | join(', ') }}", "   a b   |a, b"),
        ("{{ 'x\ny' | indent(2) }}|{{ 'ab' | replace('a', 'c') }}", "x\n  y|cb"),
        ("{{ [1, 2, 3] | batch(2) | list }}|{{ 2 ** 10 }}", "[[1, 2], [3]]|1024"),
        ("{% for i in range(3) %}{{ i }}{% endfor %}|{{ '%.1f' | format(0.25) }}", "012|0.2"),
    ],
)
def test_ordinary_templates_still_work(tmp_path: Path, source: str, expected: str) -> None:
    path = tmp_path / "fine.md.j2"
    path.write_text(source)
    assert Renderer(template=path).render({}) == expected


@pytest.mark.slow
def test_a_repository_template_is_bounded_in_a_real_report(tmp_path: Path) -> None:
    from okrcli.rules.base import GOOD_FILE
    from tests.conftest import write_repo
    from tests.hostile.test_hostile import CHECKOUT, okr

    root = write_repo(tmp_path / "r", {CHECKOUT: GOOD_FILE})
    (root / "templates").mkdir()
    for source, _ in (HOSTILE["indent"], HOSTILE["~ doubling"], HOSTILE["join"]):
        (root / "templates/report.md.j2").write_text(source)
        run = okr("report", "--quarter", "2026-Q4", cwd=root)  # bounds time and memory
        assert run.code == 2 and "too large" in run.stderr, run.stderr
