"""pip commands built in Python code, as dependency records.

Installer scripts, notebooks and "bootstrap" helpers install packages at run
time::

    subprocess.check_call([sys.executable, "-m", "pip", "install", "torch>=2", "--extra-index-url", URL])
    os.system("pip install -q transformers")
    pip.main(["install", "--trusted-host", "pypi.internal", "pkg"])

:func:`add_code_installs` finds such calls with :mod:`ast` and feeds their
literal arguments through the same install-command parser the notebook
``%pip`` lines use (``requirements.install_commands`` and
``_parse_install``), so the dependency rules (MLW301–MLW306) report them at
the argument's position, in ``.py`` files and in notebook code cells alike.

What is read:

* helpers that wrap pip by name (``check_pip_install_extra(..., ["pkg"])``,
  ``get_pip_install(["pkg"])``) and lists bound to such names
  (``pip_install_cmd = ["pkg", "--extra-index-url", URL]``): ``pip install``
  plus the list's words, or, when the helper is called with separate
  string arguments (``self.pip_install("-U", "setuptools")``), those words;
* the project's own pip wrappers, known by what they do, whatever their
  name: a function of the file (module level, or a method of a class), or
  a module-level function of another project module imported by a name
  that says install or pip (``from .utils.installation import
  install_packages``; at module level or inside a function),
  whose body builds a command that runs pip from a literal prefix and one
  of its parameters (``return [sys.executable, "-m", "pip"] + args``,
  ``subprocess.check_call([PY, "-m", "pip", "install", *pkgs])``) and runs
  or returns it; a call of it (``make_pip_cmd(["install", "torch"])``,
  ``self.run_pip("install", "-U", "x")``) is read as the prefix followed by
  the call's literal words;
* a wrapper whose literal list gets the parameter later, once:
  ``cmd = [sys.executable, "-m", "pip", "install"]`` …
  ``cmd.append(package)`` / ``cmd.insert(3, package)`` / ``cmd += [package]``
  (one word), ``cmd.extend(packages)`` / ``cmd += packages`` (the list's
  words) … ``run(cmd)``; of several such additions, the one of the
  parameter without a default (``extend(extra_args)`` of an optional one is
  an option);
* pipmaster (a pip wrapper library, checked in pipmaster 1.2.2):
  ``pm.install("x")``, ``install_or_update``, ``install_if_missing("x",
  version_specifier=">=1")``, ``install_version("x", "1.2")``,
  ``install_multiple([...])`` (and ``_if_not_installed`` /
  ``install_or_update_multiple``), ``ensure_packages(str | list | dict)``,
  with a literal ``index_url=`` and ``extra_args=[...]``;
* calls: ``subprocess.run/call/check_call/check_output/Popen``,
  ``subprocess.getoutput/getstatusoutput``, ``os.system``, ``os.popen``,
  ``asyncio.create_subprocess_exec/shell``, ``pip.main`` (and
  ``pip._internal.main``, ``pip._internal.cli.main.main``), IPython's
  ``get_ipython().system(...)`` and ``run_line_magic("pip", ...)``;
* runners of any module (:data:`RUNNERS`: invoke/fabric ``c.run``, nox
  ``session.run("pip", "install", …)``, ``exec_command``, an agent's
  ``computer.run("shell", cmd)``) when an argument *is* a pip command: its
  first word is the installer, so a message that mentions ``pip install``
  is not read; the project's own wrappers count as runners by name behind
  leading underscores (``_check_call(cmd=argv)``), their command taken from
  the first positional argument or a ``cmd``/``command``/``args``/``argv``
  keyword, and a list bound once to a name is read;
* a pip command recognised by its own words, whatever runs it
  (:func:`_argv_anywhere`): a list or tuple literal anywhere in the code,
  or the arguments of a call made for itself (an expression statement),
  that *starts* like a pip command: a pip program, ``-m pip`` with or
  without the interpreter before it, an interpreter or ``uv`` followed by
  pip, a shell (``"bash"``, ``sh.bash``) given ``-c`` and a line one of
  whose commands starts with a pip install; and a call of a pip program
  itself (``sh.pip("install", "x")``). ``interpreter.execute(args=["-m",
  "pip", "install", "x"])``, ``shprint(host_python, "-m", "pip", "install",
  "x")``, ``shprint(sh.bash, "-c", "pip install x")`` need no known
  runner. Not read: a message's arguments (``print``, logging,
  ``echo``, an exception), a list that mentions pip later (``["Run", "pip",
  "install", "x"]``), a call whose value is kept (``a = Argv(...)``: read
  where it runs), a pip helper's arguments (read above). What a runner
  above already read is not reported twice;
* the project's own command objects: ``job = Argv(python, "-m", "pip",
  "install", "x")`` (a capitalised class given pip's words as separate
  values) when the same function later runs it (``job.check_call()``,
  ``job.run()``, ``subprocess.run(job)``); an object never run is not read;
* a shell given its command line with ``-c`` (``["bash", "-c", "pip install
  x"]``, ``["sh", "-lc", line]``), the line a string or ``" &&
  ".join(steps)`` of a list of command strings (each literal step read);
* pip's internal command API: ``create_command("install").main(argv)``
  (``pip._internal.commands.create_command``) is ``pip install`` + argv;
* command strings built from a template, as far as the literal parts go:
  ``"{} -m pip install {}".format(sys.executable, pkg)``, ``"pip install
  %s" % pkg``, ``f"pip install {' '.join(deps)}"``; a field takes the text of
  a string literal, of a name bound once to a string built the same way, or
  of ``" ".join([...])`` (its literal elements); anything else (a variable
  package, a format spec, ``{0[key]}``) stays unknown and is never judged;
* arguments: a list or tuple literal (one word per element; ``sys.executable``
  and any non-literal program followed by ``-m pip`` count as Python, also
  with the interpreter's own options before ``-m``: ``-I``, ``-u -X
  utf8``, ``-E -s``, ``-Esm pip``, ``-mpip``; pip's general options before
  the subcommand, ``pip --python EXE --trusted-host H install``, are read as
  the install's), a
  ``+`` of lists, a name bound once to such a list in the same function or at
  module level, ``" ".join([...])``, and command strings (literals, implicit
  concatenations, f-strings; a name bound only to strings, each binding
  read, for ``os.system(cmd)``, ``subprocess.run(cmd, shell=True)`` and the
  runners), split like a shell line; a string rebound to its own words
  (``cmd = "pip install x"; cmd = cmd.split()`` or ``shlex.split(cmd)``) is
  still that string;
* a list bound once in a function and grown there before its use by
  ``.append(x)``, ``.extend([...])`` or ``+= [...]`` (``+= [...] + rest``:
  the literal part), in any branch: a word added in any branch is a word the
  command can hold (``install_args = []`` … ``if index:
  install_args.extend(["--extra-index-url", URL])`` … ``run([..., "install",
  *install_args, *reqs])``); the same for a wrapper that adds literal
  options before its parameter (``pip_cmd += ["--trusted-host", H] +
  args``);
* a list returned by a module-level function of the file without
  arguments whose one ``return`` is a list literal or a name bound to one,
  also through ``list(...)``/``tuple(...)`` (``INDEX_ARGS =
  ("--extra-index-url", URL)`` … ``def index_args(): return INDEX_ARGS``
  … ``[..., "install", *index_args()]``), reported at the literal; such a
  list handed to a class or function of another module is not followed;
* a list returned by a module-level function of another project module,
  imported by a name that says pip or install and spread into a command
  (``from .dependencies import get_pip_dependencies`` … ``[..., "install",
  *get_pip_dependencies()]``): the function takes no parameter and its one
  ``return`` gives a list literal, names bound to lists (grown by
  ``.append``) or ``a + b`` of those; its words are judged at the spread;
* loop variables: ``for installer in installers: run([*installer,
  "install", "x"])`` and ``f"{combo[0]} install x"`` take the first value of
  the loop (a literal, or a list grown by ``.append``) that names pip; a
  loop over string literals (``for pkg in ["numpy", "scipy"]: … install
  pkg``) stands for all of them, each judged at its own place;
* shell lines held as data for a shell that runs elsewhere (a remote node,
  a container, a job's setup), which the file never hands to a runner
  itself: a literal list or tuple of two or more strings at least two of
  which read as shell lines (``["mkdir -p ~/.oci", "uv pip install
  oci-cli", "export PATH=…"]``), or a string bound to a name or attribute
  named for commands (``INSTALL_DEPS``, ``self.setup_script``,
  ``bootstrap_cmd``) that chains commands (``&&``, ``||``, ``;``, lines).
  Only a command of the line that *starts* with a pip install counts
  (``pip``/``pip3``, a venv's ``bin/pip``, ``python -m pip``, ``uv pip``,
  after ``sudo``/``env``/``VAR=value``), so prose that mentions ``pip
  install`` is not read. Out of scope: lines whose installer is a name
  from another module (``f"{constants.PIP_CMD} install awscli"``), and
  lines built word by word;
* Dockerfile ``RUN`` instructions held as data: a string (or f-string) with
  a line starting ``RUN `` (continuation lines ending in ``\\`` joined, the
  instruction's ``--mount=…`` options skipped), bound to a name, returned,
  an element of a list of a Dockerfile's lines (``["FROM base", "RUN
  pip install x"]``) or handed to a call that is not a message
  (``Template(text)``; not ``print``, logging, an exception or an
  assertion's expected value, however wrapped); each
  command of the instruction that starts with a pip install, at its own
  line of the literal;
* CI workflow steps held as data in the same places: a text with a
  ``steps:`` key line whose ``run:`` keys (at a line's start, after an
  optional ``- ``) hold an inline command (``- run: pip install x``) or a
  block scalar (``run: |``: each line more indented than the key is a shell
  line, a trailing ``\\`` continues it; ``run: >`` folds its lines into
  one); prose that says "run: pip install x" has no ``steps:`` line and is
  not read. Shell heredocs and GitLab ``script:`` lists are not read;
* the installer program held in a variable: a list whose program is a name
  or attribute that says pip or uv (``pip_path``, ``venv_pip``,
  ``self.uv_bin``, not ``pip_args``) or is bound only to a path that ends
  in the program (``shutil.which("uv")``, ``os.path.join(venv, "bin",
  "pip")``, ``venv / "bin" / "pip3"``): ``[pip_path, "install", "x"]``,
  ``[uv_bin, "pip", "install", "x"]``;
* the program as the text of such a path: ``str(pip)``, ``os.fspath(pip)``;
  and such a path written in the command itself
  (``[os.path.join(venv, "bin", "pip"), "install", "x"]``, ``[root / "bin" /
  "pip3", …]``, ``[shutil.which("pip"), …]``);
* a word held by a name, or written as a conditional: every string literal
  it may be, judged at the place the word is used: ``spec = URL if dev
  else "tool"``, ``pip_url = pip_url or "tool"`` (a parameter adds no
  value), a module constant ``PACKAGE = "x"``, ``"x" if flag else other``
  inline; of several values, options (``--user`` / ``--system``) are not
  read;
* non-literal words (a variable package name, ``*extras``) are never
  judged, but for a package word that joins one placeholder to a name part
  with ``_``, ``-`` or ``.`` (``f"pip install autodistill_{name}"``,
  ``f"pip install {kind}-plugin"``): a distribution name whatever the
  value, installed unpinned, reported as written (``autodistill_{name}``);
  ``torch{suffix}``, ``pkg=={v}`` and ``{name}.whl`` are not read.

A function's command is read as a wrapper only when the words before its
parameter can say pip: the function's text spells ``pip``, the list goes
to pip's own entry point, or a name in it may be bound elsewhere in the file
to a pip program (a string literal that is or ends a path in ``pip``): the
names' bindings cost a pass over the whole file (1.3 of 2.0 s, profiled, in
transformers' ``modeling_utils.py``, for a tuple ``(config, dtype)``).

Cost: nothing unless the text holds both ``pip`` and ``install`` and names a
call that can run a command (:func:`may_install`), or imports a name that
says install or pip (:func:`may_call_wrapper`: then the other module is
parsed once per run, and recorded as read for the results cache); then one
``ast.parse`` of the code. A syntax error yields nothing here (the code rules
report it). Positions: each list element's own line and column; inside a
single-line string literal without escapes, the word's column; otherwise the
string's start.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from mlwarden.core import lazyre

#: calls whose first argument is a shell command line
SHELL_CALLS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
        "commands.getoutput",
    }
)
#: calls whose first argument is a program and its arguments (a list, or a string)
EXEC_CALLS = frozenset(
    {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen"}
)
#: pip's own entry points: the arguments after "pip"
PIP_MAINS = frozenset({"pip.main", "pip._internal.main", "pip._internal.cli.main.main", "pip._internal.main.main"})
#: every call name read above
_KNOWN = SHELL_CALLS | EXEC_CALLS | PIP_MAINS | {"asyncio.create_subprocess_exec"}
#: methods and functions that run a command line by convention, whatever
#: their module (invoke/fabric ``c.run("pip install x")``, nox
#: ``session.run("pip", "install", "x")``, paramiko ``exec_command``, docker
#: ``exec_run``, an agent's ``computer.run("shell", cmd)``): a string argument
#: that *is* a pip command (its first word is the installer, so a message that
#: mentions ``pip install`` is not one) is read like ``os.system``'s
RUNNERS = frozenset(
    {"run", "system", "shell", "execute", "exec_command", "run_command", "run_cmd", "run_shell", "exec_run", "spawn", "sh",
     "check_call", "check_output", "getoutput", "popen", "Popen"}
)
#: keywords a runner takes its command by (``_check_call(cmd=argv)``)
COMMAND_KEYWORDS = frozenset({"cmd", "command", "args", "argv", "cmdline", "command_line"})
#: modules assumed by their usual name when the file does not import them
#: (snippets, notebooks whose import cell is elsewhere)
_WELL_KNOWN = ("subprocess", "os", "asyncio", "pip", "sys")
#: the word a non-literal program stands for
_DYNAMIC = "{…}"

#: dependency kinds of units whose Python code is read here
CODE_KINDS = frozenset({"python"})
#: every install command spells both (``pip3``, ``python -m pip``, ``uv pip``,
#: ``pip.main(["install", …])``): a file without them pays one substring test
GATE_WORDS = ("pip", "install")
#: the dependency rules' text gate in a Python file (:attr:`FileRule.text_gate`):
#: ``install`` alone, since a call of another module's pip wrapper
#: (``install_packages(["x"])``) need not spell ``pip``; :func:`may_install`
#: and :func:`may_call_wrapper` then decide, cheaply, whether to parse
RULE_GATE_WORDS = ("install",)
#: and every call read here names one of these (``subprocess``/``os.system``/
#: ``os.popen``/``getoutput``, pip's own ``main``, IPython, a pip helper):
#: a file that only mentions ``pip install`` in a message is not parsed
CALL_WORDS = re.compile(
    r"subprocess|system|popen|getoutput|get_ipython|pip\s*\.\s*(?:main|_internal)|from\s+pip\b|import\s+pip\b"
    r"|pip_?install|install_?pip|pip_?args"
    r"|\b_*(?:run|execute|shell|exec_command|run_command|run_cmd|run_shell|exec_run|spawn|sh|check_call|check_output|get_output)\s*\("
    # a string (or a command after `&&`) that starts with a pip install: shell lines held as data
    r"|(?:[\"'(;]|&&)\s*(?:sudo\s+)?(?:[\w.~${}-]*/)*(?:(?:uv|python3?\s+-m)\s+)?pip3?\s+install\b"
    # a Dockerfile's RUN instruction (or a continuation line of one) held as data
    r"|\brun\s+(?:--[^\s]+\s+)*(?:[\w.~${}-]*/)*(?:(?:uv|python3?\s+-m)\s+)?pip3?\s+install\b"
    r"|\\\n\s*(?:&&\s*)?(?:[\w.~${}-]*/)*(?:(?:uv|python3?\s+-m)\s+)?pip3?\s+install\b"
    # a CI workflow step that runs pip (`run: pip install x`, `run: |` then `python -m pip install …`)
    r"|\brun:[ \t]*(?:[|>][-+]?[ \t]*\n[ \t]*)?(?:[\w.~${}-]*/)*(?:(?:uv|python3?\s+-m)\s+)?pip3?\s+install\b"
    # pip's words as separate strings, whatever runs them (`shprint(py, "-m", "pip", "install", x)`)
    r"|[\"']-m[\"']\s*,\s*[\"']pip[\"']|[\"']pip3?[\"']\s*,\s*[\"']install[\"']",
    re.IGNORECASE,
)
#: the same words without IGNORECASE, searched in the text lowered: ``re``
#: skips to a word's first letters only in a case-sensitive pattern (0.50 ->
#: 0.18 s CPU on the 113 transformers files that name pip and install)
_CALL_WORDS_LOWER = lazyre.compile(CALL_WORDS.pattern)
#: the only characters IGNORECASE matches to an ASCII letter that
#: ``str.lower`` does not turn into it (``İ``, ``ı`` as ``i``, ``ſ`` as ``s``)
_CASE_ODD = ("\u0130", "\u0131", "\u017f")


#: the gate words as a command can spell them: every program word that
#: ``PIP_RE`` accepts and every helper name ends ``pip`` before a digit, a
#: quote, ``_`` or the end, never before ``e``; and ``install`` is never
#: ``installation``. ML code says "pipeline" and "installation" in almost
#: every module (transformers' ``utils/hub.py`` holds no other ``pip`` or
#: ``install``), and a file that passed on those two words paid the
#: whole-file command pass for nothing
_GATE_PIP = lazyre.compile(r"pip(?!e)")
_GATE_INSTALL = lazyre.compile(r"install(?!ation)")


def may_install(source: str) -> bool:
    """The cheap gate: False means no install command can be found here."""
    if not all(word in source for word in GATE_WORDS):
        return False
    if _GATE_PIP.search(source) is None or _GATE_INSTALL.search(source) is None:
        return False
    if source.isascii() or not any(char in source for char in _CASE_ODD):
        return _CALL_WORDS_LOWER.search(source.lower()) is not None
    return CALL_WORDS.search(source) is not None


@dataclasses.dataclass(frozen=True)
class Word:
    text: str
    line: int  # code-view line, 1-based
    col: int  # code-view column, 0-based


#: what follows an ``import`` keyword up to the statement's end: a
#: parenthesised list (comments skipped whole, so a ``)`` in one does not end
#: it) or the rest of the line with its backslash continuations. Each
#: alternative starts with a different character, so the scan is linear
#: (the pattern it replaced backtracked quadratically over the long import
#: blocks of big packages: 10 s of 34 on the transformers corpus)
_IMPORT_SPAN = lazyre.compile(r"\bimport[ \t]+(\((?:[^)#]|#[^\n]*)*\)|(?:[^\\\n]|\\[\s\S])*)")


#: a method-style call whose name says install (``deps.install(x)``,
#: ``auto.pip_install(x)``): maybe a wrapper of an imported project module
_ATTRIBUTE_INSTALL = lazyre.compile(r"\.[A-Za-z_]*install\w*[ \t]*\(")


def may_call_wrapper(source: str) -> bool:
    """The second cheap gate: the code imports a name that says install or
    pip, or calls a name's attribute that says install (a pip wrapper of
    another project module, :func:`_imported_wrappers`); a superset of what
    that function reads."""
    if "install" not in source or "import" not in source:
        return False
    if _ATTRIBUTE_INSTALL.search(source) is not None:
        return True
    return any(_WRAPPER_NAME.search(match.group(1)) for match in _IMPORT_SPAN.finditer(source))


def add_code_installs(unit: Any, deps: Any) -> Any:
    """``deps`` (created when None) with the pip installs found in the
    unit's Python code; None when there is no code or no install."""
    code = getattr(unit, "code", None)
    if code is None:
        return deps
    source = code.source
    wrapper = may_call_wrapper(source)
    if not wrapper and not may_install(source):
        return deps
    tree = unit.extra.get("ast")  # the engine's, when the code rules parsed this code
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
            return deps  # the code rules report what does not parse
    imported = _imported_wrappers(unit, tree) if wrapper else {}
    commands = [words for words in _commands(tree, source, imported) if _may_run_pip(words)]
    if not commands:
        return deps
    if deps is None:
        from mlwarden.sources.dependencies.entries import DependencySet

        deps = DependencySet(kind=unit.kind, path=unit.path)
    _parse(unit, deps, commands)
    return deps


