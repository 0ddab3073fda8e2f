from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from mlwarden.core import lazyre as re
from mlwarden.core.finding import Finding, Severity, sha256_hex
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies.pip_in_code import CODE_KINDS, RULE_GATE_WORDS
from mlwarden.sources.dependencies import ALL_KINDS, finding_for, for_unit, pinned_example, pins_required, short

POLICIES = ("auto", "application", "library")
#: tooling that conda environments and notebooks list without a version on purpose
TOOLING = {"conda": frozenset({"python", "pip"}), "notebook": frozenset({"pip"}), "code": frozenset({"pip"})}


class UnpinnedRequirement(FileRule):
    """## What it does
    Flags requirements that are not pinned to one exact version: bare names,
    ranges (`>=`, `~=`, `<`), wildcard pins (`==1.*`), Poetry `^`/`~`
    constraints, Pipfile `"*"`, conda specs without a full version
    (`numpy=1.26` means 1.26.*), and packages installed by `%pip install` /
    `!pip install` / `!conda install` in notebooks.

    Where pins are required:

    - `requirements*.txt`, `constraints*.txt`, `requirements/*.txt`,
      `environment.yml` (conda and `pip:` sections), `Pipfile` and notebooks:
      always;
    - `pyproject.toml` (PEP 621, PEP 735 groups, Poetry, uv) and `setup.cfg`:
      only when the project is an **application**. A library must keep ranges
      so that its users can resolve; see the `pin-policy` option.

    A requirement pinned by a constraints file it includes with `-c` counts as
    pinned. URLs, VCS references and local paths are left to MLW304/MLW305.

    ## Why is this bad?
    An unpinned requirement installs whatever the index serves on the day of
    the install: a new release with a regression, a compromised release (the
    Ultralytics releases 8.3.41/8.3.42 of December 2024 mined cryptocurrency),
    or a higher-versioned package from another index (dependency confusion).
    Builds are not reproducible and reviews cannot see what will run.

    ## Example
    ```text
    transformers>=4.40
    torch
    ```

    ## Use instead
    ```text
    transformers==4.46.0 --hash=sha256:0a1b...
    torch==2.6.0 --hash=sha256:9f8e...
    ```
    Generate fully pinned, hashed files with `pip-compile --generate-hashes`
    or `uv pip compile --generate-hashes`, or commit a lock file.

    ## Options
    `pin-policy` (default `"auto"`): `"application"` checks pyproject and
    setup.cfg dependencies too, `"library"` never does. `"auto"` treats a
    pyproject with a `[build-system]` and a project name (or a setup.cfg) as a
    library, and so a PEP 621 project with a name and no build backend that
    setuptools builds (the PEP 517 fallback): one with a `[tool.setuptools]`
    table (its packaging configuration; `packages = []` or `py-modules = []`
    alone package nothing) or a `setup.py` next to it; everything else (no build backend and neither of those, `[tool.uv]
    package = false`, Poetry `package-mode = false`) is an application.

    ## Severity
    Medium. Low for the requirements file a library builds its install
    requirements from (a `setup.py` that names it, or lists every file of
    its folder right below it with `os.listdir`/`iterdir`/a glob the file
    matches, or builds its path from names it writes itself: an f-string,
    `%`, `.format`, `+`, `/` or a path join over a loop (or comprehension)
    on a literal list of names, a module constant, or the literal arguments
    its own `def` is called with, as in `for extra in ["main", "dev"]:
    Path(f"requirements/{extra}.txt")`; and passes `install_requires`. A
    path built from a name the code does not write (`sys.argv`, the
    environment, a value read from a file) names no file, so a file it may
    reach keeps its rank. Or a `pyproject.toml` whose setuptools `dynamic`
    dependencies or `hatch-requirements-txt` hook list it (extras too), in its folder or
    up to two folders above, as in `requirements/base.txt`; the nearest
    folder with either file is the project): like a library's
    `pyproject.toml` dependencies, it keeps ranges so that its users can
    resolve (`pin-policy = "application"` keeps it medium). Low too for a
    requirements file that only repeats what the library declares: every
    package it lists (at least two) is among the dependencies and extras of
    the nearest `pyproject.toml` of a library (a build backend and a project
    name, PEP 621 or Poetry; or one setuptools builds without a backend, see
    Options) or of its `setup.cfg` (`install_requires`,
    extras), as many projects keep a `requirements.txt` copy of their
    `dependencies`; one package the library does not declare makes it a
    deployment's own list, which stays medium. Low in tests,
    docs, examples and tutorial notebooks; documentation-build requirement
    files are docs: under `docs/`, named for it (`requirements/docs.txt`,
    `requirements/readthedocs.txt`, `rtd-requirements.txt`,
    `requirements/sphinx.txt`), or installed by a Read the Docs
    configuration (`.readthedocs.yaml`'s `requirements:`), unless that is
    the root `requirements.txt` or a file `setup.py`, `setup.cfg` or
    `pyproject.toml` names (the project's own requirements). Low in a
    development requirements file (`requirements-dev.txt`,
    `dev-requirements.txt`, `requirements/dev.txt`) that does not install
    the project itself (no `-e .` or `.`, no `-r requirements.txt` into the
    production list, no line naming the project), with the reason in the
    message.

    ## Notebook behavior
    One finding per install line (`!pip install torch transformers
    datasets`), at its first unpinned package, listing every unpinned
    package of the line; the baseline fingerprint covers the whole list.

    ## Known problems
    `pip`, and `python` in conda environments, are not reported. The fix is
    not automatic: mlwarden cannot know the version to pin offline, so the
    message shows the line to write with `X.Y.Z` for you to fill in.

    ## References
    - [pip: Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
    - [CWE-1357: Reliance on Insufficiently Trustworthy Component](https://cwe.mitre.org/data/definitions/1357.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW301"
    name = "unpinned-requirement"
    severity = Severity.MEDIUM
    cwe = (1357, 829)
    owasp = ("ML06:2023",)
    message = "`package>=1.0` is not pinned to an exact version; pin one, e.g. `package==X.Y.Z`, and add hashes"
    applies_to = ALL_KINDS | CODE_KINDS  # CODE_KINDS: pip commands built in Python code
    text_gate = RULE_GATE_WORDS  # in a Python file, only where `install` is written (pip_in_code gates further)
    OPTIONS = {"pin-policy": "auto"}
    OPTION_CHOICES = {"pin-policy": POLICIES}

    VALID = [
        Valid("torch==2.6.0\ntransformers[torch]==4.46.0 ; python_version >= '3.9'\n", filename="requirements.txt"),
        Valid("-e .\n./local/pkg\ngit+https://github.com/org/repo@0123456789abcdef0123456789abcdef01234567\n", filename="requirements.txt"),
        Valid('[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "lib"\ndependencies = ["torch>=2.6"]\n',
              filename="pyproject.toml"),
        Valid('[project]\nname = "app"\ndependencies = ["torch>=2.6"]\n', filename="pyproject.toml", options={"pin-policy": "library"}),
        Valid("dependencies:\n  - python=3.11\n  - pip\n  - numpy=1.26.4\n  - pip:\n    - torch==2.6.0\n", filename="environment.yml"),
    ]
    INVALID = [
        Invalid("torch==2.6.0\ntransformers>=4.40\n", filename="requirements.txt"),
        Invalid("numpy  # error: MLW301\ntorch==2.*  # error: MLW301\nkeras~=3.0  # error: MLW301\n", filename="requirements.txt"),
        Invalid('[project]\nname = "app"\ndependencies = [\n  "torch>=2.6",  # error: MLW301\n]\n', filename="pyproject.toml"),
        Invalid('[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "lib"\ndependencies = ["torch>=2.6"]\n',
                filename="pyproject.toml", options={"pin-policy": "application"}),
        Invalid("dependencies:\n  - numpy=1.26  # error: MLW301\n  - pip:\n    - torch  # error: MLW301\n", filename="environment.yml"),
        Invalid('[packages]\ntorch = "*"\n', filename="Pipfile"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        policy = self.option("pin-policy")  # one of POLICIES: checked when the config is loaded
        if not pins_required(unit, deps, policy):
            return
        # a requirements file that is a library's install requirements keeps ranges on purpose
        library_file = policy != "application" and unit.kind == "requirements" and install_requirements_of_library(unit.path)
        mirrored = ""
        if policy != "application" and unit.kind == "requirements" and not library_file:
            names = {e.name for e in deps.entries if e.own and e.name and e.path == unit.path and not (e.url or e.local or e.editable)}
            mirrored = mirrored_library_manifest(unit.path, names)
        # notebooks: one finding per install line, listing its packages
        install_lines: Dict[Tuple[str, Optional[int], int], List[Any]] = {}
        for entry in deps.entries:
            if not entry.own or entry.exact or entry.url or entry.local or entry.editable or not entry.name:
                continue
            if entry.context == "build-system" or entry.name in deps.constrained_pins:
                continue
            if entry.name in TOOLING.get(entry.ecosystem if entry.ecosystem == "conda" else entry.context, ()):
                continue
            if entry.specifier is None and entry.ecosystem != "conda":
                continue  # a constraint we cannot read (Poetry "||"): not ours to judge
            if entry.context == "notebook":
                key = (entry.path, entry.cell, entry.line)
                install_lines.setdefault(key, []).append(entry)
                continue
            instead = pinned_example(entry)
            message = f"`{short(entry.text)}` is not pinned to an exact version; pin one, e.g. `{instead}`"
            if entry.syntax == "pip":
                message += ", and add hashes"
            if library_file and entry.path == unit.path:
                yield finding_for(self, unit, entry, message + f" (low: {library_file} reads this file as the library's install requirements, where ranges are expected; pin deployments with a lock or constraints file)").with_(severity=Severity.LOW)
                continue
            if mirrored and entry.path == unit.path:
                yield finding_for(self, unit, entry, message + f" (low: every package here is one the library's {mirrored} declares, so this file repeats its install requirements, where ranges are expected; pin deployments with a lock or constraints file)").with_(severity=Severity.LOW)
                continue
            yield finding_for(self, unit, entry, message)
        for entries in install_lines.values():
            yield self._install_line(unit, entries)

    def _install_line(self, unit, entries: List[Any]) -> Finding:
        """One finding for the unpinned packages of one notebook install line."""
        first = entries[0]
        tool = "%conda install" if first.ecosystem == "conda" else "%pip install"
        if len(entries) == 1:
            message = f"`{short(first.text)}` is installed without an exact version; pin one, e.g. `{tool} {pinned_example(first)}`"
        else:
            names = ", ".join(f"`{short(e.text, 40)}`" for e in entries[:8]) + (f" and {len(entries) - 8} more" if len(entries) > 8 else "")
            example = " ".join(pinned_example(e) for e in entries[:3]) + (" …" if len(entries) > 3 else "")
            message = f"`{tool}` installs {len(entries)} packages without an exact version ({names}); pin each, e.g. `{tool} {example}`"
        finding = finding_for(self, unit, first, message)
        if len(entries) > 1:
            finding = finding.with_(snippet_hash=sha256_hex(" ".join(" ".join(e.text.split()) for e in entries)))
        return finding


#: a call that lists a folder's files, and a string literal with a wildcard (a glob's pattern)
_LISTING_RE = re.compile(r"\b(?:listdir|scandir|iterdir|glob|iglob|rglob)\s*\(")
_LISTING_ALIAS_RE = re.compile(r"\b(?:listdir|scandir|glob|iglob)\s+as\s+(\w{1,40})")
_GLOB_ARG_RE = re.compile(r"[\"']([^\"'\n*?]{0,100}[*?][^\"'\n]{0,100})[\"']")

#: how many directories above a requirements file its ``setup.py`` or
#: ``pyproject.toml`` may sit (``requirements/base.txt``, ``ci/requirements/x.txt``)
_LIBRARY_ROOT_DEPTH = 2


def install_requirements_of_library(path: str) -> str:
    """The file that makes the requirements file at ``path`` a library's
    install requirements ("setup.py", "pyproject.toml", or with its folder,
    "../setup.py"), or "": a ``setup.py`` in its folder or up to two folders
    above that names it by its path from there and passes
    ``install_requires``, or a ``pyproject.toml`` there whose setuptools
    ``dynamic`` dependencies or ``hatch-requirements-txt`` hook list it. The
    search stops at the first folder that has either file (the project's
    root). Read as text; never run."""
    import os
    from pathlib import Path

    req = Path(os.path.abspath(path))
    directory = req.parent
    for up in range(_LIBRARY_ROOT_DEPTH + 1):
        parts = req.parts[len(req.parts) - 1 - up :]  # the path from `directory` down
        setup_py, pyproject = directory / "setup.py", directory / "pyproject.toml"
        try:
            has_setup, has_pyproject = setup_py.is_file(), pyproject.is_file()
            if has_setup and _setup_py_reads(setup_py, parts):
                return "/".join((*[".."] * up, "setup.py"))
            if has_pyproject and _pyproject_lists(pyproject, req):
                return "/".join((*[".."] * up, "pyproject.toml"))
        except (OSError, ValueError, UnicodeDecodeError, AttributeError, TypeError):
            return ""
        except Exception:  # a TOML error: not our file to report here
            return ""
        if has_setup or has_pyproject or directory.parent == directory:
            return ""  # the project's root, and it does not build from this file
        directory = directory.parent
    return ""


def mirrored_library_manifest(path: str, names) -> str:
    """``"pyproject.toml"`` or ``"setup.cfg"`` when the requirements file at
    ``path`` only repeats the install requirements of the library it belongs
    to: the nearest folder (its own or up to two above) with a ``setup.py``,
    ``setup.cfg`` or ``pyproject.toml`` has a library manifest (a pyproject
    with a build backend and a project name, or a setup.cfg with
    ``install_requires``) whose dependencies and extras name every package of
    ``names`` (at least two). A file with a package the library does not
    declare is a deployment's own list and stays medium. Read as text (TOML
    and INI); never run."""
    import os
    from pathlib import Path

    if len(names) < 2:
        return ""
    directory = Path(os.path.abspath(path)).parent
    for _ in range(_LIBRARY_ROOT_DEPTH + 1):
        found = [directory / name for name in ("pyproject.toml", "setup.cfg", "setup.py")]
        try:
            present = [f for f in found if f.is_file()]
        except (OSError, ValueError):
            return ""
        if present:
            for manifest in present[:2]:
                declared = _declared_install_requirements(manifest)
                if declared is not None and names <= declared:
                    return manifest.name
            return ""
        if directory.parent == directory:
            return ""
        directory = directory.parent
    return ""


def _declared_install_requirements(manifest) -> Optional[frozenset]:
    """The normalised names a library manifest installs (dependencies and
    extras), or None when it is not a library's or cannot be read."""
    from mlwarden.sources.dependencies import manifests

    if manifest.name == "setup.py":
        return None
    try:
        text = manifest.read_text(encoding="utf-8", errors="replace")[:500_000]
        deps = manifests.parse_pyproject(text, str(manifest)) if manifest.name == "pyproject.toml" else manifests.parse_setup_cfg(text, str(manifest))
    except Exception:  # a TOML or INI error: that file's own finding, not ours
        return None
    if deps.project_type != "library":
        return None
    install = {"dependencies", "optional-dependencies", "setup.cfg", "poetry"}
    names = frozenset(e.name for e in deps.entries if e.name and e.context in install)
    return names or None


