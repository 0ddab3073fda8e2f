"""`mlwarden update-data` and MLW306's data files.

The OSV records here are written by hand in the format the OpenSSF
malicious-packages project publishes (``MAL-*`` ids, ``affected[].package``,
``ranges`` with ``introduced``/``fixed`` events, ``versions``, ``withdrawn``);
the package names are invented (``mlw-test-...``) so that no real package is
called malicious by a test. The download path runs against a real HTTP server
on loopback; a scan is checked never to open a socket.
"""

from __future__ import annotations

import datetime
import http.server
import io
import json
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from mlwarden.commands.update_data import build_snapshot, packages_from_record


def record(record_id, name, *, ecosystem="PyPI", versions=None, events=None, withdrawn=None, summary=None):
    affected = {"package": {"ecosystem": ecosystem, "name": name}}
    if versions is not None:
        affected["versions"] = versions
    if events is not None:
        affected["ranges"] = [{"type": "ECOSYSTEM", "events": events}]
    rec = {
        "schema_version": "1.5.0",
        "id": record_id,
        "modified": "2026-10-01T12:00:00Z",
        "published": "2026-09-30T08:00:00Z",
        "summary": summary if summary is not None else f"Malicious code in {name} ({ecosystem})",
        "details": "The package steals credentials at install time.",
        "affected": [affected],
        "database_specific": {"malicious-packages-origins": [{"source": "test"}]},
    }
    if withdrawn:
        rec["withdrawn"] = withdrawn
    return rec


RECORDS = [
    record("MAL-2026-0001", "mlw-test-stealer", events=[{"introduced": "0"}]),
    record("MAL-2026-0002", "MLW_Test.Typo", versions=["0.0.1", "0.0.2"], events=[{"introduced": "0"}]),
    # a compromised release of a legitimate project: only some versions
    record("MAL-2026-0003", "mlw-test-legit", versions=["2.4.1"]),
    record("MAL-2026-0004", "mlw-test-legit", events=[{"introduced": "3.0.0"}, {"fixed": "3.0.2"}]),
    # not malicious after all, another ecosystem, not a MAL record
    record("MAL-2026-0005", "mlw-test-withdrawn", events=[{"introduced": "0"}], withdrawn="2026-10-02T00:00:00Z"),
    record("MAL-2026-0006", "mlw-test-npm", ecosystem="npm", events=[{"introduced": "0"}]),
    record("GHSA-xxxx-yyyy-zzzz", "mlw-test-vulnerable", events=[{"introduced": "0"}, {"fixed": "1.0"}]),
    # hostile text: terminal escapes in the summary
    record("MAL-2026-0007", "mlw-test-ansi", events=[{"introduced": "0"}], summary="evil\x1b[2J\x1b]0;pwned\x07 summary\nline two"),
    # junk
    "not a record",
    {"id": "MAL-2026-0008", "affected": [{"package": {"ecosystem": "PyPI", "name": "../../etc/passwd"}}]},
    {"id": "MAL-2026-0009", "affected": "nope"},
]

EXPECTED_NAMES = ["mlw-test-ansi", "mlw-test-legit", "mlw-test-stealer", "mlw-test-typo"]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data-dir"
    monkeypatch.setenv("MLWARDEN_DATA_DIR", str(path))
    return path


def write_records_dir(path: Path, records=RECORDS) -> Path:
    for i, rec in enumerate(records):
        rec_id = rec["id"] if isinstance(rec, dict) else f"MAL-junk-{i}"
        target = path / "pypi" / f"pkg{i}" / f"{rec_id}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(rec))
    return path


def records_zip(records=RECORDS) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, rec in enumerate(records):
            rec_id = rec["id"] if isinstance(rec, dict) else f"MAL-junk-{i}"
            archive.writestr(f"{rec_id}.json", json.dumps(rec))
        archive.writestr("PYSEC-2026-1.json", json.dumps({"id": "PYSEC-2026-1", "affected": []}))
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# records -> snapshot


