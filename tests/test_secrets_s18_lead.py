"""Two shapes the noise round's held-out set (fresh37, now spent) reported
as secrets, fixed in general, with own samples:

- a URL query parameter whose URL starts with a placeholder host
  (``f"{base_url}/download?accessKey=&fileType=…"``): the value ends at the
  next ``&`` as it does after ``://`` (here it is empty);
- a word between a credential name and ``=`` is a type annotation only
  when it looks like a type (``password: str = "…"``,
  ``token: Optional[SecretStr] = "…"``); in prose (``please pass:
  flavor="igraph"``) the name given the value is the other word.

On b0d26bd (before the fix) the `atlas.py` and `leiden.py` rows fail; the
other quiet rows and every reported row pass on both trees (they keep the
fix from reaching too far).
"""

from __future__ import annotations

import random
import string

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

RNG = random.Random(1818)
ALL = Config(select=["MLW4"], severity=Severity.LOW)


def rand(n: int) -> str:
    while True:
        value = "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))
        if sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 3:
            return value


KEY = rand(32)
PW = rand(12) + "#q"

QUIET = [
    ("atlas.py", 'def urls(base_url):\n    return f"{base_url}/download?accessKey=&fileType=experiment-design"\n'),
    ("atlas2.py", 'URL = BASE + "/files/zip?token=&format=raw"\n'),
    ("leiden.py", "msg = 'To get the new defaults please pass: flavor=\"igraph\" and n_iterations=2.'\n"),
    ("notes.md", 'For the fast path, pass: mode="eager" to the loader.\n'),
]

REPORTED = [
    ("client.py", f'def urls(base_url):\n    return f"{{base_url}}/download?accessKey={KEY}&fileType=raw"\n'),
    ("client2.py", f'ENDPOINT = "https://api.example.org/v1/items?api_key={KEY}&page=2"\n'),
    ("settings.py", f'password: str = "{PW}"\n'),
    ("settings2.py", f'api_token: Optional[SecretStr] = "{KEY}"\n'),
    ("Settings.kt", f'val dbPassword: String = "{PW}"\n'),
    ("config.ts", f'const apiKey: string = "{KEY}";\n'),
]


@pytest.mark.parametrize("filename, text", QUIET, ids=[q[0] for q in QUIET])
def test_quiet(filename, text):
    assert [f.rule_id for f in check_source(text, filename, config=ALL).findings] == []


@pytest.mark.parametrize("filename, text", REPORTED, ids=[r[0] for r in REPORTED])
def test_reported(filename, text):
    findings = check_source(text, filename, config=ALL).findings
    assert [f.rule_id for f in findings if f.rule_id.startswith("MLW40")], text
