from __future__ import annotations

from mlwarden.core import lazyre as re

from mlwarden.core.finding import Severity, redact, sha256_hex
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.secrets.patterns import with_providers

#: unit kinds whose own text is scanned (dependency-file kinds included:
#: ``--extra-index-url https://user:token@…`` is a credential too)
KINDS = frozenset(
    {"python", "notebook", "ipython", "text", "requirements", "pyproject", "setup-cfg", "conda-env", "pipfile"}
)

#: detectors of a token *format*; the rest (keyword, entropy) are weaker
_GENERIC = {"Secret Keyword", "Generic Secret", "Base64 High Entropy String", "Hex High Entropy String"}
#: medium: a name-judged value (may be a stale or test value), or a key that
#: needs its passphrase too
_MEDIUM = _GENERIC | {"Encrypted Private Key", "Stripe Test Key"}

# test tokens are assembled here so no token-shaped literal sits in the repo
#: a doctest line (an interactive example in a docstring or document: `>>> `, `... `)
_DOCTEST = re.compile(r"[ \t]*(?:>>>|\.\.\.)(?:[ \t]|$)")
#: hit types that may be a URL's password
_URL_TYPES = _GENERIC | {"Basic Auth Credentials"}

_HF = "hf_" + "Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf4Hj7Xs0EaU"


