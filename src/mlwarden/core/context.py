"""Code context and computed severity (see the noise issue).

:func:`adjust` is the one place where a finding's severity is changed after a
rule reported it, from what the engine knows about where the finding lives.
The engine calls it once per unit, before the severity threshold is applied,
so every front door sees the same severities. It **lowers, never drops**:
``--severity low`` shows every finding.

Contexts (first match wins):

``test``
    a path component ``tests``/``test``/``testing``/``test_utils``/
    ``testing_utils``/``testutil(s)`` (or ``*_tests``, ``tests_*``), a file ``test_*.py``,
    ``*_test.py``, ``*_tests.py``, ``conftest.py``, ``testing*.py``, a
    requirements file for tests (``requirements-test.txt``,
    ``test-requirements.txt``); in other Python files, code inside a pytest test
    function (``def test_*``), a ``@pytest.fixture``, a ``Test*`` class or a
    ``unittest.TestCase`` subclass, when the file imports pytest or unittest;
``docs``
    a path component ``docs``/``doc``/``documentation``/``docs_src``, a
    requirements file for docs (``requirements-docs.txt``,
    ``requirements/readthedocs.txt``, ``rtd-requirements.txt``,
    ``requirements/sphinx.txt``), a requirements file a Read the Docs
    configuration (``.readthedocs.y*ml`` in its folder or above, up to the
    project root) installs, unless it is the root ``requirements.txt`` or a
    file the project's ``setup.py``/``setup.cfg``/``pyproject.toml`` names;
``dev``
    a development requirements file (``requirements-dev.txt``,
    ``dev-requirements.txt``, ``requirements/dev.txt``,
    ``requirements_develop.txt``) that does not install the project itself:
    no local or editable install of the project's folder (``-e .``, ``.``,
    ``-e ..[dev]``), no ``-r`` include of a file that is not itself a test,
    docs or development list (``-r requirements.txt`` chains into the
    production list), and no requirement on the project's own name; and a
    conda environment file named for development (``environment-dev.yml``)
    or whose own ``name:`` says so (``name: myproject-dev``) that does not
    install the project itself (:func:`environment_purpose`; a conda
    environment named for tests or docs, ``environment-test.yml`` or
    ``name: test``, is ``test`` or ``docs`` like a requirements file named so);
``example``
    a directory whose name has the word ``examples``/``example``/
    ``samples``/``tutorial(s)``/``notebooks``/``cookbook(s)``/
    ``quickstart``/``course``/``workshop``/``walkthrough`` (split at ``-``,
    ``_`` and ``.``: ``groq-example-templates``) or the phrase
    ``getting-started``/``use-cases``/``how-to``; and a notebook in a
    ``demo``/``demos`` folder (``demos/Main_Demo.ipynb``; a ``.py`` file
    there is often a served app and stays code, as does ``demo.py``);
``tutorial``
    any other notebook that reads as a tutorial: at least two Markdown cells,
    one of them with a heading, or an "Open in Colab" badge or link in a
    Markdown cell (a notebook published to be run in a throwaway Colab
    machine).

What each context does, by rule (the ladder is also on each rule's page):

* never lowered by context: deserialization of files (MLW1xx except MLW110), secrets
  (MLW4xx, MLW51x), model files (MLW6xx), known-malicious packages (MLW306)
  and anything critical. Code that loads a file in a test may load a file it
  did not write; a secret in a test is still a secret.
* lowered to low: unpinned hub revisions (MLW202) and unpinned, unhashed or
  VCS requirements (MLW301, MLW304, MLW305, MLW901) — pins in a test, a
  doc or a tutorial protect nobody's production;
* lowered to low in tests only: object collectives (MLW110) — a test's
  ranks are its own processes;
* not lowered in docs: a second package index (MLW302) and an unhashed URL
  requirement (MLW305) — a documentation build that installs from them is
  attacked like any other install;
* in a development requirements file (``dev``) only the unpinned
  requirement (MLW301, to low) and the insecure index (MLW303, one step)
  are lowered, with the reason in the message: the tools a developer
  installs are not what the project ships; everything else keeps its
  severity;
* lowered one step: the other supply-chain and exposure rules (MLW201,
  MLW204-MLW209, MLW22x, MLW302, MLW303, MLW7xx): remote code in a test
  still runs on a CI machine with its secrets, so it stays visible
  (high -> medium).

Apart from contexts, a finding of a ``.py`` file in a branch only Python 2
runs (``if sys.version_info < (3,)``, ``six.PY2``, the ``else`` of
``six.PY3``; :func:`ranges_of_python2_code`) is low with :data:`PY2_REASON`
in its message, secrets and critical findings excepted.

Apart from contexts too, a repeat (:func:`lower_repeats`): an unpinned-revision
finding (MLW202) at the very call where MLW201 reports remote code at the same
or a higher severity and already tells the reader to pin that same revision
keyword is low with :data:`REPEAT_REASON` in its message: the reviewer acts on
the MLW201 finding, whose advice includes the pin. Not when MLW201 is
switched off for the file (``per-file-ignores``), says something else (the
pinned or ``code_revision`` variants) or is lower; not with ``--no-context``
either (every rule's own severity).

``[tool.mlwarden] context = false`` or ``mlwarden check --no-context``
turns this off (findings keep the rule's severity; ``Finding.context`` is
still set, so ``--statistics`` still shows where findings come from).
"""

