"""Round 18 of the secrets detectors (issue 15), on own samples: what round 17
(set 17, Leaky Repo, now spent) left, fixed in general.

- files a walk never opened, read by name: shell start-up files (``.bashrc``,
  ``.bash_profile``, ``.zshrc``, ``.profile``, ``.envrc`` …), FileZilla's
  server lists, PHP applications' settings (``wp-config.php``,
  ``configuration.php``, ``LocalSettings.php`` …), JetBrains'
  ``WebServers.xml``, ``.htpasswd`` and SQL dumps (``*.sql``);
- SQL's ``IDENTIFIED BY '…'``;
- JetBrains' XOR-encoded deployment password (decoded, then judged);
- FileZilla's base64 ``<Pass>`` (decoded, then judged: a default is low);
- ``.htpasswd`` hashes: low, with the reason (a hash is not the password;
  it can be cracked offline); a plain-text entry is a password;
- Laravel's ``APP_KEY=base64:…`` in any configuration text;
- Firefox's ``logins.json``: time stamps under ``timePasswordChanged`` are
  quiet; ``encryptedPassword`` is low (readable with the profile's
  ``key4.db``); ``encryptedUsername`` is quiet (a user name is no credential);
- a URL whose user is an e-mail address (``https://ann@example.com:pw@host``),
  with no new alarm on e-mail addresses in URLs.

The reported and changed rows fail on 9109fb8 (base of round 18); the quiet
rows pass on both trees unless marked.
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

RNG = random.Random(1818)
ALL = Config(select=["MLW4", "MLW51"], severity=Severity.LOW)
DEFAULT_RUN = Config(select=["MLW4", "MLW51"])
ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(RNG.choice(alphabet) for _ in range(n))
        if alphabet != ALNUM or (sum(c.isdigit() for c in value) >= 3 and any(c.isupper() for c in value)
                                 and any(c.islower() for c in value)):
            return value


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def jetbrains(text: str) -> str:
    """JetBrains' WebServers.xml encoding: each character XOR 0xDFAA, four hex digits."""
    return "".join(f"{ord(c) ^ 0xDFAA:04x}" for c in text)


def found(text: str, filename: str, config: Config = DEFAULT_RUN):
    return [(f.line, f.severity, f.message) for f in check_source(text, filename, config=config).findings]


PW = rand(16)
PW2 = f"{rand(8)}#{rand(6)}!"
AWS_SECRET = rand(40, ALNUM + "/+")
APP_KEY = b64(rand(32))
FIREFOX_CT = "MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcE" + rand(40, ALNUM + "+/")
FIREFOX_USER = "MDIEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcE" + rand(28, ALNUM + "+/")


def _filezilla(password_b64: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<FileZilla3>\n  <Servers>\n    <Server>\n'
            "      <Host>ftp.labels.internal</Host>\n      <User>annotator</User>\n"
            f'      <Pass encoding="base64">{password_b64}</Pass>\n    </Server>\n  </Servers>\n</FileZilla3>\n')


def _webservers(encoded: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n  <component name="WebServers">\n'
            '    <webServer id="7f2c" name="staging" url="http://staging.internal">\n'
            f'      <fileTransfer host="staging.internal" port="21" accessType="FTP" login="deploy" password="{encoded}" />\n'
            "    </webServer>\n  </component>\n</project>\n")


def _logins(**fields) -> str:
    login = {"id": 1, "hostname": "https://tracker.internal", "encryptedUsername": FIREFOX_USER,
             "encryptedPassword": FIREFOX_CT, "guid": "{0c4f1a2b-3d5e-4f60-8a7b-9c0d1e2f3a4b}", "encType": 1,
             "timeCreated": 1639402231887, "timeLastUsed": 1639402231887, "timePasswordChanged": 1639402231887,
             "timesUsed": 3}
    login.update(fields)
    return json.dumps({"nextId": 2, "logins": [login]}, indent=2) + "\n"


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


