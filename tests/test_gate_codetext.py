"""The text gate "is a trigger word used as code?" (core/codetext.py) must be
sound: every word the ast gate counts (``gate.code_words`` on the parsed
tree) is in what it keeps. A wrong "code" only costs a parse; a wrong "not
code" would lose a finding, so it is checked three ways:

- against ``ast`` (the contract itself) on generated adversarial programs,
  on Python's own sources and on this repository;
- against ``tokenize``: the comments and top-level string literals it finds
  are exactly the tokenizer's (f-strings whole, PEP 701 nesting included);
- through the engine: the gate changes which files are parsed, never a
  finding (``tests/test_equivalence.py`` runs fast vs full on every fixture).
"""

from __future__ import annotations

import ast
import io
import random
import re
import sys
import sysconfig
import token
import tokenize
from pathlib import Path
from typing import List, Optional, Set, Tuple

import pytest

from mlwarden.core import codetext
from mlwarden.core.codetext import code_text
from mlwarden.core.gate import candidate_rules, code_words, words_in_text
from mlwarden.core.registry import select_rule_refs

ROOT = Path(__file__).resolve().parent.parent
WORDS = re.compile(r"\w+")
PY312 = sys.version_info >= (3, 12)


def check_sound(source: str) -> Optional[Set[str]]:
    """Assert the contract on one source that parses; returns the words kept
    (None when the scanner was unsure)."""
    tree = ast.parse(source)
    limit = frozenset(WORDS.findall(source))  # what the word prefilter can find
    needed = code_words(tree, limit)
    text = code_text(source)
    via_words = codetext.code_words(source, limit, words_in_text)
    if text is None:
        assert via_words is None
        return None
    kept = set(WORDS.findall(text))
    assert needed <= kept, f"lost {sorted(needed - kept)} in {source!r}"
    assert via_words is not None and needed <= via_words, f"lost {sorted(needed - via_words)} in {source!r}"
    if len(source) < 5000:  # as the gate asks: about one trigger word at a time
        for word in needed:
            alone = codetext.code_words(source, frozenset({word}), words_in_text)
            assert alone == {word}, f"lost {word!r} asked alone in {source!r}"
    return kept


def tokenizer_spans(source: str) -> List[Tuple[str, int, int]]:
    """(kind, start, end) of every comment and top-level string literal, by
    ``tokenize`` (an f-string whole, from its start to its end token)."""
    starts = [0]
    for line in io.StringIO(source).readlines():  # the tokenizer's lines (not str.splitlines: \f, \x1c …)
        starts.append(starts[-1] + len(line))

    def offset(row: int, col: int) -> int:
        return starts[row - 1] + col

    def end(tok) -> int:  # 3.12.1 miscounts the end column of a multi-line token with non-ASCII text
        return offset(*tok.start) + len(tok.string)

    spans, open_fstrings = [], []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        name = token.tok_name[tok.type]
        if name == "FSTRING_START":
            open_fstrings.append(offset(*tok.start))
        elif name == "FSTRING_END":
            start = open_fstrings.pop()
            if not open_fstrings:
                spans.append(("string", start, end(tok)))
        elif open_fstrings:
            continue  # inside an f-string: part of it
        elif tok.type == tokenize.STRING:
            spans.append(("string", offset(*tok.start), end(tok)))
        elif tok.type == tokenize.COMMENT:
            spans.append(("comment", offset(*tok.start), end(tok)))
    return spans


def scanner_spans(source: str) -> List[Tuple[str, int, int]]:
    return [
        ("comment" if kind == codetext._COMMENT else "string", start, end)
        for kind, start, end, _bound in codetext._tokens(source)
        if kind != codetext._CODE
    ]


def check_tokens(source: str) -> None:
    assert scanner_spans(source) == tokenizer_spans(source), source


# ---------------------------------------------------------------------------
# adversarial programs

W = "transformers"  # a trigger word, planted everywhere

BODIES = [
    W, f"x {W} y", f"\\n{W}", f"\\t{W}\\\\", f"\\x41{W}", f"\\N{{EM DASH}}{W}", f"{W}\\\\", "#" + W, f"a'b{W}", f'a"b{W}',
    f"\\'{W}\\'", f'\\"{W}\\"', "x" * 120 + W, f"{W} " + "y" * 99, "", f"\\u0120{W}", f"{W}\\101",
]
FIELDS = [
    "{x}", "{x!r}", "{x:>10}", "{x:{w}.{p}}", "{x=}", "{ {1: 2}[1] }", "{d[0]}", "{a if b else c}", "{(lambda: 1)()}",
    "{x:%Y-%m-%d}", "{'" + W + "'}", "{\"" + W + "\"}", "{f'{y}'}", "{x!s:^{w}}", "{{literal}}", "{W}",
]
FIELDS_312 = ['{d["k"]}', "{d['k']}", '{f"{d["k"]}"}', '{"\\n".join(x)}', "{x:{'a'}}"]