from __future__ import annotations

import ast
import os
from mlwarden.core import lazyre as re  # patterns compile on first use
from pathlib import Path, PurePosixPath
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from mlwarden.core.finding import Finding, Severity

CONTEXTS = ("test", "docs", "dev", "example", "tutorial")

_TEST_DIRS = frozenset(
    {
        "tests", "test", "testing", "unittests", "unit_tests", "integration_tests", "e2e_tests",
        "test_utils", "testing_utils", "test_helpers", "testutils", "testutil", "test_util", "testing_util",
    }
)
_DOCS_DIRS = frozenset({"docs", "doc", "documentation", "docs_src", "docs-src"})
#: words that make a directory name an example's ("examples", "groq-example-templates",
#: "getting-started", "DeepLearningai_Course_Notebooks", "end-to-end-use-cases").
#: Not "demo": a demo directory is often an app that is served (a gradio
#: `share=True` there is exactly the exposure MLW701 is about).
_EXAMPLE_WORDS = frozenset(
    {
        "examples", "example", "samples", "sample", "tutorials", "tutorial", "notebooks",
        "cookbook", "cookbooks", "quickstart", "quickstarts", "course", "workshop", "walkthrough", "walkthroughs",
    }
)
#: a demo folder's words: its notebooks are examples, its .py files code
_DEMO_WORDS = frozenset({"demo", "demos"})
_EXAMPLE_PHRASES = ("getting-started", "use-cases", "usecases", "how-to")
_WORD_SPLIT_RE = re.compile(r"[-_. ]+")
_TEST_FILE_RE = re.compile(r"(?:test_.*|.*_tests?|conftest|testing(?:_.*)?)\.(?:py|ipynb)$")
#: requirement files for tests or docs: ``requirements-test.txt``, ``test-requirements.txt``, ``docs_requirements.txt``,
#: ``requirements/readthedocs.txt``, ``sphinx-requirements.txt``
_REQ_CONTEXT_RE = re.compile(r"(?:.*[-_.])?(?P<word>tests?|testing|docs?|readthedocs|rtd|sphinx)(?:[-_.].*)?\.txt$")
#: a documentation build's requirements anywhere: ``readthedocs.txt``, ``readthedocs-requirements.txt``
#: development requirement files: ``requirements-dev.txt``, ``dev-requirements.txt``, ``requirements/dev-gpu.txt``,
#: ``requirements.develop.txt``, ``requirements_development.txt``
_REQ_DEV_RE = re.compile(r"(?:.*[-_.])?(?:dev|devel|develop|development)(?:[-_.].*)?\.txt$")
_RTD_FILE_RE = re.compile(r"(?:readthedocs|rtd)(?:[-_.].*)?\.txt$")
#: ``requirements: docs/reqs.txt`` in a ``.readthedocs.yaml`` (``python.install``, or the old ``requirements_file``)
_RTD_REQ_RE = re.compile(r"^[ \t-]*(?:requirements|requirements_file)[ \t]*:[ \t]*[\"']?([^\s\"'#]+)", re.MULTILINE)
_RTD_CONFIGS = (".readthedocs.yaml", ".readthedocs.yml", "readthedocs.yaml", "readthedocs.yml")

