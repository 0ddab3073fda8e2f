"""Held-out set 7's reader (benchmarks/secrets_heldout7.py), on a small tree
built here in Trivy's layout (the held-out files are other projects' data
and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path: its
# secrets.py would hide the standard library's)

RNG = random.Random(77)
_load("secrets_heldout3")
_load("secrets_heldout5")
_load("secrets_heldout6")
heldout7 = _load("secrets_heldout7")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


AWS, GH, NAMED = rand(40), rand(36), rand(30)

GO_TABLE = '''package secret_test

const fakeKey = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab"

func TestAppToken(t *testing.T) {
\trule := findBuiltinRule(t, "github-app-token")
\tbody := strings.Repeat("q", 3) + "_"
\tcases := []struct {
\t\tname    string
\t\tinput   string
\t\twantHit bool
\t}{
\t\t{
\t\t\tname:    "real-looking token",
\t\t\tinput:   "ghs_" + "%s",
\t\t\twantHit: true,
\t\t},
\t\t{
\t\t\tname:    "sequential fixture",
\t\t\tinput:   `token = "` + fakeKey + `"`,
\t\t\twantHit: true,
\t\t},
\t\t{
\t\t\tname:    "too short",
\t\t\tinput:   "ghs_" + body + strings.Repeat("0", 5),
\t\t\twantHit: false,
\t\t},
\t}
}

func TestSas(t *testing.T) {
\trule := findRule(t, "azure-sas-token")
\tcases := []struct {
\t\tname    string
\t\tinput   string
\t\twantHit bool
\t}{
\t\t{
\t\t\tname:    "excluded provider",
\t\t\tinput:   "?sv=2024-01-01&sig=" + strings.Repeat("B", 40),
\t\t\twantHit: true,
\t\t},
\t}
}
''' % GH


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "secrets-heldout7"
    tv = root / "trivy"
    tv.mkdir(parents=True)
    (root / "SOURCES.txt").write_text("# test tree\n")
    monkeypatch.setattr(heldout7, "FILES7", {"aws.txt": "aws", "key.txt": "private-key"})
    monkeypatch.setattr(heldout7, "GO_TABLES7", ("rules_test.go",))
    (tv / "aws.txt").write_text(f'AWS_SECRET="{AWS}"\nAWS_example=AKIAEXAMPLE\n"AWS_key":{NAMED}\nok\n')
    (tv / "key.txt").write_text(f"-----BEGIN RSA PRIVATE KEY-----\n{rand(64)}\n{rand(40)}=\n-----END RSA PRIVATE KEY-----\n\n"
                                "-----BEGIN RSA PRIVATE KEY----- -----END RSA PRIVATE KEY-----")
    (tv / "rules_test.go").write_text(GO_TABLE)
    (tv / "EXPECTED.tsv").write_text(
        "# file\tline\trule\tshown\n"
        f'aws.txt\t1\taws-secret-access-key\tAWS_SECRET="{"*" * 40}"\n'
        "aws.txt\t2\t-\tAWS_example=AKIAEXAMPLE\n"
        "key.txt\t1\tprivate-key\tBLOCK\n")
    return root


def _by_text(samples):
    return {s["text"]: s for s in samples}


def test_expected_lines_are_secrets_the_rest_look_alikes(tree: Path, tmp_path: Path):
    samples = _by_text(heldout7.heldout7_samples(tree, tmp_path / "no-corpus"))
    assert samples[f'AWS_SECRET="{AWS}"']["secret"] is True and samples[f'AWS_SECRET="{AWS}"']["class"] == "aws"
    assert samples["AWS_example=AKIAEXAMPLE"]["secret"] is False
    assert "ok" not in samples  # no run of six letters or digits
    block = next(s for s in samples.values() if s["text"].startswith("-----BEGIN") and "\n" in s["text"])
    assert block["secret"] is True and block["text"].count("\n") == 3  # a PEM block is one sample
    assert samples["-----BEGIN RSA PRIVATE KEY----- -----END RSA PRIVATE KEY-----"]["secret"] is False


def test_go_tables_are_evaluated_without_running_go(tree: Path, tmp_path: Path):
    samples = _by_text(heldout7.heldout7_samples(tree, tmp_path / "no-corpus"))
    assert samples[f"ghs_{GH}"]["secret"] is True and samples[f"ghs_{GH}"]["class"] == "github"
    assert samples["ghs_qqq_00000"]["secret"] is False
    assert not any(s.startswith("?sv=") for s in samples)  # a provider mlwarden does not claim


def test_disputed_labels_follow_the_written_rules(tree: Path, tmp_path: Path):
    samples = _by_text(heldout7.heldout7_samples(tree, tmp_path / "no-corpus"))
    assert samples['token = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab"']["alt"] is False  # sequential placeholder
    assert samples[f'"AWS_key":{NAMED}']["alt"] is True  # a credential by name
    assert samples[f"ghs_{GH}"]["alt"] is None


def test_a_stored_line_that_is_not_the_tests_is_refused(tree: Path, tmp_path: Path):
    expected = tree / "trivy" / "EXPECTED.tsv"
    expected.write_text(expected.read_text().replace("AWS_example=AKIAEXAMPLE", "AWS_example=AKIAOTHER"))
    with pytest.raises(SystemExit, match="not the line"):
        heldout7.heldout7_samples(tree, tmp_path / "no-corpus")