def _may_run_pip(words: List[Word]) -> bool:
    """False when the install parser cannot find a pip install in
    ``words`` (it needs a pip program word and an ``install`` word): other
    programs' commands (``git clone``, ``make``) then cost no import of the
    requirement parser."""
    from mlwarden.sources.shell import PIP_RE

    return any(w.text == "install" for w in words) and any(PIP_RE.match(w.text) or (w.text[:1] == "-" and w.text.endswith("mpip")) for w in words)


# ---------------------------------------------------------------------------
# parsing with the notebook install-command parser


class _Where:
    """A stand-in for a notebook ShellLine: the install parser places a
    word at ``(shell.line, offset + token.start)``; giving each token a
    synthetic start (its index) lets us map every record back to the word's
    own line and column afterwards."""

    line = 0
    cell = None
    file_line = None


def _parse(unit: Any, deps: Any, commands: Sequence[List[Word]]) -> None:
    from mlwarden.sources.dependencies.installs import _parse_install, install_commands
    from mlwarden.sources.dependencies.requirement import Token

    base_dir = Path(unit.path).parent
    seen: set = set()
    placed: Set[Tuple[Any, ...]] = set()
    for words in commands:
        tokens = [Token(w.text, i) for i, w in enumerate(words)]
        n_entries, n_indexes, n_errors = len(deps.entries), len(deps.indexes), len(deps.errors)
        for tool, args in install_commands(tokens):
            if tool != "pip":
                continue
            _parse_install(deps, unit, tool, args, _Where(), base_dir, seen, offset_base=0)
            for token in _placeholder_packages(args):
                _add_placeholder(unit, deps, words[token.start], token.start)
        del deps.errors[n_errors:]  # a word pip may reject is not an input error of this file
        again = isinstance(words, _ReadAgain)
        deps.entries[n_entries:] = _new_records(placed, [_place(unit, deps, e, words) for e in deps.entries[n_entries:]], again)
        deps.indexes[n_indexes:] = _new_records(placed, [_place(unit, deps, s, words) for s in deps.indexes[n_indexes:]], again)


class _ReadAgain(list):
    """The words of a command found by :func:`_argv_anywhere`, which the
    runners' reading may have given already."""


def _new_records(placed: Set[Tuple[Any, ...]], records: List[Any], again: bool) -> List[Any]:
    """``records``, without, for a command read again (``again``), those an
    earlier command of the file gave at the same place; two commands the
    runners read that share a constant each keep theirs."""
    kept = []
    for record in records:
        key = (type(record).__name__, getattr(record, "line", None), getattr(record, "col", None), getattr(record, "cell", None), getattr(record, "text", None), getattr(record, "url", None))
        if again and key in placed:
            continue
        placed.add(key)
        kept.append(record)
    return kept


#: a package word with one placeholder joined to a name part by ``_``, ``-``
#: or ``.`` (``autodistill_{name}``, ``{kind}-plugin``): a distribution name
#: whatever the value, and no version specifier can follow a literal name
#: part written after the placeholder, nor sit in the literal parts (a word
#: such as ``torch{suffix}`` or ``pkg=={v}`` is not read: its value may pin it)
_PLACEHOLDER_WORD = re.compile(
    r"(?:[A-Za-z0-9][A-Za-z0-9._-]*[._-]" + re.escape(_DYNAMIC) + r"(?:[._-][A-Za-z0-9._-]*[A-Za-z0-9])?"
    r"|" + re.escape(_DYNAMIC) + r"[._-][A-Za-z0-9._-]*[A-Za-z0-9])"
)
#: the same word written in the source, the placeholder as its expression
_WRITTEN_WORD = re.compile(r"[A-Za-z0-9._-]*\{[^{}\s\\\"']{1,80}\}[A-Za-z0-9._-]*")


#: a placeholder word that ends so is a file (``{name}.whl``), not a name
_ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".egg", ".tar")


def _placeholder_packages(args: Sequence[Any]) -> Iterator[Any]:
    """The package words of one ``pip install``'s arguments that are a name
    with a placeholder (:data:`_PLACEHOLDER_WORD`); an option's value is
    not a package."""
    from mlwarden.sources.dependencies.requirement import VALUE_OPTIONS

    i = 0
    while i < len(args):
        text = args[i].text
        if text.startswith("-"):
            i += 2 if ("=" not in text and text in VALUE_OPTIONS) else 1
            continue
        if args[i].start >= 0 and _PLACEHOLDER_WORD.fullmatch(text) and not text.lower().endswith(_ARCHIVE_SUFFIXES):
            yield args[i]
        i += 1


def _add_placeholder(unit: Any, deps: Any, word: Word, index: int) -> None:
    """An unpinned entry for a placeholder package word (``pip install
    autodistill_{name}``), reported as written in the source when the word's
    place there is known (``autodistill_{name}``), else with ``{…}``."""
    from mlwarden.sources.dependencies.requirements import _add_requirement

    written = word.text
    line = unit.code.source.splitlines()[word.line - 1] if 0 < word.line <= unit.code.source.count("\n") + 1 else ""
    for found in _WRITTEN_WORD.finditer(line, word.col) if line else ():
        if re.sub(r"\{[^{}]*\}", _DYNAMIC, found.group(0)) == word.text:
            written = found.group(0)  # the word itself, or the first one so written in its string
            break
    errors: List[str] = []
    entry = _add_requirement(deps, word.text.replace(_DYNAMIC, "x"), deps.path, index, index, "notebook", (), False, False, True,
                             lambda _line, reason: errors.append(reason))
    if entry is None:
        return
    shown = written.split("[", 1)[0]
    deps.entries[-1] = dataclasses.replace(entry, text=written, name=shown.lower(), written_name=shown)


def _place(unit: Any, deps: Any, record: Any, words: List[Word]) -> Any:
    """``record`` at its word's position in the file (cell and line for notebooks)."""
    if record.path != deps.path or not 0 <= record.col < len(words):
        return record  # from an included file: its own position
    word = words[record.col]
    where = unit.code.locate(word.line, word.col)
    changes: Dict[str, Any] = {"line": where.line, "col": where.col, "cell": where.cell, "file_line": where.file_line}
    if hasattr(record, "context"):
        changes["context"] = "code"
    return dataclasses.replace(record, **changes)


# ---------------------------------------------------------------------------
# finding the commands with ast


#: helpers that wrap ``pip install`` (``check_pip_install_extra(io, mod, msg,
#: ["pkg[extra]"])``, ``get_pip_install(["pkg"])``) and names of lists of
#: install arguments (``pip_install_cmd = ["pkg", "--extra-index-url", URL]``)
PIP_HELPER = re.compile(r"pip_?install|install_?pip|pip_?args", re.IGNORECASE)


def _commands(tree: ast.AST, source: str, imported: Optional[Dict[str, "_Wrapper"]] = None) -> Iterator[List[Word]]:
    seen: set = set()
    for words in _all_commands(tree, source, imported or {}):
        key = tuple((w.line, w.col, w.text) for w in words if w.text not in ("pip", "install"))
        if key not in seen:  # a list named pip_install_cmd and the helper call it is passed to
            seen.add(key)
            yield words
    for words in _argv_anywhere(tree, source.splitlines(), source=source):
        # a pip argv is one however it is run: what the runners above read is given again and
        # dropped record by record (_new_records); an identical word list is skipped here
        key = tuple((w.line, w.col, w.text) for w in words if w.text not in ("pip", "install"))
        if key not in seen:
            seen.add(key)
            yield _ReadAgain(words)


#: a callee whose arguments are a message, by its whole name (``print``,
#: ``console.print``, ``logger.warning``, ``click.secho``, ``ValueError``,
#: ``assert_called_with``); not a runner whose name holds one (``shprint``)
_MESSAGE_NAME = lazyre.compile(
    r"(?i)^_*(?:p?print|log|\w*_log|log_\w*|warn\w*|echo|secho|info|debug|error|exception|critical|fatal|help|assert\w*|expect\w*|format\w*)$"
    r"|^_*\w*(?:Error|Exception|Warning)$"
)
#: a name (or attribute) that holds a shell: ``"bash"``, ``sh.bash``, ``SHELL``-free spellings only
_SHELL_NAME = lazyre.compile(r"^(?:ba|z|da|k)?sh$")


def _argv_anywhere(tree: ast.AST, lines: List[str], prune: bool = True, source: Optional[str] = None) -> Iterator[List[Word]]:
    """Pip commands recognised by their own words, whatever runs them: a
    list or tuple literal, or the positional arguments of a call, that
    *starts* like a pip command (a pip program, ``-m pip`` with or without
    the interpreter before it, an interpreter or ``uv`` followed by pip, a
    shell given ``-c`` and a line), and a call of a pip program itself
    (``sh.pip("install", "x")``, ``pip("install", *pkgs)``). The project's
    own runners then need no name: ``interpreter.execute(args=["-m",
    "pip", "install", "-U", "pip"])``, ``shprint(sh.bash, "-c", "pip
    install x")``, ``shprint(host_python, "-m", "pip", "install", "x")``.
    A message's arguments (``print``, logging, exceptions, ``echo``) are
    not read; a word list that only mentions pip later (``["Run", "pip",
    "install", "x"]``) does not start like a command."""
    from mlwarden.core.gate import iter_nodes

    if prune and source is not None:
        # every word list read below yields only when one of its elements spells `install`
        # (_says_install), and that string lies on the node's own lines: subtrees whose lines
        # hold no `install` are not entered (a big module that names pip only in messages
        # costs a look at a few statements, not a walk of every node). Lines are numbered as
        # `ast` numbers them: `str.splitlines` also breaks at form feeds and the like
        text = source.replace("\r\n", "\n").replace("\r", "\n")
        marked = [number for number, line in enumerate(text.split("\n"), 1) if "install" in line]
        if not marked:
            return
        nodes: Iterable[ast.AST] = _nodes_on_lines(tree, marked)
    else:
        nodes = iter_nodes(tree)
    lists = _LazyLists(tree)
    quiet: Set[int] = set()
    candidates: List[Tuple[ast.AST, Optional[str]]] = []
    statements: Set[int] = set()
    for node in nodes:
        if isinstance(node, ast.Expr):
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            statements.add(id(value))
        if isinstance(node, ast.Call):
            tail = _dotted_tail(node.func)
            if tail and _MESSAGE_NAME.match(tail):
                quiet.update(id(n) for n in ast.walk(node) if isinstance(n, (ast.List, ast.Tuple, ast.Call)) and n is not node)
                continue
            if node.args and not PIP_HELPER.search(tail):  # a pip helper's arguments are read by _all_commands
                program = "pip" if isinstance(node.func, (ast.Name, ast.Attribute)) and _PIP_PROGRAM.match(tail) else None
                candidates.append((node, program))
        elif isinstance(node, (ast.List, ast.Tuple)) and len(node.elts) >= 2:
            candidates.append((node, None))
    for node, program in sorted(candidates, key=lambda c: (c[0].lineno, c[0].col_offset)):
        if id(node) in quiet:
            continue
        if isinstance(node, ast.Call) and (id(node) not in statements or _dotted_tail(node.func)[:1].isupper()):
            continue  # a call whose value is kept builds an object (`a = Argv(python, "-m", "pip", …)`): read where it runs
        elements = node.args if isinstance(node, ast.Call) else node.elts  # type: ignore[attr-defined]
        first = elements[0]
        if (program is None and not _may_start_argv(first)) or not _says_install(elements):
            continue  # the common case, decided without reading the elements
        shell = _shell_line_of(elements, lines, lists)
        if shell is not None:
            yield shell
            continue
        words = [w for e in elements for w in _element_words(e, lines, lists)]
        if program is not None:
            words = [Word(program, node.lineno, node.col_offset)] + words
        words = _argv_start(words)
        if words is not None and _may_run_pip(words):
            yield words


def _nodes_on_lines(tree: ast.AST, marked: List[int]) -> Iterator[ast.AST]:
    """The nodes of ``tree`` whose lines include one of ``marked`` (sorted
    line numbers), and every node without a position (the module, argument
    lists, comprehensions) above them; a positioned node whose lines hold
    none of ``marked`` is neither yielded nor entered."""
    from bisect import bisect_left

    stack: List[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        first = getattr(node, "lineno", None)
        if first is not None:
            at = bisect_left(marked, first)
            if at == len(marked) or marked[at] > (getattr(node, "end_lineno", None) or first):
                continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _says_install(elements: Sequence[ast.AST]) -> bool:
    """One element spells ``install`` (a word, or part of a shell line): a
    pip install's argv always does, so nothing else is read further."""
    for element in elements:
        if isinstance(element, ast.Constant):
            if isinstance(element.value, str) and "install" in element.value:
                return True
        elif isinstance(element, ast.JoinedStr):
            if any(isinstance(v, ast.Constant) and isinstance(v.value, str) and "install" in v.value for v in element.values):
                return True
    return False


def _may_start_argv(first: ast.AST) -> bool:
    """The first element can start a pip argv: a string, a name, an
    attribute, ``sys.executable``-like values, a path expression, a
    starred list."""
    if isinstance(first, ast.Constant):
        return isinstance(first.value, str) and len(first.value) < 200
    return isinstance(first, (ast.Name, ast.Attribute, ast.Starred, ast.Call, ast.BinOp, ast.JoinedStr, ast.Subscript))


def _argv_start(words: List[Word]) -> Optional[List[Word]]:
    """``words`` when they start like a pip command (the program, then
    ``install`` after pip's general options), read as the command; None
    otherwise."""
    from mlwarden.sources.dependencies.installs import python_module_at
    from mlwarden.sources.shell import PIP_RE, PYTHON_RE

    if len(words) < 2:
        return None
    texts = [w.text for w in words]
    if texts[0] in ("-m", "-mpip") or (texts[0].startswith("-") and python_module_at(["python"] + texts[:12]) is not None):
        words = [Word("python", words[0].line, words[0].col)] + words  # an interpreter's arguments: [..."-m", "pip", ...]
        texts = ["python"] + texts
    elif texts[0] == _DYNAMIC:
        words = _python_first(list(words))
        texts = [w.text for w in words]
    at: Optional[int] = None
    if PIP_RE.match(texts[0]):
        at = 0
    elif texts[0] == "uv" and len(texts) > 1 and texts[1] == "pip":
        at = 1
    elif PYTHON_RE.match(texts[0]):
        found = python_module_at(texts[:12])
        if found is not None and (found[1] == "pip" or (found[1] is None and PIP_RE.match(texts[found[0]]))):
            at = found[0]
    if at is None:
        return None
    rest = texts[at + 1 :]
    for text in rest[:8]:  # pip's general options may come before the subcommand
        if text == "install":
            return words
        if not text.startswith("-") and text != _DYNAMIC:
            return None
    return None


def _shell_line_of(elements: Sequence[ast.AST], lines: List[str], lists: Any) -> Optional[List[Word]]:
    """The words of the line a shell is given with ``-c`` at the start of
    ``elements`` (``"bash", "-c", line`` or ``sh.bash, "-lc", line``), when
    a command of it starts with a pip install; None otherwise."""
    if len(elements) < 3:
        return None
    program, flag, line = elements[0], elements[1], elements[2]
    if isinstance(program, ast.Constant) and isinstance(program.value, str):
        if not _SHELL_PROGRAM.match(program.value):
            return None
    elif not (isinstance(program, (ast.Name, ast.Attribute)) and _SHELL_NAME.match(_dotted_tail(program))):
        return None
    if not (isinstance(flag, ast.Constant) and isinstance(flag.value, str) and _SHELL_C.match(flag.value)):
        return None
    words = _shell_words(line, lines, lists)
    if not words:
        return None
    if not any(True for _ in _pip_commands_of_line(words)):
        return None
    return words


def _helper_strings(node: ast.Call, lines: List[str], lists: Any) -> Optional[List[Word]]:
    """A pip helper called with separate string arguments
    (``self.pip_install("-U", "pip", "uv")``, ``pip_install("vllm",
    "--pre")``): ``pip install`` + those words, the helper's own
    ``install`` word kept when it is the first (``pip_args("install",
    "x")``). None unless every positional argument is a string literal or
    a ``*`` of something we cannot read, and at least one is a literal."""
    if not node.args or not any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args):
        return None
    if any(not (isinstance(a, ast.Starred) or (isinstance(a, ast.Constant) and isinstance(a.value, str))) for a in node.args):
        return None
    words = [w for a in node.args for w in _element_words(a, lines, lists)]
    if not words or words[0].text in ("pip", "pip3", "-m", "python", "python3"):
        return None  # a whole command: not install arguments
    at = (node.args[0].lineno, node.args[0].col_offset)
    head = [Word("pip", *at)] if words[0].text == "install" else [Word("pip", *at), Word("install", *at)]
    return head + words