_NEVER_PREFIXES = ("MLW1", "MLW4", "MLW51", "MLW6")
#: rules lowered to low in any context
_TO_LOW = frozenset({"MLW202", "MLW301", "MLW304", "MLW305", "MLW901"})
#: rule -> contexts that lower it to low
_TO_LOW_IN = {"MLW110": frozenset({"test"})}
#: rule -> contexts that do not lower it: a documentation build that resolves
#: from a second index (dependency confusion) or installs an unhashed URL is
#: attacked like any other install
_KEPT_IN = {"MLW302": frozenset({"docs"}), "MLW305": frozenset({"docs"})}
_NEVER = frozenset({"MLW306"})
#: rule -> how many steps a development requirements file lowers it (nothing else is lowered there)
_DEV_STEPS = {"MLW301": 3, "MLW303": 1}
#: what the ``dev`` context appends to the message of a finding it lowered
DEV_REASON = " (lowered: a development requirements file that does not install the project itself; pin what deployments install)"

_ORDER = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)


def lower(severity: Severity, steps: int = 1) -> Severity:
    """``severity`` lowered ``steps`` steps, never below low."""
    return _ORDER[max(0, _ORDER.index(severity) - steps)]


def lowered_in_context(rule_id: str, severity: Severity, context: str) -> Severity:
    """The severity of a ``rule_id`` finding in ``context`` (see the module doc)."""
    if severity is Severity.CRITICAL or rule_id in _NEVER or context in _KEPT_IN.get(rule_id, ()):
        return severity
    if context == "dev":
        return lower(severity, _DEV_STEPS.get(rule_id, 0))
    if rule_id in _TO_LOW_IN:
        return Severity.LOW if context in _TO_LOW_IN[rule_id] else severity
    if rule_id.startswith(_NEVER_PREFIXES):
        return severity
    if rule_id in _TO_LOW:
        return Severity.LOW
    return lower(severity)


def context_ladder(rule_id: str, severity: Severity) -> str:
    """One line for the rule's docs page: what code context does to it."""
    if severity is Severity.CRITICAL or rule_id in _NEVER or (rule_id.startswith(_NEVER_PREFIXES) and rule_id not in _TO_LOW_IN):
        return "never lowered (see docs/context.md)"
    dev = {3: "; also low", 1: "; also one step lower"}.get(_DEV_STEPS.get(rule_id, 0), "")
    dev += " in development requirement files that do not install the project" if dev else ""
    if rule_id in _TO_LOW_IN:
        return f"low in {', '.join(sorted(_TO_LOW_IN[rule_id]))} code, unchanged elsewhere"
    if rule_id in _KEPT_IN:
        kept = ", ".join(sorted(_KEPT_IN[rule_id]))
        lowered = "low" if rule_id in _TO_LOW else "one step lower (high -> medium, medium -> low)"
        return f"{lowered}; unchanged in {kept}"
    if rule_id in _TO_LOW:
        return "low" + dev
    return "one step lower (high -> medium, medium -> low)" + dev


def path_context(relpath: str) -> Optional[str]:
    """The context a path implies (``tests/x.py`` -> "test"), or None."""
    parts = [p.lower() for p in PurePosixPath(relpath.replace("\\", "/")).parts]
    if not parts:
        return None
    dirs, name = parts[:-1], parts[-1]
    if _TEST_FILE_RE.fullmatch(name) or any(d in _TEST_DIRS or d.endswith("_tests") or d.startswith("tests_") for d in dirs):
        return "test"
    if "requirements" in name or "constraints" in name or (dirs and dirs[-1] in ("requirements", "requirements.d", "reqs")):
        match = _REQ_CONTEXT_RE.fullmatch(name)
        if match:
            return "test" if match.group("word").startswith("test") else "docs"
    if _RTD_FILE_RE.fullmatch(name):
        return "docs"
    if any(d in _DOCS_DIRS for d in dirs):
        return "docs"
    for d in dirs:
        if _EXAMPLE_WORDS.intersection(_WORD_SPLIT_RE.split(d)) or any(p in d.replace("_", "-") for p in _EXAMPLE_PHRASES):
            return "example"
    # a notebook in a demo folder is a walkthrough someone runs by hand (a
    # served demo app is a .py file there, and stays code)
    if name.endswith(".ipynb") and any(_DEMO_WORDS.intersection(_WORD_SPLIT_RE.split(d)) for d in dirs):
        return "example"
    return None


