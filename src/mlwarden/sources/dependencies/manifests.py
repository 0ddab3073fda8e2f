"""pyproject.toml, setup.cfg, environment.yml, Pipfile and lock files."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from packaging.version import InvalidVersion, Version

from mlwarden.sources.base import LoadError
from mlwarden.sources.dependencies.entries import DependencySet, Entry
from mlwarden.sources.dependencies.paths import canonicalize_name
from mlwarden.sources.dependencies.requirement import InvalidRequirement, exact_specifier, index_setting, is_template, parse_requirement, url_facts
from mlwarden.sources.dependencies.requirements import _read_into
from mlwarden.sources.dependencies.tomlpos import Positions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _ref_key(item: Dict[str, Any]) -> Tuple[Optional[str], Optional[str]]:
    """(key, ref) of a Poetry or uv git table: the first of ``rev``, ``tag``
    and ``branch`` that is set (``(None, None)``: the default branch)."""
    for key in ("rev", "tag", "branch"):
        if item.get(key):
            return key, str(item[key])
    return None, None

def load_toml(text: str) -> Dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LoadError(f"invalid TOML: {exc}") from None


def _add(deps: DependencySet, text: Any, pos: Positions, path: Tuple[str, ...], context: str) -> None:
    if not isinstance(text, str):
        return
    line, col = pos.string(path, text)
    try:
        deps.entries.append(parse_requirement(text, path=deps.path, line=line, col=col, context=context))
    except InvalidRequirement as exc:
        if not is_template(text):
            deps.errors.append(f"{line}: cannot parse requirement {text!r}: {str(exc).splitlines()[0] if str(exc) else 'invalid'}")


# -- Poetry constraints -------------------------------------------------------------


def poetry_to_pep440(constraint: str) -> Optional[str]:
    """Translate a Poetry version constraint to a PEP 440 specifier string
    (``^1.2`` -> ``>=1.2,<2.0``, ``~1.2`` -> ``>=1.2,<1.3``, ``1.2.3`` ->
    ``==1.2.3``, ``*`` -> ``""``). None when it has alternatives (``||``)
    or does not translate."""
    constraint = constraint.strip()
    if "||" in constraint or "|" in constraint:
        return None
    out: List[str] = []
    for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", constraint):
        part = part.strip()
        if not part or part == "*":
            continue
        try:
            if part.startswith("^"):
                version = Version(part[1:])
                release = list(version.release)
                index = next((i for i, v in enumerate(release) if v != 0), len(release) - 1)
                upper = release[: index + 1]
                upper[-1] += 1
                out += [f">={part[1:]}", f"<{'.'.join(map(str, upper))}"]
            elif part.startswith("~") and not part.startswith("~="):
                version = Version(part[1:])
                release = list(version.release)
                upper = release[:2] if len(release) >= 2 else release[:1]
                upper[-1] += 1
                out += [f">={part[1:]}", f"<{'.'.join(map(str, upper))}"]
            elif re.match(r"^[0-9]", part):
                out.append(f"=={part}")
            else:
                out.append(part.replace(" ", ""))
        except InvalidVersion:
            return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return str(SpecifierSet(",".join(out)))
    except InvalidSpecifier:
        return None


def _poetry_entry(deps: DependencySet, name: str, value: Any, pos: Positions, path: Tuple[str, ...], context: str) -> None:
    line, col = pos.key(path)
    common = dict(name=canonicalize_name(name), written_name=name, path=deps.path, line=line, col=col, context=context, syntax="poetry")
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            spec = poetry_to_pep440(item)
            deps.entries.append(Entry(text=f'{name} = "{item}"', specifier=spec, exact=bool(spec) and exact_specifier(spec), **common))
        elif isinstance(item, dict):
            if "git" in item:
                key, ref = _ref_key(item)
                deps.entries.append(
                    Entry(text=f"{name} = {{git = {item['git']!r}{f', {key} = {ref!r}' if key else ''}}}", url=str(item["git"]),
                          vcs="git", vcs_ref=ref, vcs_ref_key=key, specifier=None, **common)
                )
            elif "url" in item:
                facts = url_facts(str(item["url"]))
                deps.entries.append(
                    Entry(text=f"{name} = {{url = {item['url']!r}}}", url=str(item["url"]), local=bool(facts["local"]), specifier=None,
                          hashes=("#fragment",) if facts["hashed"] else (), **common)
                )
            elif "path" in item:
                deps.entries.append(Entry(text=f"{name} = {{path = {item['path']!r}}}", local=True, specifier=None, **common))
            else:
                version = item.get("version", "*")
                spec = poetry_to_pep440(str(version))
                deps.entries.append(
                    Entry(text=f'{name} = "{version}"', specifier=spec, exact=bool(spec) and exact_specifier(spec),
                          marker=item.get("markers"), **common)
                )


def _poetry(deps: DependencySet, poetry: Dict[str, Any], pos: Positions) -> None:
    tables: List[Tuple[Tuple[str, ...], Any]] = [
        (("tool", "poetry", "dependencies"), poetry.get("dependencies")),
        (("tool", "poetry", "dev-dependencies"), poetry.get("dev-dependencies")),
    ]
    groups = poetry.get("group")
    if isinstance(groups, dict):
        for group, body in groups.items():
            if isinstance(body, dict):
                tables.append((("tool", "poetry", "group", group, "dependencies"), body.get("dependencies")))
    for path, table in tables:
        if not isinstance(table, dict):
            continue
        context = "poetry" if path[-1] == "dependencies" and len(path) == 3 else "poetry-group"
        for name, value in table.items():
            if name.lower() == "python":
                continue
            _poetry_entry(deps, name, value, pos, path + (name,), context)
    sources = poetry.get("source")
    if isinstance(sources, list):
        for source in sources:
            if not isinstance(source, dict) or not isinstance(source.get("url"), str):
                continue
            priority = str(source.get("priority", "")).lower()
            extra = priority in ("supplemental", "secondary") or bool(source.get("secondary"))
            line, col = pos.string(("tool", "poetry", "source", "url"), source["url"])
            deps.indexes.append(index_setting("[[tool.poetry.source]]", source["url"], path=deps.path, line=line, col=col, extra=extra))


def _uv(deps: DependencySet, uv: Dict[str, Any], pos: Positions) -> None:
    base = ("tool", "uv")
    strategy = uv.get("index-strategy")
    unsafe = isinstance(strategy, str) and strategy.startswith("unsafe")
    for key in ("dev-dependencies", "constraint-dependencies", "override-dependencies"):
        values = uv.get(key)
        if isinstance(values, list):
            for value in values:
                _add(deps, value, pos, base + (key,), "uv")
    if isinstance(uv.get("index-url"), str):
        line, col = pos.string(base + ("index-url",), uv["index-url"])
        deps.indexes.append(index_setting("--index-url", uv["index-url"], path=deps.path, line=line, col=col))
    extras = uv.get("extra-index-url")
    for url in extras if isinstance(extras, list) else ([extras] if isinstance(extras, str) else []):
        if isinstance(url, str):
            line, col = pos.string(base + ("extra-index-url",), url)
            deps.indexes.append(index_setting("--extra-index-url", url, path=deps.path, line=line, col=col, extra=unsafe))
    links = uv.get("find-links")
    for url in links if isinstance(links, list) else ([links] if isinstance(links, str) else []):
        if isinstance(url, str):
            line, col = pos.string(base + ("find-links",), url)
            deps.indexes.append(index_setting("--find-links", url, path=deps.path, line=line, col=col))
    indexes = uv.get("index")
    if isinstance(indexes, list):
        for index in indexes:
            if isinstance(index, dict) and isinstance(index.get("url"), str):
                line, col = pos.string(base + ("index", "url"), index["url"])
                extra = unsafe and not index.get("explicit") and not index.get("default")
                deps.indexes.append(index_setting("[[tool.uv.index]]", index["url"], path=deps.path, line=line, col=col, extra=extra))
    hosts = uv.get("allow-insecure-host")
    if isinstance(hosts, list):
        for host in hosts:
            if isinstance(host, str):
                line, col = pos.string(base + ("allow-insecure-host",), host)
                deps.indexes.append(index_setting("allow-insecure-host", host, path=deps.path, line=line, col=col, insecure=True))
    sources = uv.get("sources")
    if isinstance(sources, dict):
        for name, source in sources.items():
            for item in source if isinstance(source, list) else [source]:
                if not isinstance(item, dict):
                    continue
                line, col = pos.key(base + ("sources", name))
                common = dict(name=canonicalize_name(name), written_name=name, path=deps.path, line=line, col=col, context="uv", specifier=None)
                if isinstance(item.get("git"), str):
                    key, ref = _ref_key(item)
                    deps.entries.append(Entry(text=f"{name} = {{git = {item['git']!r}{f', {key} = {ref!r}' if key else ''}}}", url=item["git"],
                                              vcs="git", vcs_ref=ref, vcs_ref_key=key, **common))
                elif isinstance(item.get("url"), str):
                    facts = url_facts(item["url"])
                    deps.entries.append(Entry(text=f"{name} = {{url = {item['url']!r}}}", url=item["url"], local=bool(facts["local"]),
                                              hashes=("#fragment",) if facts["hashed"] else (), **common))


def project_type(data: Dict[str, Any]) -> Tuple[str, str]:
    """("library" | "application", reason) for a parsed pyproject."""
    build = data.get("build-system")
    project = data.get("project")
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    uv = data.get("tool", {}).get("uv") if isinstance(data.get("tool"), dict) else None
    if isinstance(uv, dict) and uv.get("package") is False:
        return "application", "[tool.uv] package = false"
    if isinstance(poetry, dict) and poetry.get("package-mode") is False:
        return "application", "[tool.poetry] package-mode = false"
    has_backend = isinstance(build, dict) and bool(build.get("build-backend") or build.get("requires"))
    has_name = (isinstance(project, dict) and bool(project.get("name"))) or (isinstance(poetry, dict) and bool(poetry.get("name")))
    if has_backend and has_name:
        return "library", "a [build-system] and a project name: a package others install"
    setuptools = data.get("tool", {}).get("setuptools") if isinstance(data.get("tool"), dict) else None
    if not has_backend and isinstance(project, dict) and project.get("name") and _packages_something(setuptools):
        # PEP 517: without a build backend, pip and `build` build the project with
        # setuptools; a [tool.setuptools] table (packages, package-dir, py-modules)
        # is that build's own configuration, written only for a package
        return "library", "a project name and a [tool.setuptools] table without [build-system]: setuptools builds it (the PEP 517 fallback)"
    if not has_backend and isinstance(project, dict) and project.get("name"):
        return "application", NAME_WITHOUT_BACKEND
    return "application", "no [build-system] with a project name: not a package"


def _packages_something(setuptools: Any) -> bool:
    """A ``[tool.setuptools]`` table that configures a package: any setting
    with a value, but not ``packages = []``/``py-modules = []`` alone (the
    flat-layout workaround of an application that ships no code of its own)."""
    if not isinstance(setuptools, dict):
        return False
    return any(not (key in ("packages", "py-modules") and value == []) and value not in ({}, [], None, "") for key, value in setuptools.items())


#: the reason :func:`project_type` gives a PEP 621 project with a name and no build
#: backend; :func:`mlwarden.sources.dependencies.pins_required` treats it as a library
#: when a ``setup.py`` sits next to it (pip then builds it with setuptools)
NAME_WITHOUT_BACKEND = "a project name without [build-system]: not a package unless a setup.py builds it"


def parse_pyproject(text: str, display: str) -> DependencySet:
    data = load_toml(text)
    deps = DependencySet(kind="pyproject", path=display)
    deps.project_type, deps.project_reason = project_type(data)
    pos = Positions(text)
    project = data.get("project")
    if isinstance(project, dict):
        if isinstance(project.get("dependencies"), list):
            for value in project["dependencies"]:
                _add(deps, value, pos, ("project", "dependencies"), "dependencies")
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for extra, values in optional.items():
                if isinstance(values, list):
                    for value in values:
                        _add(deps, value, pos, ("project", "optional-dependencies", extra), "optional-dependencies")
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group, values in groups.items():
            if isinstance(values, list):
                for value in values:
                    _add(deps, value, pos, ("dependency-groups", group), "dependency-groups")
    build = data.get("build-system")
    if isinstance(build, dict) and isinstance(build.get("requires"), list):
        for value in build["requires"]:
            _add(deps, value, pos, ("build-system", "requires"), "build-system")
    tool = data.get("tool")
    if isinstance(tool, dict):
        if isinstance(tool.get("poetry"), dict):
            _poetry(deps, tool["poetry"], pos)
        if isinstance(tool.get("uv"), dict):
            _uv(deps, tool["uv"], pos)
    return deps


# -- setup.cfg ---------------------------------------------------------------------

SETUP_KEYS = {("options", "install_requires"), ("options", "setup_requires"), ("options", "tests_require")}


def parse_setup_cfg(text: str, display: str) -> DependencySet:
    import configparser  # here: most projects have no setup.cfg

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise LoadError(f"invalid setup.cfg: {str(exc).splitlines()[0]}") from None
    deps = DependencySet(kind="setup-cfg", path=display, project_type="library", project_reason="setup.cfg describes a package")
    section, key, indent = "", "", 0
    for number, physical in enumerate(text.splitlines(), start=1):
        stripped = physical.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        header = re.match(r"^\[([^\]]+)\]", stripped)
        if header and not physical[:1].isspace():
            section, key = header.group(1).strip().lower(), ""
            continue
        if not physical[:1].isspace():
            match = re.match(r"^([^=:]+?)\s*[=:]\s*(.*)$", physical)
            if not match:
                key = ""
                continue
            key = match.group(1).strip().lower().replace("-", "_")
            value = match.group(2)
            col0 = match.start(2)
        else:
            value, col0 = physical.strip(), len(physical) - len(physical.lstrip())
        if not key or not ((section, key) in SETUP_KEYS or section == "options.extras_require"):
            continue
        value = re.sub(r"\s+#.*$", "", value).strip()
        if not value:
            continue
        context = "setup.cfg"
        _read_setup_value(deps, value, number, col0 + 1, context)
    del indent
    return deps


def _read_setup_value(deps: DependencySet, value: str, line: int, col: int, context: str) -> None:
    try:
        deps.entries.append(parse_requirement(value, path=deps.path, line=line, col=col, context=context))
    except InvalidRequirement as exc:
        if not is_template(value):
            deps.errors.append(f"{line}: cannot parse requirement {value!r}: {str(exc).splitlines()[0] if str(exc) else 'invalid'}")


# -- conda -------------------------------------------------------------------------

CONDA_RE = re.compile(r"^(?:(?P<channel>[^:\s]+)::)?(?P<name>[A-Za-z0-9_][A-Za-z0-9_.\-]*)\s*(?P<rest>.*)$")
#: conda package names that are PyPI's under another name
CONDA_TO_PYPI = {"pytorch": "torch", "pytorch-cpu": "torch", "pytorch-gpu": "torch", "py-xgboost": "xgboost", "pytorch-lightning": "pytorch-lightning"}


def conda_entry(text: str, *, path: str, line: int, col: int, context: str, cell=None, file_line=None) -> Optional[Entry]:
    """A conda match spec (``numpy``, ``numpy=1.26.4=py311h…``, ``numpy>=1.26``,
    ``conda-forge::numpy==1.26.4``, ``numpy 1.26.4``)."""
    match = CONDA_RE.match(text.strip())
    if not match:
        return None
    name = match.group("name")
    rest = match.group("rest").strip().strip("'\"")
    exact = False
    specifier: Optional[str] = ""
    if rest.startswith("=") or rest[:1].isdigit():
        double = rest.startswith("==")
        pieces = re.split(r"[=\s]+", rest.lstrip("="), maxsplit=1)
        version, build = pieces[0], pieces[1] if len(pieces) > 1 else ""
        fuzzy = "*" in version
        # conda "=1.2" means 1.2.*; "==1.2.3", "=1.2.3" and "=1.2.3=build" fix the version
        exact = not fuzzy and (double or bool(build) or len(version.split(".")) >= 3)
        specifier = f"=={version}" if exact or double else f"=={version.rstrip('.*')}.*"
    elif rest:
        specifier = rest.replace(" ", "")
    if specifier:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            specifier = str(SpecifierSet(specifier))
        except InvalidSpecifier:
            specifier = None
    pypi = CONDA_TO_PYPI.get(name.lower(), name)
    return Entry(
        name=canonicalize_name(pypi), written_name=name, text=text.strip(), path=path, line=line, col=col, context=context,
        specifier=specifier, exact=exact, ecosystem="conda", syntax="conda", cell=cell, file_line=file_line,
    )


def parse_conda_env(text: str, display: str, fs_path: Optional[Path]) -> DependencySet:
    import yaml

    deps = DependencySet(kind="conda-env", path=display)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LoadError(f"invalid YAML{where}: {problem}") from None
    if root is None:
        return deps
    if not isinstance(root, yaml.MappingNode):
        raise LoadError("not a conda environment file: the top level is not a mapping")
    for key, value in root.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value == "channels" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                if isinstance(item, yaml.ScalarNode) and "://" in item.value:
                    deps.indexes.append(index_setting("channel", item.value, path=display,
                                                      line=item.start_mark.line + 1, col=item.start_mark.column + 1))
        if key.value != "dependencies" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if isinstance(item, yaml.ScalarNode):
                entry = conda_entry(str(item.value), path=display, line=item.start_mark.line + 1,
                                    col=item.start_mark.column + 1, context="conda")
                if entry is not None:
                    deps.entries.append(entry)
            elif isinstance(item, yaml.MappingNode):
                for sub_key, sub_value in item.value:
                    if isinstance(sub_key, yaml.ScalarNode) and sub_key.value == "pip" and isinstance(sub_value, yaml.SequenceNode):
                        _pip_section(deps, sub_value, text, display, fs_path)
    return deps


def _pip_section(deps: DependencySet, node: Any, text: str, display: str, fs_path: Optional[Path]) -> None:
    """The ``pip:`` list is handed to pip as a requirements file: read each
    item as one requirements line, at its place in the YAML file."""
    import yaml

    seen = {str(fs_path.resolve())} if fs_path is not None else set()
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode):
            continue
        start = item.start_mark
        value = str(item.value)
        # a plain scalar starts where its text starts; quoted ones after the quote
        col_offset = start.column + (1 if item.style in ("'", '"') else 0)
        _read_into(deps, value, display, fs_path, context="pip", constraint=False, own=True, seen=seen, via=None,
                   line_offset=start.line, col_offset=col_offset)
    del text


# -- Pipfile -----------------------------------------------------------------------

PIPFILE_NON_PACKAGE = {"source", "requires", "scripts", "pipenv", "dev-packages-settings"}


def parse_pipfile(text: str, display: str) -> DependencySet:
    data = load_toml(text)
    deps = DependencySet(kind="pipfile", path=display)
    pos = Positions(text)
    sources = data.get("source")
    if isinstance(sources, list):
        for source in sources:
            if isinstance(source, dict) and isinstance(source.get("url"), str):
                line, col = pos.string(("source", "url"), source["url"])
                insecure = source.get("verify_ssl") is False
                deps.indexes.append(index_setting("[[source]]", source["url"], path=display, line=line, col=col, insecure=insecure))
    for category, table in data.items():
        if category in PIPFILE_NON_PACKAGE or not isinstance(table, dict):
            continue
        for name, value in table.items():
            line, col = pos.key((category, name))
            common = dict(name=canonicalize_name(name), written_name=name, path=display, line=line, col=col, context="pipfile", syntax="pipfile")
            if isinstance(value, str):
                spec = "" if value.strip() == "*" else value.strip()
                deps.entries.append(Entry(text=f'{name} = "{value}"', specifier=_valid_spec(spec), exact=exact_specifier(spec), **common))
            elif isinstance(value, dict):
                vcs = next((v for v in ("git", "hg", "svn", "bzr") if isinstance(value.get(v), str)), None)
                if vcs:
                    ref = str(value["ref"]) if value.get("ref") else None
                    deps.entries.append(Entry(text=f"{name} = {{{vcs} = {value[vcs]!r}{f', ref = {ref!r}' if ref else ''}}}", url=value[vcs], vcs=vcs,
                                              vcs_ref=ref, vcs_ref_key="ref" if ref else None, specifier=None,
                                              editable=bool(value.get("editable")), **common))
                elif isinstance(value.get("file"), str):
                    facts = url_facts(value["file"])
                    local = bool(facts["local"]) or "://" not in value["file"]
                    deps.entries.append(Entry(text=f"{name} = {{file = {value['file']!r}}}", url=value["file"], local=local,
                                              hashes=("#fragment",) if facts["hashed"] else (), specifier=None, **common))
                elif isinstance(value.get("path"), str):
                    deps.entries.append(Entry(text=f"{name} = {{path = {value['path']!r}}}", local=True, specifier=None, **common))
                else:
                    version = str(value.get("version", "*")).strip()
                    spec = "" if version == "*" else version
                    marker = value.get("markers") if isinstance(value.get("markers"), str) else None
                    deps.entries.append(Entry(text=f'{name} = "{version}"', specifier=_valid_spec(spec), exact=exact_specifier(spec),
                                              marker=marker, **common))
    return deps


def _valid_spec(spec: str) -> Optional[str]:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return str(SpecifierSet(spec))
    except InvalidSpecifier:
        return None


# -- lock files (exact versions; used by mlwarden.core.versions) -----------------------


def lock_versions(path: Path) -> Iterator[Tuple[str, Version, int]]:
    """(canonical name, version, line) for every package in a lock file
    (``uv.lock``, ``poetry.lock``, ``pdm.lock``: TOML ``[[package]]``;
    ``Pipfile.lock``: JSON). Raises LoadError for a lock we cannot read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read lock file: {getattr(exc, 'strerror', None) or exc}") from None
    if path.name == "Pipfile.lock":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        for section in ("default", "develop"):
            table = data.get(section) if isinstance(data, dict) else None
            if not isinstance(table, dict):
                continue
            for name, info in table.items():
                version = info.get("version") if isinstance(info, dict) else None
                if isinstance(version, str) and version.startswith("=="):
                    parsed = _version(version[2:])
                    if parsed is not None:
                        yield canonicalize_name(name), parsed, _json_line(text, name)
        return
    data = load_toml(text)
    packages = data.get("package")
    if not isinstance(packages, list):
        return
    lines = _package_lines(text)
    for index, package in enumerate(packages):
        if isinstance(package, dict) and isinstance(package.get("name"), str) and isinstance(package.get("version"), str):
            parsed = _version(package["version"])
            if parsed is not None:
                yield canonicalize_name(package["name"]), parsed, lines[index] if index < len(lines) else 1


def _version(text: str) -> Optional[Version]:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _package_lines(text: str) -> List[int]:
    """The line of each ``[[package]]``'s ``name = …`` (or the header)."""
    out: List[int] = []
    lines = text.splitlines()
    for i, line in enumerate(lines, start=1):
        if line.strip() == "[[package]]":
            out.append(i)
        elif out and out[-1] == i - 1 and line.lstrip().startswith("name"):
            out[-1] = i
    return out


def _json_line(text: str, name: str) -> int:
    index = text.find(json.dumps(name) + ":")
    return text.count("\n", 0, index) + 1 if index >= 0 else 1
