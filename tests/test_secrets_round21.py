"""Round 21 of the secrets detectors (issue 15), on own samples: round 20's
leftovers (set 21 is spent) and development set 22's causes, fixed in
general.

- a literal fallback after a setting read as an expression is the value:
  ``process.env.X || '…'``, ``config.x ?? "…"``, ``os.environ.get("X") or
  "…"`` (``os.getenv("X", "…")`` was read before);
- ``secret`` + ``id`` names the secret (``GITHUB_SECRET_ID``, Vault's
  ``secret_id``); ``client_id``, ``key_id`` stay identifiers;
- SonarQube's legacy ``sonar.login`` parameter holds an analysis token;
- a UUID as a URL's password, a host after it, is the service's key;
- lower-case words run together (20+ letters) under a name that says secret
  are a typed passphrase; placeholders and development values stay quiet;
- MLW403 drops what the keyword judge drops as a placeholder or a name
  (``DB_PASSWORD=notarealpassword``): one judgement;
- a Google API key in ``google-services.json`` is reported at low with the
  reason (a Firebase client key, public by design), not dropped;
- a URL password holding several raw ``@`` (``u:P@ss@w0rd@host``);
- values whose digits and letters each count up, whatever the separators
  (``5f6a7b8c-9d0e-…``, ``Q7R8S9T0-U1V2-…``): issue 15's sequential
  placeholder class, now also across separators and wrap-arounds;
- Jenkins pipelines (``Jenkinsfile``, ``Jenkinsfile.*``) are read by name.

The reported rows fail on 4bd047e (nothing reported, or not at the default
severity) except `.env`'s passphrase, which its MLW403 reported; the quiet
rows pass on both trees except the three counting rows and MLW403's four
placeholders (`notarealpassword`, `pleasechangethis…` …), which 4bd047e
reports; the Firebase, file-name and walk tests fail on 4bd047e.
"""

from __future__ import annotations

import random
import string
import uuid
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.sources import classify

RNG = random.Random(2121)
ALL = Config(select=["MLW4", "MLW51"], severity=Severity.LOW)
DEFAULT_RUN = Config(select=["MLW4", "MLW51"])
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(RNG.choice(alphabet) for _ in range(n))
        mixed = any(c.isdigit() for c in alphabet) and any(c.isalpha() for c in alphabet)
        if not mixed or sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 3:
            return value


def uid() -> str:
    return str(uuid.UUID(int=RNG.getrandbits(128)))


def found(text: str, filename: str, config: Config = DEFAULT_RUN):
    return [(f.rule_id, f.severity, f.message, f.line) for f in check_source(text, filename, config=config).findings]


