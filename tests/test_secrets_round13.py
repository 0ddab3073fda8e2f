"""Round 13 of the secrets detectors (issue 15), on own samples:

- user-interface text under credential names: a label ending with a colon is
  no password anywhere; in a translation catalog (a ``locales/``, ``i18n/``,
  ``lang/``, ``translations/`` directory, a JSON or YAML file named by a
  language code, or a file whose values are UI text) a value of words without
  a digit is the field's caption and is not reported; any other value is;
- URL passwords public by convention: anonymous FTP and an FTP password equal
  to its user name are reported at low severity with the reason, not dropped;
  a real FTP password, and a user name as password on other schemes, stay;
- a doctest line's keyword value (an interactive example's made-up password)
  is reported at low severity; a provider token there stays high;
- MLW402 and MLW403 read GitHub's and GitLab's checksums as MLW401 does: a
  value holding only checksum-failing tokens is reported at medium.

The quiet rows and the changed severities fail on da1e239 (two catalog rows,
`i18n/auth.yaml` and `pt-BR.yaml`, were already quiet there and pin that);
the still-reported rows pass on both trees (what must be kept).
"""

from __future__ import annotations

import random
import string

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.secrets.noise import public_url_password, translation_catalog, ui_text
from mlwarden.secrets.patterns import unverified_value
from test_secrets_round12 import github, gitlab_routable

RNG = random.Random(1313)
ALL = Config(select=["MLW4", "MLW51"], severity=Severity.LOW)


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def found(text: str, filename: str = "sample.py"):
    return [(f.rule_id, f.severity, f.message) for f in check_source(text, filename, config=ALL).findings]


# ------------------------------------------------------------ UI text, catalogs

CATALOG = """{{
  "login": "Logg inn",
  "username": "Brukernavn",
  "password": "{pw}",
  "forgot": "Glemt passordet?",
  "submit": "Send inn",
  "welcome": "Velkommen tilbake"
}}
"""

UI_QUIET = [
    ("app/strings.json", CATALOG.format(pw="Passord")),  # a catalog by content
    ("web/locales/nb/common.json", '{\n  "password": "Passord"\n}\n'),  # by directory
    ("i18n/auth.yaml", "password: Mot de passe\n"),
    ("nb.json", '{\n  "password": "Passord"\n}\n'),  # by a language code as the name
    ("pt-BR.yaml", "password: Senha\n"),
    ("de.json", '{\n  "password": "Passwort"\n}\n'),
    ("form.json", '{\n  "one_time_password": "Engangskode:"\n}\n'),  # a label, anywhere
    ("form.yaml", "db_password: \"Пароль:\"\n"),
    ("ui.py", 'LABELS = {"password": "Mot de passe :"}\n'),
]


@pytest.mark.parametrize("filename,text", UI_QUIET)
def test_user_interface_text_under_a_password_name_is_not_reported(filename, text):
    assert found(text, filename) == []


UI_SECRETS = [
    ("app/strings.json", CATALOG.format(pw="Tr0ub4dor&3" + rand(4))),  # a catalog's value with digits and symbols
    ("locales/nb.json", '{\n  "password": "' + rand(14) + '7"\n}\n'),
    ("config.json", '{\n  "password": "Passord"\n}\n'),  # not a catalog: a weak password is a password
    ("config.yaml", "db:\n  host: db\n  user: app\n  password: Summerday\n"),
    ("form.json", '{\n  "password": "Engangskode:' + rand(6) + '7"\n}\n'),  # a colon inside, not a label
    ("ml.yaml", "password: Hunter" + rand(3, string.digits) + "\n"),
]


@pytest.mark.parametrize("filename,text", UI_SECRETS)
def test_passwords_beside_ui_text_are_still_reported(filename, text):
    assert [rule for rule, _, _ in found(text, filename)] == ["MLW401"]


def test_catalog_and_ui_text_predicates():
    assert ui_text("Glemt passordet?") and ui_text("Пароль") and ui_text("Mot de passe :")
    assert not ui_text("Passw0rd") and not ui_text("pass_word") and not ui_text("p@ss")
    lines = CATALOG.format(pw="x").splitlines()
    assert translation_catalog("a/b/strings.json", lines)
    assert not translation_catalog("a/b/strings.py", lines)  # catalogs are JSON or YAML
    config = ["db:", "  host: db.internal", "  port: 5432", "  user: app", "  password: Summerday", "  pool: 5"]
    assert not translation_catalog("config.yaml", config)
    assert translation_catalog("src/i18n/x.yaml", ["a: b"])
    assert not translation_catalog("db.json", ["{}"])  # not a language code


# ------------------------------------------------------------ URL passwords