def literal(rng: random.Random) -> str:
    quote = rng.choice(["'", '"', "'''", '"""'])
    kind = rng.choice(["", "r", "b", "rb", "Br", "u", "R", "f", "rf", "F", "fR"])
    parts = []
    for _ in range(rng.randint(0, 3)):
        if "f" in kind.lower() and rng.random() < 0.5:
            fields = FIELDS + (FIELDS_312 if PY312 else [])
            parts.append(rng.choice(fields).replace("W", W))
        else:
            body = rng.choice(BODIES)
            if "b" in kind.lower():
                body = body.replace("\\N{EM DASH}", "").replace("\\u0120", "")
            parts.append(body)
        if len(quote) == 3 and rng.random() < 0.3:
            parts.append(rng.choice(["\n", "\\\n", "\n# not a comment\n"]))
    body = "".join(parts)
    if "f" not in kind.lower():
        body = body.replace("{{", "{").replace("}}", "}")
    if "b" in kind.lower():
        body = body.encode("ascii", "ignore").decode()
    return kind + quote + body + quote


def expression(rng: random.Random) -> str:
    first = literal(rng)
    form = rng.randint(0, 6)
    if form == 0:
        return first
    if form == 1:
        return f"{first} {literal(rng)}"
    if form == 2:
        return f"({first}\n    {literal(rng)}  # {W} 'quote\n)"
    if form == 3:
        return f"{first} \\\n    {literal(rng)}"
    if form == 4:
        return f"{first}.format({W})"
    if form == 5:
        return f"[{first}, {W}.x]"
    return f"{first}[{W}]"


def statement(rng: random.Random) -> str:
    expr = expression(rng)
    return rng.choice([
        f"{expr}\n",
        f"x = {expr}\n",
        f"f({expr}, key={literal(rng)})\n",
        f"x = 1; {expr}\n",
        f"{expr}; y = 2\n",
        f"def g():\n    {expr}\n    return {W}\n",
        f"class C:\n    {expr}\n    a = 1\n",
        f"if x: {expr}\n",
        f"# {W} {literal(rng)}\n",
        f"y = [{expr},  # c \"x\n    {literal(rng)}]\n",
        f"z = {{{literal(rng)}: {expr}}}\n",
        f"x: {literal(rng)} = {expr}\n",
        f"{expr}  # trailing {W}\n",
        f"lambda: {expr}\n",
        f"\\\n{expr}\n",
    ])