def _setup_py_reads(setup_py, parts) -> bool:
    """``setup.py`` passes ``install_requires`` and names the file by its path
    from there: each part quoted or between slashes (``"requirements/x.txt"``,
    ``os.path.join("requirements", "x.txt")``, ``Path("requirements") / "x.txt"``)."""
    import re

    text = setup_py.read_text(encoding="utf-8", errors="replace")[:200_000]
    if "install_requires" not in text:
        return False
    return (
        all(re.search(rf"[\"'/\\]{re.escape(part)}[\"'/\\]", text) for part in parts)
        or _setup_py_lists(text, parts)
        or "/".join(parts) in _setup_py_built_paths(text)
    )


#: a part of a built path the code does not write (``here``, ``os.path.dirname(__file__)``)
_ANY = "\x00"
#: at most this many values per expression (a loop over loops stays small)
_MAX_BUILT = 64


def _setup_py_built_paths(text: str) -> frozenset:
    """The relative paths ``setup.py`` builds from names it writes itself
    (``for extra in ["dev", "main"]: Path(f"requirements/{extra}.txt")``,
    ``"requirements/%s.txt" % name``, ``"requirements/{}.txt".format(name)``,
    ``os.path.join(here, "requirements", name + ".txt")``): f-strings, ``%``,
    ``.format``, ``+``, ``/`` and path joins, where each name is a loop (or
    comprehension) variable over a literal list, tuple or set of strings (or a
    module-level name bound once to one), a module-level string constant, or a
    parameter of a ``def`` of the file with the literal strings its calls there
    pass (and its literal default). A leading folder the code computes
    (``here``, ``os.path.dirname(__file__)``) is the project's folder. Any other
    name (the environment, ``sys.argv``, a listing, a value read from a file)
    names no file: a path that needs it is not counted, so the file it may
    reach keeps its rank. Parsed with ``ast``; never run."""
    return _built_paths_cached(text)