def _install_arguments(node: ast.AST, lines: List[str], lists: Dict[int, ast.AST]) -> Optional[List[Word]]:
    """``["pkg[extra]", "--extra-index-url", URL]`` handed to a pip helper:
    ``pip install`` + its words (None when it already is a whole command)."""
    words = _argv_words(node, lines, lists) if isinstance(node, (ast.List, ast.Tuple, ast.Name)) else None
    if not words or any(w.text in ("pip", "install", "-m") for w in words):
        return None
    at = (node.lineno, node.col_offset)
    return [Word("pip", *at), Word("install", *at)] + words


def _all_commands(tree: ast.AST, source: str, imported: Optional[Dict[str, "_Wrapper"]] = None) -> Iterator[List[Word]]:
    from mlwarden.core.gate import iter_nodes

    # one walk (the engine's, faster than ast.walk): imports, assignments and calls, in source order
    nodes = [n for n in iter_nodes(tree) if isinstance(n, (ast.Call, ast.Assign, ast.AugAssign, ast.Return, ast.Import, ast.ImportFrom))]
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))
    aliases = _aliases(n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom)))
    lists = _LazyLists(tree)
    lists.imported_returns = {name: w.texts for name, w in (imported or {}).items() if isinstance(w, _ReturnedWords)}
    lines = source.splitlines()
    run_objects: Optional[Set[int]] = None
    wrappers: Optional[_PipWrappers] = None
    runners: Optional[Dict[str, Optional[int]]] = None
    dockerfiles: Set[int] = set()
    # an instruction's `RUN` is spelt in the file (a literal, or a constant
    # that a string of the file names), or no string of it can hold one
    dockerfile = "RUN" in source and _RUN_WORD.search(source) is not None
    # a CI workflow's steps held as text (`steps:` … `run: pip install x`)
    dockerfile = dockerfile or ("steps:" in source and "run:" in source)
    for node in nodes:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Return, ast.Call)):
            # a Dockerfile's RUN instructions held as data (a template, a list of its lines)
            if dockerfile:
                yield from _dockerfile_commands(node, lines, lists, dockerfiles)
            if not isinstance(node, (ast.Assign, ast.Call)):
                continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            # shell lines held as data for a remote or container shell (see _shell_data)
            for value in _shell_data(node.targets[0], node.value, lines, lists):
                yield value
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if PIP_HELPER.search(node.targets[0].id) and isinstance(node.value, (ast.List, ast.Tuple)):
                words = _install_arguments(node.value, lines, lists)
                if words:
                    yield words
            elif _command_object(node.value):
                # argv = Argv(python, "-m", "pip", "install", "x") … argv.check_call(): the project's
                # command class, run later in the same function
                if run_objects is None:
                    run_objects = _run_objects(tree)
                if id(node) in run_objects:
                    words = [w for a in node.value.args for w in _element_words(a, lines, lists)]  # type: ignore[attr-defined]
                    if words:
                        yield _python_first(words)
            continue
        if not isinstance(node, ast.Call):
            continue
        helper = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""
        if PIP_HELPER.search(helper) and _qualname(node.func, aliases) not in PIP_MAINS:
            for arg in node.args:
                words = _install_arguments(arg, lines, lists)
                if words:
                    yield words
            words = _helper_strings(node, lines, lists)
            if words:
                yield words
            continue
        if helper in _PIPMASTER:
            qualified = _qualname(node.func, aliases)
            if qualified is not None and qualified == f"pipmaster.{helper}":
                # pipmaster, a pip wrapper library: `import pipmaster as pm; pm.install("x")`
                words = _pipmaster_words(node, helper, lines, lists)
                if words:
                    yield words
                continue
        if imported and isinstance(node.func, ast.Name) and node.func.id in imported:
            # a pip wrapper of another project module, called by the name it is imported as
            words = imported[node.func.id].words(node, lines, lists)
            if words:
                yield words
            continue
        if imported and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and f"{node.func.value.id}.{node.func.attr}" in imported:
            # ... or as an attribute of the module imported by name (`dynamic_pip_install.install(name)`)
            words = imported[f"{node.func.value.id}.{node.func.attr}"].words(node, lines, lists)
            if words:
                yield words
            continue
        if helper and _qualname(node.func, aliases) not in _KNOWN:
            if wrappers is None:
                wrappers = _PipWrappers(tree, lines, lists, aliases)
            wrapper = wrappers.get(helper)
            if wrapper is not None and not (node.lineno >= wrapper.first and node.end_lineno <= wrapper.last):
                words = wrapper.words(node, lines, lists)
                if words:
                    yield words
                continue
        name = _qualname(node.func, aliases)
        words: Optional[List[Word]] = None
        command = _pip_command_object(node, aliases)
        if command is not None and node.args:
            # pip's internal API: create_command("install").main(["x", "--extra-index-url", URL])
            argv = _argv_words(node.args[0], lines, lists)
            if argv is not None:
                yield [Word("pip", node.lineno, node.col_offset), Word(command, node.lineno, node.col_offset)] + argv
            continue
        runs = bool(node.args) and (name in SHELL_CALLS or name in EXEC_CALLS or _is_ipython_call(node, "system"))
        held = lists.string_values(node.args[0]) if runs and isinstance(node.args[0], ast.Name) else []
        if runs and not held and isinstance(node.args[0], (ast.Name, ast.Attribute)):
            held = lists.field_strings(node.args[0])  # run(info.install_cmd) with `install_cmd="pip install …"` in the file
        if held:  # cmd = "pip install …" (in each branch) … os.system(cmd)
            for value in held:
                found = _string_words(value, lines, lists)
                if found:
                    yield _python_first(found)
            continue
        if name in SHELL_CALLS and node.args:
            words = _shell_words(node.args[0], lines, lists)
        elif name in EXEC_CALLS and node.args:
            words = _shell_c_words(node.args[0], lines, lists)  # ["bash", "-c", "pip install x && …"]
            if words is None:
                words = _argv_words(node.args[0], lines, lists)
        elif name == "asyncio.create_subprocess_exec":
            words = [w for arg in node.args for w in _element_words(arg, lines, lists)]
        elif name in PIP_MAINS and node.args:
            argv = _argv_words(node.args[0], lines, lists)
            if argv is not None:
                words = [Word("pip", node.lineno, node.col_offset)] + argv
        elif _is_ipython_call(node, "system") and node.args:
            words = _shell_words(node.args[0], lines, lists)
        elif _is_ipython_call(node, "run_line_magic") and len(node.args) >= 2:
            magic = node.args[0]
            if isinstance(magic, ast.Constant) and magic.value in ("pip", "uv"):
                rest = _shell_words(node.args[1], lines, lists)
                if rest is not None:
                    words = [Word(str(magic.value), magic.lineno, magic.col_offset)] + rest
        elif name is None or name not in _KNOWN:
            if helper and node.args:
                if runners is None:
                    runners = _project_runners(tree, aliases, nodes)
                at = runners.get(helper)
                if at is not None:
                    # `RunCode._install_via_subprocess(cmd, …)`, a nested `_run(cmd)`: a function of the file that
                    # hands its parameter to subprocess / os.system; the argument is read like that call's
                    words = _handed_command(node, at, lines, lists)
                    if words:
                        yield _python_first(words)
                    continue
            yield from _runner_commands(node, lines, lists)
        if words:
            yield _python_first(words)


#: pipmaster's module-level install functions (checked in pipmaster 1.2.2's
#: convenience.py): name -> (how its first argument names packages, the
#: position of ``index_url`` when given by position). Each runs ``pip
#: install [--upgrade] [--index-url URL] [extra_args…] PACKAGE…``; a package
#: given without a version is installed at whatever version the index has.
_PIPMASTER: Dict[str, Tuple[str, int]] = {
    "install": ("one", 1),
    "install_or_update": ("one", 1),
    "install_if_missing": ("spec", 2),
    "install_version": ("version", 2),
    "install_multiple": ("many", 1),
    "install_or_update_multiple": ("many", 1),
    "install_multiple_if_not_installed": ("many", 1),
    "ensure_packages": ("requirements", 1),
}


def _pipmaster_words(node: ast.Call, function: str, lines: List[str], lists: Any) -> Optional[List[Word]]:
    """The ``pip install`` command a pipmaster call runs, as words: the
    packages at their literals (``install_if_missing("x", version_specifier=
    ">=1")`` reads ``x>=1``; ``install_version("x", "1.2")`` ``x==1.2``;
    ``ensure_packages({"x": None, "y": "==2"})`` each key with its
    specifier), then ``--index-url`` and ``extra_args`` when literal. A
    package or specifier that is not a literal stays unknown (not judged)."""
    shape, index_at = _PIPMASTER[function]
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return None

    def arg(position: int, *names: str) -> Optional[ast.AST]:
        found = next((k.value for k in node.keywords if k.arg in names), None)
        if found is None and position < len(node.args):
            found = node.args[position]
        return found

    def literal(value: Optional[ast.AST]) -> Optional[str]:
        return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None

    def joined(name_node: ast.AST, spec_node: Optional[ast.AST], sep: str = "") -> Word:
        name, at = literal(name_node), (getattr(name_node, "lineno", node.lineno), getattr(name_node, "col_offset", node.col_offset))
        if name is None:
            return Word(_DYNAMIC, *at)
        if spec_node is None or (isinstance(spec_node, ast.Constant) and spec_node.value is None):
            return Word(name.strip(), *at)
        spec = literal(spec_node)
        return Word(f"{name.strip()}{sep}{spec.strip()}", *at) if spec is not None else Word(_DYNAMIC, *at)

    first = arg(0, "package", "packages", "requirements")
    if first is None:
        return None
    packages: List[Word] = []
    if shape == "one":
        packages.append(joined(first, None))
    elif shape == "spec":
        packages.append(joined(first, arg(1, "version_specifier")))
    elif shape == "version":
        version = arg(1, "version")
        if literal(version) is None:
            return None  # an exact version from a value: pinned, whatever it is
        packages.append(joined(first, version, "=="))
    elif isinstance(first, (ast.List, ast.Tuple)) or (shape == "requirements" and literal(first) is not None):
        for element in first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first]:
            packages.append(joined(element, None))
    elif shape == "requirements" and isinstance(first, ast.Dict):
        for key, value in zip(first.keys, first.values):
            if key is None or isinstance(value, ast.Dict):
                continue  # `**other`, or a VCS / condition table
            packages.append(joined(key, value))
    else:
        return None
    if not packages or all(w.text == _DYNAMIC for w in packages):
        return None
    at = (node.lineno, node.col_offset)
    words = [Word("pip", *at), Word("install", *at)]
    index_node = arg(index_at, "index_url")
    index = literal(index_node)
    if index and index_node is not None:
        words += [Word("--index-url", index_node.lineno, index_node.col_offset), Word(index, index_node.lineno, index_node.col_offset)]
    extra = next((k.value for k in node.keywords if k.arg == "extra_args"), None)
    if isinstance(extra, (ast.List, ast.Tuple)):
        words += [w for e in extra.elts for w in _element_words(e, lines, lists)]
    return words + packages


def _project_runners(tree: ast.AST, aliases: Dict[str, str], nodes: Optional[List[ast.AST]] = None) -> Dict[str, Optional[int]]:
    """name -> position of the parameter a function of the file (module
    level, nested, or a method: ``self``/``cls`` not counted unless it is a
    ``@staticmethod``) hands, unchanged, as the command of a
    :data:`SHELL_CALLS` / :data:`EXEC_CALLS` call in its own body
    (``def _run(cmd): return subprocess.run(cmd, …)``); None for a name
    defined more than once with different positions. ``nodes``: the file's
    nodes when the caller already walked it (every call among them)."""
    from mlwarden.core.gate import iter_nodes

    runs = SHELL_CALLS | EXEC_CALLS
    if not any(isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Name) and _qualname(n.func, aliases) in runs for n in (nodes if nodes is not None else iter_nodes(tree))):
        return {}  # no call anywhere runs a name: no function of the file can be a runner (one walk, not one per function)
    methods: Set[int] = set()
    functions: List[ast.AST] = []
    for node in iter_nodes(tree):  # any order: the result does not depend on it
        if isinstance(node, ast.ClassDef):
            methods.update(id(n) for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(node)
    found: Dict[str, Optional[int]] = {}
    for function in functions:
        params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
        if id(function) in methods and not static:
            params = params[1:]
        at: Optional[int] = None
        for n in _own_walk(function):
            if not (isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Name) and n.args[0].id in params):
                continue
            if _qualname(n.func, aliases) in SHELL_CALLS | EXEC_CALLS:
                at = params.index(n.args[0].id)
                break
        if at is None:
            continue
        if any(isinstance(n, ast.Name) and n.id == params[at] and isinstance(n.ctx, ast.Store) for n in _own_walk(function)):
            continue  # the parameter is rebuilt before it runs
        found[function.name] = at if found.get(function.name, at) == at else None
    return found


def _handed_command(node: ast.Call, at: int, lines: List[str], lists: Any) -> Optional[List[Word]]:
    """The words of the command a call hands a project runner (see
    :func:`_project_runners`): a list (or a name bound to one), a string or
    a name bound only to strings."""
    if at >= len(node.args) or any(isinstance(a, ast.Starred) for a in node.args[: at + 1]):
        return None
    arg = node.args[at]
    if isinstance(arg, (ast.List, ast.Tuple)):
        return _argv_words(arg, lines, lists)
    if _is_string(arg):
        return _shell_words(arg, lines, lists)
    if isinstance(arg, ast.Name):
        if id(arg) in lists:
            return _argv_words(arg, lines, lists)
        for value in lists.string_values(arg):
            words = _shell_words(value, lines, lists)
            if words:
                return words
    return None


#: callees whose arguments are messages, not data (``print``, logging, ``warnings.warn``, ``ValueError(...)``)
_MESSAGE_CALL = lazyre.compile(r"(?i)print|log|warn|echo|info|debug|error|exception|critical|secho|help|assert|expect")
#: a line of a Dockerfile that starts an instruction
_DOCKER_RUN = lazyre.compile(r"^[ \t]*RUN[ \t]+")
#: how the source spells a ``RUN`` that can start such a line: not part of
#: a longer name (``RUN_SLOW``, ``RUNNING``, ``RERUN``); before it a quote,
#: blank, ``{…}`` or an escape such as ``\n``, after it a blank, a quote, an
#: escape or ``{`` (transformers' ``testing_utils.py`` says ``RUN_SLOW`` and
#: paid a whole-file pass of list bindings for no Dockerfile)
_RUN_WORD = lazyre.compile(r"(?<![A-Z0-9_])RUN(?![A-Za-z0-9_])")