#: (file, text, needle on the reported line): reported at medium or more (nothing on 9109fb8)
REPORTED = [
    (".bashrc", f"alias ll='ls -la'\nexport DB_PASSWORD='{PW2}'\n", "DB_PASSWORD"),
    ("home/.bash_profile", f'export PATH="$HOME/bin:$PATH"\nexport AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n', "AWS_SECRET"),
    (".zshrc", f"export MLFLOW_TRACKING_PASSWORD={PW}\n", "MLFLOW"),
    (".profile", f"export REGISTRY_TOKEN={rand(36)}\n", "REGISTRY_TOKEN"),
    ("svc/.envrc", f"layout python3\nexport WANDB_API_KEY={rand(40, '0123456789abcdef')}\n", "WANDB"),
    (".zshenv", f"export SMTP_PASSWORD='{PW2}'\n", "SMTP"),
    ("fz/sitemanager.xml", _filezilla(b64(PW2)), "<Pass"),
    ("recentservers.xml", _filezilla(b64(PW)), "<Pass"),
    ("recentservers.xml", _filezilla(b64(PW2 + "\n")), "<Pass"),  # `echo … | base64` keeps the newline
    ("www/wp-config.php", f"<?php\ndefine( 'DB_NAME', 'blog' );\ndefine( 'DB_PASSWORD', '{PW2}' );\n", "DB_PASSWORD"),
    ("configuration.php", f"<?php\nclass JConfig {{\n\tpublic $user = 'joomla';\n\tpublic $password = '{PW}';\n}}\n", "$password"),
    ("wiki/LocalSettings.php", f'<?php\n$wgDBuser = "wiki";\n$wgDBpassword = "{PW2}";\n', "wgDBpassword"),
    ("config.inc.php", f"<?php\n$cfg['Servers'][$i]['user'] = 'pma';\n$cfg['Servers'][$i]['password'] = '{PW}';\n", "['password']"),
    ("db/dump.sql", f"-- dump\nCREATE USER 'etl'@'%' IDENTIFIED BY '{PW2}';\nGRANT SELECT ON features.* TO 'etl'@'%';\n", "IDENTIFIED"),
    ("migrations/002.sql", f"ALTER USER 'reader'@'localhost' IDENTIFIED WITH mysql_native_password BY '{PW}';\n", "ALTER"),
    ("db/roles.sql", f"CREATE ROLE trainer WITH LOGIN PASSWORD '{PW2}';\n", "ROLE"),
    (".idea/WebServers.xml", _webservers(jetbrains(PW2)), "fileTransfer"),
    ("deploy/laravel.yaml", f"APP_NAME=Labeler\nAPP_KEY=base64:{APP_KEY}\n", "APP_KEY"),
    ("settings.json", f'{{"remote": "https://ann.lee@example.org:{PW2}@git.example.org/ml/repo.git"}}\n', "remote"),
    ("sync.py", f'REMOTE = "https://ann.lee@example.org:{PW}@git.example.org/ml/repo.git"\n', "REMOTE"),
    (".git-credentials", f"https://ann.lee%40example.org:{PW}@github.com\nhttps://ann.lee@example.org:{PW2}@gitlab.com\n",
     "gitlab.com"),
    ("web/.htpasswd", f"# plain text (Apache on Windows)\nops:{PW2}\n", "ops:"),
]

#: (file, text, needle, reason word): reported at low only, with its reason (nothing or medium on 9109fb8)
LOW = [
    ("web/.htpasswd", "admin:$apr1$x7Yq2Lm9$Kq3vT8pW1zR5nB0cF6hJ4.\n", "admin", "hash"),
    ("public_html/.htpasswd", "ops:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n", "ops", "hash"),
    (".htpasswd", "ci:$2y$10$" + rand(53, string.ascii_letters + string.digits + "./") + "\n", "ci", "hash"),
    ("profile/logins.json", _logins(), "encryptedPassword", "key4.db"),
    ("fz/sitemanager.xml", _filezilla(b64("admin")), "<Pass", "default"),
    (".idea/WebServers.xml", _webservers(jetbrains("changeme")), "fileTransfer", "default"),
]

#: (file, text): nothing at any severity (the last group: reported on 9109fb8, or a file it did not read)
QUIET = [
    (".bashrc", 'export PATH="$HOME/bin:$PATH"\nexport PASSWORD_STORE_DIR="$HOME/.password-store"\nalias gs="git status"\n'),
    (".envrc", "export AWS_PROFILE=ml-dev\nexport DB_PASSWORD=$(pass show db/ml)\nexport API_TOKEN=${API_TOKEN:-}\n"),
    ("www/wp-config.php", "<?php\ndefine( 'DB_PASSWORD', 'password_here' );\ndefine( 'AUTH_KEY', 'put your unique phrase here' );\n"),
    ("db/dump.sql", "CREATE USER 'app'@'%' IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19';\n"
                    "CREATE USER 'tpl'@'%' IDENTIFIED BY '${DB_PASSWORD}';\n-- the user is identified by 'name' only\n"),
    ("db/schema.sql", "CREATE TABLE users (\n  id INT PRIMARY KEY,\n  password VARCHAR(255) NOT NULL,\n  api_key TEXT\n);\n"
                      "INSERT INTO users (id, password_hash) VALUES (1, '$2y$10$" + rand(53, ALNUM + "./") + "');\n"
                      "SELECT * FROM users WHERE password = crypt($1, password);\n"),
    ("fz/sitemanager.xml", _filezilla(b64("<password>"))),
    (".idea/WebServers.xml", _webservers("")),
    ("settings.json", '{"docs": "https://ann.lee@example.org/about", "contact": "mailto:ann.lee@example.org",\n'
                      ' "mirror": "https://mirror.example.org/ann@example.org/files", "web": "https://ann@example.org:8443/x"}\n'),
    ("profile/logins.json", _logins(encryptedPassword="")),
    ("notes.yaml", "timePasswordChanged: 1639402231887\npassword_updated_at: 1700000000\ntoken_created: 1699999999\n"),
]


