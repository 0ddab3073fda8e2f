"""Round 22 of the secrets detectors (issue 15), on own samples: set 23's
leftovers (set 23 is spent) and development set 24's causes, fixed in
general.

- a JWT whose signature counts up (random at first, then ``…xY0zA1bC2dE…``)
  is a hand-typed sample: the counting test now reads the signature on its
  own (the header and claims are real base64, so the whole value never
  counted);
- the TOTP seed of authenticator documentation (``JBSWY3DPEHPK3PXP``) joins
  the shared documented-examples list;
- Sourcegraph access tokens: ``sgp_`` + 40 hex, with a 16-hex instance id or
  ``local_`` between; Dropbox access and refresh tokens by their shape (11 +
  ten ``A`` + 43: the ``A`` run is the format's, not a placeholder's;
  ``sl.`` + 130+ for short-lived ones);
- a URL login whose user and password both name their role
  (``proxyuser:proxypass``, ``dbuser:dbpassword``, ``user:password``) is a
  template's placeholder, in code and in configuration;
- curl's proxy login (``-U``, ``--proxy-user``), also on a ``\\``-continued
  line, and flags with a word glued before ``password`` (``--tlspassword``);
- letters of random case (``YXNkZmZmZmZm``: base64 of a short text, or a
  generated run without a digit) are a value, not a name, in configuration;
- a Terraform variable named for a credential and its ``default`` a few
  lines below in its block;
- container build files (``Dockerfile``, ``Dockerfile.*``, ``*.dockerfile``,
  ``Containerfile``) are read by name.

Checked with 8eb54eb's src (``PYTHONPATH=<8eb54eb>/src``): of the reported
rows, the Sourcegraph ``local_`` and instance-id shapes, the Dropbox refresh token, the continued
``--proxy-user`` line, both glued password flags, the random-case Dockerfile
value, the Terraform default and the Containerfile row fail there; the
others (a ``token sgp_…`` header, non-role URL logins, ``curl -U`` on its
line, a random-case ``.env`` value, tokens any reader finds) pass on both
trees and guard the new rules from reaching too far. Of the quiet rows the
two counting JWTs, the two TOTP seeds and the two ``proxyuser:proxypass``
URLs fail on 8eb54eb; the rest pass on both. The name and walk tests fail
on 8eb54eb (no container build file was read).
"""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.sources import classify

RNG = random.Random(2222)
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


def random_case(n: int) -> str:
    """Letters only, the case flipping at most neighbours (a digit-less generated run)."""
    out = []
    for i in range(n):
        c = RNG.choice(string.ascii_lowercase)
        out.append(c.upper() if (i % 2 == 0) != (RNG.random() < 0.1) else c)
    return "".join(out)