def _dockerfile_commands(node: ast.AST, lines: List[str], lists: Any, seen: Set[int]) -> Iterator[List[Word]]:
    """The pip installs of Dockerfile ``RUN`` instructions held as data: a
    string (or f-string) with a line starting ``RUN `` (continuation lines
    joined: ``RUN --mount=type=cache,target=/root/.cache \\`` then ``uv pip
    install poetry``), bound to a name, returned, in a list of Dockerfile
    lines (``["FROM base", f"RUN python -m pip install {pkgs}"]``) or handed
    to a call (``Template(dockerfile_text)``) that is not a message (``print``,
    logging, an exception) nor an assertion's expected value. Each install is read from the command of the
    instruction that starts with it (:func:`_starts_with_pip_install`)."""
    values: List[ast.AST] = []
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.Return)) and node.value is not None:
        values.append(node.value)
    elif isinstance(node, ast.Call):
        if _MESSAGE_CALL.search(_dotted_tail(node.func)):
            # a message or an expected value (`self.assertIn(textwrap.dedent('''RUN …'''), out)`): its strings, however wrapped, are not data
            seen.update(id(n) for arg in (*node.args, *(k.value for k in node.keywords)) for n in ast.walk(arg))
            return
        values.extend(node.args)
        values.extend(k.value for k in node.keywords)
    strings: List[ast.AST] = []
    for value in values:
        if isinstance(value, (ast.List, ast.Tuple)):
            strings.extend(value.elts)
        else:
            strings.append(value)
    for string in strings:
        if id(string) in seen or not isinstance(string, (ast.Constant, ast.JoinedStr, ast.BinOp)):
            continue
        text = _string_text(string, lines, lists)
        if text is None:
            continue
        if "RUN" in text:
            seen.add(id(string))
            yield from _run_instructions(string, text, lines)
        elif "run:" in text and _WORKFLOW_STEPS.search(text) is not None:
            seen.add(id(string))
            yield from _workflow_runs(string, text, lines)


class _Cursor:
    """Places the words of a string literal's text in the source, in order:
    each at the first place at or after the previous word's where the
    literal's source lines spell it (escapes and ``\\``-newlines change the
    text, not the words), else at the literal's start."""

    def __init__(self, node: ast.AST, lines: List[str]) -> None:
        self.node, self.lines = node, lines
        self.line, self.col = node.lineno, node.col_offset
        self.last = getattr(node, "end_lineno", None) or node.lineno

    def place(self, text: str) -> Tuple[int, int]:
        line, col = self.line, self.col
        while line <= self.last and 0 < line <= len(self.lines):
            found = self.lines[line - 1].find(text, col)
            if found >= 0:
                self.line, self.col = line, found + len(text)
                return line, found
            line, col = line + 1, 0
        return self.node.lineno, self.node.col_offset


def _run_instructions(node: ast.AST, text: str, lines: List[str]) -> Iterator[List[Word]]:
    """Words of each pip install in ``text``'s ``RUN`` instructions, each
    where the literal ``node`` spells it (:class:`_Cursor`)."""
    from mlwarden.sources.dependencies.requirement import split_words

    physical = text.split("\n")
    cursor = _Cursor(node, lines)
    i = 0
    while i < len(physical):
        found = _DOCKER_RUN.match(physical[i])
        if found is None:
            i += 1
            continue
        # the instruction's lines: each ending with a backslash continues it
        parts = [(i, found.end())]
        while physical[parts[-1][0]].rstrip().endswith("\\") and parts[-1][0] + 1 < len(physical):
            parts.append((parts[-1][0] + 1, 0))
        i = parts[-1][0] + 1
        words: List[Word] = []
        for number, column in parts:
            body = physical[number][column:].rstrip()
            if body.endswith("\\"):
                body = body[:-1]
            for token in split_words(body):
                words.append(Word(token.text, *cursor.place(token.text)))
        while words and words[0].text.startswith("--"):
            words.pop(0)  # RUN --mount=… --network=…: options of the instruction
        yield from _pip_commands_of_line(words)


def _pip_commands_of_line(words: List[Word]) -> Iterator[List[Word]]:
    """The pip installs among the commands of one shell line's words
    (split on ``&&``, ``||``, ``;``, ``|``)."""
    command: List[Word] = []
    for word in words + [Word(";", 0, 0)]:
        if word.text in ("&&", "||", ";", "|") or word.text.endswith(";"):
            if word.text.endswith(";") and len(word.text) > 1:
                command.append(Word(word.text[:-1], word.line, word.col))
            if command and _starts_with_pip_install(" ".join(w.text for w in command)):
                yield _python_first(command)
            command = []
        else:
            command.append(word)


#: a CI workflow's step list (GitHub Actions' ``steps:``), a key alone on its line
_WORKFLOW_STEPS = lazyre.compile(r"(?m)^[ \t]*steps:[ \t]*$")
#: a step's ``run:`` key (``- run: pip install x``, ``run: |``) and its value
_WORKFLOW_RUN = lazyre.compile(r"^([ \t]*(?:-[ \t]+)?)run:(?:[ \t]+(.*))?$")


def _workflow_runs(node: ast.AST, text: str, lines: List[str]) -> Iterator[List[Word]]:
    """Words of each pip install in the ``run:`` steps of a CI workflow held
    as text (a template, a generated file): an inline command (``- run: pip
    install x``), or a block scalar (``run: |``: each line more indented than
    the key is a shell line, a ``\\`` at its end continues it; ``run: >``
    folds its lines into one). Only a text with a ``steps:`` key line is
    read, and only ``run:`` keys at the start of a line: prose that says
    "run: pip install x" is not a workflow."""
    from mlwarden.sources.dependencies.requirement import split_words

    physical = text.split("\n")
    cursor = _Cursor(node, lines)
    i = 0
    while i < len(physical):
        found = _WORKFLOW_RUN.match(physical[i])
        i += 1
        if found is None:
            continue
        value = (found.group(2) or "").strip()
        key = len(found.group(1).expandtabs())
        shell: List[str] = []
        if value[:1] in ("|", ">") and (len(value) == 1 or value[1:].strip("+-0123456789") == ""):
            block: List[str] = []
            while i < len(physical) and (not physical[i].strip() or len(physical[i].expandtabs()) - len(physical[i].expandtabs().lstrip()) > key):
                block.append(physical[i].strip())
                i += 1
            if value[0] == ">":
                shell = [" ".join(b for b in block if b)]
            else:
                joined = ""
                for part in block:
                    if part.endswith("\\"):
                        joined += part[:-1] + " "
                        continue
                    shell.append(joined + part)
                    joined = ""
                if joined:
                    shell.append(joined)
        elif value and value[0] not in ("'", '"', "{", "["):
            shell = [value]
        for line in shell:
            words = [Word(t.text, *cursor.place(t.text)) for t in split_words(line, comments=True)]
            yield from _pip_commands_of_line(words)


#: names of values that hold shell commands (``SETUP_COMMANDS``, ``install_script``, ``self.enter_env_cmds``)
COMMAND_NAME = lazyre.compile(r"(?i)(?:^|_)(?:cmds?|commands?|script|setup|install|bootstrap|provision)(?:_|$|s$)")
#: what splits a shell line into commands
_SHELL_SPLIT = lazyre.compile(r"&&|\|\||[;\n|()]")
#: first words of a shell command (a line of a setup script, not prose)
_SHELL_STARTS = frozenset(
    {"apt", "apt-get", "bash", "cd", "chmod", "chown", "conda", "cp", "curl", "echo", "export", "git", "ln", "mkdir", "mv", "pip", "pip3",
     "pipx", "python", "python3", "rm", "sed", "set", "sh", "source", "sudo", "tar", "touch", "unzip", "uv", "wget", "yum", "dnf", "apk", "brew"}
)


def _starts_with_pip_install(segment: str) -> bool:
    """``segment`` (one command of a shell line) is a pip install: ``pip
    install``, ``/venv/bin/pip install``, ``python -m pip install``, ``uv pip
    install``, after ``sudo``/``env`` wrappers and ``VAR=value`` prefixes."""
    from mlwarden.sources.shell import _ASSIGNMENT_RE, _WRAPPERS, PIP_RE, PYTHON_RE

    words = segment.split()
    while words and (words[0] in _WRAPPERS or _ASSIGNMENT_RE.match(words[0])):
        words = words[1:]
    if len(words) >= 3 and PYTHON_RE.match(words[0]) and words[1].startswith("-"):
        from mlwarden.sources.dependencies.installs import python_module_at

        found = python_module_at(words)
        if found is None:
            return False
        j, glued = found
        words = ([glued] if glued is not None else []) + words[j + (glued is not None) :]
    elif len(words) >= 2 and words[0].rsplit("/", 1)[-1] == "uv" and words[1] == "pip":
        words = words[1:]
    return len(words) >= 3 and PIP_RE.match(words[0]) is not None and words[1] == "install"


def _shell_line(text: str) -> bool:
    """``text`` reads as a shell line: its first command starts with a
    shell program word, or it chains commands (``&&``, ``||``, ``;``)."""
    first = text.strip().split(None, 1)
    if not first:
        return False
    return first[0].rsplit("/", 1)[-1] in _SHELL_STARTS or "&&" in text or "||" in text


def _split_separators(words: List[Word]) -> List[Word]:
    """``cd /work; pip install x``: a ``;`` glued to a word is its own word
    (the install parser splits commands on separate words)."""
    out: List[Word] = []
    for word in words:
        if len(word.text) > 1 and word.text.endswith(";"):
            out.append(Word(word.text[:-1], word.line, word.col))
            out.append(Word(";", word.line, word.col + len(word.text) - 1))
        else:
            out.append(word)
    return out


def _shell_data(target: ast.AST, value: ast.AST, lines: List[str], lists: Any) -> Iterator[List[Word]]:
    """Shell lines held as data for a shell that runs elsewhere (a remote
    node, a container, a job's setup), with a pip install among them:

    - a literal list or tuple of two or more strings, at least two of which
      read as shell lines (:func:`_shell_line`): ``["mkdir -p /opt/x", "uv
      pip install oci-cli", ...]``, one entry per install;
    - a string (or f-string) bound to a name or attribute named for
      commands (:data:`COMMAND_NAME`: ``INSTALL_DEPS = "apt-get update &&
      pip install ipykernel"``) that chains commands.

    Only a command of the line that *starts* with a pip install counts
    (:func:`_starts_with_pip_install`), so prose that mentions ``pip
    install`` (an error message, a hint) is not a command."""
    if isinstance(value, (ast.List, ast.Tuple)):
        texts = [(e, _string_text(e, lines, lists)) for e in value.elts]
        strings = [(e, t) for e, t in texts if t is not None]
        if len(strings) < 2 or len(strings) != len(texts) or sum(_shell_line(t) for _, t in strings) < 2:
            return
        for element, text in strings:
            if any(_starts_with_pip_install(part) for part in _SHELL_SPLIT.split(text)):
                words = _string_words(element, lines, lists)
                if words:
                    yield _python_first(_split_separators(words))
        return
    name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
    if not name or not COMMAND_NAME.search(name) or PIP_HELPER.search(name):
        return
    text = _string_text(value, lines, lists)
    if text is None or not ("&&" in text or "||" in text or ";" in text or "\n" in text.strip()):
        return
    if any(_starts_with_pip_install(part) for part in _SHELL_SPLIT.split(text)):
        words = _string_words(value, lines, lists)
        if words:
            yield _python_first(_split_separators(words))


def _command_object(value: ast.AST) -> bool:
    """``Argv(python, "-m", "pip", "install", "x")``: a call of a class (a
    capitalised name) given a program and its arguments as separate
    values, one of them the string ``"pip"`` and one ``"install"``."""
    if not isinstance(value, ast.Call) or len(value.args) < 3:
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if not name[:1].isupper():
        return False
    texts = {a.value for a in value.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return "install" in texts and bool(texts & {"pip", "pip3", "uv"})


def _run_objects(tree: ast.AST) -> Set[int]:
    """``id`` of each ``name = Class(...)`` assignment (:func:`_command_object`)
    whose name the same function (or module) later runs: ``name.run()``,
    ``name.check_call()`` (any of :data:`RUNNERS`, behind underscores too),
    or hands to one as its first argument (``subprocess.run(name)``)."""
    found: Set[int] = set()
    scopes = [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for scope in scopes:
        made: Dict[str, List[ast.Assign]] = {}
        ran: Dict[str, int] = {}
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and _command_object(node.value):
                made.setdefault(node.targets[0].id, []).append(node)
            if isinstance(node, ast.Call):
                func = node.func
                method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                if method.lstrip("_") in RUNNERS or method in ("check_call", "check_output", "get_output"):
                    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                        ran[func.value.id] = max(ran.get(func.value.id, 0), node.lineno)
                    if node.args and isinstance(node.args[0], ast.Name):
                        ran[node.args[0].id] = max(ran.get(node.args[0].id, 0), node.lineno)
            stack.extend(ast.iter_child_nodes(node))
        for name, assigns in made.items():
            for assign in assigns:
                if ran.get(name, 0) >= assign.lineno:
                    found.add(id(assign))
    return found


@dataclasses.dataclass(frozen=True)
class _Wrapper:
    """A project function that runs (or returns) pip's command with one of
    its parameters: ``def make_pip_cmd(args): return [sys.executable, "-m",
    "pip"] + args``."""

    prefix: Tuple[str, ...]  # the words before the parameter ("{sys.executable}", "-m", "pip")
    suffix: Tuple[str, ...]  # literal words after it
    index: int  # the parameter's position in a call (``self`` not counted for a method)
    star: bool  # ``*args``: every positional argument from ``index`` on
    keyword: str  # the parameter's name, for a keyword argument
    first: int  # the function's own lines: calls inside it are not calls of the wrapper
    last: int
    #: the parameter is one word of the command (``[..., "install", package]``): a call passes one string
    single: bool = False
    #: words the function adds to the command for another parameter when a
    #: call gives it (``if extra_index_url: command.extend(["--extra-index-url",
    #: extra_index_url])``): (the parameter's name, its position, the words
    #: with :data:`_PARAM` where its value goes)
    options: Tuple[Tuple[str, int, Tuple[str, ...]], ...] = ()

    def _option_words(self, call: ast.Call, lines: List[str], lists: Any) -> List[Word]:
        """The words of :attr:`options` a call turns on: a literal string
        given to the option's parameter (by keyword or position)."""
        found: List[Word] = []
        for name, index, words in self.options:
            arg = next((k.value for k in call.keywords if k.arg == name), None)
            if arg is None and 0 <= index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                arg = call.args[index]
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value):
                continue  # not given, None, or a value that cannot be read: the branch is not known to run
            for word in words:
                found.append(Word(arg.value, arg.lineno, arg.col_offset) if word == _PARAM else Word(word, call.lineno, call.col_offset))
        return found

    def words(self, call: ast.Call, lines: List[str], lists: Any) -> Optional[List[Word]]:
        """The command a call of the wrapper runs: the prefix, then the
        call's literal words for the parameter, then the suffix; None when
        the argument cannot be read or holds no literal word."""
        at = (call.lineno, call.col_offset)
        if self.star:
            given = call.args[self.index:]
            if not given or any(isinstance(a, ast.Starred) for a in given) or not any(_is_string(a) for a in given):
                return None
            middle = [w for a in given for w in _element_words(a, lines, lists)]
        else:
            arg = call.args[self.index] if len(call.args) > self.index and not any(isinstance(a, ast.Starred) for a in call.args[: self.index + 1]) else None
            if arg is None:
                arg = next((k.value for k in call.keywords if k.arg == self.keyword), None)
            if self.single:
                # `prompt_install("opencv-python")`: the string is the one word the parameter stands for
                if arg is None or isinstance(arg, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Starred)):
                    return None
                middle = _element_words(arg, lines, lists)
                if len(middle) == 1 and middle[0].text == _DYNAMIC and isinstance(arg, ast.Name):
                    # `package = "sox"` … `install(package)`: the string the name was last given before
                    # the call (every binding of the name in its scope is a string), at the argument
                    bound = _last_string_before(arg, lists)
                    if bound is not None:
                        middle = [Word(bound, arg.lineno, arg.col_offset)]
                if not middle or all(w.text == _DYNAMIC for w in middle):
                    return None
                head = [Word(t, *at) for t in self.prefix]
                return _python_first(head + middle + [Word(t, *at) for t in self.suffix] + self._option_words(call, lines, lists))
            if arg is None or not isinstance(arg, (ast.List, ast.Tuple, ast.Name, ast.BinOp)):
                return None
            middle = _argv_words(arg, lines, lists)
            if not middle or all(w.text == _DYNAMIC for w in middle):
                return None
        head = [Word(t, *at) for t in self.prefix]
        return _python_first(head + middle + [Word(t, *at) for t in self.suffix] + self._option_words(call, lines, lists))


def _last_string_before(name: ast.Name, lists: Any) -> Optional[str]:
    """The literal string a name was last bound to before ``name`` is read,
    when every binding of it in its scope is a string literal (see
    :meth:`_LazyLists.string_values`), else None."""
    if not hasattr(lists, "string_values"):
        return None
    values = lists.string_values(name)
    if not values or not all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values):
        return None
    before = [v for v in values if (v.lineno, v.col_offset) < (name.lineno, name.col_offset)]
    if not before:
        return None
    return max(before, key=lambda v: (v.lineno, v.col_offset)).value


#: a parameter's place in a wrapper's command
_PARAM = "\0param"
#: after :data:`_PARAM`: the parameter is one element of the command list, one word
_ONE_WORD = "\0word:"