@pytest.mark.parametrize("filename, text, needle", REPORTED)
def test_reported(filename, text, needle):
    lines = {line for line, severity, _m in found(text, filename) if severity.rank >= Severity.MEDIUM.rank}
    assert _line_of(text, needle) in lines, found(text, filename, ALL)


@pytest.mark.parametrize("filename, text, needle, reason", LOW)
def test_low_with_the_reason(filename, text, needle, reason):
    assert found(text, filename) == []  # the default run shows none
    rows = [row for row in found(text, filename, ALL) if row[0] == _line_of(text, needle)]
    assert rows and all(severity == Severity.LOW and reason in message for _l, severity, message in rows), rows


@pytest.mark.parametrize("filename, text", QUIET)
def test_quiet(filename, text):
    assert found(text, filename, ALL) == []


def test_firefox_user_names_and_time_stamps_are_quiet():
    text = _logins()
    lines = {line for line, _s, _m in found(text, "logins.json", ALL)}
    assert lines == {_line_of(text, "encryptedPassword")}


def test_jetbrains_decoding_is_xor_dfaa():
    from mlwarden.secrets.adapter import _jetbrains_password

    assert _jetbrains_password(jetbrains("Zq7!mL")) == "Zq7!mL"
    assert _jetbrains_password("dfd5" * 4) is None  # 0x7f: not printable text


def test_an_encoded_password_is_never_shown():
    for filename, text in ((".idea/WebServers.xml", _webservers(jetbrains(PW2))), ("sitemanager.xml", _filezilla(b64(PW2)))):
        result = check_source(text, filename, config=ALL)
        assert result.findings
        for finding in result.findings:
            assert PW2 not in finding.message and jetbrains(PW2) not in finding.message and b64(PW2) not in finding.message


@pytest.mark.parametrize("name", [".bashrc", ".bash_profile", ".zshrc", ".profile", ".envrc", "sitemanager.xml",
                                  "recentservers.xml", "wp-config.php", "LocalSettings.php", "WebServers.xml",
                                  ".htpasswd", "dump.sql", "x/config.php"])
def test_read_by_name(name):
    assert classify(Path(name)) == "text"


@pytest.mark.parametrize("name", ["wp-config-sample.php", "index.php", ".bashrc.bak", "bashrc", "notes.sql.txt",
                                  "profile", "webservers.xml.orig"])
def test_look_alike_names_are_not_read(name):
    assert classify(Path(name)) is None


def test_a_dotenv_app_key_is_reported_once():
    text = f"APP_KEY=base64:{APP_KEY}\n"
    rows = found(text, ".env", ALL)
    assert len(rows) == 1 and rows[0][1].rank >= Severity.MEDIUM.rank, rows


def test_fast_and_full_modes_agree_on_the_new_files(tmp_path):
    from test_equivalence import assert_same_results, both_modes_paths

    files = {".bashrc": REPORTED[0][1], "sitemanager.xml": _filezilla(b64(PW2)), "wp-config.php": REPORTED[8][1],
             "dump.sql": REPORTED[12][1], ".idea/WebServers.xml": _webservers(jetbrains(PW2)),
             ".htpasswd": "admin:$apr1$x7Yq2Lm9$Kq3vT8pW1zR5nB0cF6hJ4.\n", "logins.json": _logins(),
             "remote.yaml": REPORTED[17][1], "quiet.sql": QUIET[3][1]}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    fast, full = both_modes_paths([tmp_path], Config(select=["MLW4", "MLW51"], root=tmp_path, severity=Severity.LOW))
    # one each: .bashrc, FileZilla, wp-config, the dump, JetBrains, .htpasswd (low), logins.json (low), the URL
    assert sum(len(r.findings) for r in fast) == 8
    assert_same_results(fast, full)