class HardcodedSecret(FileRule):
    """## What it does
    Finds credentials written into source code, notebook cells (code,
    markdown and magics such as `%env`), and configuration or environment
    files (`.env`, `*.yaml`, `*.json`, `*.toml`, `*.cfg`, `*.ini`,
    `*.conf`, `*.config`, `*.properties`, `kaggle.json`, credential stores such as `.netrc`,
    `.npmrc`, `.pypirc`, `.git-credentials`, `.ftpconfig`, `.tugboat` and files named
    `credentials` (`.aws/credentials`, `.config/gcloud/credentials`), shell start-up
    files (`.bashrc`, `.bash_profile`, `.zshrc`, `.profile`, `.envrc` …), FileZilla's
    `sitemanager.xml`/`recentservers.xml`, JetBrains' `WebServers.xml`, PHP
    applications' settings by name (`wp-config.php`, `configuration.php`,
    `LocalSettings.php`, `config.inc.php`, `settings.php`, `config.php`),
    `.htpasswd`, SQL dumps (`*.sql`), Jenkins pipelines (`Jenkinsfile`,
    `Jenkinsfile.*`; the other CI systems' files are YAML), container build
    files (`Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`), Terraform state
    (`*.tfstate`), plain-text and suffix-less files named for a credential
    (`azure_credentials.txt`, `privatekey.txt`, `api_token`), private key files
    such as `id_rsa`, `*.pem`, `*.rsa` and any file in `.ssh/` but public halves
    and host lists, dependency files). The items of a list
    under a plural credential name (YAML `unseal_keys:` then `- …` lines, a JSON
    array's items on their own lines) are judged as that name's values. The message names the type of
    credential (the provider when the format identifies it, `Generic Secret`
    or `Generic API Key` when it does not) and shows a masked preview; the
    secret itself never appears in any output.

    Token formats it knows (see `docs/secrets.md`):

    {providers}

    A token pasted two or three times back to back (`hf_…hf_…`) is found at
    its first copy: a format's length ends where its own prefix starts again;
    a GitHub token glued to more letters (`ghp_…extra`) is cut at its 36
    characters only when its checksum verifies, and a provider prefix inside
    a longer word (`myghp_…`) is never taken. Tokens written base64-encoded as
    a whole value (a Kubernetes secret's `data:`, a CI variable: a base64 or
    base64url run of up to 1,400 characters that starts with an encoded token
    prefix and decodes to printable text) are decoded and reported at the
    base64 literal, redacted. Checksums: a GitHub token (`ghp_` … `ghr_`)
    whose CRC32 does not verify, and a GitLab routable token whose CRC does
    not, is no token the provider issued (a sample, or a copy edited by
    hand): it is reported at medium severity instead of high.

    Generic keyword secrets (`Generic Secret`, and detect-secrets'
    `Secret Keyword`): a literal assigned to a credential-named key in code or
    config syntax (`api_key = "…"`, `client_secret: …`, `MY_SERVICE_TOKEN=…`,
    `"apiKey": "…"`, `headers = {"Authorization": "Bearer …"}`,
    `<authToken>…</authToken>`, `<add key="DbPassword" value="…"/>` and the
    other XML forms (`<x name="password">…</x>`, `<password value="…"/>`,
    the value before the name, Hadoop's `<name>…secret.key</name>` then
    `<value>…</value>`), a URL's `?api_key=…` / `&password=…`,
    `$api_key[] = "…"`, `api_key "…";`, `--password …`, a Dockerfile's
    `ENV API_TOKEN …`, an option's default: `add_argument("--api-key",
    default="…")`), a user and password passed together (`auth=("user",
    "…")`, `HTTPBasicAuth(…)`, `.login("user", "…")`, `server.login(user,
    "…")`, `NetworkCredential(…)`, `curl -u user:…`, `mysql -p…`, `-u user
    -p …` (PsExec, `docker login`, `sqlcmd -U … -P …`), `sshpass -p …`,
    `redis-cli -a …` (a value without a
    letter, such as `docker run -u 1000 -p 8080:80`, is a port), a `.netrc`
    entry on one line or with `password` on the line after `login`,
    `redis://:…@host`), an ODBC / ADO.NET / JDBC connection string
    (`User ID=…;Password=…`, `Uid=…;Pwd=…`, `;user=…;password=…`, also
    across concatenated literals), Oracle's `user/password@` connect
    descriptor in a thin or OCI JDBC URL (`jdbc:oracle:thin:app/…@//db:1521/svc`,
    `…@db:1521:SID`, `…@(DESCRIPTION=…)`) and on SQL*Plus's command line
    (`sqlplus app/…@//db/svc`), code or JSON escaped inside a string
    literal (`"{\\"password\\": \\"…\\"}"`), a `KEY=value` string literal in
    Python code (`environment=["DB_PASSWORD=…"]`), a password in a URL wherever the URL stands
    (`create_engine("postgresql://user:…@db")`, sub-delimiters such as
    `!$*+` and raw `@`s included, the last `@` before the host ends it; a
    UUID is a password there (`https://svc:<uuid>@api.host`); a host must
    follow the `@`: `https://user:…@` alone is no URL credential), an authorization value
    with its scheme word and no header name (`"Basic <base64>"` whose
    decoded `user:password` has a password of 6+ characters that is no
    placeholder, low when it is a known default or the user name again;
    `"Bearer <token>"` with a random-looking token of 16+ characters; in
    Python inside a string literal, not a comment or docstring), and
    prose that quotes one (`the default password is '…'`) or, in a text or a
    comment, gives it unquoted (`the password is …`, `password for admin: …`:
    the value holds a letter and a digit or symbol), a call's last string
    argument (`keyring.set_password("svc", "user", "…")`), names written with
    their qualifier before a blank (`"API Key": …`, `SECRET KEY: …`), a name
    that ends with `api` (`billing_api = "…"`), a document's `-Token: …` item, a literal fallback after a setting read
    as an expression (`process.env.SECRET || '…'`, `cfg.key ?? "…"`,
    `os.environ.get("X") or "…"`, `os.getenv("X", "…")`), SonarQube's legacy
    `sonar.login` parameter (an analysis token), `secret` + `id` as the secret
    (`GITHUB_SECRET_ID`, Vault's `secret_id`; a UUID there is Azure's secret
    id, an identifier),
    and passwords named in other languages (`senha`, `비밀번호`, `비번`,
    `암호`, `패스워드`, `密码`, `口令`, `パスワード`, `пароль`, `şifre`). In a notebook, `!`
    and `%` lines are read as shell. The credential word must be a whole word of
    the name (`monkey`, `tokenizer`, `author` are not) or end a one-word name
    (`dbpassword`, `theapikey`, `jwtsecret`, `dbpwd`; `pass` after whose
    password it is: `userpass`, `MYSQLPASS`, not `bypass`); `pat` counts next to a platform (`GITHUB_PAT`,
    `ado_pat`). Names that describe the value (`secret_name`, `token_url`,
    `key_id`, `public_key`, `pad_token`) are skipped, and the value must look
    random for token and key names (any non-placeholder value for password
    names; lower-case words run together, 20 letters or more, under a
    secret's name are a typed passphrase, `SECRET_KEY=ilovered…`, unless a
    placeholder or development word is in them: `pleasechangethis…`,
    `localdev…`). Placeholders and templates (`<your-key>`, `{{ secrets.X }}`,
    `${TOKEN}`, f-string fields), repeated or sequential runs (a short unit
    written three times: `abcd1234abcd1234…`; digits and letters that each
    count up whatever the separators, `5f6a7b8c-9d0e-1f2a-…`, `Q7R8S9T0-U1V2-…`;
    a password of runs end to end, `ABCDEF…xyz0123456`, while `abuser123456` is a password; base64 runs of 0x00/0xFF bytes
    inside a long random value, as in AWS STS tokens, are data), base64 of
    placeholder text (`dXNlcjpwYXNzd29yZA==`), whole `%(name)s` format
    fields (a random `%(` inside a value, as Django keys hold, is data),
    unsigned JWTs, documentation example passwords (a lower-case credential
    word alone, with one digit or after `another`, `new` …: `password1`,
    `anotherpassword`), MLflow's Databricks profile URIs
    (`models://scope:prefix@databricks/…`: a secret scope and key prefix), a
    token's prefix and a few digits as a URL's password (`token:dapi123@…`), key names and
    ARNs used as values, and keys vendors issue to be public (Stripe `pk_…`,
    PostHog `phc_…`) are not reported; a quoted value may hold any
    punctuation, the other kinds of quote included (`jwt_secret: "7`D'}/…"`). Private keys need key material after the header (armor
    headers such as `Version:` or `Proc-Type:` may come first; material with a
    run of ten characters in order, `MIIEpAIBAAKCAQEA1234567890abcdef…`, is typed by hand), also when
    the whole PEM block is base64-encoded (a Kubernetes secret, a CI
    variable: `LS0tLS1CRUdJTi…`); encrypted (PKCS #8) keys and Stripe test
    keys (`sk_test_…`: test data only, no money moves) are reported at medium
    severity; in test code (`tests/`, `test_*.py`, `conftest.py`) a URL's
    password to a local or reserved host (`@localhost`, `@127.0.0.1`,
    `@db.invalid`, `@api.example`: the test database's) at low. URL
    passwords public by convention are reported at low severity with the
    reason in the message, never dropped: anonymous FTP (`ftp://anonymous:…@`,
    `ftp://ftp:…@`) and an FTP password equal to its user name (a dataset
    mirror's documented public login, `ftp://m1474000:m1474000@…`); the same
    on another scheme (`https://admin:admin@…`, a service's default login)
    keeps its severity. A known default or weak password (`root`,
    `postgres`, `changeme`, `changeit`, `minioadmin`, `123456` …) under a
    password name in a configuration file (YAML, JSON, TOML, INI, `.env`:
    `MYSQL_ROOT_PASSWORD: root` in a compose file; also spelt in leetspeak,
    `Ch@ng3m3`, `P4ssw0rd`, `r00t`) is reported at low
    severity with that reason: everyone knows the value, so it is a weak
    credential to change rather than a secret that leaked; a default run does
    not show it, `--severity low` does. In Python code such values are judged
    like any other password. Django's generated development key
    (`SECRET_KEY = 'django-insecure-…'`, written by `startproject`) is
    reported at low with that reason: it is a real random key, and a settings
    file deployed as committed signs sessions and password-reset tokens with
    it, but the prefix is Django's own warning that it is for development
    (its deployment check flags it), like a default password it is to be
    replaced rather than revoked. A value that starts with `$` is a `$NAME`
    reference only when the name is no random token (`$DB_PASSWORD`, not
    `$A3ae68…`); a template field inside a value (`Xy7…${SUFFIX}`) leaves it
    reported when its literal part alone is a random token; code read as a
    value is not reported (a string concatenation `` "`+cfg.Password+`" ``, the
    other side of `===`, a `@@FILE:…@@` or `@NAME@` marker, a CSS selector, a
    regular expression's opening `.*`). A value that opens with a label and
    `$`, `|` or `#` before a random run (`access_token$production$…`,
    `apikey|…`) is a token that names itself, not a key name; an XML element
    named for a credential may carry attributes before its text
    (`<password type="text">…</password>`). Made-up readable passwords under
    a password name (`SuperSecretPassword!`, `dev-pass`, `foobar`) are
    reported: published suites disagree on them (some label every literal a
    secret, some label readable made-up values placeholders), and a readable
    password is what people choose, so mlwarden reports any value that does
    not say it is none (a placeholder or marker word, a template or
    reference, a key name, prose, a known default at low). A keyword password on a doctest line (`>>> `, `... `:
    an interactive example's made-up value) is reported at low; a provider
    token there stays high. User-interface text is no password: a label
    ending with a colon (`"one_time_password": "Engangskode:"`) is not
    reported, and in a translation catalog (a JSON or YAML file under
    `locales/`, `locale/`, `i18n/`, `l10n/`, `lang/`, `translations/` …, named
    by a language code such as `nb.json` or `de.yaml`, or whose one-line
    values are mostly UI text) a value of words with no digit
    (`"password": "Passord"`) is the field's caption and is not reported; a
    value with a digit or symbol there still is. Where detect-secrets' own format detector and a wider form
    above report the same value (a 24-character `sk_live_` key, a 35-character
    Telegram secret), the finding keeps detect-secrets' type, so baselines
    still match. A Google API key in an Android app's Firebase
    configuration (`google-services.json`, or its `"current_key":` entry in a
    file of another name) is reported at
    low with that reason: it ships in every build of the app by design and
    is restricted by app and API, not kept secret. A Twilio account SID (`AC…`, an identifier public in the
    account's API URLs) with no auth token within five lines is reported at
    low severity, and so is an AWS key id that is a pre-signed URL's
    `AWSAccessKeyId=` / `X-Amz-Credential=` parameter with no secret access
    key within five lines (the URL names the key; its signature expires).

    Encoded and stored forms: SQL's `CREATE USER … IDENTIFIED BY '…'` (also
    `IDENTIFIED WITH plugin BY '…'`; `IDENTIFIED BY PASSWORD '*…'` is a hash)
    is a password; a URL whose user is an e-mail address
    (`https://ann@example.com:…@git.host`) gives the password between the
    user's host and the last `@` before the URL's host (an e-mail address in
    a URL with no password is not reported); Laravel's `APP_KEY=base64:…` is
    judged after its encoding label. JetBrains' deployment passwords
    (`password="dfc6…"`: each character XOR 0xDFAA in four hex digits) and
    FileZilla's `<Pass encoding="base64">` are decoded and the password judged
    (a placeholder is dropped, a known default is low), reported as written.
    A `.htpasswd` hash (`$apr1$`, bcrypt, `{SHA}`, crypt) is reported at low
    as `Password Hash`: it is not the password and opens nothing by itself,
    but a fast hash of a weak password is cracked offline; a plain-text entry
    is a password (medium). Firefox's `logins.json` `encryptedPassword` is
    reported at low as `Encrypted Password` (ciphertext readable with the
    profile's `key4.db`, which a copied profile usually holds), its
    `encryptedUsername` not at all (a user name is no credential), and time
    stamps under names that say when something happened to a credential
    (`timePasswordChanged`, `password_updated_at`, `token_created`) are not
    values of it.

    ## Why is this bad?
    A token committed to a repository is readable by everyone who can read
    the repository and its history, forever: removing it in a later commit
    does not un-leak it. Leaked Hugging Face write tokens have let attackers
    replace models of large organisations with poisoned ones; leaked
    inference keys are run up to large bills within hours.

    ## Example
    ```python
    from huggingface_hub import HfApi

    api = HfApi(token="hf_Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf4Hj7Xs0EaU")  # pragma: allowlist secret
    ```
    (the pragma only keeps the project's own secret scanners quiet about this
    documentation example)

    ## Use instead
    ```python
    import os

    from huggingface_hub import HfApi

    api = HfApi(token=os.environ["HF_TOKEN"])
    ```
    Then revoke the leaked token: rotating is the fix, deleting the line is not.

    ## Options
    `secrets-high-entropy` (default `false`): also run detect-secrets'
    generic high-entropy string detectors on code and text files. They are off
    by default because ML code is full of git SHAs (pinned revisions),
    checksums and ids that they report. They never run on notebook outputs.

    ## Known problems
    Placeholders and noise are not reported, whatever the detector: values
    containing `your`, `example`, `<…>`, `${…}`, `...`, `****`, `xxxx`, a
    `FAKE`/`TEST`/`DUMMY`/`SAMPLE` marker, six repeated characters, a
    six-character sequence (`abcdef`, `123456`), a small alphabet
    (`ACGTACGT…`), capitalised prose (`hf_HubDownloadConfig…`), a sentence
    written as one token (`if_you_see_this_…`, `change-me-before-deploying`,
    `ThisIsNotARealPassword`: three or more words, two of them English
    function words), vendors'
    documented example keys, and base64 image data or base64 runs of 2,000+
    characters (images pasted into code cells) unless the run is a
    base64-encoded PEM key. Slack tokens whose id parts hold letters
    (real team and bot ids are numeric) and a Stripe `sk_live_` key shorter
    than 20 characters are not reported. Shapes of real ML code that are
    names or text, not credentials, are not reported either: `pass` starting
    another phrase (`pass_through_filter`, `pass_fail`, `passThrough`; `DB_PASS`,
    `DB_PASS_PROD` and `pass2` stay passwords), a bare `key` owned by a record
    (`experimentKey`, `orderByKey`, `cache_key`, `idempotency_key`; `api_key`,
    `session_key` and env-style `ACME_KEY` stay credentials), names of whose
    credential it is (`APIKEY_USERS`, `secret_scope`, `token-classification`),
    `passwd` as a path's file name (`/etc/passwd`), a collection of key names
    (`{"host", "password", "user_name"}`), a flag named in a message
    (`"--db-password requires --db-user"`), a docstring's `passphrase: The
    operator's passphrase`, an e-mail address, a Hub model id
    (`org/model_name`), a file name, a `%s` format template, a regular
    expression (two pieces of regex syntax: `(?:…)s?:\\s*(.+)`), recordings marked
    `FILTERED` or `SCRUBBED`, prose with function words (`this should not be
    printed`). A URL's query value ends at the next `&`. An inline
    `# pragma: allowlist secret` (detect-secrets' convention) or
    `# noqa: MLW401` silences a line. Tokens split over several string
    literals are not found.

    ## References
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [OWASP LLM02:2025 Sensitive Information Disclosure](https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/)
    - [Hugging Face: User access tokens](https://huggingface.co/docs/hub/security-tokens)
    - [detect-secrets](https://github.com/Yelp/detect-secrets)
    """

    id = "MLW401"
    name = "hardcoded-secret"
    severity = Severity.HIGH
    cwe = (798,)
    owasp = ("LLM02:2025",)
    message = "`hardcoded credential` in the repository; revoke it and load it from an environment variable or a secret store"
    applies_to = KINDS
    OPTIONS = {"secrets-high-entropy": False}

    VALID = [
        Valid("import os\ntoken = os.environ['HF_TOKEN']"),
        Valid('token = "<your token>"\nkey = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"'),
        Valid(f'token = "{_HF}"  # pragma: allowlist secret'),
        Valid(f'token = "{_HF}"  # noqa: MLW401'),
        Valid("from getpass import getpass\npassword = getpass()"),
        Valid('revision = "4f3a9c2b1d0e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"'),
        Valid("HF_TOKEN=\nOPENAI_API_KEY=${OPENAI_API_KEY}\n", filename=".env"),
        Valid('api_key = "<your-api-key>"\nsecret_name = "prod/ml/db-password"\ntokenizer_name = "bert-base-uncased-v2"'),
        Valid('AWS_ACCESS_KEY_ID = "AKIA' + 'IOSFODNN7' + 'EXAMPLE"'),
    ]
    INVALID = [
        Invalid('import boto3\ns3 = boto3.client("s3", aws_secret_access_key="' + "wK3pZr8Tq2Lm5Vx9Nb4Hc7Jd1Fg6Sy0Ua+Ee/Ri3Ow" + '")'),
        Invalid('GITHUB_TOKEN = "gh' + "p_" + "Rw4nTq8mZ2xLp5Kv9Ny3Bs6Dc1Gf7Hj0EaUo" + '"'),
        Invalid("client_secret: Xq7" + "8Q~" + "Lm2Vr9Tz4Kw8Np3Hd6Fs1Gb5Jc0Ye7Ua.Xo", filename="app.yaml"),
        Invalid('api_key = "' + "Zt4Qm8Wr2Lx6Vn9Bk3Hp7Df1Gs5Jc0Ey" + '"'),
        Invalid(f'from huggingface_hub import login\nlogin("{_HF}")'),
        Invalid(f'HEADERS = {{"Authorization": "Bearer {_HF}"}}'),
        Invalid('db_password = "s3cr3t-Pa55word-2024"'),
        Invalid(f"HF_TOKEN={_HF}\n", filename=".env"),
        Invalid(f"hub:\n  token: {_HF}\n", filename="config.yaml"),
    ]

    def check(self, unit):
        if unit.extra.get("skipped"):
            return
        from mlwarden.secrets.adapter import Session
        from mlwarden.secrets.units import source_hits

        high_entropy = bool(self.option("secrets-high-entropy"))
        in_tests = None  # looked up at the first URL or keyword hit (most files have none)
        with Session("code", high_entropy, default_passwords=True) as session:
            for where in source_hits(unit, session):
                hit = where.hit
                preview = redact(hit.secret)
                if in_tests is None and (hit.type in _MEDIUM or hit.type == "Basic Auth Credentials"):
                    from mlwarden.core.context import context_path, path_context

                    in_tests = path_context(context_path(unit.path, self.config)) == "test"
                why = _low_reason(hit, where.text)
                severity = _severity(hit, where.text, bool(in_tests))
                if hit.type == "Google API Key" and (_firebase_client_config(unit.path) or _CURRENT_KEY.search(where.text)):
                    why, severity = _FIREBASE_CLIENT_KEY, Severity.LOW
                yield self.finding(
                    unit,
                    where.line,
                    where.col,
                    f"`{hit.type}` hardcoded (`{preview}`{'; ' + why if why else ''}); revoke it and load it from an environment variable or a secret store",
                    severity=severity,
                    cell=where.cell,
                    file_line=where.file_line,
                    snippet_hash=sha256_hex(hit.secret),
                    secret_preview=preview,
                )


