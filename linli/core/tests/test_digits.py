"""Digits from other scripts (issue 9, item 2).

``str.isdigit()``, ``int()`` and ``re``'s ``\\d`` all accept Arabic-Indic ٣ and Devanagari ३,
and ``'²'.isdigit()`` is True while ``int('²')`` fails: an ``isdigit()`` guard in front of
``int()`` let other scripts' digits into look-up keys and turned a superscript into a 500.
``linli.core.bounds`` is the one place that may ask a string whether it is digits.
"""

import ast
from pathlib import Path

import linli

ROOT = Path(linli.__file__).parent
ALLOWED = {ROOT / "core" / "bounds.py"}
DIGIT_TESTS = {"isdigit", "isnumeric", "isdecimal"}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path in ALLOWED:
            continue
        yield path


def _digit_tests(source: str, name: str) -> list[str]:
    """Every call of a digit test in ``source`` (calls, not words in comments)."""
    return [f"{name}:{node.lineno} .{node.func.attr}()" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in DIGIT_TESTS]


def test_it_finds_no_digit_test_outside_bounds():
    found = [hit for path in _sources() for hit in _digit_tests(
        path.read_text(encoding="utf-8"), path.relative_to(ROOT.parent).as_posix())]
    assert not found, ("use linli.core.bounds.is_ascii_number() or ascii_digits() instead of "
                       "str.isdigit()/isnumeric()/isdecimal(), which accept other scripts' "
                       "digits and superscripts:\n" + "\n".join(found))


PLANTED = """def f(s, t):
    \"\"\"s.isdigit() in a docstring is fine\"\"\"  # so is t.isdigit() in a comment
    a = int(s) if s.strip().isdigit() else None
    return a, t.isnumeric(), str.isdecimal(t)
"""


def test_it_walks_the_whole_package_and_sees_every_form_of_the_call():
    walked = {p.relative_to(ROOT).as_posix() for p in _sources()}
    assert {"people/identity.py", "orgs/views.py", "care/views.py", "core/excel.py",
            "regions/lookup.py", "orgs/validators.py"} <= walked
    assert not any("tests/" in p or "migrations/" in p for p in walked)
    assert "core/bounds.py" not in walked
    assert sorted(_digit_tests(PLANTED, "planted.py")) == [
        "planted.py:3 .isdigit()", "planted.py:4 .isdecimal()", "planted.py:4 .isnumeric()"]