def b64url(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def counting_run(n: int, start: int = 0) -> str:
    """``0aB1cD2eF…``-style: a digit, then two letters, each counting up."""
    letters = string.ascii_lowercase
    out = []
    i = start
    while len(out) < n:
        out += [str(i % 10), letters[(2 * i) % 26].upper() if i % 2 else letters[(2 * i) % 26],
                letters[(2 * i + 1) % 26].upper() if not i % 2 else letters[(2 * i + 1) % 26]]
        i += 1
    return "".join(out[:n])


def found(text: str, filename: str, config: Config = DEFAULT_RUN):
    return [(f.rule_id, f.severity, f.message, f.line) for f in check_source(text, filename, config=config).findings]


HEADER = b64url({"alg": "HS256", "typ": "JWT"})
CLAIMS = b64url({"sub": f"svc-{rand(6, HEX)}", "scope": "ingest", "exp": 1893456000})
SGP = rand(40, HEX)
PROXY_PW = rand(14) + "!x"
TF_DEFAULT = rand(28)
APIKEY = random_case(14) + "_" + random_case(12)
DBX = rand(11) + "A" * 10 + rand(43, ALNUM + "_-")

REPORTED = [
    # Sourcegraph tokens, every shape
    ("cody.py", f'SOURCEGRAPH_ACCESS_TOKEN = os.environ.get("SOURCEGRAPH_ACCESS_TOKEN", "sgp_local_{SGP}")\n'),
    ("settings.json", f'{{"cody.accessToken": "sgp_{rand(16, HEX)}_{SGP}"}}\n'),
    ("client.py", f'headers = {{"Authorization": "token sgp_{SGP}"}}\n'),
    # Dropbox tokens by shape, whatever the name
    ("dbx.json", f'{{"refresh_token": "{DBX}"}}\n'),
    ("sync.py", f'client = dropbox.Dropbox(oauth2_access_token="sl.u.{rand(150, ALNUM + "_-")}")\n'),
    # a URL login that is not two role words
    ("proxy.yaml", f'proxy-url: "http://proxyuser:{PROXY_PW}@proxy.corp.internal:3128"\n'),
    ("proxy.py", f'PROXIES = {{"https": "http://svc-ingest:{PROXY_PW}@proxy.corp.internal:3128"}}\n'),
    # curl's proxy login and glued password flags
    ("deploy.yaml", f"script: |\n  curl -k \\\n    --proxy-user ops:{PROXY_PW} \\\n    https://artifacts.corp.internal\n"),
    ("deploy.yml", f"run: curl -U ops:{PROXY_PW} https://artifacts.corp.internal\n"),
    ("ci.yml", f"run: curl --tlspassword {rand(18)} https://mtls.corp.internal\n"),
    ("ci.yaml", f"run: curl --proxy-tlspassword {rand(18)} https://mtls.corp.internal\n"),
    # letters of random case as a configuration value
    ("app.env", f"APIKEY={APIKEY}\n"),
    ("Dockerfile", f"FROM python:3.11-slim\nENV SERVICE_APIKEY={APIKEY}\n"),
    # a Terraform variable's default under a credential name
    ("variables.tf", f'variable "registry_password" {{\n  description = "pull secret"\n  type        = string\n'
                     f'  sensitive   = true\n  default     = "{TF_DEFAULT}"\n}}\n'),
    # container build files by name
    ("docker/Dockerfile.gpu", f"FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04\nENV HF_TOKEN=hf_{rand(34)}\n"),
    ("train.dockerfile", f"ARG WANDB_API_KEY={rand(40, HEX)}\n"),
    ("Containerfile", f"ENV OPENAI_API_KEY {rand(48)}\n"),
]


@pytest.mark.parametrize("filename,text", REPORTED)
def test_reported_at_medium_or_more(filename, text):
    got = [g for g in found(text, filename) if g[0] in ("MLW401", "MLW403")]
    assert got, (text, got)
    assert all(g[1] in (Severity.MEDIUM, Severity.HIGH) for g in got)
    shown = " ".join(g[2] for g in got)
    assert SGP not in shown and DBX not in shown and PROXY_PW not in shown and TF_DEFAULT not in shown and APIKEY not in shown


def test_sourcegraph_tokens_are_named():
    (got,) = [g for g in found(f'TOKEN = "sgp_local_{SGP}"\n', "a.py") if g[0] == "MLW401"]
    assert "Sourcegraph Access Token" in got[2]


QUIET = [
    # a JWT whose signature counts up after a random start, in code and configuration
    ("auth.py", f'ACCESS_TOKEN = "{HEADER}.{CLAIMS}.{rand(14)}{counting_run(60)}"\n'),
    ("auth.yaml", f'access_token: "{HEADER}.{CLAIMS}.{counting_run(80, 3)}"\n'),
    # the authenticator documentation's TOTP seed
    ("2fa.json", '{"totp_secret": "JBSWY3DPEHPK3PXP"}\n'),
    ("mfa.py", 'TOTP_SECRET = "JBSWY3DPEHPK3PXP"\n'),
    # URL logins of two role words, in configuration and code
    ("proxy.yaml", 'proxy-url: "http://proxyuser:proxypass@proxy.company.com:3128"\n'),
    ("proxy.py", 'proxies = {"http": "http://proxyuser:proxypass@proxy.company.com:3128"}\n'),
    ("db.env", "DATABASE_URL=postgresql://dbuser:dbpassword@localhost:5432/app\n"),
    ("db.py", 'engine = create_engine("mysql://user:password@db.internal/app")\n'),
    # names stay names: camel case and acronyms, in configuration and Python
    ("app.env", "AUTH_HANDLER=getUserTokenFromRequestHeader\n"),
    ("app.yaml", "token_class: HTTPBearerTokenAuthProvider\n"),
    ("app.py", "api_key = ApiKeyHeaderExtractorForRequests\n"),
    # a Terraform variable whose default is a reference or not a credential's
    ("vars.tf", 'variable "api_token" {\n  default = "${var.upstream_token}"\n}\nvariable "region" {\n  default = "eu-west-1"\n}\n'),
    # ten `A` elsewhere: in a longer base64 run, a word, a shorter value
    ("blob.json", f'{{"data": "{rand(40, ALNUM + "+/")}/{rand(11)}{"A" * 10}{rand(43)}+{rand(40, ALNUM + "+/")}"}}\n'),
    ("dbx.yaml", "note: DropboxIsAAAAAAAAAAmazing\n"),
    ("dbx.env", f"DROPBOX_TOKEN={rand(11)}{'A' * 10}{rand(20)}\n"),
    # a flag that merely ends in `pass`, and curl's options without a login
    ("ci.yml", "run: rsync --bypass-cache artifacts/ remote:/srv\n"),
    ("ci.yaml", "run: curl --proxy https://proxy.corp.internal:8080 https://example.org\n"),
]


@pytest.mark.parametrize("filename,text", QUIET)
def test_quiet_even_at_low(filename, text):
    assert classify(Path(filename)) is not None
    assert [g for g in found(text, filename, ALL) if g[0] in ("MLW401", "MLW403")] == [], text


@pytest.mark.parametrize("name, read", [
    ("Dockerfile", True), ("services/api/Dockerfile", True), ("Dockerfile.gpu", True), ("Dockerfile-prod", True),
    ("dockerfile_dev", True), ("train.dockerfile", True), ("Containerfile", True), ("Containerfile.cuda", True),
    ("docker-compose.override", False), ("Dockerfiles", False), ("mydockerfile", False), ("dockerfile.md", True),
])
def test_container_build_files_read_by_name(name, read):
    assert (classify(Path(name)) == "text") is read


def test_a_walk_reads_dockerfiles_and_fast_equals_full(tmp_path):
    from test_equivalence import assert_same_results, both_modes_paths

    (tmp_path / "Dockerfile").write_text(f"FROM python:3.11\nENV SOURCEGRAPH_TOKEN=sgp_local_{SGP}\n")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "variables.tf").write_text(f'variable "db_password" {{\n  type    = string\n  default = "{TF_DEFAULT}"\n}}\n')
    (tmp_path / "proxy.yaml").write_text('proxy: "http://proxyuser:proxypass@proxy.company.com:3128"\n')
    (tmp_path / "jwt.json").write_text(f'{{"token": "{HEADER}.{CLAIMS}.{rand(10)}{counting_run(70)}"}}\n')
    (tmp_path / "run.sh").write_text(f"export API_TOKEN={rand(32)}\n")  # not read
    config = Config(select=["MLW4", "MLW51"], root=tmp_path, severity=Severity.LOW)
    fast, full = both_modes_paths([tmp_path], config)
    assert_same_results(fast, full)
    names = {Path(f.path).name for result in fast for f in result.findings}
    assert names == {"Dockerfile", "variables.tf"}, names
