"""Held-out set 27 of issue 15 (round 23): repositories individuals made to
try secret scanners on, from sources no earlier set used, of other authors
and another kind than set 26 (a hook's fixtures) and sets 24-25 (published
benchmarks). Scored ONCE, on the final code of round 23.

- **kongyew/secret-detection-testdata**: container-image test data for
  scanning images with ggshield and Trivy (an AWS key file and a key-id
  file copied into images, Dockerfiles, an ``ENV`` secret, two OpenSSH
  private keys, one suffix-less, and a PKCS#8 key);
- **larmitage-bjss/secret-scanning-test**: a consultant's repository "for
  testing out and demonstrating secret scanning tools" (GitGuardian,
  gitleaks, Trivy, TruffleHog workflows): bare values in ``.txt`` files
  (an AWS-style secret, a password, an API key, an ODBC connection string,
  an RSA key) and the same values in ``index.js``;
- **BeniGutman/gh-secret-scanning-test**: Python modules with random
  AWS-shaped pairs ("MOCK SECRET FOR GITHUB SECRET SCANNING TEST") and the
  generator that made them;
- **st3fan/secret-scanning-test**: Aiven service passwords (``AVNS_``) in
  Spring properties, knex settings and PostgreSQL URLs, an Aiven token
  (``AVNU_``).

Saved verbatim under ``kongyew/``, ``larmitage/``, ``benigutman/``,
``st3fan/`` (``SOURCES.txt``: repository, path, stored commit, length; the
public halves ``*.pub``, ``cert.pem``, key-generation scripts, the Go
programs and READMEs without values are not kept).

**Unit** (as sets 17-26): one line of a file (a key block is one sample over
its lines); reported when a secrets finding at the default severity starts
on one of its lines. Labels (:data:`LABELS`, written by reading each file
before any verdict; no source publishes per-line labels, each says its
files hold secrets): a **secret** is a value that gives access (password,
secret key, token, private key, a URL or connection string with a
password), bare or named, every copy of it; an **informative** line holds
an id or user name (AWS access key ids); a **placeholder** line a value that
says it is none (AWS's documented ``AKIAIOSFODNN7EXAMPLE`` and its
variants); every other non-blank line is a ``plain`` look-alike.

**Checked as** (``--kinds``): ``asis`` (each file under its own name, as a
walk reads it: ``.txt``, ``.js`` and the suffix-less ``cloud-key``/``id_rsa``
are names a walk may not read) and ``config.yaml``.

Disputed labels (scored both ways), written before any verdict:

- ``key-id``: an access key *id*: an identifier, published as a secret by
  many scanners -> flipped to secret;
- ``documentation``: AWS's documented example secret key inside the value
  (``…EXAMPLEKEY``) -> look-alike;
- ``counting``: the value's random-looking part is a counting or sequential
  run (``apikey1234abcdefghij0123456789``, a UUID of ``12345…789…123…456…``)
  -> look-alike;
- ``word``: a password made of words naming a password, with no random part
  (set 19's rule) -> look-alike;
- ``masked``: the value is masked with ``X`` runs (``…HgXXXu3uXXXXg34H``):
  issue 15's ``xxxx`` placeholder -> look-alike;
- ``keyboard``: the value's part after a provider prefix is letters typed
  along neighbouring keys (``hytghytghyhjuyhgvfg``) -> look-alike.

No string of the set is in this repository: :data:`LABELS` holds file
paths, line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from secrets_heldout18 import Row, file_samples  # benchmarks/secrets_heldout18.py

S, L = "secret", "lookalike"
KY = "kongyew/testimage"
K, D, C, W, M, KB = "key-id", "documentation", "counting", "word", "masked", "keyboard"

#: file -> source (the reader's ``source`` column)
SOURCE_OF = {"kongyew": "kongyew", "larmitage": "larmitage", "benigutman": "benigutman", "st3fan": "st3fan"}


def _pair(line: int, key: str = "AWS_ACCESS_KEY_ID", secret: str = "AWS_SECRET_ACCESS_KEY") -> List[Row]:
    return [(line, L, "informative", key, K), (line + 1, S, "aws", secret, "")]


def _twice(key: str, cls: str, disputed: str = "") -> List[Row]:
    """A bare value written on lines 1 and 2."""
    return [(1, S, cls, key, disputed), (2, S, cls, key, disputed)]


LABELS: Dict[str, List[Row]] = {
    f"{KY}/docker-access-key/data/accesskey.txt": [
        (2, S, "aws", "AKIAIOSFODNN7EXAMPLE,", D),
        (3, L, "placeholder", "AKIAIOSFODNN7EXAMPLE", ""),
        (4, L, "placeholder", "AKIAIOSFODNN7EXAMPLE1", ""),
        (5, L, "placeholder", "AKIADEEPFENCEEXAMPLE", ""),
    ],
    f"{KY}/docker-access-key/data/aws-keys.txt": [(1, L, "informative", "AKIA", K)],
    f"{KY}/docker-access-key/Dockerfile": [],
    f"{KY}/docker-aws-secrets/Dockerfile": [],
    f"{KY}/docker-openssh-pem/Dockerfile": [],
    f"{KY}/docker-openssh-pem/data/id_rsa": [((1, 27), S, "private-key", "BEGIN OPENSSH PRIVATE KEY", "")],
    f"{KY}/docker-openssh-pem/data/cloud-key": [((1, 38), S, "private-key", "BEGIN OPENSSH PRIVATE KEY", "")],
    f"{KY}/docker-openssh-pem/data/key.pem": [((1, 28), S, "private-key", "BEGIN PRIVATE KEY", "")],
    f"{KY}/docker-secret-in-dockerfile/Dockerfile": [(6, S, "aws", "AWS_SECRET_KEY", "")],
    f"{KY}/docker-secret-in-dockerfile/test.txt": [(1, L, "placeholder", "AKIAIOSFODNN7EXAMPLE", "")],
    "larmitage/access-key.txt": [(1, S, "generic", "ACCESS_KEY", C)],
    "larmitage/fake-api-key.txt": _twice("apikey1234", "generic", C),
    "larmitage/fake-aws-secret.txt": _twice("DcCc9H6o", "aws"),
    "larmitage/fake-db-connection.txt": _twice("Pwd=", "password", W),
    "larmitage/fake-password.txt": _twice("XpRTh78m", "password"),
    "larmitage/dummy-private-key.txt": [((3, 11), S, "private-key", "BEGIN RSA PRIVATE KEY", "")],
    "larmitage/index.js": [
        (1, S, "password", "myFakePassword", ""),
        (3, S, "aws", "fakeAwsSecret", ""),
        (5, S, "generic", "fakeApiKey", C),
    ],
    "benigutman/config.py": _pair(10),
    "benigutman/main.py": [*_pair(8), *_pair(14, "access_key", "secret_key")],
    "benigutman/util.py": [*_pair(7), *_pair(13, "access_key", "secret_key")],
    "benigutman/branch_service.py": _pair(3),
    "st3fan/application.properties": [
        (6, L, "informative", "spring.datasource.username", ""),
        (7, S, "password", "spring.datasource.password", ""),
    ],
    "st3fan/database.js": [
        (6, L, "informative", "user:", ""),
        (7, S, "password", "password:", KB),
    ],
    "st3fan/foo.py": [(2, S, "basic-auth", "postgres://avnadmin:", M)],
    "st3fan/something.py": [(1, S, "basic-auth", "postgres://avnadmin:", M)],
    "st3fan/test.py": [(1, S, "generic", "AVNU_", "")],
}

DISPUTED: Dict[str, str] = {
    K: "an access key id is an identifier, published as a secret by many scanners",
    D: "AWS's documented example secret key inside the value",
    C: "the value's random-looking part is a counting or sequential run: issue 15's placeholder policy",
    W: "the value is words naming a password, no random part",
    M: "the value is masked with X runs: issue 15's xxxx placeholder",
    KB: "the value after a provider prefix is letters along neighbouring keys",
}


def heldout27_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 27: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout27: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows, source=SOURCE_OF[path.split("/", 1)[0]], disputed_rules=DISPUTED))
    return samples
