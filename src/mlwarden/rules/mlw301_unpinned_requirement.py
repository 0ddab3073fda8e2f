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
    library, and everything else (no build backend, `[tool.uv] package =
    false`, Poetry `package-mode = false`) as an application.

    ## Severity
    Medium. Low for the requirements file a library builds its install
    requirements from (a `setup.py` that names it, or lists every file of
    its folder right below it with `os.listdir`/`iterdir`/a glob the file
    matches, and passes `install_requires`, or a `pyproject.toml` whose setuptools `dynamic`
    dependencies or `hatch-requirements-txt` hook list it (extras too), in its folder or
    up to two folders above, as in `requirements/base.txt`; the nearest
    folder with either file is the project): like a library's
    `pyproject.toml` dependencies, it keeps ranges so that its users can
    resolve (`pin-policy = "application"` keeps it medium). Low too for a
    requirements file that only repeats what the library declares: every
    package it lists (at least two) is among the dependencies and extras of
    the nearest `pyproject.toml` of a library (a build backend and a project
    name; PEP 621 or Poetry) or of its `setup.cfg` (`install_requires`,
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
    return all(re.search(rf"[\"'/\\]{re.escape(part)}[\"'/\\]", text) for part in parts) or _setup_py_lists(text, parts)


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