def _built_paths_cached(text: str, _cache: Dict[int, frozenset] = {}) -> frozenset:  # noqa: B006 - a per-process memo
    import ast

    key = hash(text)
    found = _cache.get(key)
    if found is not None:
        return found
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        tree = None
    out: set = set()
    if tree is not None:
        try:
            out = _BuiltPaths(tree).paths()
        except RecursionError:
            out = set()
    if len(_cache) > 32:
        _cache.clear()
    result = _cache[key] = frozenset(out)
    return result


class _BuiltPaths:
    def __init__(self, tree: Any) -> None:
        import ast

        self.ast = ast
        self.tree = tree
        self.parents: Dict[int, Any] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
        # module-level names bound exactly once, to a literal string or a literal list of strings
        counts: Dict[str, int] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                counts[node.id] = counts.get(node.id, 0) + 1
        self.constants: Dict[str, List[str]] = {}
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                name = stmt.targets[0].id
                if counts.get(name) == 1:
                    values = self._literal_strings(stmt.value, allow_single=True)
                    if values is not None:
                        self.constants[name] = values
        self.functions: Dict[str, Any] = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[node.name] = None if node.name in self.functions else node

    def _literal_strings(self, node: Any, allow_single: bool = False) -> Optional[List[str]]:
        ast = self.ast
        if allow_single and isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
        ):
            return [e.value for e in node.elts]
        return None

    def _iterated(self, node: Any) -> Optional[List[str]]:
        """The literal strings a loop iterates over (a literal, or a constant list)."""
        found = self._literal_strings(node)
        if found is not None:
            return found
        if isinstance(node, self.ast.Name) and node.id in self.constants and len(self.constants[node.id]) >= 1:
            return self.constants[node.id]
        return None

    def _name_values(self, node: Any) -> List[str]:
        """The values a name can hold where ``node`` uses it, ``[_ANY]`` when not written here."""
        ast = self.ast
        name = node.id
        current = self.parents.get(id(node))
        while current is not None:
            if isinstance(current, (ast.For, ast.AsyncFor)) and isinstance(current.target, ast.Name) and current.target.id == name:
                if self._inside(node, current.body):
                    return self._iterated(current.iter) or [_ANY]
            if isinstance(current, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                for comp in current.generators:
                    if isinstance(comp.target, ast.Name) and comp.target.id == name:
                        return self._iterated(comp.iter) or [_ANY]
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return self._parameter_values(current, name)
            current = self.parents.get(id(current))
        if name in self.constants and len(self.constants[name]) == 1:
            return self.constants[name]
        return [_ANY]

    def _inside(self, node: Any, body: List[Any]) -> bool:
        ids = {id(n) for stmt in body for n in self.ast.walk(stmt)}
        return id(node) in ids

    def _parameter_values(self, function: Any, name: str) -> List[str]:
        """A parameter: the literal strings the file's calls of the function
        pass for it (and its literal default); a local or unknown: ``[_ANY]``."""
        ast = self.ast
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        names = [a.arg for a in positional]
        if name not in names and name not in [a.arg for a in args.kwonlyargs]:
            if name in self.constants and len(self.constants[name]) == 1:
                return self.constants[name]
            return [_ANY]
        if self.functions.get(function.name) is not function:
            return [_ANY]
        values: List[str] = []
        index = names.index(name) if name in names else -1
        defaults = dict(zip(names[len(names) - len(args.defaults):], args.defaults))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        default = defaults.get(name)
        if isinstance(default, ast.Constant) and isinstance(default.value, str):
            values.append(default.value)
        for call in ast.walk(self.tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == function.name):
                continue
            given = None
            if 0 <= index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                given = call.args[index]
            for keyword in call.keywords:
                if keyword.arg == name:
                    given = keyword.value
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                values.append(given.value)
            elif isinstance(given, ast.Name):
                values += [v for v in self._name_values(given) if v != _ANY]
        return sorted(set(values)) or [_ANY]

    def values(self, node: Any, depth: int = 0) -> List[str]:
        """Every string ``node`` can be, with ``_ANY`` for a part not written here."""
        ast = self.ast
        if depth > 12:
            return [_ANY]
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Name):
            return self._name_values(node)
        if isinstance(node, ast.JoinedStr):
            out = [""]
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    pieces = [part.value]
                elif isinstance(part, ast.FormattedValue) and part.format_spec is None:
                    pieces = self.values(part.value, depth + 1)
                else:
                    pieces = [_ANY]
                out = self._product(out, pieces, "")
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
            sep = "" if isinstance(node.op, ast.Add) else "/"
            return self._product(self.values(node.left, depth + 1), self.values(node.right, depth + 1), sep)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            right = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            return self._format(node.left.value, "%s", [self.values(r, depth + 1) for r in right])
        if isinstance(node, ast.Call):
            func = node.func
            if node.keywords and not (isinstance(func, ast.Attribute) and func.attr == "format"):
                return [_ANY]
            if isinstance(func, ast.Attribute) and func.attr == "format" and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str):
                if node.keywords:
                    template = func.value.value
                    out = [template]
                    for keyword in node.keywords:
                        if keyword.arg is None:
                            return [_ANY]
                        out = [o.replace("{" + keyword.arg + "}", v) for o in out for v in self.values(keyword.value, depth + 1)][:_MAX_BUILT]
                    if node.args:
                        return self._format_many(out, [self.values(a, depth + 1) for a in node.args])
                    return out
                return self._format(func.value.value, "{}", [self.values(a, depth + 1) for a in node.args])
            called = ast.unparse(func)
            last = called.rsplit(".", 1)[-1]
            if called in ("os.path.join", "path.join", "join", "joinpath", "posixpath.join") or (isinstance(func, ast.Attribute) and func.attr == "joinpath"):
                parts = [self.values(a, depth + 1) for a in node.args]
                if isinstance(func, ast.Attribute) and func.attr == "joinpath":
                    parts = [self.values(func.value, depth + 1)] + parts
                if not parts or any(isinstance(a, ast.Starred) for a in node.args):
                    return [_ANY]
                out = parts[0]
                for more in parts[1:]:
                    out = self._product(out, more, "/")
                return out
            if last in ("Path", "PurePath", "PosixPath", "str", "fspath", "abspath", "normpath") and len(node.args) == 1:
                return self.values(node.args[0], depth + 1)
            if last in ("Path", "PurePath", "PosixPath") and len(node.args) > 1:
                out = self.values(node.args[0], depth + 1)
                for more in node.args[1:]:
                    out = self._product(out, self.values(more, depth + 1), "/")
                return out
        return [_ANY]

    def _part_of_bigger(self, node: Any) -> bool:
        ast = self.ast
        parent = self.parents.get(id(node))
        if isinstance(parent, (ast.BinOp, ast.FormattedValue, ast.JoinedStr)):
            return True
        if isinstance(parent, ast.Call) and node is not parent.func:
            last = ast.unparse(parent.func).rsplit(".", 1)[-1]
            return last in ("join", "joinpath", "Path", "PurePath", "PosixPath", "format")
        return False

    def _product(self, left: List[str], right: List[str], sep: str) -> List[str]:
        return [a + sep + b for a in left for b in right][:_MAX_BUILT]

    def _format(self, template: str, slot: str, args: List[List[str]]) -> List[str]:
        if slot == "{}":
            import re as _re

            template = _re.sub(r"\{\d*\}", "{}", template)
        if template.count(slot) != len(args):
            return [_ANY]
        return self._format_many([template], args, slot)

    def _format_many(self, templates: List[str], args: List[List[str]], slot: str = "{}") -> List[str]:
        out = templates
        for values in args:
            out = [o.replace(slot, v, 1) for o in out for v in values][:_MAX_BUILT]
        return out

    def paths(self) -> set:
        ast = self.ast
        found: set = set()
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.JoinedStr, ast.BinOp, ast.Call)):
                if self._part_of_bigger(node):
                    continue  # `name + ".txt"` inside `join(here, "requirements", name + ".txt")`
                for value in self.values(node):
                    path = _normal_built(value)
                    if path:
                        found.add(path)
        return found


