"""The ``text`` source kind: configuration and environment files that can
hold credentials (``.env``, ``*.yaml``, ``*.json``, ``*.cfg``, ``*.toml``,
``*.ini``, ``*.conf``, ``*.config``, ``*.properties``, Terraform's ``*.tf`` and
``*.tfvars``, MySQL's ``*.cnf``, ``kaggle.json``, JavaScript settings modules by
name: ``config.js``, ``keys.js`` …, ``config/*.js``),
credential stores known by name (``.netrc``, ``.pgpass``, ``.npmrc``,
``.pypirc``, ``.git-credentials``, ``credentials`` …), shell start-up
files (``.bashrc``, ``.zshrc``, ``.envrc`` …), FileZilla's and JetBrains'
server lists, PHP applications' settings by name (``wp-config.php`` …),
``.htpasswd``, SQL dumps (``*.sql``), Jenkins pipelines (``Jenkinsfile``,
``Jenkinsfile.*``), Terraform state (``*.tfstate``), plain-text and
suffix-less files named for a credential (``azure_credentials.txt``,
``privatekey.txt``, ``api_token``) and private key files (``id_rsa``,
``*.pem``, ``*.key``, ``*.rsa``, ``*.ppk``, any file in ``.ssh/`` but
public halves and host lists).

Only the secrets rules read these units. A directory walk yields ``text``
files only when one of those rules is selected (see
``core/walk.py:_walk_skips``); a file named explicitly (pre-commit's
``mlwarden-secrets`` hook) is always read. Binary data, files that are not
UTF-8 and files over :data:`MAX_BYTES` are skipped silently (the unit has no
text): they are not what this source is for, and a data set that happens to be
a big JSON file must not fail a commit.
"""

from __future__ import annotations

import re
from pathlib import Path

from mlwarden.sources.base import Unit

#: Larger files are data, not configuration.
MAX_BYTES = 2_000_000

SUFFIXES = frozenset({".yaml", ".yml", ".json", ".cfg", ".toml", ".ini", ".env",
                      # server and service configuration (`redis.conf`, `nginx.conf`), .NET's
                      # `web.config`/`app.config`, Java's `application.properties`
                      ".conf", ".config", ".properties",
                      # Terraform's configuration and variable files (`password = "…"` in a
                      # resource, `access_key`/`secret_key` in a provider block, `*.tfvars`)
                      # and MySQL's option files (`my.cnf`, `.my.cnf`: `password=…`)
                      ".tf", ".tfvars", ".cnf"})
#: credential files known by name: Kaggle's API key, Maven's server passwords
#: and the master password that decrypts them; the credential stores of
#: netrc, PostgreSQL, npm, Yarn, PyPI uploads, git's credential helper,
#: Docker's legacy config, s3cmd and boto; SSH private keys. These are the
#: files people commit by accident (a dotfile copied into a project, a CI
#: workspace checked in), and most have no suffix a walk would know.
_NAMED_CONFIGS = frozenset({
    "kaggle.json", "settings.xml", "settings-security.xml",
    ".netrc", "_netrc", ".pgpass", ".npmrc", ".yarnrc", ".pypirc", ".git-credentials", ".dockercfg", ".s3cfg", ".boto",
    "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519",
    # shell start-up files and direnv's: `export AWS_SECRET_ACCESS_KEY=...` lines
    ".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zshenv", ".zprofile", ".envrc",
    # FileZilla's saved and recent servers (a base64 `<Pass>` per server)
    "sitemanager.xml", "recentservers.xml", "filezilla.xml",
    # PHP applications' database settings and keys by their fixed names: WordPress,
    # Joomla, MediaWiki, phpMyAdmin, Drupal, and the common hand-written `config.php`
    "wp-config.php", "configuration.php", "localsettings.php", "config.inc.php", "settings.php", "config.php",
    # JetBrains IDEs' deployment servers (an XOR-encoded `password`)
    "webservers.xml",
    # Apache's password files (hashes: read to report them at low)
    ".htpasswd",
    # editors' and CLIs' saved servers and tokens: Atom's remote-ftp (`"pass"`),
    # tugboat's DigitalOcean settings (`access_token`)
    ".ftpconfig", ".tugboat",
    # a file whose whole name says it: AWS's `~/.aws/credentials`, gcloud's legacy
    # `~/.config/gcloud/credentials`, Azure CLI's, and copies of them in a project
    # (`cloud/.credentials`); no tool names documentation or code so (those carry
    # a suffix), and a file without a credential in it gives nothing
    "credentials", ".credentials",
    # netrc's twin for Emacs and Gnus, wget's start-up file (`http_password = …`)
    ".authinfo", ".wgetrc",
    # JavaScript settings modules by the names Node projects give them (`keys.js` with a
    # database URI and a session secret, `config.js`, `secrets.js` …); other JavaScript is code
    "config.js", "settings.js", "secrets.js", "credentials.js", "keys.js",
    # Jenkins pipelines (`Jenkinsfile`: `sh "… -Dsonar.login=…"`, `withEnv(["TOKEN=…"])`); the
    # other CI systems' files are YAML (`.gitlab-ci.yml`, `azure-pipelines.yml`,
    # `bitbucket-pipelines.yml`, `.travis.yml`, `.circleci/config.yml`, GitHub workflows)
    "jenkinsfile",
    # container build files (`ENV HF_TOKEN=…`, `ARG API_KEY=…`, `RUN pip config set … --password …`):
    # `Dockerfile`, `Dockerfile.gpu`, `train.dockerfile`, Podman's `Containerfile`
    "dockerfile", "containerfile",
})
#: variants by name of a Jenkins pipeline (``Jenkinsfile.release``, ``Jenkinsfile-prod``)
#: and of a container build file (``Dockerfile.gpu``, ``Dockerfile-prod``)
_NAMED_PREFIXES = ("jenkinsfile.", "jenkinsfile-", "jenkinsfile_", "dockerfile.", "dockerfile-", "dockerfile_", "containerfile.")
#: JavaScript modules in a ``config/`` directory (node-config's ``config/default.js``,
#: ``config/production.js``; ``config/db.js``): settings, not code
_CONFIG_DIR_SUFFIXES = frozenset({".js"})
#: files read by their directory and name: the GitHub CLI `hub`'s ``~/.config/hub``
#: (an ``oauth_token`` per host)
_NAMED_IN_DIR = frozenset({(".config", "hub")})
#: key files: PEM (``.pem``, ``.key``, ``.rsa``: OpenSSL's and ssh-keygen's
#: output saved under the algorithm's name) and PuTTY (``.ppk``) private keys
_KEY_SUFFIXES = frozenset({".pem", ".key", ".rsa", ".ppk"})
#: database dumps and scripts (``CREATE USER … IDENTIFIED BY '…'``, ``PASSWORD '…'``)
_DUMP_SUFFIXES = frozenset({".sql"})


