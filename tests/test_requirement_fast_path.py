"""Plain requirements (a name, extras, a specifier list) are read without
``packaging.requirements``: the result must be exactly packaging's, and every
other shape, valid or not, must still go to packaging."""

import itertools
from pathlib import Path

import pytest

from mlwarden.sources.dependencies import requirement as rq
from mlwarden.sources.dependencies.requirement import InvalidRequirement, parse_requirement

NAMES = ["torch", "Torch_Vision", "a", "a.b-c", "x1", "-bad", "bad-", "Ünï"]
EXTRAS = ["", "[cuda]", "[a,b]", "[ b , a ]", "[]", "[a,]", "[a b]", "[Cuda_12]", "[a,a]"]
SPECS = [
    "", ">=2.6", ">= 2.6", "==2.*", ">=1,<2", ">=1 , <2", "<2,>=1", "~=1.4.2", "===weird", "==1.0-dev",
    ">=2.0.*", "<=", "==1..0", "!=2.5.0", "> 1", "==1.0+local", ">=1,", ">=1,>=1", "=1.0", "(>=1.0)",
    ">=1.0;python_version<'3.9'", " ; sys_platform == 'linux'", "@ https://example.org/a.whl", ">=v1.0", "==1.0.post1.dev2",
]
SEPARATORS = ["", " ", "\t"]

COMMON = dict(path="requirements.txt", line=3, col=1, context="requirements")
FULL = dict(COMMON, hashes=(), editable=False, constraint=False, own=True, cell=None, file_line=None)


def _packaging_reading(text, monkeypatch):
    """What parse_requirement gives when packaging reads every shape."""
    with monkeypatch.context() as patch:
        patch.setattr(rq, "_plain_requirement", lambda text, common: None)
        return _outcome(text)


def _outcome(text):
    try:
        return ("entry", parse_requirement(text, **COMMON))
    except InvalidRequirement as exc:
        return ("error", str(exc))


def _cases():
    for name, extras, sep, spec in itertools.product(NAMES, EXTRAS, SEPARATORS, SPECS):
        yield f"{name}{sep}{extras}{sep if extras else ''}{spec}"


@pytest.mark.parametrize("extras", EXTRAS)
def test_the_fast_reading_is_packagings(extras, monkeypatch):
    cases = [c for c in _cases() if extras in c and (extras or "[" not in c)]
    fast_taken = 0
    for text in cases:
        fast = _outcome(text)
        if rq._plain_requirement(text.strip(), FULL) is not None:
            fast_taken += 1
        assert fast == _packaging_reading(text, monkeypatch), text
    if extras in ("", "[cuda]", "[ b , a ]"):
        assert fast_taken > 20  # the table does reach the fast path


@pytest.mark.parametrize(
    "text, name, spec, extras",
    [
        ("torch>=2.6", "torch", ">=2.6", ()),
        ("Torch_Vision >= 0.21 , < 1", "torch-vision", "<1,>=0.21", ()),
        ("accelerate[torch,cuda]==1.2.0", "accelerate", "==1.2.0", ("cuda", "torch")),
        ("numpy", "numpy", "", ()),
    ],
)
def test_plain_requirements_take_the_fast_reading(text, name, spec, extras):
    entry = rq._plain_requirement(text, FULL)
    assert entry is not None
    assert (entry.name, entry.specifier, entry.extras, entry.marker) == (name, spec, extras, None)


@pytest.mark.parametrize("text", ["torch>=2.0 ; python_version < '3.9'", "torch @ https://x/t.whl", "torch (>=2)", "torch>=2.0.*", "torch>="])
def test_other_shapes_go_to_packaging(text):
    assert rq._plain_requirement(text, FULL) is None


def test_every_requirement_line_of_the_fixtures_reads_alike(monkeypatch):
    """Every requirement-looking line the repository's fixtures hold."""
    root = Path(__file__).resolve().parents[1]
    lines = set()
    for path in list(root.glob("fixtures/**/*requirements*.txt")) + list(root.glob("tests/**/*requirements*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith(("#", "-")):
                lines.add(line)
    assert len(lines) > 10
    for text in sorted(lines):
        assert _outcome(text) == _packaging_reading(text, monkeypatch), text