def test_snapshot_from_records():
    snap = build_snapshot(RECORDS, "test records", today=datetime.date(2026, 11, 30))
    assert snap["format"] == 1
    assert snap["updated"] == "2026-11-30"
    assert snap["source"] == "OpenSSF malicious-packages (MAL-* OSV records for PyPI), from test records"
    assert snap["records"] == 5  # 0001-0004 and 0007
    by_name = {p["name"]: p for p in snap["package"]}
    assert sorted(by_name) == EXPECTED_NAMES
    # every version: no versions or ranges
    assert by_name["mlw-test-stealer"] == {"name": "mlw-test-stealer", "ids": ["MAL-2026-0001"], "summary": "Malicious code in mlw-test-stealer (PyPI)"}
    # `introduced: 0` with no end wins over a version list: the whole name
    assert "versions" not in by_name["mlw-test-typo"] and "ranges" not in by_name["mlw-test-typo"]
    # two records for one legitimate project: versions and ranges merged
    legit = by_name["mlw-test-legit"]
    assert legit["ids"] == ["MAL-2026-0003", "MAL-2026-0004"]
    assert legit["versions"] == ["2.4.1"]
    assert legit["ranges"] == [{"introduced": "3.0.0", "fixed": "3.0.2"}]
    # control characters never reach the data file
    assert by_name["mlw-test-ansi"]["summary"] == "evil [2J ]0;pwned summary line two"


def test_withdrawn_other_ecosystems_and_non_mal_records_yield_nothing():
    assert list(packages_from_record(RECORDS[4])) == []
    assert list(packages_from_record(RECORDS[5])) == []
    assert list(packages_from_record(RECORDS[6])) == []
    assert list(packages_from_record("junk")) == []


# ---------------------------------------------------------------------------
# the command, and what MLW306 does with its output


def test_update_from_directory_then_check_flags_snapshot_packages(tmp_path, data_dir, run_cli, monkeypatch):
    source = write_records_dir(tmp_path / "osv")
    code, out, err = run_cli("update-data", "--input", source)
    assert code == 0, err
    snapshot = data_dir / "malicious_packages.json"
    assert snapshot.is_file()
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert out == f"Wrote 4 malicious PyPI packages from 5 MAL records (snapshot {today}) to {snapshot}\n"
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text(
        "mlw-test-stealer==1.0  # error\n"
        "MLW-Test_Typo\n"
        "mlw-test-legit==2.4.1\n"
        "mlw-test-legit==3.0.1\n"
        "mlw-test-legit==3.0.2\n"
        "mlw-test-legit>=2\n"
        "mlw-test-withdrawn==1.0\n"
        "mlw-test-npm==1.0\n"
        "torchtriton==2.0.0\n"
    )
    monkeypatch.chdir(project)
    code, out, err = run_cli("check", "--select", "MLW306", "--no-cache", "--verbose", "requirements.txt")
    assert code == 1, err
    lines = [line for line in out.splitlines() if "MLW306" in line and not line.startswith("note:")]
    assert [line.split(": MLW306 ")[0] for line in lines] == [
        "requirements.txt:1:1", "requirements.txt:2:1", "requirements.txt:3:1", "requirements.txt:4:1", "requirements.txt:9:1",
    ]
    assert "`mlw-test-stealer` is a known malicious package (MAL-2026-0001); remove it" in lines[0]
    assert "`MLW-Test_Typo` is a known malicious package (MAL-2026-0002)" in lines[1]
    assert "`mlw-test-legit==2.4.1` is a known compromised release (MAL-2026-0003, MAL-2026-0004)" in lines[2]
    assert "`mlw-test-legit==3.0.1` is a known compromised release" in lines[3]
    # the curated entry keeps its own advice
    assert "install torch and its nightly dependencies from one --index-url" in lines[4]
    notes = [line for line in out.splitlines() if line.startswith("note: MLW306")]
    assert len(notes) == 1
    assert f"OSV snapshot of {today} (4 packages, OpenSSF malicious-packages" in notes[0]
    assert str(snapshot) in notes[0]
    assert "curated list of 20" in notes[0]