FTP_LOW = [
    'URL = "ftp://anonymous:anonymous@ftp.ncbi.nlm.nih.gov/pub/"\n',
    'URL = "ftp://ftp:guest' + rand(4) + '@mirror.example.org/pub/"\n',
    'URL = "FTPS://Anonymous:' + rand(10) + '@files.example.net/"\n',
    'def fetch():\n    """Files are at ``ftp://m1474000:m1474000@dataserv.ub.tum.de/``."""\n',
    'mirror: ftp://dl' + "4471" + ':dl4471@data.example.org/set\n',
]


@pytest.mark.parametrize("text", FTP_LOW)
def test_public_ftp_logins_are_reported_at_low_with_the_reason(text):
    filename = "c.yaml" if text.startswith("mirror") else "sample.py"
    got = found(text, filename)
    assert len(got) == 1
    rule, severity, message = got[0]
    assert rule == "MLW401" and severity == Severity.LOW
    assert "anonymous FTP" in message or "equal to its user name" in message


FTP_HIGH = [
    'URL = "ftp://m1474000:' + rand(10) + '@dataserv.ub.tum.de"\n',  # a real password
    'URL = "https://m1474000:m1474000@dataserv.ub.tum.de"\n',  # not FTP: a service's default login
    'URL = "ftp://uploader:' + rand(12) + '@ftp.example.org/anonymous/"\n',
]


@pytest.mark.parametrize("text", FTP_HIGH)
def test_other_url_passwords_keep_their_severity(text):
    got = found(text)
    assert len(got) == 1 and got[0][1] in (Severity.MEDIUM, Severity.HIGH)


def test_public_url_password_reads_the_user_before_the_password():
    assert public_url_password("ftp://anonymous:me@x.org@ftp.gnu.org/", "me@x.org")
    assert public_url_password("see ftp://u1:u1@h/ and ftp://u2:pw@h/", "u1")
    assert not public_url_password("see ftp://u1:u1@h/ and ftp://u2:pw@h/", "pw")
    assert public_url_password("sftp://anonymous:abc@h/", "abc") is None  # SSH file transfer: no anonymous FTP


# ------------------------------------------------------------ doctest examples


def test_a_doctest_password_is_reported_at_low():
    pw = rand(8)
    text = f'def f():\n    """\n    >>> check(user, password="{pw}")\n    ... password == "{pw}x"\n    """\n'
    got = found(text)
    assert [s for _, s, _ in got] == [Severity.LOW, Severity.LOW]
    assert all("doctest" in m for _, _, m in got)
    outside = found(f'password = "{pw}"\n')
    assert [s for _, s, _ in outside] == [Severity.MEDIUM]


def test_a_provider_token_in_a_doctest_stays_high():
    text = 'def f():\n    """\n    >>> login(token="hf_' + rand(34) + '")\n    """\n'
    assert [s for _, s, _ in found(text)] == [Severity.HIGH]


# ------------------------------------------------------------ MLW402 / MLW403 checksums


def test_mlw402_reads_the_checksum():
    bad, good = github(valid=False), github()
    got = dict((r, s) for r, s, _ in found(f'from huggingface_hub import login\nlogin("{bad}extra")\n'))
    assert got == {"MLW402": Severity.MEDIUM}
    got = dict((r, s) for r, s, _ in found(f'from huggingface_hub import login\nlogin("{good}extra")\n'))
    assert got["MLW402"] == Severity.HIGH


def test_mlw403_reads_the_checksum():
    bad, good = github(valid=False), github()
    got = dict((r, s) for r, s, _ in found(f"GITHUB_TOKEN={bad},{bad[:10]}\n", ".env"))
    assert got["MLW403"] == Severity.MEDIUM
    got = dict((r, s) for r, s, _ in found(f"GITHUB_TOKEN={good},{good[:10]}\n", ".env"))
    assert got["MLW403"] == Severity.HIGH


def test_unverified_value():
    assert unverified_value(github(valid=False) + "tail")
    assert not unverified_value(github() + "tail")
    assert not unverified_value(github(valid=False) + " " + github())  # one verifies
    assert unverified_value("token " + gitlab_routable(valid=False))
    assert not unverified_value(gitlab_routable())
    assert not unverified_value("my" + github(valid=False))  # inside a longer word
    assert not unverified_value(rand(40))


def test_fast_and_full_modes_agree_on_the_new_shapes(tmp_path):
    from test_equivalence import assert_same_results, both_modes_paths

    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "nb.json").write_text('{\n  "password": "Passord",\n  "token": "' + rand(30) + '"\n}\n')
    (tmp_path / "a.py").write_text('U = "ftp://anonymous:anonymous@ftp.example.org/"\n'
                                   'def f():\n    """\n    >>> check(password="' + rand(9) + '")\n    """\n')
    fast, full = both_modes_paths([tmp_path], Config(select=["MLW4", "MLW51"], root=tmp_path, severity=Severity.LOW))
    assert sum(len(r.findings) for r in fast) == 3
    assert_same_results(fast, full)
