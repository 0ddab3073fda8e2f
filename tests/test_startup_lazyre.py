"""``mlwarden.core.lazyre``: a pattern compiled on first use behaves as the
compiled pattern (the secrets scanner and the redaction use it for every
module-level regex)."""

import re

import pytest

from mlwarden.core import lazyre

CASES = [
    (r"(?<![A-Za-z0-9_\-])(hf_[A-Za-z0-9]{4,})", 0, "x = 'hf_abcd1234' + hf_zz + hf_q1w2e3"),
    (r"token|secret", re.IGNORECASE, "TOKEN = secret_Token\nSecret"),
    (r"^(?P<key>\w+)\s*=", re.MULTILINE, "a = 1\nbb=2\n  c = 3"),
]


@pytest.mark.parametrize("source, flags, text", CASES)
def test_a_lazy_pattern_answers_as_the_compiled_one(source, flags, text):
    lazy, real = lazyre.compile(source, flags), re.compile(source, flags)
    assert "_compiled" not in lazy.__dict__  # nothing compiled yet
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert "_compiled" in lazy.__dict__
    assert lazy.findall(text) == real.findall(text)
    assert lazy.sub("<x>", text) == real.sub("<x>", text)
    assert lazy.split(text) == real.split(text)
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (real.pattern, real.flags, real.groups, real.groupindex)
    assert bool(lazy.search(text, 3)) == bool(real.search(text, 3))
    # the module's functions accept it, as re's accept a compiled pattern
    assert lazyre.sub(lazy, "-", text) == re.sub(real, "-", text)
    assert [m.group(0) for m in lazyre.finditer(lazy, text)] == [m.group(0) for m in re.finditer(real, text)]
    assert lazyre.compile(lazy) is lazy


def test_the_rest_of_re_is_the_standard_module():
    assert lazyre.IGNORECASE is re.IGNORECASE and lazyre.escape is re.escape and lazyre.Pattern is re.Pattern
    assert lazyre.fullmatch(r"\d+", "123") and not lazyre.match(r"\d", "x")


def test_an_invalid_pattern_fails_on_first_use():
    lazy = lazyre.compile("(unclosed")
    with pytest.raises(re.error):
        lazy.search("x")


def test_compile_all_compiles_every_lazy_pattern_made_so_far():
    """The resident parent compiles them once, before it forks a child per
    command; a pattern that does not compile is left to fail where used."""
    from mlwarden.core import lazyre

    good = lazyre.compile(r"warm[0-9]+")
    bad = lazyre.compile(r"(unclosed")
    assert "_compiled" not in vars(good)
    assert lazyre.compile_all() >= 1
    assert "_compiled" in vars(good) and good.fullmatch("warm42")
    assert "_compiled" not in vars(bad)
