"""Round 23 of the secrets detectors (issue 15), on own samples: set 25's
leftovers (set 25 is spent) and development set 26's causes, fixed in
general.

- Oracle's ``user/password@`` connect descriptor: a thin or OCI JDBC URL
  (``jdbc:oracle:thin:app/…@//db:1521/svc``, ``…@db:1521:SID``,
  ``…@(DESCRIPTION=…)``) and SQL*Plus's command line; no ``://`` stands
  before the password, so no URL form read it;
- a password made of sequential runs end to end
  (``ABCDEF…XYZabcdef…xyz0123456``) is a placeholder like one long run;
  a password with one run in it (``abuser123456``) is still a password;
- a private-key block whose key material holds a run of ten or more
  characters in order (``MIIEpAIBAAKCAQEA1234567890abcdef…``) is typed by
  hand, not a key;
- private keys under any name in ``.ssh/``, Terraform state and plain-text
  or suffix-less files named for a credential are read by a walk (the
  names are tested in ``tests/test_credential_files.py``).

Checked with af49cd2's src (``PYTHONPATH=<af49cd2>/src``): every REPORTED
row but the two kept ones (a URL's password, an ordinary password with a
run in it) fails there, and the three QUIET rows marked "new" (the sequential
publish password and both stand-in keys) fail there; the other QUIET rows
pass on both and guard the new rules from reaching too far. The walk test
fails on af49cd2 (no ``.ssh/`` key, state file or ``*_credentials.txt`` was read).
"""

from __future__ import annotations

import base64
import random
import string
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.sources import classify

RNG = random.Random(2323)
ALL = Config(select=["MLW4", "MLW51"], severity=Severity.LOW)
DEFAULT_RUN = Config(select=["MLW4", "MLW51"])
ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(RNG.choice(alphabet) for _ in range(n))
        if sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 3:
            return value


def key_block(body: str, kind: str = "RSA PRIVATE KEY") -> str:
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----\n"


def random_key_body(n: int = 900) -> str:
    return base64.b64encode(bytes(RNG.randrange(256) for _ in range(n))).decode()


def found(text: str, filename: str, config: Config = DEFAULT_RUN):
    return [(f.rule_id, f.severity, f.message, f.line) for f in check_source(text, filename, config=config).findings]


ORA = rand(14) + "#" + rand(6)
SQLPW = rand(13)

REPORTED = [
    # Oracle thin and OCI JDBC URLs, every descriptor form, in configuration and code
    ("config.json", f'{{"jdbc_url": "jdbc:oracle:thin:FEATURE_SVC/{ORA}@//db.prod.internal:1531/FEATPDB"}}\n'),
    ("application.properties", f"spring.datasource.url=jdbc:oracle:thin:etl/{ORA}@dbhost.internal:1521:ORCL\n"),
    ("datasource.yaml", f"url: jdbc:oracle:oci:hr/{ORA}@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521)))\n"),
    ("load_features.py", f'JDBC_URL = "jdbc:oracle:thin:ingest/{ORA}@//db.prod.internal:1521/FEATURES"\n'
                         'df = spark.read.jdbc(JDBC_URL, "FEATURES.DAILY")\n'),
    # SQL*Plus's command line
    ("pipeline.yaml", f"script: sqlplus -s etl/{SQLPW}@//db.prod.internal:1521/FEAT @load.sql\n"),
    # kept: a URL's password, a password with one run in it
    ("db.yaml", f"url: postgresql://etl:{ORA}@db.prod.internal:5432/features\n"),
    ("app.env", "DB_PASSWORD=abuser123456\n"),
]


@pytest.mark.parametrize("filename,text", REPORTED)
def test_reported_at_medium_or_more(filename, text):
    hits = [g for g in found(text, filename) if g[0] in ("MLW401", "MLW403")]
    assert hits and all(g[1] >= Severity.MEDIUM for g in hits), (text, hits)
    assert all(ORA not in g[2] and SQLPW not in g[2] for g in hits)  # redacted


def test_the_oracle_password_is_reported_on_its_line_not_the_user():
    text = f"# warehouse\nurl: jdbc:oracle:thin:FEATURE_SVC/{ORA}@//db:1521/FEAT\n"
    hits = found(text, "warehouse.yaml")
    assert [g[3] for g in hits] == [2]
    assert "FEATURE_SVC" not in hits[0][2] and f"`{ORA[:2]}*" in hits[0][2]  # the password's preview, not the user's


QUIET = [
    # no password in the descriptor: a user-less URL, variables, a template, role words, OS login
    ("datasource.yaml", "url: jdbc:oracle:thin:@//db.prod.internal:1521/FEATPDB\n"),
    ("datasource.yml", "url: jdbc:oracle:thin:${DB_USER}/${DB_PASSWORD}@//db.prod.internal:1521/FEATPDB\n"),
    ("datasource.json", '{"url": "jdbc:oracle:thin:app/<password>@//db.prod.internal:1521/FEATPDB"}\n'),
    ("docs.yaml", "example: jdbc:oracle:thin:user/password@//host:1521/service\n"),
    ("ops.yaml", "script: sqlplus / as sysdba @startup.sql\n"),
    ("ops.yml", "script: mysqlplus etl/notes@archive\n"),
    ("job.py", 'JDBC = f"jdbc:oracle:thin:{user}/{password}@//db.prod.internal:1521/FEATURES"\n'),
    # new: a password that is sequential runs end to end
    ("publish.config", '<publishData publishMethod="FTP" userPWD="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456" />\n'),
    # new: a key block whose material is typed by hand
    ("deploy.yaml", "key: |\n  " + key_block("MIIEpAIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyz").replace("\n", "\n  ")),
    ("sa.json", '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC'
                'ABCDEFGHIJKLMNOPQRSTUVWXYZ\\n-----END PRIVATE KEY-----\\n"}\n'),
]


@pytest.mark.parametrize("filename,text", QUIET)
def test_quiet_even_at_low(filename, text):
    assert classify(Path(filename)) is not None
    assert [g for g in found(text, filename, ALL) if g[0] in ("MLW401", "MLW403")] == [], text


def test_a_random_key_is_still_a_key():
    for kind in ("RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY"):
        hits = found(key_block(random_key_body(), kind), "deploy.pem")
        assert [(g[0], g[1]) for g in hits] == [("MLW401", Severity.HIGH)], kind


def test_a_walk_reads_credential_files_and_fast_equals_full(tmp_path):
    from test_equivalence import assert_same_results, both_modes_paths

    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "deploy_prod").write_text(key_block(random_key_body(), "OPENSSH PRIVATE KEY"))
    (tmp_path / ".ssh" / "deploy_prod.pub").write_text(f"ssh-ed25519 {random_key_body(40)} ops@build\n")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "prod.tfstate").write_text(
        '{"resources": [{"instances": [{"attributes": {\n  "password": "' + ORA + '"\n}}]}]}\n')
    (tmp_path / "azure_credentials.txt").write_text(f"client_secret = {rand(8)}8Q~{rand(31, ALNUM + '_-.~')}\n")
    (tmp_path / "notes.txt").write_text(f"password = {ORA}\n")  # a name that says nothing: not read
    config = Config(select=["MLW4", "MLW51"], root=tmp_path, severity=Severity.LOW)
    fast, full = both_modes_paths([tmp_path], config)
    assert_same_results(fast, full)
    names = {Path(f.path).name for result in fast for f in result.findings}
    assert names == {"deploy_prod", "prod.tfstate", "azure_credentials.txt"}, names
