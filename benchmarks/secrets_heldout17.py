"""Held-out set 17 of issue 15 (round 17): a scanner benchmark corpus of
realistic leaked files, a source no earlier set used, scored once on the final
code of round 17.

**Leaky Repo** (Plazmaz/leaky-repo): "a repo full of mistakes" made as a
benchmark for secret scanners: dotfiles, IDE and FTP-client settings, cloud
credential files, framework configs, keys and a database dump, each with
randomized values in the shape real leaks take. Its ``.leaky-meta/secrets.csv``
counts per file the lines that are a **risk** ("presents an actual risk") and
those that are **informative** ("discloses potentially sensitive or useful
information": host names, user names, e-mail addresses, time stamps); several
files mark their lines with ``# Risk`` / ``# Informative`` comments. The files
are saved verbatim under ``leaky-repo/`` (``SOURCES.txt`` lists path, stored
version and length of each).

**Unit**: one line of a file (a private-key block is one sample spanning its
lines). A sample is reported when any secrets finding at the default severity
starts on one of its lines. Labels (:data:`LABELS`, written by reading each
file before any verdict was looked at): a **risk** line is a secret; an
**informative** line and every other non-blank line of a kept file
(``plain``) are look-alikes. Where the CSV's per-file counts and the file
disagree (the stored versions are not all the CSV's version; a few counts swap
risk and informative), the file's own ``# Risk`` / ``# Informative`` comments
decide, then the CSV's written categories (risk: passwords, passphrases, keys,
tokens, registry auth; informative: hosts, user names, e-mail addresses,
paths, time stamps, AWS access key ids, which ``cloud/.s3cfg`` marks
informative). :func:`csv_counts` reads the CSV so the test can show each
difference.

**Checked as** (``--kinds``): ``asis``, the file under its own name (what
``mlwarden check`` on the repository does: a file mlwarden does not read
gives nothing), and any file name given (``config.yaml``): every file's text
read as that file, as earlier sets were checked.

Classes (written before any verdict): ``password`` (a password or passphrase
under a name, in a ``.netrc``/``.pgpass`` row or a login call), ``basic-auth``
(a URL with a password, a registry ``auth``/``_auth`` base64 pair), ``aws``,
``github``, ``slack``, ``mailchimp``, ``generic`` (other API keys, tokens and
framework secret keys: Django, Rails, Laravel, WordPress, Heroku), ``private-key``,
``hash`` (stored password hashes), ``encrypted`` (Firefox's encrypted login
fields), ``informative``, ``plain``.

**Excluded**: ``etc/shadow`` (listed by the CSV, not in the stored copy);
files the CSV does not list (``kucoin/``, ``square-access-token/``,
``microsoft-teams-webhook/``, ``test-secrets.txt``, ``.circleci/``: no
published label); ``.leaky-meta/`` (the benchmark's own scripts).

Disputed labels (scored both ways by ``secrets.py eval``), by these written
rules, assigned in :data:`LABELS` before any verdict:

- ``hash``: a one-way password hash (bcrypt ``$2y$``, crypt ``$6$``, Apache
  ``$apr1$``) is no credential a reader can use; it can be cracked offline, a
  weaker harm than a leaked password -> look-alike;
- ``encrypted``: Firefox's ``encryptedUsername``/``encryptedPassword`` are
  ciphertext under a key in ``key4.db``, which is not in the repository; an
  encrypted user name is not a credential at all -> look-alike;
- ``placeholder``: a secret value holding a marker word (``test``,
  ``example``, ``sample``, ``dummy``) or equal to its own key name
  (``IRC_PASS=irc_pass``): a placeholder by issue 15's policy -> look-alike;
- ``weak``: a password that is a known default (set 15's list: ``password``,
  ``admin``, ``root`` …, after folding case and leetspeak) or the user name
  again (``admin``/``admin`` base64-encoded): weak rather than leaked, low by
  round 14's default-password policy -> look-alike;
- ``by-name``: a look-alike holding a random-looking value under a
  credential name (``access_key = <random>``, ``client_key: <32 hex>``): its
  label rests on the source calling the value informative, not on the value
  being no credential (set 14's rule) -> secret.

No held-out string is in this repository: :data:`LABELS` holds file paths,
line numbers, key names and classes only.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

#: one labelled sample: (lines, label, class, key name seen on the first line or "", disputed rule or "")
#: ``lines`` is a line number, an inclusive (first, last) range or a tuple of ranges; label is "risk" or "informative"
Row = Tuple[Union[int, tuple], str, str, str, str]

R, I = "risk", "informative"

LABELS: Dict[str, List[Row]] = {
    ".bash_profile": [
        (11, I, "informative", "AWS_ACCESS_KEY_ID", "by-name"),
        (12, R, "aws", "AWS_SECRET_ACCESS_KEY", ""),
        (18, I, "informative", "S3_BUCKET", ""),
        (19, I, "informative", "RDS_HOST", ""),
        (20, R, "password", "RDS_PASSWORD", "placeholder"),
        (21, R, "generic", "HEROKU_API_KEY", "placeholder"),
        (22, R, "github", "HOMEBREW_GITHUB_API_TOKEN", ""),
        (23, R, "slack", "SLACK_API_TOKEN", ""),
        (24, R, "password", "MLAB_PASS", ""),
        (25, I, "informative", "MLAB_URL", ""),
        (26, I, "informative", "MLAB_DB", ""),
    ],
    ".bashrc": [
        (104, I, "informative", "GMAIL_USERNAME", ""),
        (105, R, "password", "GMAIL_PASSWORD", ""),
        (106, R, "mailchimp", "MAILCHIMP_API_KEY", ""),
        (107, I, "informative", "MAILCHIMP_LIST_ID", ""),
        (108, I, "informative", "OWNER_EMAIL", ""),
        (109, R, "github", "JEKYLL_GITHUB_TOKEN", ""),
    ],
    ".docker/.dockercfg": [
        (3, I, "informative", "email", ""),
        (4, R, "basic-auth", "auth", ""),
        (7, I, "informative", "email", ""),
        (8, R, "basic-auth", "auth", ""),
    ],
    ".docker/config.json": [
        (4, I, "informative", "email", ""),
        (5, R, "basic-auth", "auth", ""),
        (8, I, "informative", "email", ""),
        (9, R, "basic-auth", "auth", ""),
    ],
    ".mozilla/firefox/logins.json": [
        row
        for first in (6, 22, 38, 54)
        for row in (
            (first, I, "informative", "hostname", ""),
            (first + 5, R, "encrypted", "encryptedUsername", "encrypted"),
            (first + 6, R, "encrypted", "encryptedPassword", "encrypted"),
            (first + 9, I, "informative", "timeCreated", ""),
            (first + 10, I, "informative", "timeLastUsed", ""),
            (first + 11, I, "informative", "timePasswordChanged", ""),
            (first + 12, I, "informative", "timesUsed", ""),
        )
    ],
    ".ssh/id_rsa": [((1, 27), R, "private-key", "BEGIN RSA PRIVATE KEY", "")],
    ".ssh/id_rsa.pub": [(1, I, "informative", "ssh-rsa", "")],
    "cloud/.credentials": [
        (3, I, "informative", "aws_access_key_id", "by-name"),
        (4, R, "aws", "aws_secret_access_key", ""),
        (6, I, "informative", "aws_access_key_id", "by-name"),
        (7, R, "aws", "aws_secret_access_key", ""),
    ],
    "cloud/.s3cfg": [
        (1, R, "aws", "secret_key", ""),
        (2, I, "informative", "access_key", "by-name"),
        (4, I, "informative", "host_bucket", ""),
    ],
    "cloud/.tugboat": [
        (3, I, "informative", "client_key", "by-name"),
        (4, R, "generic", "api_key", ""),
        (6, I, "informative", "ssh_user", ""),
    ],
    "cloud/heroku.json": [
        (3, I, "informative", "HEROKU_EMAIL", ""),
        (4, R, "generic", "HEROKU_API_KEY", ""),
    ],
    "db/dump.sql": [(n, R, "hash", "", "hash") for n in range(32, 42)],
    "db/mongoid.yml": [(4, R, "basic-auth", "uri", "placeholder")],
    "filezilla/recentservers.xml": [
        (5, I, "informative", "Host", ""),
        (9, I, "informative", "User", ""),
        (10, R, "password", "Pass", ""),
        (19, I, "informative", "Host", ""),
        (23, I, "informative", "User", ""),
        (24, R, "password", "Pass", ""),
    ],
    "filezilla/filezilla.xml": [
        (6, I, "informative", "Host", ""),
        (11, I, "informative", "User", ""),
        (13, R, "password", "Pass", "placeholder"),
    ],
    "high-entropy-misc.txt": [
        (1, I, "informative", "HES1", ""),
        (2, I, "informative", "HES2", ""),
    ],
    "misc-keys/cert-key.pem": [((1, 28), R, "private-key", "BEGIN PRIVATE KEY", "")],
    "misc-keys/putty-example.ppk": [
        (((1, 4), (11, 26)), R, "private-key", "PuTTY-User-Key-File", ""),
        ((5, 10), I, "informative", "", ""),
    ],
    "proftpdpasswd": [(1, R, "hash", "root", "hash")],
    "web/ruby/config/master.key": [(1, R, "generic", "", "")],
    "web/ruby/secrets.yml": [
        (14, R, "generic", "secret_key_base", ""),
        (17, R, "generic", "secret_key_base", ""),
        (22, R, "generic", "secret_key_base", ""),
    ],
    "web/var/www/.env": [
        (5, R, "generic", "APP_KEY", ""),
        (8, I, "informative", "DB_HOST", ""),
        (10, I, "informative", "DB_DATABASE", ""),
        (12, I, "informative", "DB_USERNAME", ""),
        (14, R, "password", "DB_PASSWORD", ""),
        (21, I, "informative", "REDIS_HOST", ""),
        (23, R, "password", "REDIS_PASSWORD", ""),
        (28, I, "informative", "MAIL_HOST", ""),
        (31, I, "informative", "MAIL_USERNAME", ""),
        (33, R, "password", "MAIL_PASSWORD", ""),
    ],
    ".npmrc": [
        (5, I, "informative", "email", ""),
        (7, R, "basic-auth", "_auth", "weak"),
        (9, R, "generic", "_authToken", ""),
    ],
    "web/var/www/public_html/wp-config.php": [
        (15, I, "informative", "DB_NAME", ""),
        (16, I, "informative", "DB_USER", ""),
        (17, R, "password", "DB_PASSWORD", "weak"),
        (18, I, "informative", "DB_HOST", ""),
        (28, R, "generic", "AUTH_KEY", ""),
        (29, R, "generic", "SECURE_AUTH_KEY", ""),
        (30, R, "generic", "LOGGED_IN_KEY", ""),
        (31, R, "generic", "NONCE_KEY", ""),
        (32, R, "generic", "AUTH_SALT", ""),
        (33, R, "generic", "SECURE_AUTH_SALT", ""),
        (34, R, "generic", "LOGGED_IN_SALT", ""),
        (35, R, "generic", "NONCE_SALT", ""),
    ],
    "web/var/www/public_html/.htpasswd": [(1, R, "hash", "admin", "hash")],
    ".git-credentials": [(1, R, "basic-auth", "https://", "")],
    "db/robomongo.json": [
        (13, I, "informative", "userName", ""),
        (14, R, "password", "userPassword", ""),
        (18, I, "informative", "serverHost", ""),
        (21, I, "informative", "sshHost", ""),
        (22, R, "password", "sshPassphrase", ""),
        (26, I, "informative", "sshUserName", ""),
        (27, R, "password", "sshUserPassword", ""),
    ],
    "web/js/salesforce.js": [(7, R, "password", "conn.login", "")],
    ".netrc": [
        (1, R, "password", "machine", ""),
        (2, R, "password", "machine", ""),
    ],
    "hub": [
        (3, I, "informative", "user", ""),
        (4, R, "github", "oauth_token", ""),
    ],
    "config": [
        (2, I, "informative", "IRC_HOST", ""),
        (3, I, "informative", "IRC_NAME", ""),
        (5, I, "informative", "IRC_NICK", ""),
        (6, R, "password", "IRC_PASS", "placeholder"),
    ],
    "db/.pgpass": [(2, R, "password", "localhost", "weak")],
    "ventrilo_srv.ini": [
        (7, R, "password", "AdminPassword", ""),
        (8, R, "password", "Password", ""),
    ],
    "web/var/www/public_html/config.php": [
        (3, I, "informative", "$dbhost", ""),
        (5, I, "informative", "$dbname", ""),
        (6, I, "informative", "$dbuser", ""),
        (7, R, "password", "$dbpasswd", ""),
    ],
    "db/dbeaver-data-sources.xml": [(4, R, "password", "<connection", "weak")],
    ".esmtprc": [
        (1, I, "informative", "identity", ""),
        (2, I, "informative", "hostname", ""),
        (3, I, "informative", "username", ""),
        (4, R, "password", "password", "weak"),
    ],
    "web/django/settings.py": [(23, R, "generic", "SECRET_KEY", "")],
    "deployment-config.json": [
        (3, I, "informative", "host", ""),
        (4, I, "informative", "username", ""),
        (5, R, "password", "password", ""),
        (7, I, "informative", "remotePath", ""),
    ],
    ".ftpconfig": [
        (3, I, "informative", "host", ""),
        (5, I, "informative", "user", ""),
        (6, R, "password", "pass", ""),
        (8, I, "informative", "remote", ""),
        (12, R, "password", "passphrase", ""),
    ],
    ".remote-sync.json": [
        (9, I, "informative", "hostname", ""),
        (16, I, "informative", "username", ""),
        (17, R, "password", "password", ""),
    ],
    ".vscode/sftp.json": [
        (3, I, "informative", "host", ""),
        (4, I, "informative", "remotePath", ""),
        (5, I, "informative", "username", ""),
        (6, R, "password", "password", ""),
    ],
    "sftp-config.json": [
        (13, I, "informative", "host", ""),
        (14, I, "informative", "user", ""),
        (15, R, "password", "password", ""),
        (18, I, "informative", "remote_path", ""),
    ],
    ".idea/WebServers.xml": [
        (5, I, "informative", "<webServer", ""),
        (6, R, "password", "<fileTransfer", ""),
    ],
}

#: why a disputed label flips
DISPUTED: Dict[str, str] = {
    "hash": "a one-way password hash: no credential a reader can use (crackable offline)",
    "encrypted": "Firefox ciphertext whose key (key4.db) is not in the repository; a user name is no credential",
    "placeholder": "a marker word (test, example, sample, dummy) or the key's own name as the value: a placeholder",
    "weak": "a known default password or the user name again: weak rather than leaked (low by policy)",
    "by-name": "a random-looking value under a credential name: the label rests on the source, not the value",
}

CSV = ".leaky-meta/secrets.csv"


def _lines(spec) -> List[int]:
    """Line numbers of a row: a number, an inclusive (first, last) range, or a
    tuple of ranges (a PuTTY key's header and private lines)."""
    if isinstance(spec, tuple) and isinstance(spec[0], tuple):
        return [n for part in spec for n in _lines(part)]
    if isinstance(spec, tuple):
        return list(range(spec[0], spec[1] + 1))
    return [spec]


def csv_counts(root: Path) -> Dict[str, Tuple[int, int]]:
    """The CSV's (risk, informative) line counts per file."""
    out: Dict[str, Tuple[int, int]] = {}
    text = (root / CSV).read_text(encoding="utf-8")
    for row in csv.reader(line for line in text.splitlines() if line.strip() and not line.startswith("#")):
        out[row[0]] = (int(row[1]), int(row[2]))
    return out


def label_counts() -> Dict[str, Tuple[int, int]]:
    """This reader's (risk, informative) line counts per file (a block counts once)."""
    return {path: (sum(r[1] == R for r in rows), sum(r[1] == I for r in rows)) for path, rows in LABELS.items()}


def file_samples(path: str, text: str, rows: Sequence[Row]) -> List[dict]:
    """The samples of one file: its labelled rows, then every other non-blank
    line as a ``plain`` look-alike. Raises when a row's key name is not on its
    first line (a shifted line number) or a line is labelled twice."""
    lines = text.splitlines()
    taken: Dict[int, str] = {}
    samples = []
    for spec, label, cls, key, disputed in rows:
        numbers = _lines(spec)
        if numbers[-1] > len(lines):
            raise ValueError(f"secrets_heldout17: {path}:{numbers[-1]} is past the end ({len(lines)} lines)")
        if key and key not in lines[numbers[0] - 1]:
            raise ValueError(f"secrets_heldout17: {path}:{numbers[0]} does not hold {key!r}")
        for n in numbers:
            if n in taken:
                raise ValueError(f"secrets_heldout17: {path}:{n} labelled twice")
            taken[n] = label
        if disputed and disputed not in DISPUTED:
            raise ValueError(f"secrets_heldout17: unknown disputed rule {disputed!r}")
        secret = label == R
        alt: Optional[bool] = (not secret) if disputed else None
        samples.append({"class": cls, "rule": f"{path}:{numbers[0]}", "file": path, "lines": numbers, "text": text,
                        "secret": secret, "source": "leaky-repo", "alt": alt, "why": DISPUTED.get(disputed, ""),
                        "python": True})
    for n, line in enumerate(lines, 1):
        if n not in taken and line.strip():
            samples.append({"class": "plain", "rule": f"{path}:{n}", "file": path, "lines": [n], "text": text,
                            "secret": False, "source": "leaky-repo", "alt": None, "why": "", "python": True})
    return samples


def heldout17_samples(root: Path, corpus: Optional[Path] = None) -> List[dict]:
    """Set 17: every labelled line and every other non-blank line of the kept files."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout17: {root}/SOURCES.txt is missing: fetch the files it lists first")
    base = root / "leaky-repo"
    samples: List[dict] = []
    for path, rows in LABELS.items():
        text = (base / path).read_bytes().decode("utf-8")
        samples.extend(file_samples(path, text, rows))
    return samples