class _PipWrappers:
    """The file's pip wrappers by name (see :class:`_Wrapper`), each read on
    first request: a file's calls name few of its own functions, and reading
    every function of a 5,000-line module cost ~1 s on transformers. A name
    defined twice, or already read as a pip helper by name
    (:data:`PIP_HELPER`), is left out; the definitions of a name are read in
    the order of the file (module level, then each class), as before."""

    def __init__(self, tree: ast.AST, lines: List[str], lists: Any, aliases: Optional[Dict[str, str]] = None) -> None:
        self._lines, self._lists, self._aliases = lines, lists, aliases or {}
        self._defs: Dict[str, List[Tuple[ast.AST, bool]]] = {}
        owners: List[Tuple[ast.AST, bool]] = [(tree, False)]
        owners += [(n, True) for n in getattr(tree, "body", []) if isinstance(n, ast.ClassDef)]
        for owner, in_class in owners:
            for function in getattr(owner, "body", []):
                if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and not PIP_HELPER.search(function.name):
                    self._defs.setdefault(function.name, []).append((function, in_class))
        self._known: Dict[str, Optional[_Wrapper]] = {}
        self._file_says_pip: Optional[bool] = None

    def get(self, name: str) -> Optional[_Wrapper]:
        if name not in self._known:
            found: Optional[_Wrapper] = None
            twice = False
            for function, in_class in self._defs.get(name, ()):
                if found is not None or twice:
                    twice, found = True, None  # defined again after a wrapper: which one runs is unknown
                elif self._may_say_pip(function):
                    found = _wrapper_of(function, in_class, self._lines, self._lists, self._aliases)
            self._known[name] = found
        return self._known[name]

    def _may_say_pip(self, function: ast.AST) -> bool:
        """False when :func:`_wrapper_of` cannot find pip in ``function``'s
        command, so it is not read: the words before the parameter say pip
        only through the function's own text, a string of the file that is
        a pip program (:func:`_file_names_pip_program`), or pip's entry
        point imported by the module (transformers' ``testing_utils.py``
        calls ~900 functions of its own, none of them an installer)."""
        if self._file_says_pip is None:
            self._file_says_pip = _file_names_pip_program(self._lines, self._lists) or any(
                value == "pip" or value.startswith("pip.") for value in self._aliases.values()
            )
        if self._file_says_pip:
            return True
        return "pip" in "\n".join(self._lines[function.lineno - 1 : function.end_lineno]).lower()


def _wrapper_of(function: Any, in_class: bool, lines: List[str], lists: Any, aliases: Optional[Dict[str, str]] = None) -> Optional[_Wrapper]:
    """The pip wrapper ``function`` is (see :class:`_Wrapper`), or None.
    Its command is a list or ``+`` expression that holds one of its
    parameters and is run (a call's first argument) or returned; its
    program says pip, or the list is handed to pip's own entry point
    (``main(["install", name])`` after ``from pip._internal import main``
    in the function or the module, ``pip.main([...])``: ``aliases`` are the
    module's imports), which reads as ``pip`` + the list."""
    args = function.args
    params = [a.arg for a in [*args.posonlyargs, *args.args]]
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
    if in_class and not static:
        params = params[1:]  # self / cls
    vararg = args.vararg.arg if args.vararg is not None else None
    nodes = [n for n in _own_walk(function)]
    used: Set[int] = set()  # commands run or returned: a call's first argument, a return value
    named: Dict[str, ast.AST] = {}
    for n in nodes:
        if isinstance(n, ast.Call) and n.args:
            used.add(id(n.args[0]))
        elif isinstance(n, ast.Return) and n.value is not None:
            used.add(id(n.value))
        elif isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            named[n.targets[0].id] = n.value
    for n in nodes:  # a name bound to the command and run or returned: `cmd = [...] + args` … `run(cmd)`
        if isinstance(n, ast.Name) and id(n) in used and n.id in named:
            used.add(id(named[n.id]))
    for n in nodes:  # … or spread into one: `base = ["pip", "install", *pkgs]` … `run([uv_bin, *base])`
        if id(n) in used and isinstance(n, (ast.List, ast.Tuple)):
            for element in n.elts:
                if isinstance(element, ast.Starred) and isinstance(element.value, ast.Name) and element.value.id in named:
                    used.add(id(named[element.value.id]))
    entry: Optional[Set[int]] = None  # the lists handed to pip's own entry point
    says_pip: Optional[bool] = None  # the function's own text spells pip (a literal, a name such as pip_path)
    # local names that stand for a parameter's value (`url = package if extern_url is None else
    # extern_url`, `for p in packages:` over `packages = [package]`): read as that parameter
    alias = _param_aliases(nodes, params, _required(function, in_class and not static)) if params else {}
    names = set(params) | set(alias)
    texts = _text_commands(nodes, used, named, aliases or {}) if params else set()
    for n in nodes:
        growth: Optional[Tuple[str, Optional[int], bool, Tuple[str, ...]]] = None
        if id(n) in texts:
            # `command = f"pip install {package}"` … `Popen(command.split())`, `os.system(...)`,
            # `run(..., shell=True)`: the words of the line, the parameter one of them
            flat = _template_words(n, names)
            if flat is None:
                continue
            if says_pip is None:
                says_pip = "pip" in "\n".join(lines[function.lineno - 1 : function.end_lineno]).lower()
            if not says_pip:
                continue
            flat = _resolved(flat, alias)
            if sum(1 for w in flat if w.startswith(_PARAM)) != 1:
                continue
            at = next(i for i, w in enumerate(flat) if w.startswith(_PARAM))
            prefix, suffix = tuple(flat[:at]), tuple(flat[at + 1:])
            if _DYNAMIC in suffix or not _names_pip(prefix):
                continue
            name = flat[at][len(_PARAM) + len(_ONE_WORD):]
            return _Wrapper(prefix, suffix, params.index(name), False, name, function.lineno, function.end_lineno, True)
        if id(n) not in used or not isinstance(n, (ast.List, ast.Tuple, ast.BinOp)):
            continue
        slots = _param_slots(n, names, vararg)
        if slots == 0 and isinstance(n, (ast.List, ast.Tuple)):
            # `cmd = [sys.executable, "-m", "pip", "install"]` … `cmd.append(package)` (or `.extend(pkgs)`,
            # `+= [package]`, `.insert(3, package)`) … `run(cmd)`: the parameter joins the list later
            grown_name = next((k for k, v in named.items() if v is n), None)
            growth = _param_growth(nodes, grown_name, params, vararg, _required(function, in_class and not static)) if grown_name is not None else None
            if growth is None:
                continue
        elif slots != 1:
            continue  # no wrapper whatever its words are: they are not read (the file's list bindings cost ~1 s on transformers)
        if entry is None:
            entry = _pip_entry_arguments(nodes, named, aliases or {})
        if id(n) not in entry:
            # the words before the parameter must say pip (_names_pip): from a literal or a name of the
            # function's own text, or from a value bound elsewhere in the file that is a pip program
            # (`PIP = "pip"`, `os.path.join(venv, "bin", "pip")`); a command that can say neither is not
            # flattened, since reading its names costs a pass over the whole file (_list_bindings)
            if _leads_with_param(n, names, vararg):
                continue
            if says_pip is None:
                says_pip = "pip" in "\n".join(lines[function.lineno - 1 : function.end_lineno]).lower()
            if not says_pip and not (_reads_names(n, names, vararg) and _file_names_pip_program(lines, lists)):
                continue
        flat = _flatten(n, names, vararg, lines, lists)
        if flat is not None and alias:
            flat = _resolved(flat, alias)
        if flat is not None and growth is not None:
            key, place, single, lead = growth
            marker = _PARAM + ("*" if key == "*" else (_ONE_WORD + key if single else key))
            at = len(flat) if place is None else max(0, len(flat) + place) if place < 0 else min(place, len(flat))
            flat = flat[:at] + list(lead) + [marker] + flat[at:]
        if flat is None or sum(1 for w in flat if w == _PARAM or w.startswith(_PARAM)) != 1:
            continue
        if id(n) in entry:
            flat = ["pip"] + flat
        at = next(i for i, w in enumerate(flat) if w.startswith(_PARAM))
        prefix, suffix = tuple(flat[:at]), tuple(flat[at + 1:])
        if _DYNAMIC in suffix or not _names_pip(prefix):
            continue
        name = flat[at][len(_PARAM):]
        bound_to = next((k for k, v in named.items() if v is n), None)
        options = _option_extensions(nodes, bound_to, params, name.replace(_ONE_WORD, ""), lines, lists) if bound_to is not None else ()
        if name.startswith(_ONE_WORD):
            name = name[len(_ONE_WORD):]
            return _Wrapper(prefix, suffix, params.index(name), False, name, function.lineno, function.end_lineno, True, options)
        if name == "*":
            return _Wrapper(prefix, suffix, len(params), True, "", function.lineno, function.end_lineno, False, options)
        return _Wrapper(prefix, suffix, params.index(name), False, name, function.lineno, function.end_lineno, False, options)
    return None


def _resolved(flat: List[str], alias: Dict[str, str]) -> List[str]:
    """``flat`` with each parameter place named by the parameter a local
    alias stands for (:func:`_param_aliases`)."""
    out: List[str] = []
    for word in flat:
        if word.startswith(_PARAM):
            one = word.startswith(_PARAM + _ONE_WORD)
            name = word[len(_PARAM) + (len(_ONE_WORD) if one else 0):]
            if name in alias:
                word = _PARAM + (_ONE_WORD if one else "") + alias[name]
        out.append(word)
    return out


def _param_aliases(nodes: List[ast.AST], params: List[str], required: Set[str]) -> Dict[str, str]:
    """Local names of a function that only ever hold one parameter's value:
    bound (every binding of the name in the function) to the parameter, to
    a conditional whose branches are parameters or literals (``url = package
    if extern_url is None else extern_url``: the parameter without a default,
    else the first named), or as the loop variable over the parameter in a
    one-element list (``for p in [package]``, ``for p in packages`` where
    every binding of ``packages`` is ``[package]``, ``package`` or a conditional of the two). Name ->
    the parameter."""
    known = set(params)
    binds: Dict[str, List[Tuple[bool, ast.AST]]] = {}  # name -> (a loop's variable, the value or iterable)
    stores: Dict[str, int] = {}
    for n in nodes:
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            stores[n.id] = stores.get(n.id, 0) + 1
        elif isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            binds.setdefault(n.targets[0].id, []).append((False, n.value))
        elif isinstance(n, (ast.For, ast.AsyncFor)) and isinstance(n.target, ast.Name):
            binds.setdefault(n.target.id, []).append((True, n.iter))
    if not binds:
        return {}

    def one_param(values: List[Optional[str]]) -> Optional[str]:
        return values[0] if values and values[0] is not None and all(v == values[0] for v in values) else None

    def listed(value: ast.AST) -> Optional[str]:  # `[package]` / `(package,)`
        if isinstance(value, (ast.List, ast.Tuple)) and len(value.elts) == 1:
            element = value.elts[0]
            if isinstance(element, ast.Name) and element.id in known:
                return element.id
        return None

    def branch_param(value: ast.AST) -> Optional[str]:
        if isinstance(value, ast.Name):
            return value.id if value.id in known else None
        if isinstance(value, ast.IfExp):
            branches = (value.body, value.orelse)
            if not all((isinstance(b, ast.Name) and b.id in known) or (isinstance(b, ast.Constant) and (b.value is None or isinstance(b.value, str))) for b in branches):
                return None
            named = [b.id for b in branches if isinstance(b, ast.Name)]
            return next((x for x in named if x in required), named[0] if named else None)
        return None

    def list_param(value: ast.AST) -> Optional[str]:  # `[package]`, `package`, or a conditional of the two
        if isinstance(value, ast.IfExp):
            return one_param([list_param(value.body), list_param(value.orelse)])
        return listed(value) or (value.id if isinstance(value, ast.Name) and value.id in known else None)

    lists_of: Dict[str, str] = {}  # `packages` -> `package`: every binding `[package]` or `package`
    for name, bound in binds.items():
        if name in known or stores.get(name, 0) != len(bound) or any(loop for loop, _ in bound):
            continue
        param = one_param([list_param(v) for _, v in bound])
        if param is not None:
            lists_of[name] = param
    found: Dict[str, str] = {}
    for name, bound in binds.items():
        if name in known or stores.get(name, 0) != len(bound):
            continue
        values: List[Optional[str]] = []
        for loop, value in bound:
            if loop:
                values.append(listed(value) or (lists_of.get(value.id) if isinstance(value, ast.Name) else None))
            else:
                values.append(branch_param(value))
        param = one_param(values)
        if param is not None:
            found[name] = param
    return found


#: a string split into a command's words: ``line.split()``, ``shlex.split(line)``
_SPLITS = frozenset({"shlex.split"})


def _text_commands(nodes: List[ast.AST], used: Set[int], named: Dict[str, ast.AST], aliases: Dict[str, str]) -> Set[int]:
    """ids of the strings a function runs as a command line: split into
    words and run or returned (``Popen(line.split())``, ``run(shlex.split(line))``,
    ``return line.split()``), or given to a shell (``os.system(line)``,
    ``subprocess.run(line, shell=True)``); a name bound to the string in the
    function counts as the string. A string only printed or logged is not one."""
    local = dict(aliases)
    local.update(_aliases(n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom))))
    found: Set[int] = set()
    # `print(line.split())`, `log.info(...)`: a message, not a run
    said = {id(n.args[0]) for n in nodes if isinstance(n, ast.Call) and n.args and _MESSAGE_CALL.search(_dotted_tail(n.func))}

    def add(value: ast.AST) -> None:
        found.add(id(value))
        if isinstance(value, ast.Name) and value.id in named:
            found.add(id(named[value.id]))

    for n in nodes:
        if not isinstance(n, ast.Call):
            continue
        func = n.func
        if id(n) in used and id(n) not in said:
            if isinstance(func, ast.Attribute) and func.attr == "split" and not n.keywords and not n.args:
                add(func.value)
                continue
            if n.args and _qualname(func, local) in _SPLITS:
                add(n.args[0])
                continue
        if not n.args:
            continue
        qualname = _qualname(func, local)
        shell = any(k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value is True for k in n.keywords)
        if qualname in SHELL_CALLS or (shell and (qualname in EXEC_CALLS or _dotted_tail(func) in RUNNERS)):
            add(n.args[0])
    return found


#: a parameter's place in a line read by :func:`_template_words`
_SLOT = "\x00"
#: a value that cannot be read there
_UNREAD = "\x01"
_SLOT_WORD = lazyre.compile("\x00(\\w+)\x00")


def _template_words(node: ast.AST, names: Set[str]) -> Optional[List[str]]:
    """The words of a command line built from a parameter: an f-string
    (``f"pip install {package}"``), ``"pip install {}".format(package)`` or
    ``"pip install %s" % package``, with ``_PARAM + _ONE_WORD + name`` for
    the word that is a parameter (of ``names``) and :data:`_DYNAMIC` for one
    that holds another value; None when the parameter is part of a word
    (``{name}=={version}``), the line chains commands, or it is no template."""
    import string as _string

    def value(v: ast.AST) -> str:
        return _SLOT + v.id + _SLOT if isinstance(v, ast.Name) and v.id in names else _UNREAD

    parts: List[str] = []
    if isinstance(node, ast.JoinedStr):
        for v in node.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value)
            elif isinstance(v, ast.FormattedValue):
                parts.append(value(v.value) if v.conversion == -1 and v.format_spec is None else _UNREAD)
    elif (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)
    ):
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        auto = 0
        try:
            fields = list(_string.Formatter().parse(node.func.value.value))
        except ValueError:
            return None
        for text, field, spec, conversion in fields:
            parts.append(text)
            if field is None:
                continue
            if field == "":
                field, auto = str(auto), auto + 1
            given = node.args[int(field)] if field.isdigit() and int(field) < len(node.args) else keywords.get(field)
            parts.append(value(given) if given is not None and not spec and not conversion else _UNREAD)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        given = list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
        pieces = node.left.value.split("%s")
        if "%" in "".join(pieces).replace("%%", "") or len(pieces) - 1 != len(given):
            return None
        for index, piece in enumerate(pieces):
            parts.append(piece.replace("%%", "%"))
            if index < len(given):
                parts.append(value(given[index]))
    else:
        return None
    words: List[str] = []
    for word in "".join(parts).split():
        if word in ("&&", "||", ";", "|") or word.endswith(";"):
            return None
        if _SLOT in word:
            match = _SLOT_WORD.fullmatch(word)
            if match is None:
                return None
            words.append(_PARAM + _ONE_WORD + match.group(1))
        else:
            words.append(_DYNAMIC if _UNREAD in word else word)
    return words


def _required(function: Any, method: bool) -> Set[str]:
    """The function's positional parameters that have no default (``self``
    / ``cls`` left out for a method)."""
    args = function.args
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    required = positional[: len(positional) - len(args.defaults)]
    return set(required[1:] if method else required)


def _param_growth(nodes: List[ast.AST], name: str, params: List[str], vararg: Optional[str], required: Optional[Set[str]] = None) -> Optional[Tuple[str, Optional[int], bool, Tuple[str, ...]]]:
    """How a function adds one of its parameters to the list bound to
    ``name``: ``name.append(p)`` / ``name.insert(i, p)`` / ``name += [p]`` /
    ``name.extend([p])`` (one word), ``name.extend(p)`` / ``name += p`` /
    ``name.extend([*p])`` (its words; ``*args`` as ``"*"``). Returns (the
    parameter, the literal insert position or None for the end, one word,
    the literal words added just before it: ``name += ["--quiet"] + args``),
    or None when no parameter, or more than one addition, is found; of
    several, the one addition of a ``required`` parameter (``extend(extra_args)``
    of an optional one is an option's, not the packages)."""
    found: List[Tuple[str, Optional[int], bool, Tuple[str, ...]]] = []
    for node in nodes:
        place: Optional[int] = None
        lead: Tuple[str, ...] = ()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id == name and not node.keywords:
            method = node.func.attr
            if method == "append" and len(node.args) == 1:
                value, single = node.args[0], True
            elif method == "extend" and len(node.args) == 1:
                value, single = node.args[0], False
            elif method == "insert" and len(node.args) == 2 and isinstance(node.args[0], ast.Constant) and type(node.args[0].value) is int:
                value, single, place = node.args[1], True, node.args[0].value
            else:
                continue
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name) and node.target.id == name:
            value, single = node.value, False
            if (
                isinstance(value, ast.BinOp)
                and isinstance(value.op, ast.Add)
                and isinstance(value.left, (ast.List, ast.Tuple))
                and value.left.elts
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.left.elts)
            ):
                lead, value = tuple(e.value for e in value.left.elts), value.right  # name += ["--opt", "v"] + args
        else:
            continue
        if not single and isinstance(value, (ast.List, ast.Tuple)) and len(value.elts) == 1:
            element = value.elts[0]
            value, single = (element.value, False) if isinstance(element, ast.Starred) else (element, True)
        if not isinstance(value, ast.Name):
            continue
        if value.id == vararg and not single:
            found.append(("*", place, False, lead))
        elif value.id in params:
            found.append((value.id, place, single, lead))
    if len(found) > 1 and required is not None:
        found = [f for f in found if f[0] in required]
    return found[0] if len(found) == 1 else None