def programs(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(statement(rng) for _ in range(rng.randint(1, 4)))


@pytest.mark.parametrize("seed", range(8))
def test_generated_programs_are_sound_and_tokenized_like_python(seed):
    valid = 0
    for source in programs(seed, 400):
        try:
            ast.parse(source)
        except SyntaxError:
            continue
        valid += 1
        check_sound(source)
        check_tokens(source)
    assert valid > 100  # the generator makes mostly valid code


def test_generated_programs_lose_their_prose():
    """Not all kept: docstrings, comments, bytes and long strings go, so the
    gate can save parses (a test that passes by keeping everything would
    prove nothing)."""
    dropped = 0
    for source in programs(99, 300):
        try:
            ast.parse(source)
        except SyntaxError:
            continue
        text = code_text(source)
        if text is not None and len(text) < len(source) - 10:
            dropped += 1
    assert dropped > 50


# ---------------------------------------------------------------------------
# hand-written cases


@pytest.mark.parametrize("source, kept, gone", [
    ('"""Load with from_pretrained."""\nimport os\n', {"import", "os"}, {"from_pretrained", "Load"}),
    ("x = 1  # from_pretrained here\n", {"x"}, {"from_pretrained"}),
    ("def f():\n    '''from_pretrained'''\n    return 1\n", {"def", "f", "return"}, {"from_pretrained"}),
    ("x = 'from_pretrained'\n", {"from_pretrained"}, set()),  # a short string counts (getattr(m, "...") is code)
    ("x = b'from_pretrained'\n", {"x"}, {"from_pretrained"}),  # bytes never do
    ("x = '" + "a " * 60 + "from_pretrained'\n", {"x"}, {"from_pretrained"}),  # longer than 100: prose
    ("x = ('" + "a " * 30 + "'\n     'from_pretrained " + "b " * 30 + "')\n", {"x"}, {"from_pretrained"}),  # one long constant
    ("x = f'" + "a " * 60 + "from_pretrained'\n", {"from_pretrained"}, set()),  # f-strings are kept whole
    # a long string that is formatted is a template (a command line): code, whatever its length
    ("x = ('" + "a " * 30 + "'\n     'from_pretrained {} " + "b " * 30 + "').format(y)\n", {"from_pretrained"}, set()),
    ("x = '" + "a " * 60 + "from_pretrained %s' % y\n", {"from_pretrained"}, set()),
    ("x = ('" + "a " * 60 + "from_pretrained %s') % y\n", {"from_pretrained"}, set()),
    ("x = '" + "a " * 60 + "from_pretrained'.format\n", {"from_pretrained"}, set()),
    ("x = '" + "a " * 60 + "from_pretrained'.strip()\n", {"x", "strip"}, {"from_pretrained"}),  # other methods: prose
    ("f'{x}'  # not a docstring\n", {"x"}, set()),
    ("x = '\\nfrom_pretrained'\n", {"from_pretrained"}, set()),  # the value's words, past the escape
    ("'''doc''' .strip()\n", {"doc", "strip"}, set()),  # not a bare string statement
    ("def f(): 'doc from_pretrained'\n", {"from_pretrained"}, set()),  # after a colon: kept (sound, not exact)
    ("x = 1; '''from_pretrained'''\n", {"x"}, {"from_pretrained"}),
    ("s = r'\\'from_pretrained'\n", {"from_pretrained"}, set()),
    ("if\"from_pretrained\": pass\n", {"from_pretrained"}, set()),  # `if` is no prefix
    # words a constant's value holds and its text does not: the docstring
    # puts the word in the prefilter's set, the code holds it only as a value
    ('"""from_pretrained"""\nx = ("from_pre"\n     "trained")\n', {"from_pretrained"}, set()),
    ('"""from_pretrained"""\nx = ("from_"  # a comment\n     f"pre{y}" "trained")\n', {"y"}, set()),
    ('"""ABC"""\nx = "\\x41BC"\n', {"ABC"}, set()),
    ('"""from_pretrained"""\nx = [\n    "from_pretrained"\n]\n', {"from_pretrained"}, set()),  # a line of its own, in brackets
    ('"""from_pretrained"""\nf(\n    "from_pretrained"  # why\n)\n', {"from_pretrained"}, set()),
    ('"""from_pretrained"""\nx = "from_\\\npretrained"\n', {"from_pretrained"}, set()),
])
def test_cases(source, kept, gone):
    words = check_sound(source)
    assert words is not None
    assert kept <= words and not (gone & words), words


DOC = '"""' + "doc " * 40 + '"""'
TQ = "'" * 3


@pytest.mark.parametrize("source, literals", [
    ('x = f"{d["from_pretrained"]}"\n' + DOC + "\n", ['f"{d["from_pretrained"]}"', DOC]),
    ('x = f"{f"{f"{y}"}"}" # from_pretrained\n', ['f"{f"{f"{y}"}"}"', "# from_pretrained"]),
    ('x = f"""{\n    y  # a comment with " and } and from_pretrained\n}"""\n',
     ['f"""{\n    y  # a comment with " and } and from_pretrained\n}"""']),
    ("x = f'{a:{b}{c}>{d}}' " + TQ + "from_pretrained" + TQ + "\n", ["f'{a:{b}{c}>{d}}'", TQ + "from_pretrained" + TQ]),
    ('x = f"{"\\n".join(y)}"\n"from_pretrained " * 1\n', ['f"{"\\n".join(y)}"', '"from_pretrained "']),
    ("x = f'{y!r:>{width}}' # f'{'\n", ["f'{y!r:>{width}}'", "# f'{'"]),
    ("x = rf'\\{y}' + f'\\N{EM DASH}{{z}}' # '\n", ["rf'\\{y}'", "f'\\N{EM DASH}{{z}}'", "# '"]),
])
def test_pep701_fstrings(source, literals):
    """Where each literal ends, written out by hand (Python 3.12's reading);
    on 3.12+ also against ``ast`` and ``tokenize``. Before 3.12 such code
    does not parse, and a scanner that read it otherwise could only lose
    parse errors, never findings."""
    assert [source[start:end] for _kind, start, end in scanner_spans(source)] == literals
    if PY312:
        check_sound(source)
        check_tokens(source)


@pytest.mark.parametrize("source", [
    "x = 'unterminated\n",
    'x = """never closed\n',
    "x = f'{y'\n",
    "x = f'a } b'\n",
    "x = (1,\n",
    "x = 1)\n",
    "x = 'a'\0\n",
    "x = f'" + "{x:" * 70 + "}" * 70 + "'\n",  # fields nested deeper than Python allows
])
def test_unsure_means_code(source):
    """Text that is not Python (or too odd to tell) is "code": the parse decides."""
    assert code_text(source) is None
    assert codetext.code_words(source, frozenset({"x"}), words_in_text) in (None, {"x"})  # every word counts


def test_crlf_and_continuations():
    source = 'x = ("a"\r\n     "from_pretrained")\r\ny = "\\\r\nz"\r\n"""doc\r\nfrom_pretrained"""\r\n'
    words = check_sound(source)
    assert words is not None and "from_pretrained" in words


# ---------------------------------------------------------------------------
# real sources


def _stdlib_sources(names) -> List[Path]:
    lib = Path(sysconfig.get_paths()["stdlib"])
    return [p for p in (lib / name for name in names) if p.is_file()]


#: sources with every string form the running Python knows
TRICKY = ("test/test_fstring.py", "test/test_tokenize.py", "test/test_grammar.py", "test/test_string_literals.py", "tokenize.py", "string.py")


@pytest.mark.parametrize("path", _stdlib_sources(TRICKY) + sorted((ROOT / "src" / "mlwarden" / "core").glob("*.py")), ids=lambda p: p.name)
def test_real_sources(path):
    source = path.read_text(encoding="utf-8")
    try:
        ast.parse(source)
    except SyntaxError:
        pytest.skip("does not parse on this Python")  # a test file for another version's syntax
    check_sound(source)
    if code_text(source) is not None:
        check_tokens(source)


@pytest.mark.slow
def test_the_whole_standard_library_and_this_repository():
    lib = Path(sysconfig.get_paths()["stdlib"])
    paths = [p for p in lib.rglob("*.py") if "site-packages" not in p.parts]
    paths += [p for part in ("src", "tests", "scripts", "fixtures") for p in (ROOT / part).rglob("*.py")]
    checked = 0
    for path in paths:
        try:
            source = path.read_text(encoding="utf-8")
            ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
            continue
        check_sound(source)
        if "\r" not in source and code_text(source) is not None:
            check_tokens(source)
        checked += 1
    assert checked > 500


# ---------------------------------------------------------------------------
# the gate


def test_the_gate_skips_a_trigger_named_in_prose_only():
    rules = [r for r in select_rule_refs() if r.kind() == "code"]
    prose = '"""Load it with AutoModel.from_pretrained(name)."""\n# from transformers import AutoModel\nimport os\n'
    code = "from transformers import AutoModel\nm = AutoModel.from_pretrained(name)\n"
    assert candidate_rules(prose, rules) == []
    # flake8 hands its tree in: the scan is skipped there (the ast gate decides)
    assert "MLW202" in {r.id for r in candidate_rules(prose, rules, scan_text=False)}
    assert "MLW202" in {r.id for r in candidate_rules(code, rules)}
    # unsure text is code: the parse decides
    assert "MLW202" in {r.id for r in candidate_rules(code + "x = 'unterminated\n", rules)}


def test_fires_in_words_is_the_groups_test():
    """The word prefilter's shortcut (groups built only for triggers whose
    head is found) answers as the full test, for every rule, on word sets
    drawn from the rules' own words, spellings and odd triggers."""
    from mlwarden.core.gate import HEAD_SPELLINGS, _fires, fires_in_words, trigger_groups
    from mlwarden.core.registry import all_rules, rule_refs

    rules = [r for r in (*all_rules(), *rule_refs()) if r.triggers]
    pool = sorted({w for r in rules for t in trigger_groups(r) for g in t for w in g} | {s for v in HEAD_SPELLINGS.values() for s in v})
    rng = random.Random(7)
    fired = 0
    for rule in rules:
        words = sorted({w for t in trigger_groups(rule) for g in t for w in g})
        for _ in range(300):
            found = set(rng.sample(words, min(len(words), rng.randint(1, 4)))) | set(rng.sample(pool, rng.randint(0, 6)))
            expected = _fires(trigger_groups(rule), found)
            assert fires_in_words(rule, found) == expected, (rule.id, sorted(found))
            fired += expected
    assert fired > 1000  # both answers were seen


def test_few_words_are_found_as_the_many():
    """``words_in_text`` looks for a few words with ``str.find``: the same
    boundaries as the ``\\w+`` runs and the odd-trigger regex, Unicode
    letters, marks and digits included."""
    from mlwarden.core import gate

    words = ["ab", "a_b", "b", "a-b", "a.b", "é", "ab1", "_", "٣", "from_pretrained"]
    many = frozenset(words + [f"filler{i}" for i in range(gate._FEW_WORDS)])  # past the threshold: findall and the regex
    rng = random.Random(3)
    alphabet = ["a", "b", "_", "-", ".", " ", "1", "é", "\u0301", "٣", "\n", "from_pretrained"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        sample = frozenset(rng.sample(words, 3))
        assert gate.words_in_text(text, sample) == gate.words_in_text(text, many) & sample, (text, sample)
