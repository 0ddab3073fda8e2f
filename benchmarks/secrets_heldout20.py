"""Development set 20 of issue 15 (round 20): realistic infrastructure code that
holds credentials, from a source no earlier set used. Set 20 is read, scored
on the base and fixed against; round 20's held-out set is set 21
(``benchmarks/secrets_heldout21.py``).

**bridgecrewio/terragoat**: a "vulnerable by design" Terraform project whose
comments say where it keeps plain-text secrets (EC2 user data, Lambda
environment variables, an Azure SQL administrator password). Besides them its
files are what real infrastructure code is full of: resource names, commit
hashes and trace UUIDs in tags, e-mail addresses, references to variables and
to generated passwords. Files saved under ``terragoat/`` (two as excerpts;
``SOURCES.txt`` says which lines).

**Unit** (as sets 17 and 18): one line of a file; a sample is reported when a
secrets finding at the default severity starts on it. Labels
(:data:`LABELS`, written by reading each file before any verdict; the source
publishes no per-line labels): a **secret** is a value that gives access or is
key material, or one the source presents as a leaked secret (its comments);
an **informative** line holds a user name, host or address; every other
non-blank line is a ``plain`` look-alike (a reference such as
``var.password`` or ``random_string.password.result`` is no value).

**Checked as** (``--kinds``): ``asis`` (each file under its own name: a walk
does not read ``.tf``) and ``config.yaml`` (every file's text as
configuration text).

Classes: ``aws``, ``password``, ``informative``, ``plain``.

Disputed labels (scored both ways), written before any verdict:

- ``documentation``: AWS's documented example key pair
  (``AKIAIOSFODNN7EXAMPLE`` / ``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY``)
  or a variant of it (a few characters changed): issue 15 names vendors'
  documented example keys and their variants as placeholders; the source
  presents them as leaked -> look-alike;
- ``weak``: a password of one letter pair and an ascending digit run
  (``Aa`` + ``12345678``): trivially guessable, weak rather than leaked (low by
  round 14's policy) -> look-alike.

No held-out string is in this repository: :data:`LABELS` holds file paths,
line numbers, key names and classes only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from secrets_heldout18 import Row, file_samples  # benchmarks/secrets_heldout18.py

S, L = "secret", "lookalike"
TG = "terragoat/terraform"

LABELS: Dict[str, List[Row]] = {
    f"{TG}/aws/ec2.tf": [
        (15, S, "aws", "AWS_ACCESS_KEY_ID", "documentation"),
        (16, S, "aws", "AWS_SECRET_ACCESS_KEY", "documentation"),
        (26, L, "informative", "git_last_modified_by", ""),
        (45, L, "informative", "git_last_modified_by", ""),
    ],
    f"{TG}/aws/lambda.tf": [
        (44, S, "aws", "access_key", "documentation"),
        (45, S, "aws", "secret_key", "documentation"),
        (23, L, "informative", "git_last_modified_by", ""),
        (52, L, "informative", "git_last_modified_by", ""),
    ],
    f"{TG}/aws/db-app.tf": [
        (15, L, "informative", "username", ""),
        (32, L, "informative", "git_last_modified_by", ""),
    ],
    f"{TG}/azure/sql.tf": [
        (14, L, "informative", "administrator_login", ""),
        (15, S, "password", "administrator_login_password", "weak"),
    ],
    f"{TG}/azure/instance.tf": [
        (10, L, "informative", "admin_username", ""),
        (36, L, "informative", "git_last_modified_by", ""),
        (46, L, "informative", "admin_username", ""),
        (71, L, "informative", "git_last_modified_by", ""),
    ],
    f"{TG}/azure/key_vault.tf": [
        (25, L, "informative", "git_last_modified_by", ""),
        (50, L, "informative", "git_last_modified_by", ""),
        (66, L, "informative", "git_last_modified_by", ""),
    ],
    f"{TG}/gcp/big_data.tf": [
        (31, L, "informative", "git_last_modified_by", ""),
    ],
}

DISPUTED: Dict[str, str] = {
    "documentation": "AWS's documented example key or a variant of it: a placeholder by issue 15's policy",
    "weak": "a letter pair and an ascending digit run: trivially guessable, weak rather than leaked (low by policy)",
}


def heldout20_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 20: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout20: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (root / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows, source="terragoat", disputed_rules=DISPUTED))
    return samples