def _leads_with_param(node: ast.AST, params: Set[str], vararg: Optional[str]) -> bool:
    """The command expression starts with the parameter's words (``(config,
    dtype)``, ``args + ["-q"]``): nothing before it can say pip."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        node = node.left
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple") and len(node.args) == 1:
        node = node.args[0]
    if isinstance(node, (ast.List, ast.Tuple)):
        if not node.elts:
            return False
        node = node.elts[0]
        if isinstance(node, ast.Starred):
            node = node.value
    return isinstance(node, ast.Name) and (node.id in params or node.id == vararg)


def _reads_names(node: ast.AST, params: Set[str], vararg: Optional[str]) -> bool:
    """Some part of the command is a name, attribute, subscript or starred
    value other than the parameter: its words come from the file's bindings."""
    parts: List[ast.AST] = [node]
    while parts:
        part = parts.pop()
        if isinstance(part, ast.BinOp):
            parts += [part.left, part.right]
        elif isinstance(part, ast.Call) and isinstance(part.func, ast.Name) and part.func.id in ("list", "tuple") and len(part.args) == 1:
            parts.append(part.args[0])
        elif isinstance(part, (ast.List, ast.Tuple)):
            parts += part.elts
        elif isinstance(part, ast.Starred):
            parts.append(part.value)
        elif isinstance(part, ast.Name):
            if part.id not in params and part.id != vararg:
                return True
        elif isinstance(part, (ast.Attribute, ast.Subscript)) and not (
            isinstance(part, ast.Attribute) and part.attr == "executable" and isinstance(part.value, ast.Name) and part.value.id == "sys"
        ):
            return True
    return False


#: a string literal that is, or ends a path in, the pip program (``"pip"``,
#: ``"pip3"``, ``f"{venv}/bin/pip"``, ``"Scripts\\pip.exe"``): what a name
#: bound elsewhere in the file needs to say pip (a bounded class, no backtracking)
_PIP_PROGRAM_LITERAL = lazyre.compile(r"""["'/\\]pip(?:\d+(?:\.\d+)?)?(?:\.exe)?["']""")


def _file_names_pip_program(lines: List[str], lists: Any) -> bool:
    """Whether any string literal of the file can make a name a pip
    program (:data:`_PIP_PROGRAM_LITERAL`), searched once per file."""
    known = getattr(lists, "names_pip_program", None)
    if known is None:
        known = any(_PIP_PROGRAM_LITERAL.search(line) for line in lines if "pip" in line)
        try:
            lists.names_pip_program = known
        except AttributeError:
            pass
    return known


def _pip_entry_arguments(nodes: List[ast.AST], named: Dict[str, ast.AST], aliases: Dict[str, str]) -> Set[int]:
    """ids of the command lists a function hands to pip's own entry point
    (:data:`PIP_MAINS`): ``main(argv)`` where ``main`` is imported from pip
    in the function (in any branch) or the module, ``pip.main(argv)``; a
    name bound to the list in the function counts as the list."""
    local = dict(aliases)
    local.update(_aliases(n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom))))
    found: Set[int] = set()
    for n in nodes:
        if isinstance(n, ast.Call) and n.args and _qualname(n.func, local) in PIP_MAINS:
            arg = n.args[0]
            found.add(id(arg))
            if isinstance(arg, ast.Name) and arg.id in named:
                found.add(id(named[arg.id]))
    return found


def _option_extensions(nodes: List[ast.AST], command: str, params: List[str], main: str, lines: List[str], lists: Any) -> Tuple[Tuple[str, int, Tuple[str, ...]], ...]:
    """What a wrapper adds to its command list ``command`` for another
    parameter: ``command.extend(["--extra-index-url", url])``,
    ``command += ["-i", url]``, ``command.append(f"--index-url={url}")`` is
    not read (one word: the option and its value are not split); each
    extension names exactly one parameter other than ``main`` as a whole
    element, its other elements literal words. Whether a branch (``if
    url:``) guards it does not matter: a call that gives the parameter a
    literal string turns it on (see :meth:`_Wrapper._option_words`)."""
    found: List[Tuple[str, int, Tuple[str, ...]]] = []
    for node in nodes:
        added: Optional[ast.AST] = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "extend" and len(node.args) == 1 and not node.keywords:
            target = node.func.value
            added = node.args[0]
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            target = node.target
            added = node.value
        else:
            continue
        if not (isinstance(target, ast.Name) and target.id == command and isinstance(added, (ast.List, ast.Tuple))):
            continue
        words: List[str] = []
        param = None
        for element in added.elts:
            if isinstance(element, ast.Name) and element.id in params and element.id != main and param in (None, element.id):
                param = element.id
                words.append(_PARAM)
            elif isinstance(element, ast.Constant) and isinstance(element.value, str):
                words.append(element.value)
            else:
                words = []
                break
        if param is not None and words and _PARAM in words:
            found.append((param, params.index(param), tuple(words)))
    return tuple(found)


#: module file key -> its module-level pip wrappers by name (None: not read)
_MODULE_WRAPPERS: Dict[Tuple[str, int, int], Dict[str, Optional[_Wrapper]]] = {}
#: (``pipe``/``pipeline`` say neither: ``from transformers import pipeline``)
_WRAPPER_NAME = lazyre.compile(r"(?i)install|pip(?!e)")


def _imported_wrappers(unit: Any, tree: ast.AST) -> Dict[str, _Wrapper]:
    """Local name -> the pip wrapper (:class:`_Wrapper`) a name imported
    from another project module is there: a module-level function defined
    once, whose name says install or pip, read with ``ast`` (never run); a
    project module imported by name (``from pkg.utils import
    dynamic_pip_install``, ``import pkg.deps as deps``) whose wrapper the
    file calls as an attribute (``deps.install(x)``) is keyed
    ``"deps.install"``. The modules read are recorded in
    ``unit.extra["read_files"]``."""
    from mlwarden.core.project import module_file

    path = getattr(unit, "path", None)
    if path is None or not Path(path).is_file():
        return {}
    imports: List[ast.AST] = []
    called: Dict[str, Set[str]] = {}  # module alias -> the install-like attributes the file calls on it
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            if _WRAPPER_NAME.search(node.func.attr):
                called.setdefault(node.func.value.id, set()).add(node.func.attr)
    found: Dict[str, _Wrapper] = {}

    def read(module: str, level: int) -> Optional[Dict[str, Optional[_Wrapper]]]:
        source = module_file(Path(path), module, level)
        if source is None or str(source) == str(path):
            return None
        wrappers = _module_wrappers(source)
        if wrappers is not None:
            unit.extra.setdefault("read_files", set()).add(str(source))
        return wrappers

    for node in imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or (alias.name if "." not in alias.name else None)
                if local is None or local not in called:
                    continue
                wrappers = read(alias.name, 0)
                for attr in called[local]:
                    wrapper = (wrappers or {}).get(attr)
                    if wrapper is not None:
                        found[f"{local}.{attr}"] = wrapper
            continue
        if not (node.module or node.level):  # type: ignore[attr-defined]
            continue
        names = [a for a in node.names if a.name != "*"]  # type: ignore[attr-defined]
        wanted = [a for a in names if _WRAPPER_NAME.search(a.name)]
        if wanted:
            wrappers = read(node.module or "", node.level or 0)  # type: ignore[attr-defined]
            for alias in wanted:
                wrapper = (wrappers or {}).get(alias.name)
                if wrapper is not None:
                    found[alias.asname or alias.name] = wrapper
        for alias in names:
            local = alias.asname or alias.name
            if local not in called:
                continue
            # `from pkg.utils import dynamic_pip_install`: a submodule imported by name
            module = f"{node.module}.{alias.name}" if node.module else alias.name  # type: ignore[attr-defined]
            wrappers = read(module, node.level or 0)  # type: ignore[attr-defined]
            for attr in called[local]:
                wrapper = (wrappers or {}).get(attr)
                if wrapper is not None:
                    found[f"{local}.{attr}"] = wrapper
    return found


@dataclasses.dataclass(frozen=True)
class _ReturnedWords:
    """The words of the list a module-level function of another project
    module returns (``def get_pip_dependencies(): core = ["colorama", …]
    … return core + extra``), for ``[..., "install", *get_pip_dependencies()]``
    in the file that imports it. Calling it installs nothing by itself."""

    texts: Tuple[str, ...]
    first: int = 0
    last: int = 0

    def words(self, call: ast.Call, lines: List[str], lists: Any) -> Optional[List[Word]]:
        return None


def _returned_texts(function: ast.AST, lists: Any, lines: List[str]) -> Optional[Tuple[str, ...]]:
    """The words of the one list a function without parameters returns (a
    literal, names bound to lists and grown by ``.append``, ``a + b`` of
    those), a part we cannot read as ``{…}``; None when it returns
    something else or more than once."""
    args = function.args  # type: ignore[attr-defined]
    if args.args or args.posonlyargs or args.vararg or args.kwonlyargs or args.kwarg:
        return None
    returns = [n for n in _own_walk(function) if isinstance(n, ast.Return)]
    if len(returns) != 1 or returns[0].value is None:
        return None
    value = returns[0].value
    if not isinstance(value, (ast.List, ast.Tuple, ast.BinOp, ast.Name)):
        return None
    words = _argv_words(value, lines, lists)
    if not words or all(w.text == _DYNAMIC for w in words):
        return None
    return tuple(w.text for w in words)


def _module_wrappers(source: Path) -> Optional[Dict[str, Optional[_Wrapper]]]:
    """A project module's module-level pip wrappers by name (functions
    defined once whose name says install or pip), read once per run; None
    when the file cannot be keyed."""
    from mlwarden.core.project import _file_key

    key = _file_key(source)
    if key is None:
        return None
    wrappers = _MODULE_WRAPPERS.get(key)
    if wrappers is None:
        wrappers = {}
        try:
            text = source.read_text(encoding="utf-8", errors="replace")
            other = ast.parse(text)
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            other = None
        if other is not None:
            lines, lists = text.splitlines(), _LazyLists(other)
            defs: Dict[str, List[ast.AST]] = {}
            for stmt in other.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and _WRAPPER_NAME.search(stmt.name):
                    defs.setdefault(stmt.name, []).append(stmt)
            aliases = _aliases(n for n in ast.walk(other) if isinstance(n, (ast.Import, ast.ImportFrom))) if defs else {}
            for name, functions in defs.items():
                wrapper = _wrapper_of(functions[0], False, lines, lists, aliases) if len(functions) == 1 else None
                if wrapper is not None:
                    wrapper = dataclasses.replace(wrapper, first=0, last=0) if dataclasses.is_dataclass(wrapper) else wrapper
                elif len(functions) == 1:
                    texts = _returned_texts(functions[0], lists, lines)
                    if texts is not None:
                        wrapper = _ReturnedWords(texts)  # type: ignore[assignment]
                wrappers[name] = wrapper
        if len(_MODULE_WRAPPERS) > 512:
            _MODULE_WRAPPERS.clear()
        _MODULE_WRAPPERS[key] = wrappers
    return wrappers


def _names_pip(prefix: Tuple[str, ...]) -> bool:
    """A command prefix that runs pip: ``pip``/``pip3`` (or a path to one), or ``-m pip``."""
    from mlwarden.sources.shell import PIP_RE

    return any(PIP_RE.match(w) for w in prefix) and (prefix[0] not in ("install",))


def _flatten(node: ast.AST, params: Set[str], vararg: Optional[str], lines: List[str], lists: Any) -> Optional[List[str]]:
    """The words of a command expression, with ``_PARAM + name`` where a
    parameter's words go (``[...] + args``, ``[..., *pkgs]``,
    ``list(args)``); None when a part cannot be read."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _flatten(node.left, params, vararg, lines, lists)
        right = _flatten(node.right, params, vararg, lines, lists)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple") and len(node.args) == 1:
        node = node.args[0]
    if isinstance(node, ast.Name):
        if node.id in params:
            return [_PARAM + node.id]
        if node.id == vararg:
            return [_PARAM + "*"]
        return None
    if isinstance(node, (ast.List, ast.Tuple)):
        words: List[str] = []
        for element in node.elts:
            if isinstance(element, ast.Starred) and isinstance(element.value, ast.Name) and (element.value.id in params or element.value.id == vararg):
                words.append(_PARAM + ("*" if element.value.id == vararg else element.value.id))
            elif isinstance(element, ast.Name) and element.id in params:
                words.append(_PARAM + _ONE_WORD + element.id)
            else:
                words.extend(w.text for w in _element_words(element, lines, lists))
        return words
    return None


def _param_slots(node: ast.AST, params: Set[str], vararg: Optional[str]) -> int:
    """How many parameter places :func:`_flatten` gives ``node``, read from
    its shape alone (the same cases: a parameter's name alone or in a ``+``,
    ``list(...)``/``tuple(...)`` of one, a starred parameter in a list)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _param_slots(node.left, params, vararg) + _param_slots(node.right, params, vararg)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple") and len(node.args) == 1:
        node = node.args[0]
    if isinstance(node, ast.Name):
        return int(node.id in params or node.id == vararg)
    if isinstance(node, (ast.List, ast.Tuple)):
        return sum(
            1
            for e in node.elts
            if (isinstance(e, ast.Starred) and isinstance(e.value, ast.Name) and (e.value.id in params or e.value.id == vararg))
            or (isinstance(e, ast.Name) and e.id in params)
            or (isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.startswith(_PARAM))
        )
    return 0


