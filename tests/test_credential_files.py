"""Credential stores and key files are read by name.

The files people commit by accident (a dotfile copied into a project, a CI
workspace checked in) mostly have no suffix a walk knows: ``.netrc``,
``.npmrc``, ``.pypirc``, ``.git-credentials``, ``.aws/credentials``, SSH
private keys. A directory walk reads them as configuration text, so the
secrets rules see them; their public halves and look-alike names are not
read. All values here are made up for this test.
"""

from __future__ import annotations

import base64
import random
import re
from pathlib import Path

import pytest

from mlwarden.sources import classify


def _private_key() -> str:
    rng = random.Random(17)
    body = base64.b64encode(bytes(rng.randrange(256) for _ in range(300))).decode()
    lines = [body[i:i + 70] for i in range(0, len(body), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----\n"


def _putty_key() -> str:
    rng = random.Random(23)
    body = base64.b64encode(bytes(rng.randrange(256) for _ in range(400))).decode()
    public, private = body[:192], body[192:]
    chunk = lambda text: [text[i:i + 64] for i in range(0, len(text), 64)]  # noqa: E731
    lines = ["PuTTY-User-Key-File-2: ssh-rsa", "Encryption: none", "Comment: deploy-key", f"Public-Lines: {len(chunk(public))}",
             *chunk(public), f"Private-Lines: {len(chunk(private))}", *chunk(private), "Private-MAC: " + "3f" * 20]
    return "\n".join(lines) + "\n"


#: path -> (content, the 1-based line of the credential, its type in the message)
FILES = {
    ".netrc": ("machine api.example-tracker.ai\n  login trainer\n  password 7c1e9f24b8d03a6e5f9b2c47d8e01a3f6b5c9d72\n", 3, "Generic Secret"),
    ".aws/credentials": ("[default]\naws_access_key_id = AKIAQ3Z7N5W2J4R6T8YB\n", 2, "AWS Access Key"),
    ".npmrc": ("//registry.npmjs.org/:_authToken=npm_k7P2vX9qL4mZ8rT3wB6nJ1cF5hD0gS2yA7eU\n", 1, "NPM tokens"),
    ".git-credentials": ("https://mlbot:ghp_R8kD3vN7qP2xL9mZ4tW6bJ1cH5fS0gY7aE3u@github.com\n", 1, "GitHub Access Token"),
    "deploy/.pypirc": ("[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcCJGI4ZTk3YzFkLTQ2NWEtNGQ5Yi05MGRkLWY3YjNlNjA1YzQ0ZAACKlszLCJl\n", 3, "PyPI API Token"),
    "keys/id_ed25519": (_private_key(), 1, "Private Key"),
    "certs/service.pem": (_private_key(), 1, "Private Key"),
    "keys/deploy.ppk": (_putty_key(), 1, "PuTTY Private Key"),
    # host:port:database:user:password; a placeholder line stays quiet
    "ops/.pgpass": ("# training database\nlocalhost:5432:*:postgres:<password>\ndb.internal:5432:features:trainer:Wq7#Lp2vZ9rX4mT8\n", 3, "Generic Secret"),
    # round 19: `credentials` and `.credentials` anywhere, `.rsa` keys, Atom's `.ftpconfig`, tugboat's settings
    "cloud/.credentials": ("[default]\naws_access_key_id = AKIAW4T9K2M7Q3Z8N5XD\n", 2, "AWS Access Key"),
    ".config/gcloud/credentials": ('{\n  "type": "authorized_user",\n  "refresh_token": "1//0dKq7Lp2vZ9rX4mT8wB3nJ6cF1hD5gS0yA-L9IrU3eW7qYb2"\n}\n', 3,
                                   "Generic Secret"),
    "keys/shared_key.rsa": (_private_key(), 1, "Private Key"),
    "site/.ftpconfig": ('{\n  "protocol": "sftp",\n  "host": "files.example.org",\n  "user": "deploy",\n  "pass": "Hq4#Tz8mW2vL6pX9"\n}\n', 5,
                        "Generic Secret"),
    "cloud/.tugboat": ("authentication:\n  access_token: 9c2e7f41b8d36a05e4f9b1c72d8e03a6f5b4c9d7e1a2f3b6c8d0e9f7a5b4c3d2\n", 2, "Generic Secret"),
    # round 23: any private key in `.ssh/` (not only `id_*`), Terraform state, plain-text and
    # suffix-less files named for a credential
    ".ssh/deploy_prod": (_private_key(), 1, "Private Key"),
    "infra/terraform.tfstate": ('{\n  "version": 4,\n  "resources": [{"instances": [{"attributes": {\n'
                                '    "password": "Vn4#qZ8tL2wR7xK9"\n  }}]}]\n}\n', 4, "Secret Keyword"),
    "ops/azure_credentials.txt": ("# service principal\nclient_secret = 4Tq8Q~hW2nV7xZ3kL9pR5bM1cD6fJ0gS8yA2eU\n", 2,
                                  "Azure AD Client Secret"),
    "backup/sample_aws_credentials": ("[default]\naws_access_key_id = AKIAW4T9K2M7Q3Z8N5XD\n", 2, "AWS Access Key"),
}
#: names that look alike and are not credential stores
NOT_READ = ["keys/id_ed25519.pub", "docs/credentials.md", "credentials.txt.orig", "netrc.md.bak", "notes/.netrc-help.txt.orig",
            "keys/shared_key.rsa.pub", "ftpconfig.md", "tugboat", "credentials_helper.sh",
            # round 23: SSH's public halves and host lists, names that only contain a credential word,
            # tokenizer vocabularies, documents about credentials
            ".ssh/deploy_prod.pub", ".ssh/known_hosts", ".ssh/authorized_keys", "secretary.txt", "tokens.txt",
            "credentials.md.txt", "docs/passwords.md", "state.tfstate.md"]


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_credential_store_is_text(name):
    assert classify(Path(name)) == "text"


@pytest.mark.parametrize("name", NOT_READ)
def test_look_alikes_are_not_read(name):
    assert classify(Path(name)) is None


def test_a_walk_reports_the_credential_in_each_store(tmp_path, run_cli):
    for name, (content, _line, _kind) in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    for name in NOT_READ:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("password = Zx8#vQ3mL7pR2wT9\n", encoding="utf-8")
    code, out, err = run_cli("check", "--no-cache", "--isolated", "--severity", "low", tmp_path)
    assert code == 1, err
    found = {}
    for line in out.splitlines():
        if " MLW401 " in line:
            where = line.split(" MLW401 ")[0]
            path, number = where.rsplit(":", 3)[0], int(where.rsplit(":", 3)[1])
            found[Path(path).relative_to(tmp_path).as_posix()] = (number, line)
    assert sorted(found) == sorted(FILES), out
    for name, (_content, number, kind) in FILES.items():
        assert found[name][0] == number, found[name]
        assert f"`{kind}`" in found[name][1], found[name]
    for name, (content, number, _k) in FILES.items():
        if "PRIVATE KEY" in content or "PuTTY" in content:
            secret = content.splitlines()[1]
        else:
            secret = max(re.findall(r"[^\s\"':=,]{12,}", content.splitlines()[number - 1]), key=len)
        assert secret not in out  # redacted


#: every name the text kind reads, and some it does not
HOOK_CASES = sorted(FILES) + NOT_READ + [
    ".env", "config/.env.local", "prod.env", "kaggle.json", "conf/app.yaml", "a.yml", "x.json", "setup.cfg.bak",
    "redis.conf", "web.config", "application.properties", "settings.xml", ".m2/settings-security.xml", "_netrc",
    ".pgpass", ".yarnrc", ".dockercfg", ".s3cfg", ".boto", "id_rsa", "id_dsa", "id_ecdsa", "k.ppk", "tls.key",
    "train.py", "README.md", "model.pt",
    # round 18: shell start-up files, FileZilla, PHP settings, JetBrains, .htpasswd, SQL dumps
    ".bashrc", "home/.bash_profile", ".bash_login", ".profile", ".zshrc", ".zshenv", ".zprofile", "app/.envrc",
    "fz/sitemanager.xml", "recentservers.xml", "filezilla.xml", "www/wp-config.php", "configuration.php",
    "wiki/LocalSettings.php", "config.inc.php", "sites/default/settings.php", "config.php", ".idea/WebServers.xml",
    "public_html/.htpasswd", "db/dump.sql", "migrations/0001_init.SQL",
    "wp-config-sample.php", "index.php", ".bashrc.bak", "bashrc", "notes.sql.txt", "profile", "zshrc.md",
    # round 19
    "credentials", "docs/credentials", ".aws/credentials", "META-INF/CERT.RSA", "server.rsa", ".ftpconfig", "home/.tugboat",
    "credentialsX", "my.credentials.bak",
    # round 20: Terraform, MySQL option files, .authinfo, .wgetrc, hub's settings, JavaScript settings modules
    "infra/main.tf", "envs/prod.tfvars", ".my.cnf", "etc/mysql/my.cnf", ".authinfo", "home/.wgetrc", ".config/hub",
    "config/default.js", "server/config/keys.js", "keys.js", "config.js", "secrets.js", "credentials.js", "settings.js",
    "app.js", "webpack.config.js", "src/index.js", "hub", "tools/hub", "config/app.ts", "main.tf.orig",
    # round 21: Jenkins pipelines by name
    "Jenkinsfile", "ci/Jenkinsfile", "jenkinsfile", "Jenkinsfile.release", "deploy/Jenkinsfile-prod", "Jenkinsfile2",
    "jenkins/build.groovy",
    # round 22: container build files by name
    "Dockerfile", "docker/Dockerfile", "Dockerfile.gpu", "Dockerfile-prod", "dockerfile_dev", "train.dockerfile",
    "Containerfile", "Containerfile.cuda", "docker-compose.override", "Dockerfiles/README.md", "dockerfile.py.txt2",
    # round 23: `.ssh/`, Terraform state, files named for a credential
    ".ssh/config", "home/.ssh/backup_key", "prod.tfstate", "terraform.tfstate.backup", "with_secrets.txt", "API_KEY.txt",
    "access-token", "privatekey.txt", "my.credentials", "db_password.txt", "vocab.txt", "passwords.py", "api_key.json.bak",
]


@pytest.mark.parametrize("name", HOOK_CASES)
def test_the_secrets_hook_is_handed_every_file_the_text_kind_reads(name):
    """pre-commit passes the `mlwarden-secrets` hook only the files its
    `files` pattern matches: it must match every text-kind file (a
    credential store the pattern misses is never checked at commit time)."""
    from conftest import ROOT

    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    block = hooks.split("- id: mlwarden-secrets", 1)[1].split("\n- id:", 1)[0]
    pattern = re.search(r"^  files: (.+)$", block, re.M).group(1)
    is_text = classify(Path(name)) == "text"
    assert bool(re.search(pattern, name)) == is_text, (name, is_text)


def test_a_putty_header_without_key_material_is_not_a_key(tmp_path, run_cli):
    """Docs and parsers name the format; only a file with a `Private-Lines:`
    block of key material is a key."""
    (tmp_path / "notes.ppk").write_text("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: example header\n", encoding="utf-8")
    code, out, err = run_cli("check", "--no-cache", "--isolated", "--severity", "low", tmp_path)
    assert code == 0 and "MLW401" not in out, out + err