def _normal_built(value: str) -> str:
    """A built path relative to the setup.py folder, or "" when a part the
    code does not write is anywhere but in front (the project's folder)."""
    value = value.replace("\\", "/")
    if value.startswith(_ANY + "/"):
        value = value[2:]
    if _ANY in value or not value.strip():
        return ""
    while value.startswith("./"):
        value = value[2:]
    return "/".join(p for p in value.split("/") if p not in ("", "."))


def _setup_py_lists(text: str, parts) -> bool:
    """``setup.py`` reads every file of the requirements file's folder (a
    folder right below it): ``os.listdir(here / "requirements")``,
    ``Path("requirements").iterdir()``, or a glob the file's name matches
    (``glob.glob("requirements/*.txt")``, ``Path("requirements").glob(
    "*.txt")``), the folder quoted on the listing call's line."""
    import fnmatch

    if len(parts) != 2:
        return False
    folder, name = parts
    quoted = re.compile(rf"[\"'/\\]{re.escape(folder)}[\"'/\\]")
    aliases = _LISTING_ALIAS_RE.findall(text)  # `from os import listdir as ls`
    listing = re.compile(rf"\b(?:{'|'.join(re.escape(a) for a in aliases)})\s*\(") if aliases else None
    for line in text.splitlines():
        if len(line) > 400 or not quoted.search(line) or "data_files" in line or "package_data" in line:
            continue  # shipping the folder's files is not reading them as requirements
        if not _LISTING_RE.search(line) and not (listing is not None and listing.search(line)):
            continue
        patterns = _GLOB_ARG_RE.findall(line)
        if not patterns and "glob(" not in line:
            return True  # listdir / scandir / iterdir: every file of the folder
        if any(fnmatch.fnmatchcase(name, pattern.replace("\\", "/").rsplit("/", 1)[-1]) for pattern in patterns):
            return True
    return False