def _own_walk(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``function``'s body, not inside nested functions or classes
    (in the order of a stack walk over ``ast.iter_child_nodes``)."""
    from mlwarden.core.gate import own_nodes

    return own_nodes(function)


def _python_first(words: List[Word]) -> List[Word]:
    """``{python_exe} -m pip …``: a program we cannot read followed by
    ``-m`` is a Python interpreter, also with the interpreter's own options
    before ``-m`` (``{exe} -I -m pip``, ``{exe} -u -X utf8 -m pip``)."""
    if len(words) > 2 and words[0].text == _DYNAMIC and words[1].text.startswith("-"):
        from mlwarden.sources.dependencies.installs import python_module_at

        if python_module_at([w.text for w in words[:12]]) is not None:
            words[0] = dataclasses.replace(words[0], text="python")
    return words


class _LazyLists(dict):
    """:func:`_list_bindings`, computed when a command first names a list
    (most files with a subprocess call never do). Also holds what a loop
    variable may be (:attr:`loops`) and the string values of names bound
    only to strings (:attr:`strings`)."""

    def __init__(self, tree: ast.AST) -> None:
        super().__init__()
        self._tree: Optional[ast.AST] = tree
        self._loops: Dict[int, List[ast.AST]] = {}
        self._strings: Dict[int, List[ast.AST]] = {}
        self._binds: Dict[int, List[ast.AST]] = {}
        self._every: Dict[int, List[Any]] = {}
        self._fields: Optional[Dict[str, List[ast.AST]]] = None
        self._module: Optional[ast.AST] = tree
        self._functions: Optional[Dict[str, ast.AST]] = None
        #: name -> the words of the list a function of another project module returns (:class:`_ReturnedWords`)
        self.imported_returns: Dict[str, Tuple[str, ...]] = {}

    def _fill(self) -> None:
        if self._tree is not None:
            tree, self._tree = self._tree, None
            self.update(_list_bindings(tree, self._loops, self._strings, self._binds, self._every))

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def __getitem__(self, key: Any) -> Any:
        self._fill()
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._fill()
        return super().get(key, default)

    def loop_values(self, name: ast.AST) -> List[ast.AST]:
        """The values a loop variable takes (``for x in [a, b]``, or a list
        built from a literal and ``.append``/``.extend`` calls), or []."""
        self._fill()
        return self._loops.get(id(name), [])

    def bound_values(self, name: ast.AST) -> List[ast.AST]:
        """Every value a name is bound to when none of its bindings is a
        parameter or a loop, or []."""
        self._fill()
        return self._binds.get(id(name), [])

    def every_value(self, name: ast.AST) -> List[Any]:
        """Every value a name may hold at a use: the values of its
        bindings in its scope (or the module's), None for a parameter or a
        binding that cannot be read; [] when the name is not bound."""
        self._fill()
        return self._every.get(id(name), [])

    def string_values(self, name: ast.AST) -> List[ast.AST]:
        """Every value of a name whose bindings in its scope are all string
        expressions (``cmd = f"..."`` in both branches of an ``if``), or []."""
        self._fill()
        return self._strings.get(id(name), [])

    def function_returns(self, name: str) -> List[ast.AST]:
        """The values every ``return`` of the module-level function ``name``
        (the only definition of that name) gives, [] when there is none."""
        if self._functions is None:
            counts: Dict[str, int] = {}
            found: Dict[str, ast.AST] = {}
            for stmt in getattr(self._module, "body", []):
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    counts[stmt.name] = counts.get(stmt.name, 0) + 1
                    found[stmt.name] = stmt
            self._functions = {n: f for n, f in found.items() if counts[n] == 1}
        function = self._functions.get(name)
        if function is None:
            return []
        returns = [n for n in _own_walk(function) if isinstance(n, ast.Return)]
        if not returns or any(r.value is None for r in returns):
            return []
        return [r.value for r in returns]  # type: ignore[misc]

    def field_strings(self, node: ast.AST) -> List[ast.AST]:
        """The command strings an object's field holds when ``node`` is
        ``obj.field`` (or a name some binding of which is exactly that):
        every string the file gives ``field``, as a keyword argument
        (``Info(install_cmd="pip install x")``), a class-level default
        (``install_cmd: str = "pip install x"``, ``field(default=...)``) or
        ``self.install_cmd = "..."``; [] when any value it is given is not a
        string, or when none is."""
        if isinstance(node, ast.Attribute):
            attrs = {node.attr}
        elif isinstance(node, ast.Name):
            self._fill()
            attrs = {v.attr for v in self._binds.get(id(node), []) if isinstance(v, ast.Attribute)}
        else:
            return []
        if not attrs:
            return []
        if self._fields is None:
            self._fields = _field_values(self._module) if self._module is not None else {}
        found: List[ast.AST] = []
        for attr in sorted(attrs):
            values = self._fields.get(attr, [])
            if not values or not all(v is not None and _is_string(v) for v in values):
                return []
            found.extend(values)
        return found


def _aliases(imports: Iterable[ast.AST]) -> Dict[str, str]:
    """Local name -> qualified name, from every import in the module."""
    out: Dict[str, str] = {}
    from mlwarden.core.asttree import import_aliases

    for node in imports:
        out.update(import_aliases(node))
    return out


def _qualname(func: ast.AST, aliases: Dict[str, str]) -> Optional[str]:
    parts: List[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    parts.append(func.id)
    parts.reverse()
    head = aliases.get(parts[0])
    if head is None:
        if parts[0] not in _WELL_KNOWN:
            return None
        head = parts[0]
    return ".".join([head, *parts[1:]])


#: pip's command factory: ``create_command("install")`` is the object ``pip install`` runs
PIP_CREATE_COMMAND = frozenset({"pip._internal.commands.create_command"})


def _pip_command_object(node: ast.Call, aliases: Dict[str, str]) -> Optional[str]:
    """``"install"`` for ``create_command("install").main(argv)`` (pip's own
    entry point, the factory imported from ``pip._internal.commands``), else
    None."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "main" and isinstance(func.value, ast.Call)):
        return None
    factory = func.value
    if _qualname(factory.func, aliases) not in PIP_CREATE_COMMAND or not factory.args:
        return None
    first = factory.args[0]
    if isinstance(first, ast.Constant) and first.value in ("install", "download", "wheel"):
        return str(first.value)
    return None


def _is_ipython_call(node: ast.Call, method: str) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == method
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, (ast.Name, ast.Attribute))
        and (func.value.func.id if isinstance(func.value.func, ast.Name) else func.value.func.attr) == "get_ipython"
    )


def _is_string(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)  # "pip install {}".format(x)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)  # "pip install %s" % x
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and (_is_string(node.left) or _is_string(node.right))


def _list_bindings(
    tree: ast.AST,
    loops: Optional[Dict[int, List[ast.AST]]] = None,
    strings: Optional[Dict[int, List[ast.AST]]] = None,
    binds: Optional[Dict[int, List[ast.AST]]] = None,
    every: Optional[Dict[int, List[Any]]] = None,
) -> Dict[int, ast.AST]:
    """``id(Name node)`` -> the list it names, for names assigned exactly
    once in their function (or module) to a list/tuple literal or a ``+`` of
    them: ``cmd = [sys.executable, "-m", "pip", "install", "x"]``. A name a
    function uses without binding it is the module's (``INSTALL = "pip
    install x"`` … ``def f(): os.system(INSTALL)``).

    ``loops`` receives, for a name bound only as the target of one ``for``
    loop, the elements of the loop's iterable when they can be listed (a
    literal, or a name bound once to a literal and grown only by
    ``.append``/``.extend`` of literals); ``strings`` receives every value of
    a name all of whose bindings are string expressions; ``binds`` every
    value of a name none of whose bindings is a parameter or a loop."""
    out: Dict[int, ast.AST] = {}
    scopes = [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    module_assigned: Dict[str, List[Any]] = {}
    module_grown: Dict[str, List[ast.AST]] = {}
    for scope in scopes:
        assigned: Dict[str, List[Any]] = {}
        iterables: Dict[str, List[ast.AST]] = {}
        grown: Dict[str, List[ast.AST]] = {}
        # name -> (where, the elements added (None: unknown)) of every
        # `.append(x)` / `.extend([...])` / `+= [...]` in the scope
        growth: Dict[str, List[Tuple[Tuple[int, int], List[Optional[ast.AST]]]]] = {}
        uses: List[ast.Name] = []
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = scope.args
            for arg in (*params.posonlyargs, *params.args, *params.kwonlyargs, params.vararg, params.kwarg):
                if arg is not None:
                    assigned.setdefault(arg.arg, []).append(None)  # a parameter: not the module's list
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue  # their own scope
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Store):
                    assigned.setdefault(node.id, []).append(None)
                elif isinstance(node.ctx, ast.Load):
                    uses.append(node)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if not _splits_itself(node.value, node.targets[0].id):  # cmd = cmd.split(): the same command
                    assigned.setdefault(node.targets[0].id, []).append(node.value)
                stack.append(node.value)
                continue
            if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name):
                iterables.setdefault(node.target.id, []).append(node.iter)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "extend")
                and isinstance(node.func.value, ast.Name)
                and len(node.args) == 1
            ):
                arg = node.args[0]
                if node.func.attr == "append":
                    grown.setdefault(node.func.value.id, []).append(arg)
                elif isinstance(arg, (ast.List, ast.Tuple)):
                    grown.setdefault(node.func.value.id, []).extend(arg.elts)
                else:
                    grown.setdefault(node.func.value.id, []).append(None)  # type: ignore[arg-type]
                added = [arg] if node.func.attr == "append" else _added_elements(arg)
                growth.setdefault(node.func.value.id, []).append(((node.lineno, node.col_offset), added))
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                added = _added_elements(node.value) if isinstance(node.op, ast.Add) else [None]
                if any(e is not None for e in added):  # cmd += ["--extra-index-url", URL] (+ args): a growth
                    growth.setdefault(node.target.id, []).append(((node.lineno, node.col_offset), added))
                    stack.append(node.value)
                    continue
                assigned.setdefault(node.target.id, []).append(None)
            stack.extend(ast.iter_child_nodes(node))

        if scope is tree:
            module_assigned, module_grown = assigned, grown

        def elements(iterable: ast.AST) -> List[ast.AST]:
            if isinstance(iterable, (ast.List, ast.Tuple)):
                return list(iterable.elts)
            if isinstance(iterable, ast.Name):
                here = iterable.id in assigned
                values = assigned.get(iterable.id) if here else module_assigned.get(iterable.id)  # a module-level list
                if values and len(values) == 1 and isinstance(values[0], (ast.List, ast.Tuple)):
                    extra = (grown if here else module_grown).get(iterable.id, [])
                    if all(e is not None for e in extra):
                        return list(values[0].elts) + extra
            return []

        for use in uses:
            values = assigned.get(use.id)
            if values is None and scope is not tree and use.id not in iterables:
                values = module_assigned.get(use.id)  # a module-level command used in a function
            if binds is not None and values and all(v is not None for v in values):
                binds[id(use)] = values
            if every is not None and values and use.id not in iterables:
                every[id(use)] = values
            if values and len(values) == 1 and isinstance(values[0], (ast.List, ast.Tuple, ast.BinOp)) and use.id not in iterables:
                out[id(use)] = values[0]
                here = growth.get(use.id) if use.id in assigned else None
                if here and isinstance(values[0], (ast.List, ast.Tuple)):
                    # words added before this use, in any branch, are words the command can hold
                    at = (use.lineno, use.col_offset)
                    extra = [e for where, added in sorted(here, key=lambda g: g[0]) if where < at for e in added]
                    if extra:
                        out[id(use)] = ast.copy_location(ast.List(elts=list(values[0].elts) + [e if e is not None else _unknown_element(use) for e in extra], ctx=ast.Load()), values[0])
            if loops is not None and use.id in iterables and len(iterables[use.id]) == 1 and values and len(values) == 1:
                found = elements(iterables[use.id][0])
                if found:
                    loops[id(use)] = found
            if strings is not None and values and all(v is not None and _is_string(v) for v in values):
                strings[id(use)] = values
    return out


def _added_elements(value: ast.AST) -> List[Optional[ast.AST]]:
    """The elements ``.extend(value)`` / ``+= value`` adds to a list: a
    literal's elements, ``[...] + other`` read part by part; None for a part
    that cannot be listed."""
    if isinstance(value, (ast.List, ast.Tuple)):
        return [e if not isinstance(e, ast.Starred) else None for e in value.elts]
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _added_elements(value.left) + _added_elements(value.right)
    return [None]


def _unknown_element(at: ast.AST) -> ast.AST:
    """An element whose value we cannot know (read as ``{…}``)."""
    return ast.copy_location(ast.Name(id="__mlwarden_unknown__", ctx=ast.Load()), at)


def _splits_itself(value: ast.AST, name: str) -> bool:
    """``name.split()`` or ``shlex.split(name)``: a command string rebound
    to its own words (``cmd = "pip install x"; cmd = cmd.split()``)."""
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute) or value.func.attr != "split":
        return False
    if isinstance(value.func.value, ast.Name) and value.func.value.id == name and not value.args:
        return True
    return isinstance(value.func.value, ast.Name) and value.func.value.id == "shlex" and len(value.args) == 1 and isinstance(value.args[0], ast.Name) and value.args[0].id == name


def _field_values(tree: ast.AST) -> Dict[str, List[Any]]:
    """Field name -> every value the file gives it: keyword arguments of
    calls, class-level assignments (a ``field(default=...)`` /
    ``Field(...)`` counts as its default) and ``<obj>.<field> = ...``; None
    for an assignment that cannot be read (``+=``, a tuple target). A
    constructor's ``self.field = field`` relays its callers' arguments,
    which are read where they are written."""
    found: Dict[str, List[Any]] = {}
    relays = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.name == "__init__":
            positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
            params = set(positional[1:]) | {a.arg for a in function.args.kwonlyargs}
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in params
                    and all(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and positional and t.value.id == positional[0] for t in node.targets)
                ):
                    relays.add(id(node))  # self.install = install
    for node in ast.walk(tree):
        if id(node) in relays:
            continue
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg is not None:
                    found.setdefault(keyword.arg, []).append(keyword.value)
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                target = stmt.target if isinstance(stmt, ast.AnnAssign) else stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
                value = getattr(stmt, "value", None)
                if isinstance(target, ast.Name) and value is not None:
                    if isinstance(value, ast.Call) and _dotted_tail(value.func) in ("field", "Field"):
                        value = next((k.value for k in value.keywords if k.arg == "default"), value.args[0] if value.args else None)
                    found.setdefault(target.id, []).append(value)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                items = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                for item in items:
                    if isinstance(item, ast.Attribute):
                        plain = item is target and not isinstance(node, ast.AugAssign)
                        found.setdefault(item.attr, []).append(node.value if plain else None)
    return found