def test_scan_never_opens_a_socket(tmp_path, data_dir, run_cli, monkeypatch):
    code, _, err = run_cli("update-data", "--input", write_records_dir(tmp_path / "osv"))
    assert code == 0, err
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use during a scan")

    for name in ("create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    (tmp_path / "requirements.txt").write_text("mlw-test-stealer==1.0\ntorchtriton\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("check", "--no-cache", "--jobs", "1", "requirements.txt")
    assert code == 1, err
    assert out.count(" MLW306 ") == 2
    assert attempts == []


def test_results_cache_notices_new_data(tmp_path, data_dir, run_cli, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.mlwarden]\n")
    (project / "requirements.txt").write_text("mlw-test-stealer==1.0\n")
    monkeypatch.chdir(project)
    code, out, _ = run_cli("check", "--select", "MLW306", "requirements.txt")
    assert code == 0 and "MLW306" not in out
    assert (project / ".mlwarden_cache").is_dir()
    code, _, err = run_cli("update-data", "--input", write_records_dir(tmp_path / "osv"))
    assert code == 0, err
    code, out, _ = run_cli("check", "--select", "MLW306", "requirements.txt")
    assert code == 1 and "requirements.txt:1:1: MLW306 [critical] `mlw-test-stealer`" in out


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        body = self.routes.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.routes = {
        "/PyPI/all.zip": records_zip(),
        "/not-a-zip": b"<html>captive portal</html>",
        "/no-mal.zip": records_zip([record("GHSA-1111-2222-3333", "x", events=[{"introduced": "0"}])]),
    }
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_download_from_a_loopback_server(server, data_dir, run_cli):
    code, out, err = run_cli("update-data", "--url", f"{server}/PyPI/all.zip")
    assert code == 0, err
    doc = json.loads((data_dir / "malicious_packages.json").read_text())
    assert sorted(p["name"] for p in doc["package"]) == EXPECTED_NAMES
    assert doc["source"].endswith(f"from {server}/PyPI/all.zip")


@pytest.mark.parametrize(
    "path, message",
    [
        ("/missing.zip", "HTTP 404 Not Found"),
        ("/not-a-zip", "not a zip of OSV records"),
        ("/no-mal.zip", "no MAL-* records for PyPI packages; keeping the current data"),
    ],
)
def test_failed_update_keeps_the_current_data(server, data_dir, run_cli, path, message):
    data_dir.mkdir()
    current = data_dir / "malicious_packages.json"
    current.write_text(json.dumps(build_snapshot(RECORDS[:1], "earlier", today=datetime.date(2026, 1, 1))))
    before = current.read_bytes()
    code, out, err = run_cli("update-data", "--url", server + path)
    assert code == 2
    assert out == ""
    assert err.startswith("mlwarden: error: ") and message in err and err.count("\n") == 1
    assert current.read_bytes() == before
    assert [p.name for p in data_dir.iterdir()] == ["malicious_packages.json"]  # no temp file left


@pytest.mark.parametrize("url", ["http://example.com/all.zip", "ftp://127.0.0.1/all.zip", "file:///etc/passwd", "all.zip"])
def test_only_https_or_loopback_urls(data_dir, run_cli, url, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: pytest.fail("no lookup for a refused URL"))
    code, _, err = run_cli("update-data", "--url", url)
    assert code == 2
    assert "only https:// URLs (or http:// on loopback) are allowed" in err


def test_corrupt_snapshot_warns_and_the_curated_list_still_works(tmp_path, data_dir, run_cli, monkeypatch):
    data_dir.mkdir()
    (data_dir / "malicious_packages.json").write_text('{"format": 99}')
    (tmp_path / "requirements.txt").write_text("torchtriton\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("check", "--select", "MLW306", "--no-cache", "requirements.txt")
    assert code == 1
    assert "requirements.txt:1:1: MLW306 [critical] `torchtriton`" in out
    assert "malicious_packages.json: unsupported format 99 (this mlwarden reads format 1); run `mlwarden update-data` again" in err


def test_release_script_writes_the_bundled_snapshot(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_malicious_data", ROOT / "scripts" / "build_malicious_data.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.BUNDLED == ROOT / "src" / "mlwarden" / "data" / "malicious_packages_osv.json"
    target = tmp_path / "bundled.json"
    monkeypatch.setattr(script, "BUNDLED", target)
    assert script.main(["--input", str(write_records_dir(tmp_path / "osv"))]) == 0
    assert sorted(p["name"] for p in json.loads(target.read_text())["package"]) == EXPECTED_NAMES
    # as a program, with an explicit output
    out = tmp_path / "explicit.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_malicious_data.py"), "--input", str(tmp_path / "osv"), "--output", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["package"] == json.loads(target.read_text())["package"]


def test_bundled_data_files_are_valid():
    """The curated list (and a bundled snapshot, when a release ships one)."""
    from mlwarden.rules.mlw306_malicious_package import BUNDLED_SNAPSHOT, DATA_FILE, read_dataset

    data = ROOT / "src" / "mlwarden" / "data"
    curated = read_dataset(data / DATA_FILE, "curated list")
    assert len(curated.packages) >= 9
    assert all(entry.get("advice") and entry.get("references") for entry in curated.packages.values())
    if (data / BUNDLED_SNAPSHOT).exists():
        assert read_dataset(data / BUNDLED_SNAPSHOT, "bundled OSV snapshot").packages