def is_tutorial_notebook(unit: Any) -> bool:
    """A notebook with at least two Markdown cells, one with a heading; or
    one whose Markdown carries an "Open in Colab" badge or link (a notebook
    published to be run in a throwaway Colab machine)."""
    cells = (getattr(unit, "extra", None) or {}).get("cells") or ()
    markdown = [c for c in cells if getattr(c, "cell_type", None) == "markdown"]
    if any(_COLAB_RE.search(getattr(c, "source", "") or "") for c in markdown):
        return True
    if len(markdown) < 2:
        return False
    return any(re.search(r"^\s{0,3}#{1,6}\s", getattr(c, "source", "") or "", re.MULTILINE) for c in markdown)


#: an "Open in Colab" badge or link in a Markdown cell: ``colab.research.google.com/github/...``,
#: ``.../drive/...``, or the badge image ``colab-badge.svg``
_COLAB_RE = re.compile(r"colab\.research\.google\.com/(?:github|drive|gist)/|colab-badge\.svg")


_PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")


def context_path(path: str, config: Any) -> str:
    """The part of ``path`` whose directory names say what the code is: the
    path below the configuration root, or, for a file outside it, below the
    file's own project directory (``.git``, ``pyproject.toml``, ``setup.py``,
    ``setup.cfg``), else the file name alone. Directories above the project
    (``/home/me/tests-archive/proj``, pytest's ``test_x0`` temporary
    directories) say nothing about the code."""
    if not path or path.startswith("<") or not hasattr(config, "relpath"):
        return path
    rel = config.relpath(path)
    if not rel.startswith("../") and rel != ".." and not PurePosixPath(rel).is_absolute():
        return rel
    try:
        here = Path(path).resolve()
    except (OSError, RuntimeError):
        return PurePosixPath(rel).name
    for directory in here.parents:
        if any(os.path.exists(os.path.join(directory, marker)) for marker in _PROJECT_MARKERS):
            return here.relative_to(directory).as_posix()
    return here.name


def unit_context(unit: Any, config: Any) -> Optional[str]:
    path = str(getattr(unit, "path", "") or "")
    found = path_context(context_path(path, config))
    if found is None and getattr(unit, "kind", None) == "notebook" and is_tutorial_notebook(unit):
        found = "tutorial"
    if found is None and path.endswith(".txt") and readthedocs_requirement(path):
        found = "docs"
    if found is None and binder_config(path):
        found = "docs"
    if found is None and getattr(unit, "kind", None) == "requirements" and is_dev_requirements_path(context_path(path, config)):
        found = "dev" if not installs_project(unit) else None
    if found is None and getattr(unit, "kind", None) == "conda-env":
        found = environment_purpose(unit)
        if found == "dev" and installs_project(unit):
            found = None
    return found


#: a conda environment file's words: ``environment-dev.yml`` -> "dev"
_CONDA_ENV_NAME_RE = re.compile(r"environment(?P<words>[-_.][a-z0-9_.-]*)?\.ya?ml")
#: the environment's own ``name:`` (what ``conda activate`` takes)
_CONDA_ENV_FIELD_RE = re.compile(r"^name[ \t]*:[ \t]*[\"']?(?P<name>[A-Za-z0-9_.-]{1,80})", re.MULTILINE)
_PURPOSE_WORDS = (
    ("test", frozenset({"test", "tests", "testing"})),
    ("docs", frozenset({"doc", "docs", "documentation", "sphinx", "rtd", "readthedocs"})),
    ("dev", frozenset({"dev", "devel", "develop", "development"})),
)
#: what the ``dev`` context appends to a conda environment file's finding it lowered
DEV_ENV_REASON = (
    " (lowered: a development conda environment, by its file name or its `name:`, that does not install the"
    " project itself; pin what deployments install)"
)