def _dotted_tail(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _string_words(node: ast.AST, lines: List[str], lists: Any = None) -> Optional[List[Word]]:
    """Shell words of a string expression, each at its own column when the
    literal sits on one line without escapes; None if not a string."""
    from mlwarden.sources.dependencies.requirement import split_words

    text = _string_text(node, lines, lists)
    if text is None:
        return None
    base = _literal_offset(node, text, lines)
    words = []
    for token in split_words(text):
        if base is not None:
            words.append(Word(token.text, node.lineno, base + token.start))
        else:
            words.append(Word(token.text, node.lineno, node.col_offset))
    return words


def _string_text(node: ast.AST, lines: Optional[List[str]] = None, lists: Any = None, depth: int = 0) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if depth > 4:
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = node.func.value
        if isinstance(template, ast.Constant) and isinstance(template.value, str):
            return _format_text(template.value, node, lines, lists, depth)  # "{} -m pip install {}".format(...)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            return _percent_text(node.left.value, node.right, lines, lists, depth)  # "pip install %s" % pkg
        return None
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
                continue
            if isinstance(value, ast.FormattedValue) and not value.format_spec and value.conversion == -1 and _joins_words(value.value):
                parts.append(_value_text(value.value, lines, lists, depth))  # f"pip install {' '.join(deps)}"
                continue
            if isinstance(value, ast.FormattedValue) and not value.format_spec and value.conversion == -1 and lists is not None and _names_pip_program(value.value, lists):
                parts.append("pip")  # f"{check_pip()} install x", `pip = find_pip()` … f"{pip} install x"
                continue
            picked = _installer_value(value.value, lines or [], lists) if isinstance(value, ast.FormattedValue) and lists is not None else None
            every = _loop_strings(value.value, lists) if isinstance(value, ast.FormattedValue) and lists is not None and picked is None else []
            if isinstance(picked, ast.Constant) and isinstance(picked.value, str) and not value.format_spec and value.conversion == -1:
                parts.append(picked.value)  # f"{pip} install x" in `for pip in ("pip", "pip3")`
            elif every and not value.format_spec and value.conversion == -1 and all(v.value.split() == [v.value] for v in every):
                parts.append(" ".join(v.value for v in every))  # f"pip install {pkg}" in `for pkg in [...]`
            else:
                parts.append(_DYNAMIC)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string_text(node.left, lines, lists), _string_text(node.right, lines, lists)
        if left is None and right is None:
            return None
        return (left if left is not None else _DYNAMIC) + (right if right is not None else _DYNAMIC)
    return None


def _joins_words(node: ast.AST) -> bool:
    """``" ".join(...)``: words joined by blanks."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
            and len(node.args) == 1 and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)
            and node.func.value.value != "" and not node.func.value.value.strip())


def _value_text(node: ast.AST, lines: Optional[List[str]], lists: Any, depth: int) -> str:
    """The text a value puts into a command string built from a template, as
    far as its literal parts go: a string literal, a name bound (once) to a
    string built from literals, ``" ".join([...])`` of a list whose literal
    elements are read (a variable element stays unknown); anything else is
    unknown (``{…}``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if _joins_words(node):
        words = _argv_words(node.args[0], lines or [], lists, depth + 1) if lists is not None else None  # type: ignore[attr-defined]
        if words is not None:
            return " ".join(w.text for w in words)
        return _DYNAMIC
    if isinstance(node, ast.Name) and lists is not None and hasattr(lists, "string_values"):
        values = lists.string_values(node)
        if len(values) == 1:
            text = _string_text(values[0], lines, lists, depth + 1)
            if text is not None:
                return text
    return _DYNAMIC


def _format_text(template: str, call: ast.Call, lines: Optional[List[str]], lists: Any, depth: int) -> Optional[str]:
    """``template.format(*args, **kwargs)`` with each field replaced by the
    text of its argument (:func:`_value_text`); a field with an attribute,
    an index or a format spec, or an argument given by ``*``/``**``, is
    unknown. Fields are placed by :func:`mlwarden.core.values.format_fields`."""
    from mlwarden.core.values import Field, format_fields

    if any(isinstance(a, ast.Starred) for a in call.args):
        return None
    fields = format_fields(template, list(call.args), {k.arg: k.value for k in call.keywords if k.arg is not None})
    if fields is None:
        return None
    parts: List[str] = []
    for piece in fields:
        if not isinstance(piece, Field):
            parts.append(piece)  # type: ignore[arg-type]
        elif piece.value is None or not piece.plain or piece.spec or piece.conversion:
            parts.append(_DYNAMIC)
        else:
            parts.append(_value_text(piece.value, lines, lists, depth))  # type: ignore[arg-type]
    return "".join(parts)


def _percent_text(template: str, args: ast.AST, lines: Optional[List[str]], lists: Any, depth: int) -> str:
    """``template % args`` with each ``%s`` replaced by the text of its
    argument (a tuple's elements in order, or the one value); a mapping
    key or a ``*`` width makes the field unknown. Fields are placed by
    :func:`mlwarden.core.values.percent_fields`."""
    from mlwarden.core.values import Field, percent_fields

    values = list(args.elts) if isinstance(args, ast.Tuple) else [args]
    out: List[str] = []
    for piece in percent_fields(template, values):  # type: ignore[arg-type]
        if not isinstance(piece, Field):
            out.append(piece)  # type: ignore[arg-type]
        elif piece.value is None or piece.keyed or piece.starred or piece.conversion not in ("s", "r", "a"):
            out.append(_DYNAMIC)
        else:
            out.append(_value_text(piece.value, lines, lists, depth))  # type: ignore[arg-type]
    return "".join(out)


def _literal_offset(node: ast.AST, text: str, lines: List[str]) -> Optional[int]:
    """Column of the string's first character, when the source spells the
    value verbatim (one line, no escapes, no prefix other than quotes)."""
    if not isinstance(node, ast.Constant) or getattr(node, "end_lineno", None) != node.lineno:
        return None
    line = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
    segment = line[node.col_offset : node.end_col_offset]
    for quote in ('"""', "'''", '"', "'"):
        if segment.startswith(quote) and segment.endswith(quote) and segment[len(quote) : len(segment) - len(quote)] == text:
            return node.col_offset + len(quote)
    return None


def _element_words(node: ast.AST, lines: List[str], lists: Dict[int, ast.AST]) -> List[Word]:
    """Words of one element of an argument list."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [Word(node.value, node.lineno, node.col_offset)]
    if isinstance(node, ast.Attribute) and node.attr == "executable" and isinstance(node.value, ast.Name) and node.value.id == "sys":
        return [Word("{sys.executable}", node.lineno, node.col_offset)]
    if isinstance(node, ast.Starred):
        inner = _argv_words(node.value, lines, lists)
        if inner is None:
            picked = _installer_value(node.value, lines, lists)
            inner = _argv_words(picked, lines, lists) if picked is not None else None
        if inner is None:
            call = node.value
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and not call.args and not call.keywords:
                texts = getattr(lists, "imported_returns", {}).get(call.func.id)
                if texts:  # *get_pip_dependencies() of another project module: its words, here
                    inner = [Word(t, node.lineno, node.col_offset) for t in texts]
        return inner if inner is not None else [Word(_DYNAMIC, node.lineno, node.col_offset)]
    picked = _installer_value(node, lines, lists)
    if isinstance(picked, ast.Constant) and isinstance(picked.value, str):
        return [Word(picked.value, picked.lineno, picked.col_offset)]
    inner = _path_text_of(node)
    if inner is not node and not (_PIP_PROGRAM.match(_dotted_tail(inner)) or _UV_PROGRAM.match(_dotted_tail(inner))) and not _file_names_pip_program(lines, lists):
        inner = node  # `str(path)`: a path whose bindings cannot say pip (reading them costs a pass over the file)
    program = _program_word(inner, lists)
    if program is None and isinstance(inner, (ast.Call, ast.BinOp, ast.JoinedStr)) and _is_path_expression(inner):
        program = _program_of(inner)  # [os.path.join(venv, "bin", "pip"), "install", …], [venv / "bin" / "pip", …]
    if program is not None:  # [pip_path, "install", …], [uv_bin, "pip", "install", …], [str(pip), …]
        return [Word(program, node.lineno, node.col_offset)]
    every = _loop_strings(node, lists)
    if every:  # for pkg in ["numpy", "scipy"]: run([..., "install", pkg]): each value, at its own place
        return [Word(v.value, v.lineno, v.col_offset) for v in every]
    choices = _literal_choices(node, lists)
    if choices:  # pkg = URL if dev else "platformio"; name = name or "meltano"; PKG = "x" … [..., "install", pkg]
        return [Word(c.value, node.lineno, node.col_offset) for c in choices]
    return [Word(_DYNAMIC, node.lineno, node.col_offset)]


#: calls that build a path from its parts, the last part naming the file
_PATH_CALLS = frozenset({"join", "which", "Path", "PurePath", "PosixPath", "WindowsPath", "joinpath", "Command", "abspath", "realpath", "normpath", "expanduser"})


def _is_path_expression(node: ast.AST) -> bool:
    """``os.path.join(...)``, ``shutil.which(...)``, ``Path(...)``,
    ``sh.Command(...)``, ``a / "b"``, an f-string: an expression whose last
    literal part can name a program."""
    if isinstance(node, ast.Call):
        return _dotted_tail(node.func) in _PATH_CALLS
    return isinstance(node, (ast.BinOp, ast.JoinedStr))


def _literal_choices(node: ast.AST, lists: Any, depth: int = 0) -> List[ast.Constant]:
    """The string literals an argument may be: itself, the branches of
    ``a if c else b`` and the operands of ``a or b`` that are literals, and
    for a name every such literal of every binding the name has in its
    scope (or the module's), a parameter or an unreadable binding adding
    none (``pkg_spec = DEVELOP_URL if dev else "platformio"``, ``pip_url =
    pip_url or "meltano"``, a module constant ``PACKAGE = "x"``). Of several
    values, options (``-U`` / ``--user``) are left unread: which one a run
    takes decides what follows it."""
    if depth > 3:
        return []
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) else []
    if isinstance(node, ast.IfExp):
        found = _literal_choices(node.body, lists, depth + 1) + _literal_choices(node.orelse, lists, depth + 1)
    elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        found = [c for value in node.values for c in _literal_choices(value, lists, depth + 1)]
    elif isinstance(node, ast.Name) and hasattr(lists, "every_value"):
        found = []
        for value in lists.every_value(node):
            if value is None or (isinstance(value, ast.Name) and value.id == node.id):
                continue
            if isinstance(value, ast.BoolOp) or isinstance(value, ast.IfExp) or isinstance(value, ast.Constant):
                found.extend(_literal_choices(value, lists, depth + 1))
            elif isinstance(value, ast.Name):
                found.extend(_literal_choices(value, lists, depth + 1) if value.id != node.id else [])
    else:
        return []
    unique = {(c.value, c.lineno, c.col_offset): c for c in found}
    if len(unique) > 1 and any(c.value.startswith("-") for c in unique.values()):
        return []
    return list(unique.values())


#: a name (or attribute) that holds the pip or uv program: ``pip``,
#: ``pip_path``, ``venv_pip``, ``pip3_exe``, ``self.uv_bin``, ``UV``; not
#: ``pip_args`` or ``pip_version``
_PIP_PROGRAM = lazyre.compile(r"(?i)^_*(?:\w+_)?pip\d*(?:_(?:path|exe|executable|bin|binary|cmd|program|prog|command|file|location))?$")
_UV_PROGRAM = lazyre.compile(r"(?i)^_*(?:\w+_)?uv(?:_(?:path|exe|executable|bin|binary|cmd|program|prog|command|file|location))?$")


def _path_text_of(node: ast.AST) -> ast.AST:
    """The path inside ``str(path)`` / ``os.fspath(path)`` (the text of a
    ``pathlib`` path is its program), else ``node``."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], (ast.Name, ast.Attribute)):
        func = node.func
        if (isinstance(func, ast.Name) and func.id == "str") or (
            isinstance(func, ast.Attribute) and func.attr == "fspath" and isinstance(func.value, ast.Name) and func.value.id == "os"
        ):
            return node.args[0]
    return node


def _program_word(node: ast.AST, lists: Any) -> Optional[str]:
    """``"pip"`` / ``"uv"`` when ``node`` holds that program: its name says
    so (:data:`_PIP_PROGRAM`), or every value the file binds the name to
    does (``shutil.which("uv")``, ``os.path.join(venv, "bin", "pip")``,
    ``venv / "bin" / "pip3"``, ``f"{venv}/bin/pip"``); None otherwise."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    if name is None:
        return None
    if _PIP_PROGRAM.match(name):
        return "pip"
    if _UV_PROGRAM.match(name):
        return "uv"
    values = lists.bound_values(node) if isinstance(node, ast.Name) and hasattr(lists, "bound_values") else []
    said = {_program_of(value) for value in values}
    return said.pop() if len(said) == 1 and None not in said else None


def _program_of(value: ast.AST) -> Optional[str]:
    """The program a path expression names by its last part, or None."""
    from mlwarden.sources.shell import PIP_RE

    last: Optional[ast.AST] = value
    if isinstance(value, ast.Call) and value.args:
        last = value.args[-1]  # shutil.which("pip"), os.path.join(venv, "bin", "pip"), Path(...)
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
        last = value.right  # venv / "bin" / "pip"
    elif isinstance(value, ast.JoinedStr) and value.values:
        last = value.values[-1]  # f"{venv}/bin/pip"
    if isinstance(last, ast.Constant) and isinstance(last.value, str):
        tail = last.value.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        if tail.endswith(".exe"):
            tail = tail[:-4]
        if PIP_RE.match(tail):
            return "pip"
        if tail == "uv":
            return "uv"
    return None


def _names_pip_program(node: ast.AST, lists: Any, depth: int = 0) -> bool:
    """``node`` is a pip program: a name that says so (``pip``,
    ``pip_path``, :func:`_program_word`) or is bound only to such values, a
    spelling of pip (``"uv pip"``, ``f"{sys.executable} -m pip"``: its last
    word is pip), or a call of a module-level function of the file every
    ``return`` of which gives one (``def check_pip(): … return pip``)."""
    from mlwarden.sources.shell import PIP_RE

    if depth > 3:
        return False
    if isinstance(node, (ast.Name, ast.Attribute)) and _program_word(node, lists) == "pip":
        return True
    if isinstance(node, ast.Name) and hasattr(lists, "bound_values"):
        values = lists.bound_values(node)
        if values:
            return all(_names_pip_program(v, lists, depth + 1) for v in values)
        # a loop over installers (`for candidate in ("uv pip", "pip3")`): the first that names pip is used
        return any(_names_pip_program(v, lists, depth + 1) for v in lists.loop_values(node))
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        text = _string_text(node, None, None, 4)
        words = text.replace('"', " ").replace("'", " ").split() if text else []
        return bool(words) and PIP_RE.match(words[-1]) is not None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args and not node.keywords and hasattr(lists, "function_returns"):
        returns = lists.function_returns(node.func.id)
        return bool(returns) and all(_names_pip_program(r, lists, depth + 1) for r in returns)
    return False


def _loop_strings(node: ast.AST, lists: Any) -> List[ast.Constant]:
    """Every value of a loop variable that runs over string literals only
    (``for pkg in ("numpy", "scipy==1.13")``), or []."""
    if not isinstance(node, ast.Name) or not hasattr(lists, "loop_values"):
        return []
    values = lists.loop_values(node)
    if values and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values):
        return values
    return []


def _installer_value(node: ast.AST, lines: List[str], lists: Any) -> Optional[ast.AST]:
    """For a loop variable (``installer``) or an item of one
    (``combo[0]``): the first value it takes that names pip (``for
    installer in ([sys.executable, "-m", "pip"], ["uv", "pip"])``), else
    None. A loop over installers runs each in turn: the first is the one
    that installs when it is present."""
    from mlwarden.sources.shell import PIP_RE

    index: Optional[int] = None
    if isinstance(node, ast.Subscript):
        key = node.slice  # an expression since Python 3.9
        if not (isinstance(key, ast.Constant) and type(key.value) is int):
            return None
        index, node = key.value, node.value
    if not isinstance(node, ast.Name) or not hasattr(lists, "loop_values"):
        return None
    for value in lists.loop_values(node):
        if index is not None:
            if not isinstance(value, (ast.List, ast.Tuple)) or not -len(value.elts) <= index < len(value.elts):
                continue
            value = value.elts[index]
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            texts = [value.value]
        elif isinstance(value, (ast.List, ast.Tuple)):
            texts = [w.text for w in _argv_words(value, lines, lists) or []]
        else:
            continue
        if any(PIP_RE.match(text) for text in texts):
            return value
    return None


def _runner_commands(node: ast.Call, lines: List[str], lists: Any) -> Iterator[List[Word]]:
    """A pip command handed to a call of :data:`RUNNERS`: a string or list
    argument (or a name bound only to strings) whose words are a pip
    command, or separate program-and-argument strings (``session.run("pip",
    "install", "x")``)."""
    from mlwarden.sources.shell import PIP_RE, PYTHON_RE

    func = node.func
    method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if method is None or method.lstrip("_") not in RUNNERS:
        return  # the project's own wrappers count too: `_check_call(cmd=...)`, `_run(...)`
    args = [a for a in node.args if not isinstance(a, ast.Starred)]
    if not args:
        args = [k.value for k in node.keywords if k.arg in COMMAND_KEYWORDS]
    if not args:
        return
    first = args[0]
    if len(node.args) > 1 and isinstance(first, ast.Constant) and isinstance(first.value, str) and (PIP_RE.match(first.value) or PYTHON_RE.match(first.value) or first.value == "uv"):
        yield [w for a in node.args for w in _element_words(a, lines, lists)]
        return
    for arg in args:
        if isinstance(arg, (ast.List, ast.Tuple)) or (isinstance(arg, ast.Name) and id(arg) in lists):
            words = _argv_words(arg, lines, lists)  # a list literal, or a name bound once to one
            if words:
                yield _python_first(words)
            continue
        values = [arg] if _is_string(arg) else lists.string_values(arg) if isinstance(arg, ast.Name) else []
        for value in values:
            words = _string_words(value, lines, lists)
            if words:
                yield words


def _argv_words(node: ast.AST, lines: List[str], lists: Dict[int, ast.AST], depth: int = 0) -> Optional[List[Word]]:
    """Words of a program-and-arguments value (a list, or a command string)."""
    if depth > 5:
        return None
    if isinstance(node, (ast.List, ast.Tuple)):
        return [w for element in node.elts for w in _element_words(element, lines, lists)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _argv_words(node.left, lines, lists, depth + 1)
        right = _argv_words(node.right, lines, lists, depth + 1)
        if left is not None or right is not None:
            return (left or [Word(_DYNAMIC, node.lineno, node.col_offset)]) + (right or [Word(_DYNAMIC, node.lineno, node.col_offset)])
        return None
    if isinstance(node, ast.Name) and id(node) in lists:
        return _argv_words(lists[id(node)], lines, lists, depth + 1)
    listed = _returned_list(node, lists)
    if listed is not None:
        return _argv_words(listed, lines, lists, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split" and not node.args:
        return _string_words(node.func.value, lines, lists)  # "pip install x".split()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split" and isinstance(node.func.value, ast.Name) and node.func.value.id == "shlex":
        return _string_words(node.args[0], lines, lists) if node.args else None
    return _shell_words(node, lines, lists, depth + 1)


def _returned_list(node: ast.AST, lists: Any) -> Optional[ast.AST]:
    """The list a value is, read through ``list(x)`` / ``tuple(x)`` and a
    call of a module-level function of the file without arguments whose one
    ``return`` gives a list literal or a name bound to one
    (``INDEX_ARGS = ("--extra-index-url", URL)`` … ``def index_args():
    return INDEX_ARGS`` … ``[..., "install", *index_args()]``); None
    otherwise."""
    for _ in range(3):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords):
            return None
        if node.func.id in ("list", "tuple") and len(node.args) == 1:
            node = node.args[0]
        elif not node.args and hasattr(lists, "function_returns"):
            returns = lists.function_returns(node.func.id)
            if len(returns) != 1:
                return None
            node = returns[0]
        else:
            return None
        if isinstance(node, (ast.List, ast.Tuple)):
            return node
        if isinstance(node, ast.Name):
            return node if id(node) in lists else None
    return None


_SHELL_PROGRAM = lazyre.compile(r"^(?:/usr)?(?:/bin/)?(?:ba|z|da|k)?sh$")
_SHELL_C = lazyre.compile(r"^-[a-z]*c$")


def _shell_c_words(node: ast.AST, lines: List[str], lists: Any) -> Optional[List[Word]]:
    """The words of the command line a shell is given with ``-c``
    (``["bash", "-c", "pip install x"]``, ``["sh", "-lc", cmd]``), the line
    a string (:func:`_shell_words`) or ``" && ".join(steps)`` of a list of
    command strings (a literal, a name bound once to one, ``a + b`` of
    those; each literal step read, the others unknown); None when ``node``
    is not such a list."""
    if isinstance(node, ast.Name) and id(node) in lists:
        node = lists[id(node)]
    if not isinstance(node, (ast.List, ast.Tuple)) or len(node.elts) < 3:
        return None
    program, flag, line = node.elts[0], node.elts[1], node.elts[2]
    if not (isinstance(program, ast.Constant) and isinstance(program.value, str) and _SHELL_PROGRAM.match(program.value)):
        return None
    if not (isinstance(flag, ast.Constant) and isinstance(flag.value, str) and _SHELL_C.match(flag.value)):
        return None
    if isinstance(line, ast.Call) and isinstance(line.func, ast.Attribute) and line.func.attr == "join" and len(line.args) == 1:
        sep = line.func.value
        if isinstance(sep, ast.Constant) and isinstance(sep.value, str) and sep.value.strip() in ("&&", ";", "||", "") and sep.value:
            words: List[Word] = []
            for step in _list_items(line.args[0], lists, 0):
                found = _string_words(step, lines, lists) if step is not None else None
                if words:
                    words.append(Word(sep.value.strip() or ";", line.lineno, line.col_offset))
                words.extend(found if found else [Word(_DYNAMIC, line.lineno, line.col_offset)])
            return words or None
    return _shell_words(line, lines, lists)


def _list_items(node: ast.AST, lists: Any, depth: int) -> List[Optional[ast.AST]]:
    """The elements of a list expression: a literal, a name bound once to
    one, ``a + b``; an unknown part is one None."""
    if depth > 5:
        return [None]
    if isinstance(node, ast.Name) and id(node) in lists:
        return _list_items(lists[id(node)], lists, depth + 1)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e if _is_string(e) else None for e in node.elts]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _list_items(node.left, lists, depth + 1) + _list_items(node.right, lists, depth + 1)
    return [None]


def _shell_words(node: ast.AST, lines: List[str], lists: Dict[int, ast.AST], depth: int = 0) -> Optional[List[Word]]:
    """Words of a shell command line: a string, or ``" ".join([...])``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join" and node.args:
        if isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str) and not node.func.value.value.strip():
            return _argv_words(node.args[0], lines, lists, depth + 1)
    return _string_words(node, lines, lists)