#: right after a URL's password: a host only this machine or no network
#: reaches (`@localhost:5432`, `@127.0.0.1`, `@db.invalid`, `@api.example`)
_LOCAL_HOST_AFTER = re.compile(
    r"@(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|0\.0\.0\.0|[\w\-]+(?:\.[\w\-]+)*\.(?:invalid|example|test|localhost))(?=[:/?#\"'`\s]|$)"
)


#: why a Google API key in an Android app's Firebase configuration is low
_FIREBASE_CLIENT_KEY = ("a Firebase client API key (`google-services.json`'s `current_key`): shipped in every build of the app by "
                        "design (restrict it to the app and its APIs in the Cloud console)")


#: the client key's entry in the format of `google-services.json` (`"api_key": [{"current_key": "AIza…"}]`),
#: whatever the file is named
_CURRENT_KEY = re.compile(r"[\"']current_key[\"'][ \t]*:")


def _firebase_client_config(path: str) -> bool:
    """An Android app's Firebase configuration (``google-services.json``),
    whose ``current_key`` is the app's client key, public by design."""
    return path.replace("\\", "/").rsplit("/", 1)[-1].lower() == "google-services.json"


def _low_reason(hit, text: str) -> str:
    """Why a finding is reported at low severity with a reason in its message
    (``""`` when it is not): a doctest line's keyword value (an interactive
    example's made-up password), an anonymous-FTP password or an FTP password
    equal to its user name (public by convention)."""
    if getattr(hit, "low_reason", ""):
        return hit.low_reason  # a password hash, a ciphertext whose key is elsewhere
    if getattr(hit, "weak", False):
        return "a known default or weak password: weak rather than leaked"
    if hit.type in _GENERIC and hit.secret.strip("\"'").startswith("django-insecure-"):
        return "Django's generated development key (`django-insecure-`): must not be the deployed key"
    if hit.type in _GENERIC and _DOCTEST.match(text):
        return "a doctest example's value"
    if hit.type in _URL_TYPES and "ftp" in text.lower():
        from mlwarden.secrets.noise import public_url_password

        return public_url_password(text, hit.secret) or ""
    return ""


def _severity(hit, text: str, in_tests: bool) -> Severity:
    """High for known token formats, medium for keyword and URL passwords,
    low for a test suite's URL password to a local or reserved host (the
    test database's: its risk is low, a reviewer may still want to see it;
    outside tests such a URL may be a developer's real one); low for an
    identifier of a credential (a Twilio account SID alone)."""
    if getattr(hit, "identifier", False):
        return Severity.LOW
    if getattr(hit, "unverified", False):
        return Severity.MEDIUM  # a checksummed token whose checksum fails: no issued token
    if _low_reason(hit, text):
        return Severity.LOW
    if in_tests and (hit.type in _MEDIUM or hit.type == "Basic Auth Credentials"):
        at = text.find(hit.secret)
        if at >= 0 and _LOCAL_HOST_AFTER.match(text, at + len(hit.secret)):
            return Severity.LOW
    return Severity.MEDIUM if hit.type in _MEDIUM else Severity.HIGH


HardcodedSecret.__doc__ = with_providers(HardcodedSecret.__doc__ or "")
