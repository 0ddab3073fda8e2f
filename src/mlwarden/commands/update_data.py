"""Download the OpenSSF malicious-packages list for PyPI (MLW306's data).

The only mlwarden command that uses the network, and only when you run it: a
scan never does. It reads the ``MAL-*`` OSV records of PyPI packages (by
default from OSV.dev's export of every PyPI record, which includes the
OpenSSF malicious-packages project's), and writes a dated snapshot that
``mlwarden check`` then reads with the curated list. ``--input`` reads the
records from a local ``all.zip`` or a directory of OSV JSON files (for
example a clone of github.com/ossf/malicious-packages, ``osv/malicious/pypi``)
instead.

Exit status: 0 written, 2 nothing written (the previous data stays in place).
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import json
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

#: OSV.dev's export of all PyPI advisories (https://google.github.io/osv.dev/data/)
DEFAULT_URL = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
SOURCE_NAME = "OpenSSF malicious-packages (MAL-* OSV records for PyPI)"
#: refuse downloads larger than this (the PyPI export is tens of MB)
MAX_DOWNLOAD = 1 << 30
#: one OSV record is a few kB; anything bigger is not one
MAX_RECORD = 4 << 20
ECOSYSTEM = "PyPI"


class UpdateError(Exception):
    """Why no data was written (one line)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--url", default=DEFAULT_URL, help=f"zip of OSV records to download (default: {DEFAULT_URL}); https only, except on loopback"
    )
    source.add_argument("--input", metavar="PATH", help="read OSV records from a local zip or directory instead of downloading")
    parser.add_argument(
        "--output", "-o", metavar="FILE",
        help="snapshot to write (default: malicious_packages.json in $MLWARDEN_DATA_DIR, else in the user data directory)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="network timeout (default: 60)")


# ---------------------------------------------------------------------------
# OSV records -> format-1 snapshot


def _events_to_ranges(ranges: Any) -> Tuple[List[Dict[str, str]], bool]:
    """(ranges, every version) from OSV ``affected[].ranges``."""
    out: List[Dict[str, str]] = []
    everything = False
    for item in ranges if isinstance(ranges, list) else []:
        if not isinstance(item, dict) or item.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        current: Optional[Dict[str, str]] = None
        for event in item.get("events", []) if isinstance(item.get("events"), list) else []:
            if not isinstance(event, dict):
                continue
            if isinstance(event.get("introduced"), str):
                if current is not None:
                    out.append(current)
                current = {"introduced": event["introduced"]}
            elif current is not None:
                for key in ("fixed", "last_affected"):
                    if isinstance(event.get(key), str):
                        current[key] = event[key]
                        out.append(current)
                        current = None
                        break
        if current is not None:
            out.append(current)
    for span in out:
        if span.get("introduced") == "0" and len(span) == 1:
            everything = True
    return out, everything


def packages_from_record(record: Any) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """(name, partial entry) for each PyPI package a ``MAL-*`` record names.
    Withdrawn records and other ecosystems yield nothing."""
    from mlwarden.rules.mlw306_malicious_package import clean_text

    if not isinstance(record, dict) or not str(record.get("id", "")).startswith("MAL-") or record.get("withdrawn"):
        return
    record_id = clean_text(record["id"], 40)
    summary = clean_text(record.get("summary") or record.get("details") or "", 200)
    for affected in record.get("affected") or []:
        if not isinstance(affected, dict):
            continue
        package = affected.get("package") or {}
        if not isinstance(package, dict) or package.get("ecosystem") != ECOSYSTEM or not isinstance(package.get("name"), str):
            continue
        versions = [v for v in affected.get("versions") or [] if isinstance(v, str)]
        ranges, everything = _events_to_ranges(affected.get("ranges"))
        entry: Dict[str, Any] = {"ids": [record_id], "summary": summary}
        if not everything and (versions or ranges):
            entry["versions"] = versions
            entry["ranges"] = [r for r in ranges if r != {"introduced": "0"}]
        yield package["name"], entry


def build_snapshot(records: Iterable[Any], source: str, today: Optional[datetime.date] = None) -> Dict[str, Any]:
    """A format-1 snapshot (see mlwarden/data/malicious_packages.toml) from OSV
    records: one entry per package name with its ``MAL-*`` ids (each one is
    https://osv.dev/vulnerability/<id>), the first record's summary, and the
    affected versions and ranges unless every version is malicious."""
    from mlwarden.sources.dependencies.paths import canonicalize_name

    from mlwarden.rules.mlw306_malicious_package import FORMAT, _NAME_RE

    merged: Dict[str, Dict[str, Any]] = {}
    count = 0
    for record in records:
        found = False
        for name, entry in packages_from_record(record):
            if not _NAME_RE.match(name):
                continue
            found = True
            key = canonicalize_name(name)
            current = merged.setdefault(
                key, {"name": key, "ids": [], "summary": entry["summary"], "_every": False, "versions": [], "ranges": []}
            )
            current["ids"] = sorted(set(current["ids"]) | set(entry["ids"]))
            if "versions" not in entry:
                current["_every"] = True
            else:
                current["versions"] = sorted(set(current["versions"]) | set(entry["versions"]))
                current["ranges"] += [r for r in entry["ranges"] if r not in current["ranges"]]
        count += found
    packages = []
    for key in sorted(merged):
        entry = merged[key]
        every = entry.pop("_every") or not (entry["versions"] or entry["ranges"])
        if every:
            entry.pop("versions")
            entry.pop("ranges")
        else:
            if not entry["ranges"]:
                entry.pop("ranges")
            if not entry["versions"]:
                entry.pop("versions")
        packages.append(entry)
    return {
        "format": FORMAT,
        "updated": (today or datetime.datetime.now(datetime.timezone.utc).date()).isoformat(),
        "source": f"{SOURCE_NAME}, from {source}",
        "records": count,
        "package": packages,
    }


# ---------------------------------------------------------------------------
# reading records


def _loads(data: bytes, where: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        print(f"mlwarden: warning: {where}: not an OSV JSON record; skipped", file=sys.stderr)
        return None


def records_from_zip(handle: Any, where: str) -> Iterator[Any]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UpdateError(f"{where}: not a zip of OSV records ({exc})") from None
    with archive:
        for info in archive.infolist():
            name = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or not name.endswith(".json"):
                continue
            if not name.startswith("MAL-"):  # OSV names each record file after its id
                continue
            if info.file_size > MAX_RECORD:
                raise UpdateError(f"{where}: {info.filename}: {info.file_size} bytes is too large for an OSV record")
            try:
                with archive.open(info) as member:
                    data = member.read(MAX_RECORD + 1)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
                raise UpdateError(f"{where}: {info.filename}: {exc}") from None
            yield _loads(data, f"{where}:{info.filename}")


def records_from_path(path: Path) -> Iterator[Any]:
    if path.is_dir():
        for item in sorted(path.rglob("*.json")):
            if item.stat().st_size > MAX_RECORD:
                continue
            yield _loads(item.read_bytes(), str(item))
    elif path.is_file():
        with open(path, "rb") as handle:
            yield from records_from_zip(handle, str(path))
    else:
        raise UpdateError(f"{path}: no such file or directory")


def check_url(url: str) -> None:
    """https, or http to a loopback address (a local mirror, the tests)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return
    raise UpdateError(f"{url}: only https:// URLs (or http:// on loopback) are allowed")


def download(url: str, timeout: float, into: Any) -> None:
    """Copy ``url`` into the binary file ``into``, at most MAX_DOWNLOAD bytes."""
    import urllib.error
    import urllib.request

    check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": _user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            total = 0
            while True:
                chunk = response.read(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
                if total > MAX_DOWNLOAD:
                    raise UpdateError(f"{url}: larger than {MAX_DOWNLOAD >> 20} MB; refusing")
                into.write(chunk)
    except urllib.error.HTTPError as exc:
        raise UpdateError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise UpdateError(f"{url}: {exc.reason}") from None
    except (OSError, ValueError) as exc:  # timeouts, resets, bad URLs
        raise UpdateError(f"{url}: {exc}") from None


def _user_agent() -> str:
    from mlwarden import __version__

    return f"mlwarden/{__version__} (update-data)"


def snapshot_from(url: str, input_path: Optional[str], timeout: float) -> Dict[str, Any]:
    if input_path:
        return build_snapshot(records_from_path(Path(input_path)), str(input_path))
    with tempfile.TemporaryFile() as spool:
        download(url, timeout, spool)
        spool.seek(0)
        return build_snapshot(records_from_zip(spool, url), url)


def write_snapshot(snapshot: Dict[str, Any], output: Path) -> None:
    """Validate with MLW306's reader, then write atomically."""
    from mlwarden.fixers.atomic import write_text_atomic
    from mlwarden.rules.mlw306_malicious_package import DataError, parse_dataset

    try:
        parse_dataset(json.loads(json.dumps(snapshot)), "new snapshot")
    except DataError as exc:  # pragma: no cover - build_snapshot writes valid data
        raise UpdateError(f"the new snapshot is invalid: {exc}") from None
    text = json.dumps(snapshot, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(output, text)
    except OSError as exc:
        raise UpdateError(f"{output}: cannot write: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from mlwarden.rules.mlw306_malicious_package import user_data_file

    output = Path(args.output) if args.output else user_data_file()
    try:
        snapshot = snapshot_from(args.url, args.input, args.timeout)
        if not snapshot["package"]:
            raise UpdateError(f"{args.input or args.url}: no MAL-* records for {ECOSYSTEM} packages; keeping the current data")
        write_snapshot(snapshot, output)
    except UpdateError as exc:
        print(f"mlwarden: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"Wrote {len(snapshot['package'])} malicious {ECOSYSTEM} packages from {snapshot['records']} MAL records "
        f"(snapshot {snapshot['updated']}) to {output}"
    )
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden update-data")
    add_arguments(parser)
    return run(parser.parse_args(argv))