def counting(n: int, start: int = 3) -> str:
    """A hand-typed "random" run: a digit and a hex letter counting up in turn."""
    out = []
    for i in range(n):
        out.append(str((start + i // 2) % 10) if i % 2 == 0 else "abcdef"[(start + i // 2) % 6])
    return "".join(out)


FALLBACK = rand(40, HEX)
PASSPHRASE = "ilovegreenmangoesandbluemountains"

REPORTED = [
    # a literal fallback after `||`, `??`, `or`
    ("config.js", f"module.exports = {{\n  clientSecret: process.env.CLIENT_SECRET || '{FALLBACK}',\n}};\n"),
    ("settings.js", f'export const apiKey = process.env.SERVICE_API_KEY ?? "{rand(32)}";\n'),
    ("settings.py", f'SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "{rand(50)}"\n'),
    ("app.py", f'token = config.get("svc_token") or "{rand(36)}"  # local fallback\n'),
    # `secret` + `id`: the secret
    (".env", f"GITHUB_SECRET_ID={rand(40, HEX)}\n"),
    ("vault.yaml", f"approle:\n  role_id: {uid()}\n  secret_id: {rand(36)}\n"),
    # SonarQube's legacy token parameter
    ("Jenkinsfile", f'sh "dotnet sonarscanner begin /k:\\"proj\\" /d:sonar.login=\\"{rand(40, HEX)}\\""\n'),
    ("ci/Jenkinsfile.release", f"sh 'mvn verify sonar:sonar -Dsonar.login={rand(40, HEX)}'\n"),
    ("sonar-project.properties", f"sonar.projectKey=demo\nsonar.login={rand(40, HEX)}\n"),
    # a UUID as a URL's password
    ("client.py", f'ENDPOINT = "https://svc_reader:{uid()}@api.partner.org/v2/records"\n'),
    # a typed passphrase under a secret's name
    (".env", f"SECRET_KEY={PASSPHRASE}\n"),
    ("app.yaml", f"session:\n  secret: {PASSPHRASE}\n"),
    # a URL password with several raw `@`
    ("db.py", f'URI = "mongodb+srv://svc:Tr@il{rand(6)}@Mix{rand(6)}@cluster7.abcd1.mongodb.net/prod"\n'),
    ("warehouse.env", f"DATABASE_URL=snowflake://etl:Wh@re{rand(6)}@Ho!{rand(6)}@ab12345.eu-west-1/DB/PUBLIC\n"),
]


@pytest.mark.parametrize("filename,text", REPORTED)
def test_reported_at_medium_or_more(filename, text):
    got = [g for g in found(text, filename) if g[0] in ("MLW401", "MLW403")]
    assert got, (text, got)
    assert all(g[1] in (Severity.MEDIUM, Severity.HIGH) for g in got)
    assert FALLBACK not in " ".join(g[2] for g in got) and PASSPHRASE not in " ".join(g[2] for g in got)


QUIET = [
    # an expression with no literal fallback, or an empty one
    ("config.js", "module.exports = { clientSecret: process.env.CLIENT_SECRET || '' };\n"),
    ("settings.py", 'SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or get_random_secret_key()\n'),
    ("app.py", 'password = args.password or prompt_password()\n'),
    # identifiers stay identifiers
    (".env", f"GITHUB_CLIENT_ID=Iv1.{rand(16, HEX)}\nAWS_KEY_ID={rand(20, string.ascii_uppercase)}\n"),
    ("azure.yaml", f"client_secret_id: {uid()}\n"),  # Azure's "Secret ID" of a client secret: an id
    ("sonar-project.properties", "sonar.login=${SONAR_TOKEN}\nsonar.projectKey=demo-service\n"),
    # placeholder passphrases and development values
    (".env", "SECRET_KEY=pleasechangethisvaluebeforedeploying\n"),
    (".env", "SECRET_KEY=localdevelopmentonlyvalue\n"),
    ("app.yaml", "session:\n  secret: insecuredevelopmentsessionkey\n"),
    ("settings.py", 'SECRET_KEY = "iloveredlobstersandbluemountains"\n'.replace('"', "")),  # a Python name
    # MLW403 agrees with the keyword judge on placeholders
    (".env", "DB_PASSWORD=notarealpassword\n"),
    (".env", "API_TOKEN=thisisnotarealtoken\n"),
    # counting runs, whatever the separators
    ("hec.yaml", f"splunk:\n  token: \"{counting(8)}-{counting(4, 7)}-{counting(4, 9)}-{counting(4, 1)}-{counting(12, 3)}\"\n"),
    ("hec.yaml", "splunk:\n  hec_token: \"Q7R8S9T0-U1V2-W3X4-Y5Z6-A7B8C9D0E1F2\"\n"),
    (".env", "ACCESS_TOKEN=1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1vW2xY3zA4bC5dE6fG7hI8jK9lM0nO1pQ\n"),
    # a UUID that is no URL password
    ("client.py", f'REQUEST_ID = "{uid()}"\nURL = "https://api.partner.org/v2/records/{uid()}"\n'),
]


@pytest.mark.parametrize("filename,text", QUIET)
def test_quiet_even_at_low(filename, text):
    assert [g for g in found(text, filename, ALL) if g[0] in ("MLW401", "MLW403")] == [], text


def test_a_firebase_client_key_is_low_with_its_reason():
    key = "AIza" + rand(35, ALNUM + "_-")
    text = f'{{\n  "client": [{{\n    "api_key": [{{ "current_key": "{key}" }}]\n  }}]\n}}\n'
    assert [g for g in found(text, "app/google-services.json") if g[0] == "MLW401"] == []  # not at the default severity
    (got,) = [g for g in found(text, "app/google-services.json", ALL) if g[0] == "MLW401"]
    assert got[1] == Severity.LOW and "Firebase client API key" in got[2] and key not in got[2]
    # the format's `current_key` entry says it whatever the file is named
    (renamed,) = [g for g in found(text, "android/services.json", ALL) if g[0] == "MLW401"]
    assert renamed[1] == Severity.LOW
    # the same key anywhere else is a leaked Google API key
    (other,) = [g for g in found(f'GOOGLE_API_KEY = "{key}"\n', "maps.py") if g[0] == "MLW401"]
    assert other[1] == Severity.HIGH


@pytest.mark.parametrize("name, read", [
    ("Jenkinsfile", True), ("ci/Jenkinsfile", True), ("jenkinsfile", True), ("Jenkinsfile.release", True),
    ("deploy/Jenkinsfile-prod", True), ("Jenkinsfile2", False), ("jenkins/build.groovy", False),
    (".gitlab-ci.yml", True), ("azure-pipelines.yml", True), ("bitbucket-pipelines.yml", True), (".travis.yml", True),
    (".circleci/config.yml", True), (".github/workflows/ci.yml", True),
])
def test_ci_files_read_by_name(name, read):
    assert (classify(Path(name)) == "text") is read


def test_a_walk_reads_jenkinsfiles_and_fast_equals_full(tmp_path):
    from test_equivalence import assert_same_results, both_modes_paths

    (tmp_path / "Jenkinsfile").write_text(f"pipeline {{\n  environment {{\n    SONAR = 'x'\n  }}\n"
                                          f"  stages {{ stage('scan') {{ steps {{ sh 'mvn sonar:sonar -Dsonar.login={rand(40, HEX)}' }} }} }}\n}}\n")
    (tmp_path / "config.js").write_text(f"module.exports = {{ secret: process.env.APP_SECRET || '{rand(32)}' }};\n")
    (tmp_path / "client.py").write_text(f'URL = "https://reader:{uid()}@api.partner.org/v1"\nREQUEST_ID = "{uid()}"\n')
    (tmp_path / "build.groovy").write_text(f"def token = '{rand(40, HEX)}'\n")  # not read
    config = Config(select=["MLW4", "MLW51"], root=tmp_path, severity=Severity.LOW)
    fast, full = both_modes_paths([tmp_path], config)
    assert_same_results(fast, full)
    names = {Path(f.path).name for result in fast for f in result.findings}
    assert names == {"Jenkinsfile", "config.js", "client.py"}, names
