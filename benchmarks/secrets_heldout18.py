"""Held-out set 18 of issue 15 (round 18): realistic files that hold leaked
credentials, from two sources no earlier set used, scored once on the final
code of round 18.

- **GitGuardian/sample_secrets**: a small project made to show a secret
  scanner real leaks (an S3 upload script, an internal API client, a
  JavaScript model, ``.env``, a YAML user list, LDAP settings, an RSA key);
  its README's table names the secrets it holds (AWS keys, a MongoDB URI,
  PostgreSQL credentials, two generic high-entropy secrets, an RSA private
  key, SMTP and LDAP credentials). Two of its files are not valid Python
  (``send_mails.py`` lacks a comma, ``internal_api.py`` ends a ``def`` with
  ``!``): kept verbatim, real leaks are often in broken files.
- **OWASP/wrongsecrets**: a vulnerable application whose challenges hide a
  secret in each place real projects leak one: a Dockerfile ``ENV``/``ARG``,
  a Kubernetes ConfigMap and Secrets, a Vault init output, the
  sealed-secrets controller's key pair, ``application.properties`` (whose
  other lines are placeholders such as ``if_you_see_this_please_use_k8s``).

The files are saved verbatim under ``sample_secrets/`` and ``wrongsecrets/``
(``SOURCES.txt`` lists path, stored version and length of each).

**Unit** (as set 17): one line of a file (a private-key block is one sample
over its lines). A sample is reported when a secrets finding at the default
severity starts on one of its lines. Labels (:data:`LABELS`, written by
reading each file before any verdict was looked at; neither source publishes
per-line labels): a **secret** is a value that gives access or is key
material (a password, token, API key, private key, Vault unseal key or root
token, a key that signs the application's flags), plain or in a reversible
encoding (base64 in a Kubernetes Secret), or a value the source presents as
a leaked secret (sample_secrets' README table; a wrongsecrets challenge
answer). An **informative** line holds a host, user name, e-mail address,
public certificate or canary URL; a **placeholder** line a value that says it
is none (``if_you_see_this_please_use_k8s``, ``not_set``, ``none``, an
all-zero token, ``ACTUAL_ANSWER_CHALLENGE7``, a key's own name, a build
argument's ``"default"``); both are look-alikes, as is every other non-blank
line (``plain``).

**Checked as** (``--kinds``): ``asis``, each file under its own name (what
``mlwarden check`` on the repository does), and ``config.yaml``, every file's
text read as configuration text.

Classes (written before any verdict): ``password``, ``basic-auth`` (a URL
with a password), ``aws``, ``gitlab``, ``generic`` (API keys, tokens, signing
keys, Vault unseal keys and tokens), ``private-key``, ``k8s-secret`` (a value
under a Kubernetes Secret's or ConfigMap's ``data`` whose key name says
nothing), ``encrypted`` (ciphertext), ``informative``, ``placeholder``,
``plain``.

Disputed labels (scored both ways by ``secrets.py eval``), by these written
rules, assigned in :data:`LABELS` before any verdict:

- ``encrypted``: ciphertext whose key is not in the value's file (the
  challenges' ``*ciphertext`` values, a Secret holding base64 of ciphertext):
  the source counts it leaked because the key leaks elsewhere; the value
  alone is no credential -> look-alike;
- ``unnamed``: a value whose only claim to be a secret is the source's design
  or the manifest's kind (``funny.entry: "thisIsK8SConfigMap"`` in a
  ConfigMap, ``funnier: <base64>`` and ``answer`` in a Secret): no credential
  name, no format, readable -> look-alike;
- ``weak``: a known default password (set 15's written list, exact after
  folding case and leetspeak) or a trivially guessable value (one digit
  repeated): weak rather than leaked, low by round 14's policy -> look-alike;
- ``phrase``: a short readable phrase under a password name (``"This is
  it"``): issue 15's prose class says such text is no password; the source
  says it is one -> look-alike.

No held-out string is in this repository: :data:`LABELS` holds file paths,
line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

#: one labelled sample: (lines, label, class, key name seen on the first line or "", disputed rule or "")
#: ``lines`` is a line number or an inclusive (first, last) range; label is "secret" or "lookalike"
Row = Tuple[Union[int, tuple], str, str, str, str]

S, L = "secret", "lookalike"
GG, WS = "sample_secrets", "wrongsecrets"

LABELS: Dict[str, List[Row]] = {
    f"{GG}/bucket_s3.py": [
        (10, S, "aws", "aws_lib.connect", ""),
        (17, S, "basic-auth", "MONGO_URI", ""),
    ],
    f"{GG}/.env": [
        (1, S, "gitlab", "GITLAB_TOKEN", ""),
        (2, S, "password", "PASSWORD", "weak"),
        (3, S, "generic", "GENERIC_SECRET", ""),
        (4, S, "password", "PASSWORD1", ""),
    ],
    f"{GG}/emails/define_ldap": [
        (1, L, "informative", "ldap_server", ""),
        (2, L, "informative", "ldap_bind_dn", ""),
        (3, S, "password", "ldap_pwd", ""),
    ],
    f"{GG}/emails/gg_creds.yaml": [
        (3, L, "informative", "user", ""),
        (6, L, "informative", "email", ""),
        (7, S, "password", "password", ""),
    ],
    f"{GG}/emails/send_mails.py": [(1, S, "password", "password=", "")],
    f"{GG}/internal_api.py": [
        (3, S, "generic", "GGENTROPY_API_KEY", ""),
        (4, L, "informative", "GGENTROPY_URL", ""),
        (9, S, "generic", "GGFILTER_TOKEN", ""),
    ],
    f"{GG}/postgres_model.js": [
        (3, L, "informative", "pg_host", ""),
        (4, L, "informative", "pg_user", ""),
        (5, S, "password", "pg_pass", ""),
        (6, S, "password", "pg_pass", ""),
        (8, S, "basic-auth", "mongo_uri", ""),
    ],
    f"{GG}/shared_key.rsa": [((1, 27), S, "private-key", "BEGIN RSA PRIVATE KEY", "")],
    f"{WS}/Dockerfile": [
        (3, L, "placeholder", "argBasedPassword", ""),
        (9, S, "password", "DOCKER_ENV_PASSWORD", "phrase"),
    ],
    f"{WS}/src/main/resources/application.properties": [
        (8, S, "password", "password", ""),
        *[(n, L, "placeholder", key, "") for n, key in (
            (9, "SPECIAL_K8S_SECRET"), (10, "SPECIAL_SPECIAL_K8S_SECRET"), (11, "SEALED_SECRET_ANSWER"),
            (12, "CHALLENGE33"), (13, "ARG_BASED_PASSWORD"), (14, "DOCKER_ENV_PASSWORD"), (15, "vaultpassword"),
            (16, "vaultinjected"), (17, "challenge47secret"), (24, "default_aws_value"),
            (25, "default_aws_value_challenge_9"), (26, "default_aws_value_challenge_10"),
            (27, "default_aws_value_challenge_11"), (28, "default_gcp_value"), (29, "default_azure_value"),
            (43, "wrongsecret-3"), (57, "challenge_rando_key"), (58, "challenge_thirty"), (59, "challenge_acht"),
            (60, "challenge_acht_ctf_host_value"), (66, "KEEPASS_BROKEN"), (72, "DEFAULT37"), (108, "vault.token"),
            (120, "ctf_key"), (121, "vaultpassword"), (123, "SPECIAL_K8S_SECRET"), (124, "SPECIAL_SPECIAL_K8S_SECRET"),
            (125, "SEALED_SECRET_ANSWER"), (126, "default_aws_value_challenge_9"),
            (127, "default_aws_value_challenge_10"), (128, "default_aws_value_challenge_11"),
        )],
        (56, S, "generic", "ctf_key", ""),
        (63, L, "informative", "plainText13", ""),
        (64, S, "encrypted", "cipherText13", "encrypted"),
        (65, S, "password", "keepasxpassword", ""),
        (68, L, "informative", "canarytokenURLs", ""),
        (69, S, "encrypted", "challenge15ciphertext", "encrypted"),
        (70, S, "encrypted", "challenge25ciphertext", "encrypted"),
        (71, S, "encrypted", "challenge26ciphertext", "encrypted"),
        (73, S, "encrypted", "challenge27ciphertext", "encrypted"),
        (74, S, "password", "challenge41password", ""),
        (75, S, "password", "challenge49pin", "weak"),
        (76, S, "encrypted", "challenge49ciphertext", "encrypted"),
    ],
    f"{WS}/k8s/secrets-config.yml": [(3, S, "k8s-secret", "funny.entry", "unnamed")],
    f"{WS}/k8s/secrets-secret.yml": [(3, S, "k8s-secret", "funnier", "unnamed")],
    f"{WS}/k8s/db-credentials.yaml": [
        (3, S, "password", "db-password", ""),
        (4, L, "informative", "db-username", ""),
    ],
    f"{WS}/k8s/cluster-keys.json": [
        (3, S, "generic", "", ""),
        (6, S, "generic", "", ""),
        (14, S, "generic", "root_token", ""),
    ],
    f"{WS}/k8s/challenge74/wrongsecrets-llama-secret.yaml": [(7, L, "placeholder", "CHALLENGE_74_SECRET", "")],
    f"{WS}/k8s/main.key": [
        (5, L, "informative", "tls.crt", ""),
        (6, S, "private-key", "tls.key", ""),
    ],
    f"{WS}/k8s/challenge33.yml": [
        (3, S, "encrypted", "answer", "encrypted"),
        (8, S, "k8s-secret", "stringData", "unnamed"),
    ],
}

#: why a disputed label flips
DISPUTED: Dict[str, str] = {
    "encrypted": "ciphertext whose key is not in its file: the value alone is no credential",
    "unnamed": "no credential name, no format, a readable value: a secret only by the source's design or the kind",
    "weak": "a known default password or a trivially guessable value: weak rather than leaked (low by policy)",
    "phrase": "a short readable phrase under a password name: issue 15's prose class",
}


def _lines(spec) -> List[int]:
    """Line numbers of a row: a number or an inclusive (first, last) range."""
    if isinstance(spec, tuple):
        return list(range(spec[0], spec[1] + 1))
    return [spec]


def file_samples(path: str, text: str, rows: Sequence[Row], source: str = "",
                 disputed_rules: Optional[Dict[str, str]] = None) -> List[dict]:
    """The samples of one file: its labelled rows, then every other non-blank
    line as a ``plain`` look-alike. Raises when a row's key name is not on its
    first line (a shifted line number) or a line is labelled twice.
    ``disputed_rules`` (rule -> why) defaults to set 18's :data:`DISPUTED`."""
    rules = DISPUTED if disputed_rules is None else disputed_rules
    lines = text.splitlines()
    taken: Dict[int, str] = {}
    samples = []
    source = source or path.split("/", 1)[0]
    for spec, label, cls, key, disputed in rows:
        numbers = _lines(spec)
        if label not in (S, L):
            raise ValueError(f"secrets_heldout18: {path}:{numbers[0]} has an unknown label {label!r}")
        if numbers[-1] > len(lines):
            raise ValueError(f"secrets_heldout18: {path}:{numbers[-1]} is past the end ({len(lines)} lines)")
        if key and key not in lines[numbers[0] - 1]:
            raise ValueError(f"secrets_heldout18: {path}:{numbers[0]} does not hold {key!r}")
        for n in numbers:
            if n in taken:
                raise ValueError(f"secrets_heldout18: {path}:{n} labelled twice")
            taken[n] = label
        if disputed and disputed not in rules:
            raise ValueError(f"secrets_heldout18: unknown disputed rule {disputed!r}")
        secret = label == S
        alt: Optional[bool] = (not secret) if disputed else None
        samples.append({"class": cls, "rule": f"{path}:{numbers[0]}", "file": path, "lines": numbers, "text": text,
                        "secret": secret, "source": source, "alt": alt, "why": rules.get(disputed, ""),
                        "python": True})
    for n, line in enumerate(lines, 1):
        if n not in taken and line.strip():
            samples.append({"class": "plain", "rule": f"{path}:{n}", "file": path, "lines": [n], "text": text,
                            "secret": False, "source": source, "alt": None, "why": "", "python": True})
    return samples


def heldout18_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 18: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout18: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows))
    return samples
