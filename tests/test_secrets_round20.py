"""Round 20 of the secrets detectors (issue 15), on own samples: round 19's
leftovers and development set 20's causes, fixed in general.

- Grafana's token shapes: service-account tokens (``glsa_`` + 32 + ``_`` + 8
  hex), Grafana Cloud access-policy tokens (``glc_`` + base64 of JSON) and
  legacy API keys (``eyJrIjoi…``: base64 of ``{"k":…,"n":…,"id":…}``), each
  named as its provider;
- Microsoft Teams / Office 365 incoming-webhook URLs (``webhook.office.com/
  webhookb2/…``, the retired ``outlook.office.com/webhook/…``) and the
  Workflows trigger URLs that replace them (``…/workflows/<hex>/triggers/…
  &sig=…``);
- a key that a provider prefix opens (``NRRA-`` + 42 hex, ``NRAK-`` + 27
  upper-case alphanumerics) under a credential name is a key, not an
  identifier (the generic judge read a word, a dash and hex as a name);
- files read by name: Terraform's ``*.tf`` / ``*.tfvars`` (set 20), MySQL's
  ``*.cnf``, ``.authinfo``, ``.wgetrc``, the ``hub`` CLI's
  ``.config/hub``, JavaScript settings modules (``config.js``, ``keys.js`` …,
  ``config/*.js``); other JavaScript stays unread.

The provider rows, the prefixed-key rows and the file-name tests fail on
c8a9efe (nothing reported there, a generic type, or the file not read by a
walk); the rows of the new file types pass on both trees (``check_source``
judges any file it is handed: they show the content is read right, the walk
test that a walk now hands them over); the quiet rows pass on both trees.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.sources import classify

RNG = random.Random(2020)
ALL = Config(select=["MLW4", "MLW51"], severity=Severity.LOW)
DEFAULT_RUN = Config(select=["MLW4", "MLW51"])
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UPPER = string.ascii_uppercase + string.digits


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(RNG.choice(alphabet) for _ in range(n))
        mixed = any(c.isdigit() for c in alphabet) and any(c.isalpha() for c in alphabet)
        if not mixed or sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 3:
            return value


def uid() -> str:
    return str(uuid.UUID(int=RNG.getrandbits(128)))


def found(text: str, filename: str, config: Config = DEFAULT_RUN):
    return [(f.rule_id, f.severity, f.message) for f in check_source(text, filename, config=config).findings]


def b64json(obj: dict) -> str:
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


GLSA = f"glsa_{rand(32)}_{rand(8, HEX)}"
GLC = "glc_" + b64json({"o": str(RNG.randint(100000, 999999)), "n": "stack-metrics-write", "k": rand(24),
                        "m": {"r": "prod-eu-west-2"}})
GRAFANA_KEY = b64json({"k": rand(32), "n": "ci-deploy", "id": RNG.randint(1, 400)})
TEAMS = f"https://contoso.webhook.office.com/webhookb2/{uid()}@{uid()}/IncomingWebhook/{rand(32, HEX)}/{uid()}"
TEAMS_V2 = TEAMS + "/V2" + rand(40, ALNUM + "_-")
OUTLOOK = f"https://outlook.office.com/webhook/{uid()}@{uid()}/JenkinsCI/{rand(32, HEX)}/{uid()}"
WORKFLOW = (f"https://prod-27.northeurope.logic.azure.com:443/workflows/{rand(32, HEX)}/triggers/manual/paths/invoke"
            f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={rand(43, ALNUM + '_-')}")
NEWRELIC = "NRRA-" + rand(42, HEX)
NEWRELIC_USER = "NRAK-" + rand(27, UPPER)

#: (file, text, provider named in the message)
PROVIDERS = [
    ("dashboards.py", f'GRAFANA_TOKEN = "{GLSA}"\n', "Grafana Service Account Token"),
    ("provision.yaml", f"grafana:\n  url: https://grafana.internal\n  token: {GLSA}\n", "Grafana Service Account Token"),
    ("push.py", f'headers = {{"Authorization": "Bearer {GLC}"}}\n', "Grafana Cloud Token"),
    (".env", f"GRAFANA_CLOUD_TOKEN={GLC}\n", "Grafana Cloud Token"),
    ("monitor.ipynb.py", f'api = GrafanaApi(auth="{GRAFANA_KEY}", host="grafana.internal")\n', "Grafana API Key"),
    ("alerts.json", f'{{"grafana": {{"apiKey": "{GRAFANA_KEY}"}}}}\n', "Grafana API Key"),
    ("notify.py", f'TEAMS_WEBHOOK = "{TEAMS}"\n', "Microsoft Teams Webhook URL"),
    ("notify.py", f'requests.post("{TEAMS_V2}", json=card)\n', "Microsoft Teams Webhook URL"),
    ("alerts.yaml", f"channels:\n  - url: {OUTLOOK}\n", "Microsoft Teams Webhook URL"),
    ("train_callbacks.py", f'pymsteams.connectorcard("{WORKFLOW}")\n', "Microsoft Teams Webhook URL"),
]


@pytest.mark.parametrize("filename,text,provider", PROVIDERS)
def test_provider_shapes_are_named(filename, text, provider):
    got = [g for g in found(text, filename) if g[0] == "MLW401"]
    assert len(got) == 1, (text, got)
    assert got[0][1] in (Severity.MEDIUM, Severity.HIGH)
    assert f"`{provider}`" in got[0][2]
    for secret in (GLSA, GLC, GRAFANA_KEY, TEAMS, OUTLOOK, WORKFLOW.rsplit("sig=", 1)[1]):
        assert secret not in got[0][2]  # never printed in full


REPORTED = [
    # a provider prefix before a generated run, under a credential name
    ("newrelic.yaml", f"APIKEY: {NEWRELIC}\n"),
    ("settings.py", f'NEW_RELIC_API_KEY = "{NEWRELIC_USER}"\n'),
    (".env", f"INSERT_TOKEN=ingest_{rand(32, HEX)}\n"),
    # Terraform and MySQL option files read as configuration
    ("main.tf", f'provider "example" {{\n  api_token = "{rand(40)}"\n}}\n'),
    ("prod.tfvars", f'db_password = "{rand(18)}"\n'),
    (".my.cnf", f"[client]\nuser=trainer\npassword={rand(16)}\n"),
    # JavaScript settings modules by name
    ("config/keys.js", f"module.exports = {{\n  mongoURI: 'mongodb+srv://app:{rand(14)}@cluster0.example.net/db',\n"
                       f"  sessionSecret: '{rand(32)}'\n}};\n"),
    ("config.js", f"export default {{ apiKey: '{rand(36)}' }};\n"),
    # wget's and Emacs' credential files
    (".wgetrc", f"http_user = trainer\nhttp_password = {rand(18)}\n"),
    (".authinfo", f"machine api.example.org login trainer password {rand(20)}\n"),
]


@pytest.mark.parametrize("filename,text", REPORTED)
def test_reported_at_medium_or_more(filename, text):
    got = [g for g in found(text, filename) if g[0] == "MLW401"]
    assert got, (text, got)
    assert all(g[1] in (Severity.MEDIUM, Severity.HIGH) for g in got)


QUIET = [
    # shapes a provider format must not take
    ("g.py", f'x = "glsa_{rand(31)}_{rand(8, HEX)}"\n'),  # one short
    ("g.py", f'x = "glsa_{rand(32)}_{rand(8, string.ascii_uppercase)}"\n'),  # no hex checksum
    ("g.py", 'GRAFANA_TOKEN = "glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxx"\n'),
    ("g.py", f'x = "{b64json({"k": "v"})}"\n'),  # too short for a key
    ("g.py", f'jwt = "{b64json({"k": rand(32), "n": "a", "id": 1})}.{rand(20)}"\n'),  # a dot: no Grafana key
    ("n.py", f'HOOK = "https://contoso.webhook.office.com/webhookb2/{uid()}@{uid()}/IncomingWebhook/"\n'),  # cut short
    ("n.py", "HOOK = 'https://outlook.office.com/webhook/<group-id>@<tenant-id>/IncomingWebhook/<id>/<connector-id>'\n"),
    ("n.py", "HOOK = 'https://x.webhook.office.com/webhookb2/00000000-0000-0000-0000-000000000000@00000000-0000-0000-0000-"
             "000000000000/IncomingWebhook/00000000000000000000000000000000/00000000-0000-0000-0000-000000000000'\n"),
    ("n.py", f'URL = "https://prod-1.westus.logic.azure.com/workflows/{rand(32, HEX)}/triggers/manual/paths/invoke?api-version=1"\n'),
    # words, digests and ids after a prefix are no keys
    ("config.yaml", "api_key: bert-base-uncased-finetuned\n"),
    ("config.yaml", f"token: commit-{rand(40, HEX)}\n"),
    ("config.yaml", f"secret_name: prod-{rand(6, HEX)}\n"),
    ("config.yaml", "api_key: NRRA-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
    # Terraform references and generated values are no secrets
    ("main.tf", '  password = var.db_password\n  admin_password = random_password.admin.result\n'),
    ("main.tf", '  git_commit = "d41d8cd98f00b204e9800998ecf8427e0a1b2c3d"\n  yor_trace = "' + uid() + '"\n'),
]


@pytest.mark.parametrize("filename,text", QUIET)
def test_quiet_even_at_low(filename, text):
    assert [g for g in found(text, filename, ALL) if g[0] == "MLW401"] == [], text


@pytest.mark.parametrize("name, read", [
    ("infra/main.tf", True), ("envs/prod.tfvars", True), ("my.cnf", True), (".my.cnf", True), (".authinfo", True),
("home/.wgetrc", True), (".config/hub", True), ("config/default.js", True), ("config/keys.js", True),
    ("server/config.js", True), ("keys.js", True), ("secrets.js", True), ("credentials.js", True), ("settings.js", True),
    # other JavaScript is code; `hub` outside `.config/` is a name like any other
    ("src/app.js", False), ("webpack.config.js", False), ("postgres_model.js", False), ("config/app.ts", False),
    ("hub", False), ("tools/hub", False), ("main.tf.bak", False), ("docs/terraform.md", False),
])
def test_files_read_by_name(name, read):
    assert (classify(Path(name)) == "text") is read


def test_a_walk_reads_the_new_names_and_fast_equals_full(tmp_path):
    from test_equivalence import assert_same_results, both_modes_paths

    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(f'resource "x" "y" {{\n  administrator_login_password = "{rand(16)}"\n}}\n')
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "keys.js").write_text(f"module.exports = {{ secretOrKey: '{rand(32)}' }};\n")
    (tmp_path / "app.js").write_text(f"const apiKey = '{rand(32)}';\n")  # not read
    (tmp_path / "notify.py").write_text(f'TEAMS_WEBHOOK = "{TEAMS}"\nGRAFANA = "{GLSA}"\n')
    config = Config(select=["MLW4", "MLW51"], root=tmp_path, severity=Severity.LOW)
    fast, full = both_modes_paths([tmp_path], config)
    assert_same_results(fast, full)
    paths = {Path(f.path).name for result in fast for f in result.findings}
    assert paths == {"main.tf", "keys.js", "notify.py"}, paths