#: a plain-text or suffix-less file whose name says it holds a credential
#: (``azure_credentials.txt``, ``with_secrets.txt``, ``privatekey.txt``,
#: ``access-key.txt``, ``sample_aws_credentials``, ``api_token``, ``accesskeys``):
#: the name word stands alone between separators (``credentialsX``,
#: ``secretary.txt``, ``tokens.txt`` vocabularies are not read)
_CREDENTIAL_NAME = re.compile(
    r"(?:.*[-_.])?(?:secrets?|credentials?|creds|passwords?|passwd|(?:api|access|private|secret)[-_]?(?:keys?|tokens?))(?:[-_][^.]*)?(?:\.txt)?")
#: SSH's files that hold no secret: public halves, host and authorised key lists
_SSH_PUBLIC = re.compile(r".*\.pub|known_hosts.*|authorized_keys.*")


def is_text_config(path: Path) -> bool:
    """``.env``, ``.env.local``, ``prod.env``, ``*.yaml``, ``.netrc``,
    ``.aws/credentials``, ``id_rsa`` … (by name)."""
    name = path.name.lower()
    if name == ".env" or name.startswith(".env.") or name in _NAMED_CONFIGS or name.startswith(_NAMED_PREFIXES):
        return True
    suffix = path.suffix.lower()
    parent = path.parent.name.lower()
    if _CREDENTIAL_NAME.fullmatch(name):
        return True
    # a private key saved under any name in an SSH directory (`.ssh/deploy_prod`); Terraform
    # state (`terraform.tfstate`, `*.tfstate.backup`: resource attributes, passwords included, in plain JSON)
    if parent == ".ssh" and not _SSH_PUBLIC.fullmatch(name) or name.endswith((".tfstate", ".tfstate.backup")):
        return True
    if parent == "config" and suffix in _CONFIG_DIR_SUFFIXES or (parent, name) in _NAMED_IN_DIR:
        return True
    return suffix in SUFFIXES or suffix in _KEY_SUFFIXES or suffix in _DUMP_SUFFIXES or suffix == ".dockerfile"


def is_dotenv(name: str) -> bool:
    """A dotenv file (``NAME=value`` lines)."""
    base = Path(name).name.lower()
    return base == ".env" or base.startswith(".env.") or base.endswith(".env")


#: baselines hold hashes of secrets, not secrets
BASELINE_NAMES = frozenset({".mlwarden-baseline.json", ".secrets.baseline"})


def load(raw: bytes, path: str) -> Unit:
    unit = Unit(path=path, kind="text", raw=raw)
    if Path(path).name in BASELINE_NAMES:
        unit.extra["skipped"] = "baseline file"
        return unit
    if len(raw) > MAX_BYTES:
        unit.extra["skipped"] = f"larger than {MAX_BYTES} bytes"
        return unit
    if b"\x00" in raw:
        unit.extra["skipped"] = "binary"
        return unit
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        unit.extra["skipped"] = "not UTF-8"
        return unit
    unit.text = text[1:] if text.startswith("\ufeff") else text
    return unit