def environment_purpose(unit: Any) -> Optional[str]:
    """"test", "docs" or "dev" for a conda environment file whose name says
    so (``environment-test.yml``, ``environment_docs.yaml``,
    ``environment-dev.yml``) or whose own ``name:`` does (``name: test``,
    ``name: myproject-dev``; conda activates the environment by that name),
    as a requirements file's name does (``requirements-test.txt``); None
    otherwise. A word must stand alone between ``-``, ``_`` and ``.``
    (``name: latest`` or ``name: devices`` say nothing)."""
    path = str(getattr(unit, "path", "") or "")
    match = _CONDA_ENV_NAME_RE.fullmatch(PurePosixPath(path.replace("\\", "/")).name.lower())
    words = set(_WORD_SPLIT_RE.split(match.group("words") or "")) if match else set()
    found = _purpose(words)
    if found is None:
        field_match = _CONDA_ENV_FIELD_RE.search(getattr(unit, "text", None) or "")
        if field_match:
            found = _purpose(set(_WORD_SPLIT_RE.split(field_match.group("name").lower())))
    return found


def _purpose(words: Any) -> Optional[str]:
    for context, vocabulary in _PURPOSE_WORDS:
        if words & vocabulary:
            return context
    return None


#: the dependency files repo2docker (mybinder.org) reads from a project's ``binder/`` or ``.binder/`` folder
_BINDER_FILES = frozenset({"requirements.txt", "environment.yml", "pipfile", "pipfile.lock", "runtime.txt"})
_BINDER_DIRS = frozenset({"binder", ".binder"})