def _pyproject_lists(pyproject, req) -> bool:
    from pathlib import Path

    from mlwarden.core.config import toml_module

    data = toml_module().loads(pyproject.read_text(encoding="utf-8"))
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    dynamic = (tool.get("setuptools") or {}).get("dynamic") or {}
    hatch = (((tool.get("hatch") or {}).get("metadata") or {}).get("hooks") or {}).get("requirements_txt") or {}
    listed = []
    for key in ("dependencies", "optional-dependencies"):
        value = dynamic.get(key) if isinstance(dynamic, dict) else None
        if isinstance(value, dict) and isinstance(value.get("file"), (str, list)):
            listed += [value["file"]] if isinstance(value["file"], str) else value["file"]
        elif isinstance(value, dict):  # optional-dependencies: {extra = {file = [...]}}
            for sub in value.values():
                if isinstance(sub, dict) and isinstance(sub.get("file"), (str, list)):
                    listed += [sub["file"]] if isinstance(sub["file"], str) else sub["file"]
    if isinstance(hatch, dict):
        # hatch-requirements-txt: `files` (`filename`, its older spelling) and an extra -> files table
        for key in ("files", "filename"):
            files = hatch.get(key)
            listed += [files] if isinstance(files, str) else list(files) if isinstance(files, list) else []
        extras = hatch.get("optional-dependencies")
        for files in extras.values() if isinstance(extras, dict) else ():
            listed += [files] if isinstance(files, str) else list(files) if isinstance(files, list) else []
    directory = pyproject.parent
    return any(isinstance(item, str) and Path(item).name == req.name and (directory / item).resolve() == req.resolve() for item in listed)
