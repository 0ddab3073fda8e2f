"""The byte scan of the word prefilter and the lowered pip gate give the
answers of the plain regexes they replace."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from mlwarden.core import gate
from mlwarden.sources.dependencies import pip_in_code

# more than gate._FEW_WORDS words: the byte scan, not the per-word find
WORDS = frozenset(
    ["torch", "load", "pickle", "loads", "from_pretrained", "trust_remote_code", "eval", "exec", "yaml", "hub", "_private", "x2", "9lives"]
    + [f"word{i}" for i in range(40)]
)


def regex_words(text: str, words: frozenset) -> set:
    return words & set(re.findall(r"\w+", text))


ASCII_TEXTS = [
    "",
    "torch",
    "torch.load(p)",
    "import torch\nx = torch.load(path, map_location='cpu')\n",
    "torchload torch_load loads(pickle.dumps(x))",
    "_private=1; x2+9lives-word39*word40",
    "a\tb\x0bc\x0cword1\rword2\x1cword3\x1fword4",  # control characters between words
    "# trust_remote_code in a comment\n'''eval in a docstring'''",
    "yaml" * 3 + " hub" + "\n" * 5 + "exec",
]


@pytest.mark.parametrize("text", ASCII_TEXTS)
def test_ascii_text_gives_exactly_the_regex_words(text):
    assert gate.words_in_text(text, WORDS) == regex_words(text, WORDS)


def test_text_longer_than_a_slice_finds_words_in_every_slice():
    filler = "x = 1\n" * (gate._SLICE // 6 + 10)
    text = "torch\n" + filler + "pickle.loads(b)\n" + filler + "word7"
    assert len(text) > 2 * gate._SLICE
    assert gate.words_in_text(text, WORDS) == {"torch", "pickle", "loads", "word7"} == regex_words(text, WORDS)


NON_ASCII_TEXTS = [
    "café = torch.load(p)  # ünïcode",
    "x = '→' + pickle.loads(b) + '—'",
    "торч = yaml.load(f)",
    "ötorch = 1; hubé = 2; évaluer(eval)",
    "x = '\ud800' ; exec(code)",  # a lone surrogate (read with errors='surrogateescape')
    "日本語word1日本語 word2",
]


@pytest.mark.parametrize("text", NON_ASCII_TEXTS)
def test_non_ascii_text_gives_exactly_the_regex_words(text):
    assert gate.words_in_text(text, WORDS) == regex_words(text, WORDS)


def test_a_word_glued_to_a_non_ascii_letter_is_not_a_word():
    # the byte scan sees "torch" in "ötorch"; \w+ sees one word "ötorch"
    assert regex_words("ötorch = torché + torch_é", WORDS) == set()
    assert gate.words_in_text("ötorch = torché + torch_é", WORDS) == set()
    assert gate.words_in_text("ö torch", WORDS) == {"torch"}


def test_non_ascii_trigger_words_are_still_found():
    words = WORDS | {"загрузить"}
    assert gate.words_in_text("x = загрузить(p)", words) == {"загрузить"}
    assert gate.words_in_text("x = перезагрузить(p)", words) == set()


def test_odd_trigger_words_are_still_matched_as_text():
    words = WORDS | {"torch.hub"}
    assert gate.words_in_text("m = torch.hub.load(r)", words) == {"torch", "hub", "load", "torch.hub"}


PIP_TEXTS = [
    "subprocess.run(['pip', 'install', 'x'])",
    "SUBPROCESS.Run(['PIP', 'INSTALL', 'x'])",
    "os.System('Pip Install x')",
    "def f():\n    Run_Command('pip install x')",
    "msg = 'run pip install x yourself'",
    "x = \"pip3 install foo\"",
    "cmd = 'sudo /usr/bin/python3 -m pip install foo'",
    "Pip.Main(['install', 'x'])",
    "print('pip install x')",
    "import pip\n# install",
    "# pip install x, café",
    "café = SubProcess.check_call(['pip', 'install', 'x'])",
    "ſubprocess('pip install')",  # long s: IGNORECASE matches it as "s"
    "ı = 1; subprocess.call(['pip', 'install'])",
    "SUBPROCESS.RUN(['PİP', 'İNSTALL']) # pip install",
    "café; Kelvin = SUBPROCESS; pip install",  # the Kelvin sign lowers to k
]


def test_only_three_characters_fold_to_ascii_letters_unlike_lower():
    ascii_word = re.compile("[a-z0-9_]", re.IGNORECASE)
    odd = {chr(code) for code in range(128, 0x30000) if ascii_word.fullmatch(chr(code)) and not (chr(code).lower().isascii() and len(chr(code).lower()) == 1)}
    assert odd == set(pip_in_code._CASE_ODD)


@pytest.mark.parametrize("text", PIP_TEXTS)
def test_pip_gate_agrees_with_the_case_insensitive_pattern(text):
    expected = all(word in text for word in pip_in_code.GATE_WORDS) and pip_in_code.CALL_WORDS.search(text) is not None
    assert pip_in_code.may_install(text) is expected


def test_pip_gate_pattern_has_no_upper_case_literal():
    # the ASCII path searches the lowered text with the pattern case-sensitively
    assert pip_in_code.CALL_WORDS.pattern == pip_in_code.CALL_WORDS.pattern.lower()


# -- pip wrappers: the walk over `_fields` and the shape count agree with what they replace


def _reference_own_walk(function):
    # a function or class defined in the body is not the function's own code,
    # also when it is one of the body's statements
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
    stack = [stmt for stmt in getattr(function, "body", []) if not isinstance(stmt, nested)]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.append(child)


WRAPPERS = '''
import subprocess, sys
PIP = [sys.executable, "-m", "pip"]
def install(pkg, *more):
    subprocess.check_call(PIP + ["install", pkg])
    subprocess.check_call([sys.executable, "-m", "pip", "install", *more])
    def inner(x):
        return ["pip", "install"] + list(x)
    return tuple(more) + (pkg,)
class Tool:
    def add(self, name, extra):
        cmd = ["pip", "install", name] + extra + ["\\0param-like"]
        return cmd
'''


def _functions():
    import mlwarden.sources.dependencies.pip_in_code as module

    sources = [WRAPPERS, Path(module.__file__).read_text(), Path(gate.__file__).read_text()]
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield node


def test_own_walk_yields_what_iter_child_nodes_did_in_the_same_order():
    checked = 0
    for function in _functions():
        assert [id(n) for n in pip_in_code._own_walk(function)] == [id(n) for n in _reference_own_walk(function)]
        checked += 1
    assert checked > 50


def test_param_slots_count_the_parameter_places_flatten_gives():
    compared = 0
    for function in _functions():
        args = function.args
        params = {a.arg for a in [*args.posonlyargs, *args.args]}
        vararg = args.vararg.arg if args.vararg is not None else None
        for node in ast.walk(function):
            if isinstance(node, (ast.List, ast.Tuple, ast.BinOp)):
                flat = pip_in_code._flatten(node, params, vararg, [], {})
                if flat is not None:
                    places = sum(1 for w in flat if w.startswith(pip_in_code._PARAM))
                    assert pip_in_code._param_slots(node, params, vararg) == places, ast.dump(node)
                    compared += 1
    assert compared > 20