def binder_config(path: str) -> bool:
    """``path`` is a dependency file of a Binder environment: a file repo2docker
    reads (``requirements.txt``, ``environment.yml``, ``Pipfile``…) in a
    ``binder/`` or ``.binder/`` folder that sits at a project's root (next to
    ``pyproject.toml``, ``setup.py``, ``setup.cfg`` or ``.git``). repo2docker
    builds it into a throwaway image on mybinder.org where readers run the
    project's documented notebooks: documentation tooling, like a
    Read the Docs build, not an environment the project deploys. A folder of
    that name anywhere else (a package's ``binder`` module) is not one."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.name.lower() not in _BINDER_FILES or pure.parent.name.lower() not in _BINDER_DIRS:
        return False
    root = Path(path).parent.parent
    return any(os.path.exists(os.path.join(root, marker)) for marker in _PROJECT_MARKERS)


def is_dev_requirements_path(relpath: str) -> bool:
    """``relpath`` names a development requirements file by its name
    (``requirements-dev.txt``, ``dev-requirements.txt``, ``requirements/dev.txt``)."""
    parts = [p.lower() for p in PurePosixPath(relpath.replace("\\", "/")).parts]
    if not parts:
        return False
    dirs, name = parts[:-1], parts[-1]
    in_requirements = "requirements" in name or (dirs and dirs[-1] in ("requirements", "requirements.d", "reqs"))
    return bool(in_requirements and _REQ_DEV_RE.fullmatch(name))


_LOCAL_TARGET_RE = re.compile(r"^(?:-e\s+|--editable[=\s]+)?(?:file:(?://)?)?(?P<path>[^\[;#\s]*)")


def installs_project(unit: Any) -> bool:
    """A requirements file installs the project itself: a local or editable
    install of its own folder or one above it (``-e .``, ``.[dev]``,
    ``-e ../..``), an ``-r`` include of a list that is not for tests, docs or
    development (``-r requirements.txt``: the production list), or a
    requirement on the project's own name (read from ``pyproject.toml``,
    ``setup.cfg`` or ``setup.py`` in the file's folder or up to two above).
    Unreadable files count as installing it (nothing is lowered)."""
    from mlwarden.sources.dependencies import for_unit

    deps = for_unit(unit)
    if deps is None:
        return True
    here = Path(str(getattr(unit, "path", "") or "")).resolve().parent
    own_name = _project_name(here)
    for entry in deps.entries:
        if entry.constraint:
            continue
        if entry.path != deps.path and entry.path != getattr(unit, "path", None):
            name = PurePosixPath(entry.path.replace("\\", "/")).name
            if not (path_context(name) in ("test", "docs") or is_dev_requirements_path(entry.path)):
                return True  # an included production list
        if (entry.local or entry.editable) and _is_project_folder(entry.text, here):
            return True
        if own_name and entry.name == own_name:
            return True
    return False


def _is_project_folder(text: str, here: Path) -> bool:
    match = _LOCAL_TARGET_RE.match(text.strip())
    target = match.group("path") if match else ""
    if not target or "://" in target or target.startswith("git+"):
        return False
    try:
        resolved = (here / target).resolve()
    except (OSError, RuntimeError, ValueError):
        return False
    return resolved == here or resolved in here.parents


_SETUP_PY_NAME_RE = re.compile(r"\bname\s*=\s*[\"']([A-Za-z0-9][A-Za-z0-9._-]*)[\"']")
_KEY_RE = re.compile(r"^\s*name\s*=\s*[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)")


def _section_name(text: str, sections: Tuple[str, ...]) -> str:
    """``name = x`` under one of the ``[sections]`` of an INI or TOML file."""
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.split("]", 1)[0].lstrip("[").strip()
        elif current in sections:
            match = _KEY_RE.match(line)
            if match:
                return match.group(1)
    return ""


def _project_name(directory: Path, canonical: bool = True) -> str:
    """The canonical name of the project whose root is ``directory`` or up to
    two folders above it, read as text ("" when none is written); with
    ``canonical=False``, the name as written there."""
    from mlwarden.sources.dependencies.paths import canonicalize_name

    for folder in (directory, *list(directory.parents)[:2]):
        found_root = False
        for filename in ("pyproject.toml", "setup.cfg", "setup.py"):
            try:
                with open(folder / filename, encoding="utf-8", errors="replace") as handle:
                    text = handle.read(200_000)
            except OSError:
                continue
            found_root = True
            if filename == "setup.py":
                match = _SETUP_PY_NAME_RE.search(text)
                name = match.group(1) if match else ""
            else:
                name = _section_name(text, ("project", "tool.poetry") if filename == "pyproject.toml" else ("metadata",))
            if name:
                return str(canonicalize_name(name)) if canonical else name.strip()
        if found_root:
            return ""
    return ""


def readthedocs_requirement(path: str) -> bool:
    """``path`` is a requirements file that a Read the Docs configuration
    (``.readthedocs.yaml`` in its folder or a folder above, up to the
    project's root) installs for the documentation build."""
    try:
        here = Path(path).resolve()
    except (OSError, RuntimeError):
        return False
    for directory in here.parents:
        for name in _RTD_CONFIGS:
            listed = _rtd_requirements(str(directory / name))
            if listed and here in listed:
                # the documentation build often installs the project's own
                # requirements too: those are not the docs' alone
                root_requirements = here.parent == directory and here.name.lower() == "requirements.txt"
                return not root_requirements and not _named_by_packaging(directory, here.name)
        if any(os.path.exists(os.path.join(directory, marker)) for marker in _PROJECT_MARKERS):
            return False
    return False


_RTD_CACHE: Dict[str, Tuple[float, FrozenSet[Path]]] = {}


def _named_by_packaging(directory: Path, name: str) -> bool:
    """``setup.py``, ``setup.cfg`` or ``pyproject.toml`` in ``directory``
    names the file (a library's install requirements)."""
    for packaging in ("setup.py", "setup.cfg", "pyproject.toml"):
        try:
            with open(directory / packaging, encoding="utf-8", errors="replace") as handle:
                if name in handle.read(500_000):
                    return True
        except OSError:
            continue
    return False


def _rtd_requirements(config_path: str) -> FrozenSet[Path]:
    """The requirement files a Read the Docs configuration names, resolved
    against its folder (read as text: the file is never loaded as YAML)."""
    try:
        stamp = os.stat(config_path).st_mtime
    except OSError:
        return frozenset()
    cached = _RTD_CACHE.get(config_path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        with open(config_path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(200_000)
    except OSError:
        return frozenset()
    base = Path(config_path).parent
    found = frozenset((base / m.group(1)).resolve() for m in _RTD_REQ_RE.finditer(text))
    _RTD_CACHE[config_path] = (stamp, found)
    return found


# -- test functions inside other files --------------------------------------------------


_TEST_IMPORT_RE = re.compile(r"^\s*(?:import|from)\s+(?:pytest|unittest)\b", re.MULTILINE)


def ranges_of_test_code(source: str) -> List[Tuple[int, int]]:
    """(first, last) line ranges of pytest tests, fixtures and test classes
    in ``source``; empty unless the module imports pytest or unittest."""
    if not _TEST_IMPORT_RE.search(source):
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    ranges: List[Tuple[int, int]] = []
    stack: List[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if child.name.startswith("test") or any(_is_fixture(d) for d in child.decorator_list):
                    ranges.append((_first_line(child), getattr(child, "end_lineno", child.lineno) or child.lineno))
                    continue
            elif isinstance(child, ast.ClassDef):
                if child.name.startswith("Test") or any(_is_test_case(b) for b in child.bases):
                    ranges.append((_first_line(child), getattr(child, "end_lineno", child.lineno) or child.lineno))
                    continue
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.With, ast.Try)):
                stack.append(child)
    return ranges


def _first_line(node: Any) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _dotted(node: Any) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _is_fixture(decorator: Any) -> bool:
    return _dotted(decorator) in ("pytest.fixture", "fixture", "pytest.yield_fixture")


def _is_test_case(base: Any) -> bool:
    return _dotted(base).endswith(("TestCase", "IsolatedAsyncioTestCase"))


def _in_ranges(line: int, ranges: Sequence[Tuple[int, int]]) -> bool:
    return any(first <= line <= last for first, last in ranges)


# -- Python 2-only branches ------------------------------------------------------------------

#: what a finding in a Python 2-only branch appends to its message when lowered
PY2_REASON = " (lowered: in a Python 2-only branch, which no Python 3 interpreter runs)"
_PY2_HINT_RE = re.compile(r"version_info|\bPY[23]\b")
#: rules never lowered there: a secret in dead code is still committed
_PY2_KEPT_PREFIXES = ("MLW4", "MLW51")


def ranges_of_python2_code(source: str) -> List[Tuple[int, int]]:
    """(first, last) line ranges of branches only Python 2 runs: the body of
    ``if sys.version_info < (3,)`` / ``sys.version_info[0] == 2`` /
    ``sys.version_info.major < 3`` / ``six.PY2`` (or ``PY2`` imported from
    six), and the ``else`` of the Python 3 test (``>= (3,)``, ``[0] >= 3``,
    ``== 3``, ``six.PY3``); ``not`` swaps them. Empty unless the source
    names ``version_info`` or ``PY2``/``PY3``."""
    if not _PY2_HINT_RE.search(source):
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    six_names = {"PY2": True, "PY3": False}
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "six":
            imported.update(a.asname or a.name for a in node.names if a.name in six_names and (a.asname or a.name) == a.name)
    ranges: List[Tuple[int, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        py2 = _python2_test(node.test, imported)
        if py2 is None:
            continue
        dead = node.body if py2 else node.orelse
        if dead:
            ranges.append((dead[0].lineno, max(getattr(n, "end_lineno", n.lineno) or n.lineno for n in dead)))
    return ranges


def _python2_test(test: Any, six_imported: Any) -> Optional[bool]:
    """True when ``test`` holds exactly on Python 2, False exactly on Python
    3, None when it is not such a test."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _python2_test(test.operand, six_imported)
        return None if inner is None else not inner
    if isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id == "six" and test.attr in ("PY2", "PY3"):
        return test.attr == "PY2"
    if isinstance(test, ast.Name) and test.id in six_imported:
        return test.id == "PY2"
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and len(test.comparators) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if _dotted(left) == "sys.version_info" and isinstance(right, ast.Tuple) and right.elts:
        first = right.elts[0]
        major = first.value if isinstance(first, ast.Constant) and type(first.value) is int else None
        rest_zero = all(isinstance(e, ast.Constant) and e.value == 0 for e in right.elts[1:])
        if major == 3 and rest_zero and isinstance(op, (ast.Lt, ast.GtE)):
            return isinstance(op, ast.Lt)
        return None
    is_major = _dotted(left) == "sys.version_info.major" or (
        isinstance(left, ast.Subscript)
        and _dotted(left.value) == "sys.version_info"
        and isinstance(left.slice, ast.Constant)
        and left.slice.value == 0
    )
    if not is_major or not (isinstance(right, ast.Constant) and type(right.value) is int):
        return None
    value = right.value
    if (isinstance(op, ast.Lt) and value == 3) or (isinstance(op, ast.Eq) and value == 2) or (isinstance(op, ast.LtE) and value == 2):
        return True
    if (isinstance(op, ast.GtE) and value == 3) or (isinstance(op, ast.Eq) and value == 3) or (isinstance(op, ast.Gt) and value == 2):
        return False
    return None


# -- the seam ------------------------------------------------------------------------------


#: what a repeated MLW202 finding appends to its message (see :func:`lower_repeats`)
REPEAT_REASON = " (lowered: repeats the MLW201 finding at this call, which already says to pin `{keyword}=`; `--severity low` shows both)"
_RANK = {severity: rank for rank, severity in enumerate(_ORDER)}


def lower_repeats(findings: List[Finding], ignored: Sequence[str] = ()) -> List[Finding]:
    """MLW202 findings that repeat MLW201's advice at the same call, lowered
    to low (never dropped). The MLW201 finding must be at the same place
    (path, cell, line, column: the call), at the same or a higher severity,
    and tell the reader to pin the revision keyword the MLW202 message names
    (both rules set it on the finding, ``Finding.pin``: ``revision``,
    ``model_revision``, ``code_revision``, or None when the message asks for
    no pin); MLW201 switched off for the file (``ignored``) lowers nothing."""
    remote: Dict[Tuple[Any, ...], List[Finding]] = {}
    for finding in findings:
        if finding.rule_id == "MLW201":
            remote.setdefault((finding.path, finding.cell, finding.output, finding.line, finding.col), []).append(finding)
    if not remote:
        return findings
    if ignored:
        from mlwarden.core.registry import matches

        if matches("MLW201", ignored):
            return findings
    out: List[Finding] = []
    for finding in findings:
        if finding.rule_id == "MLW202" and finding.severity in (Severity.MEDIUM, Severity.HIGH):
            keyword = finding.pin
            for other in remote.get((finding.path, finding.cell, finding.output, finding.line, finding.col), ()) if keyword else ():
                if other.pin == keyword and _RANK[other.severity] >= _RANK[finding.severity]:
                    finding = finding.with_(severity=Severity.LOW, message=finding.message + REPEAT_REASON.format(keyword=keyword))
                    break
        out.append(finding)
    return out


def adjust(findings: Sequence[Finding], unit: Any, config: Any) -> List[Finding]:
    """The unit's findings with their final severities and contexts."""
    if not findings:
        return []
    found = unit_context(unit, config)
    enabled = getattr(config, "context", True)
    ranges: Optional[List[Tuple[int, int]]] = None
    py2: Optional[List[Tuple[int, int]]] = None
    out: List[Finding] = []
    for finding in findings:
        if (
            enabled
            and finding.cell is None
            and getattr(unit, "kind", None) == "python"
            and finding.severity not in (Severity.LOW, Severity.CRITICAL)
            and not finding.rule_id.startswith(_PY2_KEPT_PREFIXES)
        ):
            if py2 is None:
                code = getattr(unit, "code", None)
                py2 = ranges_of_python2_code(code.source) if code is not None else []
            if py2 and _in_ranges(finding.line, py2):
                finding = finding.with_(severity=Severity.LOW, message=finding.message + PY2_REASON)
        context = found
        if context is None and finding.cell is None and getattr(unit, "kind", None) == "python":
            if ranges is None:
                code = getattr(unit, "code", None)
                ranges = ranges_of_test_code(code.source) if code is not None else []
            if ranges and _in_ranges(finding.line, ranges):
                context = "test"
        if context is None:
            out.append(finding)
            continue
        severity = lowered_in_context(finding.rule_id, finding.severity, context) if enabled else finding.severity
        if context == "dev" and severity is not finding.severity:
            reason = DEV_ENV_REASON if getattr(unit, "kind", None) == "conda-env" else DEV_REASON
            out.append(finding.with_(severity=severity, context=context, message=finding.message + reason))
            continue
        out.append(finding.with_(severity=severity, context=context))
    if not enabled:
        return out  # every rule's own severity
    ignored_for = getattr(config, "ignored_for", None)
    return lower_repeats(out, ignored_for(getattr(unit, "path", "")) if ignored_for is not None and getattr(unit, "path", None) else ())


def statistics(findings: Sequence[Finding]) -> Dict[str, Dict[str, int]]:
    """``{rule_id: {context: count}}`` with "code" for findings outside any context."""
    table: Dict[str, Dict[str, int]] = {}
    for finding in findings:
        row = table.setdefault(finding.rule_id, {})
        key = finding.context or "code"
        row[key] = row.get(key, 0) + 1
    return table
