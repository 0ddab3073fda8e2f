"""Generic keyword secrets (mlwarden.secrets.keywords): a true-positive and a
false-positive table over the assignment syntaxes code and config use, and
the detect-secrets plugin that wraps the same logic. Values are built at run
time."""

from __future__ import annotations

import random
import string

import pytest

from mlwarden.secrets import adapter, keywords

RNG = random.Random(777)
ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(RNG.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in value):
            return value


V = rand(32)
HEX = rand(40, "0123456789abcdef")

TRUE_POSITIVES = [
    f'api_key = "{V}"',
    f"API_KEY: str = '{V}'",
    f'secret = "{V}"',
    f'client_secret = "{V}"',
    f'MY_SERVICE_TOKEN = "{V}"',
    f"ACME_API_KEY={V}",
    f'{{"apiKey": "{V}"}}',
    f"auth_token: {V}",
    f'config["access_token"] = "{V}"',
    f'requests.post(url, headers={{"Authorization": "Bearer {V}"}})',
    f'headers = {{"X-API-Key": "{V}"}}',
    f'client = Client(api_key="{V}")',
    f'var acmeToken string = "{V}"',
    f'String acmeToken = "{V}";',
    f"acmeToken := `{V}`",
    f'$acmeToken .= "{V}"',
    f'ACME_TOKEN ?= "{V}"',
    f'  "acmeToken" => "{V}"',
    f'System.setProperty("ACME_TOKEN", "{V}")',
    f'{{"config.ini": "ACME_TOKEN={V}\\nDEBUG=true"}}',
    f"<acmeToken>{V}</acmeToken>",
    f'"credentials": "{HEX}"',
    f"creds = {V}",
    'db_password = "' + rand(14, ALNUM + "!#%") + '"',
    "password: hunter2",
    f'utils.get_env_or_default("api_token", "{"-".join(rand(n, "0123456789abcdef") for n in (8, 4, 4, 4, 12))}")',
    # a quoted value may hold braces, brackets and angle brackets
    'db_password = "' + rand(6) + "{" + rand(5) + ")>" + rand(6) + '"',
    'api_key = "' + rand(10) + "${" + rand(4) + "]" + rand(12) + '"',
    # a value that starts with another quote character or a backtick
    "password = '`" + rand(11, ALNUM + "!#") + "'",
    # one-word spellings of credential names
    f'theapikey = "{V}"',
    'ADMINPASSWORD = "' + rand(14, ALNUM + "!#%") + '"',
    # personal access tokens named after their platform
    f'GITHUB_PAT = "{HEX}"',
    f'ado_pat = "{rand(52, "abcdefghijklmnopqrstuvwxyz234567")}"',
    f'GitHubPAT = "{HEX}"',
    # a client secret with dashes and mixed case (Google's unprefixed form)
    'client_secret = "' + "".join(RNG.choice("abcdefghijkLMNOPQRSTUVWxyz") for _ in range(11)) + "-" + rand(12) + '"',
    # a weak password with a digit run in it
    'password = "' + "sunflower" + "123456" + '"',
]

FALSE_POSITIVES = [
    'api_key = "<your-api-key>"',
    'API_KEY = "YOUR_API_KEY_HERE"',
    f'token_url = "https://login.example.org/{V}"',
    f'secret_name = "{V}"',
    f'api_key_id = "{V}"',
    f'public_key = "{V}"',
    f'primaryKey = "{V}"',
    f'key_down_event = "{V}"',
    f'pad_token = "{V}"',
    f'max_tokens = "{V}"',
    f'accessor = "{V}"',
    f'monkey = "{V}"',
    'password_prompt = "Enter your password"',
    "token = None",
    "use_auth_token = True",
    'api_key = os.getenv("ACME_API_KEY")',
    "password = config.password",
    f"api_key = get_key({V!r})" if False else "api_key = get_key(name)",
    "tokens = tokenizer(text)",
    'api_version = "2024-02-15-preview"',
    'LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"',
    'keyVaultToStoreSecrets: cmp2-qat-1208358310',
    'sequenceKey = "18"',
    "import { chain_Anvil1_Key, chain_Anvil2_Key } from './consts'",
    "withCredentials([usernamePassword(credentialsId: 'jenkins-creds')])",
    f'key = "{rand(40, "0123456789abcdef")}"',  # a bare `key` with a hex value (a hash, an id)
    # templates, whatever their syntax
    'api_key = "{{ secrets.ACME_API_KEY }}"',
    'api_key = "${{ secrets.ACME_API_KEY }}"',
    'token = "${ACME_TOKEN:-unset}"',
    'password = "{db_password}"',
    'token = "Bearer {}".format(t)',
    'password = "&lt;db-password&gt;"',
    "password = '$DB_PASSWORD'",
    # `pat` without a platform: a pattern, not a token
    f'pat = "{V}"',
    f'pattern = "{V}"',
    # names that only end in a credential word inside a longer word
    f'passwordless = "{V}"',
    # a value that names a credential or a resource, under a password name
    'this.addPassword = "#add-password"',
    'change_password = "arn:aws:iam::aws:policy/IAMUserChangePassword"',
    'login(username=username, password=password)',
    # a run, not a password
    'password = "123456789"',
    # a model name under a token name
    'token = "bert-base-uncased"',
    # f-string fields are expressions, whatever they call
    'secret_key = f"encoder.{secret_key.removeprefix(\'model.\')}"',
    'api_key = f"{cfg[\'provider\']}_{os.getpid()}_key_material"',
    # keys vendors issue to be public (web analytics, publishable payment keys)
    f'posthog_api_key = "phc_{rand(43)}"',
    f'STRIPE_KEY = "pk_live_{rand(40)}"',
]


@pytest.mark.parametrize("line", TRUE_POSITIVES)
def test_keyword_true_positive(line):
    hits = [h for h in adapter.scan_lines(line.split("\n"), "example.txt")]
    assert hits, line
    assert {h.type for h in hits} <= {keywords.SECRET_TYPE, "Secret Keyword"}


@pytest.mark.parametrize("line", FALSE_POSITIVES)
def test_keyword_false_positive(line):
    assert adapter.scan_lines([line], "example.py") == []


def test_value_on_the_next_line():
    """YAML block scalars and XML elements put the value on its own line."""
    for lines in (["acme_token: |", f"  {V}"], ["<acmeToken>", f"    {V}", "</acmeToken>"]):
        hits = adapter.scan_lines(lines, "config.yaml")
        assert [(h.line, h.secret) for h in hits] == [(2, V)], lines


def test_authorization_value_reports_the_credential_only():
    line = f'headers = {{"Authorization": "Bearer {V}"}}'
    (hit,) = adapter.scan_lines([line], "x.py")
    assert hit.secret == V and hit.col == line.index(V) + 1


@pytest.mark.parametrize(
    "name,strength",
    [
        ("password", "password"), ("DB_PASSWD", "password"), ("api_key", "token"), ("apiKey", "token"),
        ("client_secret", "token"), ("MY_SERVICE_TOKEN", "token"), ("private-key", "token"), ("ACME_KEY", "token"),
        ("key", "weak"), ("cache_key", None), ("secret_name", None), ("tokenizer", None), ("monkey", None),
        ("author", None), ("pad_token", None), ("public_key", None), ("token_url", None), ("user_auth", "token"),
        ("theapikey", "token"), ("DBPASSWORD", "password"), ("adminPassword", "password"), ("passwordless", None),
        ("GITHUB_PAT", "token"), ("ado_pat", "token"), ("GitHubPAT", "token"), ("pat", None), ("pat_len", None),
        ("path", None), ("patch_size", None),
        # round 5: one-word names whose owner is glued to the credential word
        ("jwtsecret", "token"), ("APPSECRET", "token"), ("userpass", "password"), ("MYSQLPASS", "password"),
        ("dbpwd", "password"), ("bypass", None), ("compass", None), ("secrets", None), ("OLDPWD", None),
    ],
)
def test_key_strength(name, strength):
    assert keywords.key_strength(name) == strength


def test_detect_secrets_plugin_uses_the_same_judge():
    from mlwarden.secrets.detectors import GenericSecretDetector

    plugin = GenericSecretDetector()
    assert list(plugin.analyze_string(f'api_key = "{V}"')) == [V]
    assert list(plugin.analyze_string('api_key = "<your-api-key>"')) == []


@pytest.mark.parametrize(
    "name",
    ["tokens", "tokenizer", "tokenize", "token_type", "token_type_ids", "token_ids", "token_id", "token_idx",
     "token_index", "token_mask", "key_states", "key_values", "key_value_head", "key_layer", "key_proj", "keypoints",
     "keyword", "keyboard", "keyframe", "key_id", "secrets", "author", "passed", "passes", "passing", "passage"],
)
def test_trigger_lookaheads_only_skip_names_the_judge_rejects(name):
    """The keyword trigger's lookaheads are a fast path: each name it skips
    must be one key_strength rejects anyway, so no result changes."""
    assert keywords.key_strength(name) is None


def test_every_provider_type_has_a_documented_shape():
    from mlwarden.secrets.patterns import PROVIDER_PATTERNS, PROVIDER_SHAPES, providers_markdown

    assert set(PROVIDER_SHAPES) == set(PROVIDER_PATTERNS)
    doc = providers_markdown()
    assert all(f"**{name}**" in doc for name in PROVIDER_PATTERNS)


@pytest.mark.parametrize("line", [
    "        token_mixer: Type[nn.Module] = InceptionDWConv2d,",
    "    token_mixers=InceptionDWConv2d,",
    '                "from the previous DFR pass (`return_dict=True`)."',
    "    api_key = SecretStr2FromEnv",
])
def test_python_code_needs_quotes(line):
    """In Python a literal is quoted: an unquoted value is a name (a class,
    a constant) and backticks quote code in prose."""
    assert adapter.scan_lines([line], "model.py") == []


@pytest.mark.parametrize("line, filename", [
    ('ACME_API_KEY = "oCCxKr1vIWc7C6QNJyMs4h7hSe4vg2V7"', "settings.py"),
    ("headers = {'Authorization': 'Bearer oCCxKr1vIWc7C6QNJyMs4h7hSe4vg2V7'}", "client.py"),
    ("ACME_API_KEY=oCCxKr1vIWc7C6QNJyMs4h7hSe4vg2V7", ".env"),
    ("auth_token: oCCxKr1vIWc7C6QNJyMs4h7hSe4vg2V7", "config.yaml"),
])
def test_quoted_in_python_unquoted_elsewhere_still_found(line, filename):
    assert [h.type for h in adapter.scan_lines([line], filename)] == [keywords.SECRET_TYPE]


def test_python_comments_are_prose():
    """A commented-out environment line in a Python file is still a leak."""
    hits = adapter.scan_lines(["# export PASSWORD=lJPgGflANktuKs5s9fWDPcEi", "x = 1"], "train.py")
    assert [h.line for h in hits] == [1]


PW = rand(14)
#: syntaxes added in issue 15's second round: (line, the reported value)
MORE_TRUE_POSITIVES = [
    (f'$apikey[] = "{V}";', V),
    (f"$config['db_password'][] = '{PW}';", PW),
    (f'api_key "{V}";', V),
    (f"set secret_token '{V}';", V),
    (f'  private_key "{V}";', V),
    (f'<add key="SmtpPassword" value="{PW}" />', PW),
    (f'<property name="jdbc.password" value="{PW}"/>', PW),
    (f"<setting name='ServiceApiToken' value='{V}'/>", V),
    (f'r = requests.get(url, auth=("svc-bot", "{PW}"))', PW),
    (f'es = Elasticsearch(hosts, basic_auth=("elastic", "{PW}"))', PW),
    (f"auth = HTTPBasicAuth('ci', '{PW}')", PW),
    (f'session = aiohttp.ClientSession(auth=aiohttp.BasicAuth("bot", "{PW}"))', PW),
    (f'var cred = new NetworkCredential("svc@corp.example", "{PW}");', PW),
    (f'new PasswordAuthentication("svc", "{PW}".toCharArray());', PW),
    (f'http_auth: ["admin", "{PW}"]', PW),
    (f"mysql -h db.internal --password {PW} -e 'select 1'", PW),
    (f'!lake-cli push --api-key "{V}" data/', V),
    (f"docker run -e X=1 img --db-password={PW}", PW),
    (f"ENV SERVICE_API_TOKEN {V}", V),
    (f"curl -sS -u admin:{PW} https://api.example.com/v1", PW),
    (f'curl --user "ci-bot:{PW}" https://api.example.com/v1', PW),
    (f"machine api.example.com login bot password {PW}", PW),
    (f'broker = "redis://:{PW}@cache.internal:6379/0"', PW),
    (f"    password '{PW}'", PW),
    (f'buildConfigField "String", "API_KEY", "\\"{V}\\""', V),
    (f'server.login("bot@example.com", "{PW}")', PW),
    (f"%env ACME_API_KEY={V.lower()}", V.lower()),
    (f'parser.add_argument("--api-key", type=str, default="{V}")', V),
    (f"@click.option('--db-password', default='{PW}', help='database password')", PW),
    (f"mysql -h db -uroot -p{PW} -e 'show databases'", PW),
    (f'!curl -H "X-Api-Key: {V}" https://api.example.com', V),
    (f"The default password is '{PW}'.", PW),
    (f"echo \"the password for user 'postgres' is '{PW}'\"", PW),
    (f'# the admin password was "{PW}" until the migration', PW),
]


def assert_reported_once(line: str, value: str, filename: str) -> None:
    """``line`` checked as ``filename`` reports ``value`` once, at its column."""
    hits = adapter.scan_lines([line], filename)
    assert [(h.secret, h.col) for h in hits] == [(value, line.index(value) + 1)], line


@pytest.mark.parametrize("line, value", MORE_TRUE_POSITIVES)
@pytest.mark.parametrize("filename", ["example.txt", "example.py"])
def test_more_syntaxes_true_positive(line, value, filename):
    if filename.endswith(".py") and line.lstrip().startswith(("$", "api_key", "set ", "private_key", "<", "var ", "new ", "http_auth", "The ", "echo", "mysql", "!", "docker", "ENV", "curl", "machine", "password ", "buildConfig", "@click")):
        filename = "example.txt"  # not Python: checked as text only (Python rules are below)
    assert_reported_once(line, value, filename)


MORE_FALSE_POSITIVES = [
    # a directive is a statement of its own; in Python a name next to a string is never one
    f'raise ValueError("bad token \'{V}\'");',
    f'    api_key "{V}";',  # checked as Python
    # the quote before the name closes a string (a label table, minified JS)
    '{titleLabel:"Sign in",passwordLabel:"Password:",submitLabel:"Continue now"}',
    # `value=` pairs: the name must be the `key=`/`name=` attribute and a credential
    f'<add key="LogDirectory" value="{V}"/>',
    f'<add key="PasswordLength" value="{rand(12)}"/>',
    f'<input type="password" value="{PW}">',
    # user and password pairs that hold no password
    'r = requests.get(url, auth=("user", "password"))',
    'auth = HTTPBasicAuth("admin", "<your-password>")',
    "auth = HTTPBasicAuth(user, password)",
    "es = Elasticsearch(hosts, basic_auth=(USERNAME, PASSWORD))",
    'auth=("ci", os.environ["CI_PASSWORD"])',
    # names that only contain the words
    f'client = OAuth2Session(oauth=("app", "{PW}"))',
    f'token = get_auth("svc", "{PW}")',
    f'x = make_credentials("svc", "{PW}")',
    # flags: a name, a variable, a placeholder, a file; ENV: a path, a model id
    "python cli.py --password PASSWORD",
    "huggingface-cli login --token $HF_TOKEN",
    "python cli.py --api-key <your-api-key>",
    f"python cli.py --token-file /run/secrets/{V}",
    "python train.py --output_dir out --push_to_hub --hub_model_id org/model-name",
    f"mybin--password {PW}",
    'main(["--api-key", "anthropic=key1", "--exit"])',  # an argv list: the flag is a string, not a name
    '    {"code": "pass", "depends_on": [], "name": "cindy"},',  # a value followed by the next key
    "ENV PATH /usr/local/bin:$PATH",
    "ENV MODEL_NAME bert-base-uncased",
    f"RUN env FOO_TOKEN {V}",
    "curl -u $USER:$PASS https://api.example.com",
    'parser.add_argument("--token", default=os.environ.get("ACME_TOKEN"))',
    'parser.add_argument("--token_file", default="/run/secrets/acme-token-2024.txt")',
    'parser.add_argument("--model", default="gpt-4o-mini-2024-07-18")',
    f'add_argument("--api-key", default="{V}")',  # a function, not argparse's method
    "mysql -u root -p features < dump.sql",
    "mysql -uroot -p$MYSQL_PWD",
    "curl -u admin:<password> https://api.example.com",
    "redis://:${REDIS_PASSWORD}@cache:6379/0",
    'token = client.login("bot", password)',
    f'user = login("bot@example.com", "{PW}")',  # a function, not a method: any login() helper
    # prose without a password in it
    "The password is 'incorrect'.",
    "Make sure the password is 'required' in the form",
    'the password is "********"',
    "the password is '<your password>'",
    "the password is '${DB_PASSWORD}'",
    'msg = f"the password is \'{pw}\'"',
    "the password is 'password'",
]


@pytest.mark.parametrize("line", MORE_FALSE_POSITIVES)
def test_more_syntaxes_false_positive(line):
    assert adapter.scan_lines([line], "example.py") == [], line


def test_trigger_does_not_consume_a_value_that_holds_a_name():
    """``key="SmtpPassword"`` is itself a `key` assignment; the credential name
    in its value must still start an assignment of its own."""
    line = f'<add key="SmtpPassword" value="{PW}"/>'
    assert [value for _, _, value in keywords.scan_lines([line])] == [PW]


def test_url_password_inside_a_call_is_reported():
    """A password in a URL is a literal wherever the URL stands: detect-secrets'
    indirect-reference heuristic (`x = get_secret()`) does not apply to it."""
    line = f'engine = create_engine("postgresql://ml:{PW}@db.internal:5432/features")'
    assert [(h.secret, h.type) for h in adapter.scan_lines([line], "train.py")] == [(PW, "Basic Auth Credentials")]


def test_dockerfile_env_is_not_looked_for_in_python():
    """``ENV NAME value`` is a Dockerfile's line: in Python code it can only
    stand in a string, and the pattern is not searched there."""
    line = f"ENV SERVICE_API_TOKEN {V}"
    assert [h.secret for h in adapter.scan_lines([line], "Dockerfile")] == [V]
    assert adapter.scan_lines([line], "build.py") == []


#: syntaxes added in issue 15's third round: (line, the reported value)
PX = rand(10) + "!" + rand(3)  # a password holding an RFC 3986 sub-delimiter
ROUND3_TRUE_POSITIVES = [
    # XML: the element names the credential, its text or its `value=` holds it
    (f"<db_password>{PW}</db_password>", PW),
    (f"< smtpPassword > {PW} </smtpPassword>", PW),
    (f"<api_token>{V[:5]}{{({V[5:9]}]>{V[9:]}</api_token>", f"{V[:5]}{{({V[5:9]}]>{V[9:]}"),  # any punctuation
    (f'<jdbc.password value="{PW}"/>', PW),
    # the `name=` attribute names it, the element's text holds it
    (f'<entry name="smtp.password">{PW}</entry>', PW),
    (f"<param name='ServiceApiToken' >{V}</param>", V),
    # the value before the name
    (f'<add value="{PW}" key="SmtpPassword" />', PW),
    (f"<setting value='{V}' name='ServiceApiToken'/>", V),
    # a URL password with sub-delimiters or a raw `#` (detect-secrets takes neither)
    (f'engine = create_engine("postgresql://etl:{PX}@db.internal:5432/features")', PX),
    (f'BROKER = "amqp://svc:{PW[:6]}#{PW[6:]}@mq.internal:5672//"', f"{PW[:6]}#{PW[6:]}"),
    (f"mongodb+srv://reader:{PW[:7]}$*{PW[7:]}@cluster1.example.net/db", f"{PW[:7]}$*{PW[7:]}"),
    # a `.login(user, "…")` method whose user is a variable
    (f'server.login(sender_email, "{PW}")', PW),
    (f"ftp.login(cfg.user, '{PW}')", PW),
    # a URL's query parameters are text inside a string, even in Python
    (f'url = "jdbc:mysql://db.internal:3306/features?user=etl&password={PW}"', PW),
    (f'r = requests.get("https://api.example.com/v2/rows?limit=5&api_key={V}")', V),
]


@pytest.mark.parametrize("line, value", ROUND3_TRUE_POSITIVES)
@pytest.mark.parametrize("filename", ["config.xml", "example.py"])
def test_round3_syntaxes_true_positive(line, value, filename):
    assert_reported_once(line, value, filename)


def test_hadoop_property_over_lines():
    """``<name>fs.s3a.secret.key</name>`` then ``<value>…</value>`` (Hadoop's
    core-site.xml, Hive, Spark configs): the value line is reported."""
    lines = ["<configuration>", "  <property>", "    <name>fs.s3a.secret.key</name>", f"    <value>{V}</value>",
             "  </property>", "  <property><name>fs.s3a.endpoint</name><value>s3.example.com</value></property>",
             "</configuration>"]
    hits = adapter.scan_lines(lines, "core-site.xml")
    assert [(h.line, h.secret, h.col) for h in hits] == [(4, V, lines[3].index(V) + 1)]


ROUND3_FALSE_POSITIVES = [
    # XML elements and attributes that hold no credential
    "<password></password>",
    "<api_key>${API_KEY}</api_key>",
    "<db_password>changeme</db_password>",
    f"<token_type>{V}</token_type>",  # `type`: about the token, not the token
    f'<add value="{V}" key="LogDirectory"/>',
    '<input type="password" value="{{ form.password }}" name="password">',
    f'<input max_value="{V}" name="api_key">',  # `max_value=` is not the `value=` attribute
    '<property><name>fs.s3a.secret.key</name><value>${env.S3_SECRET}</value></property>',
    f"<name>fs.s3a.endpoint</name><value>{V}</value>",
    "if a<password>b: pass",
    # URLs whose password is a template, a variable or a mask
    'x = "https://user:${PASSWORD}@example.com"',
    'x = "https://user:$PASS!@example.com"',
    'x = "https://user:***@example.com"',
    'x = "https://svc:**k9*Lm2@db.example.io"',  # a partly masked password
    'x = f"https://{user}:{pw}@host"',
    'x = "postgres://u:<password>@db"',
    "git clone https://x-access-token:$(cat token.txt)@github.com/org/repo",
    # a `login()` helper (not a method), a variable, an empty or templated password
    f'session = login(user, "{PW}")',
    "server.login(user, password)",
    'server.login(user, "")',
    'server.login(user, "<password>")',
    # query parameters that hold no credential, or a template
    'r = requests.get(f"https://api.example.com/v1?api_key={API_KEY}")',
    'u = "https://example.com/login?next=/home&password=reset"',
    "if ready and password=checked: pass",
]


@pytest.mark.parametrize("line", ROUND3_FALSE_POSITIVES)
@pytest.mark.parametrize("filename", ["config.xml", "example.py"])
def test_round3_syntaxes_false_positive(line, filename):
    assert adapter.scan_lines([line], filename) == [], line


# round 4: connection strings, `-u … -p …` pairs, `.netrc` over lines, a Django
# key holding `%(` (each value built at run time)
DJANGO = "django-insecure-" + rand(20, "abcdefghijklmnopqrstuvwxyz0123456789") + "%(" + rand(28, "abcdefghijklmnopqrstuvwxyz0123456789!@#$^&*-_=+")
ROUND4_TRUE_POSITIVES = [
    (f'conn = "Driver={{ODBC Driver 18 for SQL Server}};Server=tcp:db.internal,1433;Uid=etl;Pwd={PW};"', PW),
    (f'cs = "Data Source=sql01;Initial Catalog=Sales;User ID=report;Password={PW};"', PW),
    (f"Server=sql01;Database=ops;User Id=svc_ops;Password={PW}", PW),
    (f'url = "jdbc:sqlserver://db.internal:1433;databaseName=ops;user=etl;password={PW};encrypt=true"', PW),
    (f'$conn->open("Provider=SQLOLEDB.1;User ID=svc; " & "Password = {PW};Initial Catalog=x")', PW),
    (f'os.system("psexec \\\\\\\\10.0.0.7 -u Administrator -p {PW} cmd /c dir")', PW),
    (f"PsExec64.exe \\\\\\\\host01 -u CORP\\\\svc -p {PW} -i cmd", PW),
    (f"sqlcmd -S db.internal -U sa -P {PW} -Q \"select 1\"", PW),
    (f"docker login -u deploy -p '{PW}' registry.example.com", PW),
    (f"SECRET_KEY = '{DJANGO}'", DJANGO),
    (f'uri = "mongodb+srv://app:{PW[:5]}@{PW[5:]}@cluster0.ab1cd.mongodb.net/db"', f"{PW[:5]}@{PW[5:]}"),
    (f"!sshpass -p '{PW}' ssh deploy@10.0.0.5 uptime", PW),
    (f'subprocess.run("sshpass -e -p {PW} scp a b:/tmp", shell=True)', PW),
    (f"redis-cli -h cache.internal -p 6379 -a {PW} ping", PW),
]


@pytest.mark.parametrize("line, value", ROUND4_TRUE_POSITIVES)
@pytest.mark.parametrize("filename", ["settings.txt", "example.py"])
def test_round4_syntaxes_true_positive(line, value, filename):
    assert_reported_once(line, value, filename)


@pytest.mark.parametrize("layout", [
    "machine api.example.org\n  login alice\n  password {pw}\n",
    "machine api.example.org\nlogin alice\npassword {pw}\n",
    'NETRC = """\nmachine api.example.org login alice\n    password {pw}\n"""\n',
])
def test_netrc_entry_over_lines(layout):
    text = layout.format(pw=PW)
    hits = adapter.scan_lines(text.split("\n"), "example.py" if "NETRC" in text else ".netrc")
    assert [(h.line, h.secret) for h in hits] == [(text.split("\n").index(next(l for l in text.split("\n") if PW in l)) + 1, PW)]


ROUND4_FALSE_POSITIVES = [
    # connection strings whose password is empty, a template, a format field or a variable
    'cs = "Server=db;User Id=app;Password=;"',
    'cs = f"Server=db;User Id={user};Password={pw};"',
    'cs = "Server=db;Uid=app;Pwd=%s;" % pw',
    'cs = "Server=db;Uid=app;Pwd=$(DB_PASSWORD);"',
    'cs = "Server=db;User ID=<user>;Password=<password>;"',
    # `-u`/`-p` that are no user and password
    "docker run -u 1000 -p 8080:80 image",
    "docker run --rm -u $(id -u):$(id -g) -p 8888:8888 jupyter/base",
    'docker login -u deploy -p "$REGISTRY_PASSWORD" registry.example.com',
    "psexec \\\\h -u admin -p %PASS% cmd",
    "mysql -u root -p analytics < dump.sql",
    # .netrc with a variable or no password
    "machine api.example.org\n  login alice\n  password $NETRC_PASSWORD",
    "machine api.example.org\n  login alice",
    # a whole %-format field is still a template
    "SECRET_KEY = '%(secret_key)s'",
    # a password flag with a variable or a file
    'sshpass -p "$SSH_PASS" ssh deploy@host',
    "sshpass -f ~/.ssh/pass ssh deploy@host",
    'redis-cli -a "$REDIS_PASSWORD" ping',
    # an `@` in the user part is an e-mail user, not a password
    'uri = "mongodb://ops@example.com:${MONGO_PASSWORD}@db.example.com"',
]


@pytest.mark.parametrize("text", ROUND4_FALSE_POSITIVES)
@pytest.mark.parametrize("filename", ["settings.txt", "example.py"])
def test_round4_syntaxes_false_positive(text, filename):
    assert adapter.scan_lines(text.split("\n"), filename) == [], text


ESCAPED_TRUE_POSITIVES = [
    (f'body = "{{\\"password\\": \\"{PW}\\"}}"', PW),
    (f'String json = "{{\\"clientSecret\\":\\"{V}\\"}}";', V),
    (f'code = "$db_password = \\"{PW}\\";"', PW),
]


@pytest.mark.parametrize("line, value", ESCAPED_TRUE_POSITIVES)
@pytest.mark.parametrize("filename", ["example.py", "Example.java"])
def test_code_escaped_inside_a_string_literal(line, value, filename):
    assert_reported_once(line, value, filename)


@pytest.mark.parametrize("line", [
    'msg = "password = \\"" + pw + "\\""',
    'print("token: \\"%s\\"" % tok)',
    'body = "{\\"password\\": \\"%s\\"}" % pw',
    'body = f"{{\\"api_key\\": \\"{api_key}\\"}}"',
    'body = "{\\"password\\": \\"\\"}"',
    'doc = "set \\"token\\" to \\"<your token>\\""',
    'x = "{\\"secret_name\\": \\"prod-db-credentials\\"}"',
])
def test_code_escaped_inside_a_string_literal_false_positive(line):
    assert adapter.scan_lines([line], "example.py") == [], line


# round 5: quoted values holding the other kinds of quote, one-word credential
# names (`jwtsecret`, `userpass`, `dbpwd`), a password in a URL query under
# such a name (values built at run time)
_PUNCT = "}/)];_&>?@$%^{[:=!#*+-"
MIXED_DQ = rand(1) + "`" + rand(1) + "'" + rand(30, ALNUM + _PUNCT)
MIXED_SQ = rand(1) + '"' + rand(1) + "`" + rand(30, ALNUM + _PUNCT)
ROUND5_TRUE_POSITIVES = [
    (f'  jwt_secret: "{MIXED_DQ}"', MIXED_DQ),
    (f"  jwtsecret: '{MIXED_SQ}'", MIXED_SQ),
    (f'SIGNING_SECRET = "{MIXED_DQ}"', MIXED_DQ),
    (f'jwtsecret: "{V}"', V),
    (f'USERPASS = "{PW}"', PW),
    (f'dbpwd = "{PW}"', PW),
    (f"mysqlpass: '{PW}'", PW),
    (f'url = "jdbc:mysql://db.internal:3306/app?user=etl&userpass={PW}"', PW),
    # `KEY=value` as the whole text of a string literal (an environment list)
    (f'env = ["DB_PASSWORD={PW}"]', PW),
    (f'client.containers.run(image, environment=["API_TOKEN={V}"])', V),
    # a URL's password is reported once, not its port and path as well
    (f'MONGO_URI = "mongodb://svc:{PW}@mongo.internal:27017/metrics"', PW),
]


@pytest.mark.parametrize("line, value", ROUND5_TRUE_POSITIVES)
@pytest.mark.parametrize("filename", ["settings.yaml", "example.py"])
def test_round5_syntaxes_true_positive(line, value, filename):
    assert_reported_once(line, value, filename)


ROUND5_FALSE_POSITIVES = [
    # a quoted value is still prose, a variable or a template when it holds other quotes
    """password: "can't be 'empty'" """,
    'jwt_secret: "${JWT_SECRET}"',
    """help_text = "the token's `value`" """,
    # words that merely end like a credential word
    f'bypass = "{V}"',
    f'compass_heading = "{V}"',
    f'secrets = "{V}"',
    "USERPASS=$USERPASS",
    'url = "jdbc:mysql://db/app?user=etl&userpass=${DB_PASS}"',
    'env = ["DB_PASSWORD=" + pw]',
    'env = [f"DB_PASSWORD={pw}"]',
    'cmd = ["--env", "HF_TOKEN=$HF_TOKEN"]',
    's = "token=tokenizer_name"',
    # a placeholder password in a URL: its host, port and path are no value of a `password@host` name
    'uri = "mongodb://username:password@db.local:27018/reports"',
    'DSN = "postgres://admin:SET_PASSWORD_HERE@pg.internal:5433/warehouse"',
]


@pytest.mark.parametrize("line", ROUND5_FALSE_POSITIVES)
@pytest.mark.parametrize("filename", ["settings.yaml", "example.py"])
def test_round5_syntaxes_false_positive(line, filename):
    assert adapter.scan_lines([line], filename) == [], line


# -- round 6: shapes found on real ML projects' sources (own samples) --------------

ROUND6_FALSE_POSITIVES = [
    # `pass` as the start of another phrase, whole or split
    'keep = RowFilter(pass_through_expr="score >= 3")',
    'rule = {"kind": "pass_through", "pass_through_expr": "label != \'spam\'"}',
    "KINDS = \"'pass_rate', 'ordinal', 'free_text'.\"",
    'state = Pass("%s_fanout_Pass" % step_name)',
    'ok = passThroughMode == "strict-order"',
    # a credential word in a task name, a Hub model id as the value
    'ner = pipeline("token-classification", "acme42/roberta_ner_v3")',
    # a flag named in a message, the next prose word is no value
    'raise UsageError("--db-password requires --db-user to be set")',
    'msg = "--api-token cannot be combined with --anonymous"',
    # `passwd` as a file name in a path
    'TARGETS = ["../" * 4 + "etc/passwd", "/etc/passwd", "var/app.log"]',
    'ARGS = ["@/etc/passwd", "@options.txt"]',
    # a collection of key names
    'ALLOWED = {"host", "port", "password", "user_name", "read_timeout"}',
    'schema = {"required": ["login", "password", "server_url"]}',
    # an e-mail address as a setting's value
    'defaults = {NOTIFY_SENDER_KEY: "reports@acme-analytics.dev"}',
    # a record's id in a URL's query, and as a `*Key` name
    'u = "https://tracker.acme.dev/v1/files?runKey=5f0c2e9a8b7d41c6a3e2f1b0c9d8e7f6&fileId=7"',
    'u = "https://tracker.acme.dev/v1/rows?sortKey=metrics.loss&descending=true"',
    'cacheKey = "b7e4c1d09a8f4e2db3c6a5f7e8d9c0b1"',
    # a comment about a record's key, with a file name
    '# run keys get a random suffix: 5f0c2e9a8b7d41c6a3e2f1b0c9d8e7f6-Xk2pQz.zip',
    # a docstring's Args entry: the parameter and its description
    '        passphrase: Operator-supplied passphrase',
    '        api_token: Token issued by the admin console',
    # whose it is, not what: user lists, a secret scope
    'AUTH_APIKEY_USERS: "ops-user,viewer-user"',
    'AUTHZ_ADMIN_USERS: "0ux5k2ipqaWZTUbyo4e9"',
    'scope_hint = "``vault_scope:key_prefix@databricks``"',
    # a key name with a stray bracket as a URL's password
    'uri = "databricks://token:api_token>@my_workspace:443"',
    # a redacted recording of a token
    'body = "{\\"access_token\\": \\"ya29.SCRUBBED_ACCESS_TOKEN_XXX\\"}"',
    # prose as a password
    'cfg = {"password": "this should not be printed"}',
    # a short name that is no credential, its value an expression under a unary minus
    "    ph, pw = -height % grid_size[0], -width % grid_size[1]",
    "tok = ~mask & 0xFF",
]


@pytest.mark.parametrize("line", ROUND6_FALSE_POSITIVES)
def test_round6_real_code_shapes_are_not_reported(line):
    assert adapter.scan_lines([line], "example.py") == [], line


ROUND6_TRUE_POSITIVES = [
    # `pass` still a password: alone, owned, with a stage or a digit after it
    (f'DB_PASS_PROD = "{PW}"', PW),
    (f'smtp_pass2 = "{PW}"', PW),
    (f'PASS = "{PW}"', PW),
    # a key named as a collection item when the value is not a name
    (f'pair = ("password", "{PW}")', PW),
    # a flag's value that is a word but no prose
    (f'cmd = "svc --password {PW} --user bob"', PW),
    # a credential in a URL's query stops at the next parameter
    (f'u = "https://api.acme.dev/v2/data?api_key={V}&page=2"', V),
    # a bare env-style `*_KEY` and a qualified key still need only a random value
    (f'ACME_KEY = "{V}"', V),
    (f'session_key = "{V}"', V),
    # a model-id-looking value with a random part stays a token
    (f'token = "{rand(12)}/{rand(30)}"', None),
    # a quoted value that starts with a minus is still a string
    (f'pw = "-{PW}"', "-" + PW),
]


@pytest.mark.parametrize("line, value", ROUND6_TRUE_POSITIVES)
def test_round6_credentials_are_still_reported(line, value):
    if value is None:
        assert adapter.scan_lines([line], "example.py"), line
    else:
        assert_reported_once(line, value, "example.py")


@pytest.mark.parametrize(
    "name, strength",
    [
        ("pass_through_filter", None), ("passThrough", None), ("pass_fail", None), ("pass_rate", None),
        ("DB_PASS_PROD", "password"), ("pass2", "password"), ("Pass", "password"), ("user_pass", "password"),
        ("experimentKey", None), ("orderByKey", None), ("cache_key", None), ("idempotency_key", None),
        ("AUTHENTICATION_APIKEY_USERS", None), ("secret_scope", None), ("token-classification", None),
        ("api_key", "token"), ("ACME_KEY", "token"), ("session_key", "token"), ("encryption_key", "token"),
    ],
)
def test_round6_key_strength(name, strength):
    assert keywords.key_strength(name) == strength


# -- round 7: names with blanks, bare words and other languages; prose; examples (own samples) --

#: a password with a letter and a symbol, as written in documents
PW7 = rand(9) + "#" + rand(3)

ROUND7_TRUE_POSITIVES = [
    # a bare credential word with its qualifier before a blank (documents, JSON keys)
    (f'"API Key": "{V}"', V, "settings.json"),
    (f"Secret Key: {V}", V, "notes.yaml"),
    (f"ACCESS TOKEN = {V}", V, "deploy.env"),
    # a one-dash document item naming its value
    (f"-Token: {V}", V, "notes.yaml"),
    # a name that ends with `api`: the service's key
    (f'billing_api = "{V}"', V, "example.py"),
    (f'serviceApi: "{V}"', V, "app.yaml"),
    # passwords named in other languages
    (f"비밀번호: {PW7}", PW7, "notes.yaml"),
    (f'пароль = "{PW7}"', PW7, "example.py"),
    (f'senha_db = "{PW7}"', PW7, "example.py"),
    (f'db_密码: "{PW7}"', PW7, "app.yaml"),
    # prose that gives a password unquoted, in a text and in a Python comment
    (f"The initial password is {PW7} for every new account.", PW7, "notes.yaml"),
    (f"    # password for operator: {PW7}", PW7, "example.py"),
    (f"password was set to {PW7}.", PW7, "notes.yaml"),
    # a call whose last string argument is the password, the others whose it is
    (f'keyring.set_password("mlflow", "svc-bot", "{PW7}")', PW7, "example.py"),
    (f'client.update_user_password("trainer", "{PW7}")', PW7, "example.py"),
    # a password in a comment, words after it
    (f"# password: {PW} for staging", PW, "settings.yaml"),
    (f"; password = {PW}", PW, "service.ini"),
]


@pytest.mark.parametrize("line, value, filename", ROUND7_TRUE_POSITIVES)
def test_round7_shapes_are_reported(line, value, filename):
    assert_reported_once(line, value, filename)


ROUND7_FALSE_POSITIVES = [
    # another kind of key before a blank: the whole name decides
    (f"public key: {V}{V}", "notes.yaml"),
    (f'"Sort Key": "{V}{V}"', "settings.json"),
    # `api` inside a longer name, or a value that is no key
    (f'api_url = "{V}"', "example.py"),
    ('billing_api = "https://billing.internal/v2"', "example.py"),
    ('    """Created by POST (see [Make one](api:POST/api/jobs/{id}/runs/))."""', "example.py"),
    ("rest_api: v2-stable", "app.yaml"),
    # Python code compares, it does not give a password
    ("if password is None or password is DEFAULT_PW2:", "example.py"),
    ('msg = "the password is set to required"', "example.py"),
    # prose without a password in it
    ("The password is stored in the vault and rotated weekly.", "notes.yaml"),
    ("password for admin: see the team vault", "notes.yaml"),
    # documentation example passwords: a lower-case credential word after a word
    # that says which one, or with one digit
    ('client.update_user_password("newuser", "anotherpassword")', "example.py"),
    ('DB_PASSWORD = "password1"', "example.py"),
    ('cfg = {"secret": "newsecret"}', "example.py"),
    ("The default password is password1.", "notes.yaml"),
    # a comment's words about the value, not a value
    ("# password: keep empty", "settings.yaml"),
    ("    # db_password: leave blank to prompt", "settings.yaml"),
    ("; api_token = set it in the vault", "service.ini"),
    # MLflow's Databricks profile URIs: a secret scope and key prefix, no password
    ('msg = "use models://ml_scope:kv_prefix@databricks/churn/Production"', "example.py"),
    ("registry_uri: databricks://prod_scope:prod_prefix@databricks", "app.yaml"),
    # a URL whose user is `token`: the password must be a token, not a prefix and digits
    ('uri = "databricks://token:dapi42@adb-77.azuredatabricks.net:443/default"', "example.py"),
]


@pytest.mark.parametrize("text, filename", ROUND7_FALSE_POSITIVES)
def test_round7_look_alikes_are_not_reported(text, filename):
    assert adapter.scan_lines([text], filename) == [], text


@pytest.mark.parametrize(
    "name, strength",
    [
        ("billing_api", "token"), ("API", "token"), ("serviceApi", "token"), ("api_url", None), ("api_version", None),
        ("비밀번호", "password"), ("пароль_бд", "password"), ("senha", "password"), ("şifre", "password"),
        ("api_key", "token"), ("openai_api_base", None),
    ],
)
def test_round7_key_strength(name, strength):
    assert keywords.key_strength(name) == strength


def test_round7_qualifier_before_a_blank_names_the_key():
    assert keywords.assignment_at('"API Key": "abc123"', 6)[0] == "API_Key"
    assert keywords.assignment_at("SECRET KEY: abc123", 7)[0] == "SECRET_KEY"
    assert keywords.assignment_at("my key: abc123", 3)[0] == "key"  # `my` qualifies nothing


# --- lead, session 7: real use on projects nobody had checked (own samples) ---

VOCABULARY_NOT_SECRETS = [
    'verdict: Literal["pass", "revise", "fail"] = "fail"',  # a verdict vocabulary
    '    if outcome in ("pass", "user_cancel"):',
    'STATES = ["pass", "skipped", "xfail"]',
    'layer_names = ["conv_pw", "conv_pwl"]',  # pointwise-convolution layer names
    'kept = {getattr(pw, "weight", None) for pw in layers}',  # a name, then an argument
    'rows = zip(pwd, "header")',
    'missing_token = "[SURELY_NOT_PRESENT]"',  # a bracketed placeholder word
    'api_key = "[YOUR API KEY]"',
]

STILL_SECRETS = [
    ('auth = ("password", "letmein")', "letmein"),  # a password word that says itself still pairs
    ('creds = ["pass", "Tr0ub4dor&3"]', "Tr0ub4dor&3"),  # not a name-like word
    ('db_pass = "[p4ssw0rd]"', "[p4ssw0rd]"),  # brackets around a value with digits
    ('DB = {"pwd": "s3cr3t99"}', "s3cr3t99"),
]


@pytest.mark.parametrize("line", VOCABULARY_NOT_SECRETS)
def test_vocabulary_and_argument_lists_are_not_secrets(line):
    from mlwarden.secrets import adapter

    assert adapter.scan_lines([line], "x.py") == []


@pytest.mark.parametrize("line, secret", STILL_SECRETS)
def test_credential_pairs_next_to_those_shapes_are_still_secrets(line, secret):
    from mlwarden.secrets import adapter

    assert secret in [h.secret for h in adapter.scan_lines([line], "x.py")]


def _jwt(signature: str) -> str:
    import base64
    import json

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'kid': 'k1'})}.{part({'sub': 'worker-7', 'exp': 1924992000})}.{signature}"


@pytest.mark.parametrize("signature", ["sig", "signatureTAILabcd", "fake-signature-for-tests-only", "abcdefghijklmnopqrstuvwxyz", "short9Xy_sig"])
@pytest.mark.parametrize("template", ['token = "{}"', 'Creds(access_token="{}", refresh_token="r-1")', "JWT: {}"])
def test_a_jwt_with_a_placeholder_signature_is_a_test_token(signature, template):
    from mlwarden.secrets import adapter

    line = template.format(_jwt(signature))
    assert adapter.scan_lines([line], "notes.txt" if line.startswith("JWT") else "x.py") == []


@pytest.mark.parametrize("size", [32, 64, 256])  # HS256, ES512-ish, RS2048
@pytest.mark.parametrize("template", ['token = "{}"', "JWT: {}"])
def test_a_jwt_with_a_real_signature_is_reported(size, template):
    import base64
    import random

    from mlwarden.secrets import adapter

    rng = random.Random(size)
    signature = base64.urlsafe_b64encode(bytes(rng.randrange(256) for _ in range(size))).decode().rstrip("=")
    line = template.format(_jwt(signature))
    assert [h.type for h in adapter.scan_lines([line], "notes.txt" if line.startswith("JWT") else "x.py")] == ["JSON Web Token"]


# -- round 8: tokens glued to a word, content-hashed store paths, wrong-length formats (own samples) --

_R8 = random.Random(808)


def _alnum(n: int) -> str:
    return "".join(_R8.choice(string.ascii_letters + string.digits) for _ in range(n))


FINE_GRAINED = f"github_pat_{_alnum(22)}_{_alnum(59)}"


@pytest.mark.parametrize("line", [f"see{FINE_GRAINED}", f'auth = "Bearer{FINE_GRAINED}"', f"creds:mytoken{FINE_GRAINED} end"])
def test_a_fine_grained_github_token_glued_to_a_word_is_found(line):
    hits = adapter.scan_lines([line], "notes.txt")
    assert [(h.type, h.secret) for h in hits] == [("GitHub Access Token", FINE_GRAINED)]


@pytest.mark.parametrize("line", [
    f"see{FINE_GRAINED[:-1]}",  # 81 characters: not the format
    f"seegithub_pat_{_alnum(81)}",  # no `_` after the first 22: not the strict shape
    f"see{FINE_GRAINED}x",  # runs on into a longer word
])
def test_only_the_strict_fine_grained_shape_is_taken_inside_a_word(line):
    assert [h.type for h in adapter.scan_lines([line], "notes.txt")] == []


HASH32 = "".join(_R8.choice("0123456789abcdef") for _ in range(32))
HASH64 = "".join(_R8.choice("0123456789abcdef") for _ in range(64))


@pytest.mark.parametrize("name", ["routed_experts_key", "weights_key", "secret_key"])
@pytest.mark.parametrize("value", [f"routing/._.Q--p4x.2w/{HASH32}.5120", f"blobs/sha256/{HASH64}"])
def test_a_store_path_with_a_content_hash_is_not_a_key(name, value):
    # a record's field in a test table, as an API client's tests write it
    assert adapter.scan_lines([f'    "{name}": "{value}",'], "x.py") == []
    assert adapter.scan_lines([f"{name}: {value}"], "conf.yaml") == []


@pytest.mark.parametrize("value", [f"{_alnum(32)}/{HASH32}", f"k/{_alnum(12)}{_alnum(12)}Z9/{HASH32}"])
def test_a_random_run_beside_a_hash_is_still_a_key(value):
    assert len(adapter.scan_lines([f'secret_key = "{value}"'], "x.py")) == 1


@pytest.mark.parametrize("value", ["Qz3" + "8Q~" + "notLongEnough", "ghp_" + _alnum(12), "github_pat_" + _alnum(30)])
def test_a_fixed_length_format_of_the_wrong_length_is_a_format_example(value):
    assert adapter.scan_lines([f'client_secret = "{value}"'], "x.py") == []


@pytest.mark.parametrize("value", ["Qz38Q~" + _alnum(34), "Qz38Q~" + _alnum(36), "ghp_" + _alnum(36), _alnum(14) + "9"])
def test_the_right_length_or_no_format_is_still_reported(value):
    assert len(adapter.scan_lines([f'client_secret = "{value}"'], "x.py")) >= 1


def _b64url(n: int) -> str:
    return "".join(_R8.choice(string.ascii_letters + string.digits + "-") for _ in range(n))


STATELESS = f"ghs_{_R8.randrange(10**5, 10**7)}_{_b64url(120)}_{_b64url(240)}_{_b64url(160)}"


@pytest.mark.parametrize("template", ['GH_TOKEN = "{}"', "token: {}", "git clone https://x-access-token:{}@github.com/o/r"])
def test_a_stateless_github_installation_token_is_found(template):
    hits = adapter.scan_lines([template.format(STATELESS)], "notes.txt")
    assert [(h.type, h.secret) for h in hits] == [("GitHub Access Token", STATELESS)]


@pytest.mark.parametrize("value", [
    "ghs_123456_" + "a" * 100 + "_" + "b" * 200 + "_" + "c" * 200,  # repeated: a format test's fixture
    "ghs_123456_" + _b64url(80),  # too short for the stateless form
])
def test_stateless_shaped_placeholders_and_short_bodies_are_not_tokens(value):
    assert [h.type for h in adapter.scan_lines([f"token: {value}"], "notes.txt") if h.type == "GitHub Access Token"] == []


@pytest.mark.parametrize("line", [
    'password: "SCRAM-SHA-256$4096:' + _alnum(16) + "==$" + _alnum(43) + "=:" + _alnum(43) + '="',
    "userPassword: {SSHA}" + _alnum(27) + "=",
    'ldap_password = "{SHA512}' + _alnum(86) + '=="',
])
def test_a_stored_password_verifier_is_a_hash_not_a_password(line):
    assert adapter.scan_lines([line], "x.py" if " = " in line else "conf.yaml") == []


@pytest.mark.parametrize("value", ["SCRAMBLED-" + _alnum(12), "SCRAM-SHA-256-" + _alnum(14), "SHA256:" + _alnum(20)])
def test_a_password_that_merely_starts_like_a_scheme_is_still_a_password(value):
    assert len(adapter.scan_lines([f'password = "{value}"'], "x.py")) == 1


# -- round 9: the shapes held-out set 8 and fresh8s left (own samples) --

_R9 = random.Random(909)


def _mix(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    if n < 3:
        return "".join(_R9.choice(alphabet) for _ in range(n))
    while True:
        value = "".join(_R9.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value) and any(c.islower() for c in value):
            return value


ENTRA_DASH = "-" + _mix(2) + "7Q~." + _mix(33)


@pytest.mark.parametrize("line", [
    f'    "Body": "client_id=app-1\\u0026client_secret={ENTRA_DASH}\\u0026scope=graph",',  # a form body in JSON
    f'data = "grant_type=client_credentials&client_secret={ENTRA_DASH}&scope=x"',  # a form body
    f'AZURE_CLIENT_SECRET = "{ENTRA_DASH}"',
])
def test_an_entra_secret_starting_with_a_dash_is_found(line):
    hits = adapter.scan_lines([line], "x.py")
    assert ("Azure AD Client Secret", ENTRA_DASH) in [(h.type, h.secret) for h in hits]


@pytest.mark.parametrize("line", [
    "flags = ['--x7Q~']",  # too short
    f"word-{_mix(2)}7Q~{_mix(33)}",  # glued to the word before it by a dash
])
def test_entra_shaped_text_that_is_no_secret_is_not_found(line):
    assert [h.type for h in adapter.scan_lines([line], "x.py") if h.type == "Azure AD Client Secret"] == []


GLUED = "clientsecret" + _mix(6) + "|[" + _mix(14) + "." + _mix(12)


@pytest.mark.parametrize("line, filename", [
    (f"azureClientSecret: {GLUED}", "conf.yaml"),
    (f'client_secret = "{GLUED}"', "x.py"),
    (f'API_TOKEN = "apitoken{_mix(28)}"', "x.py"),
])
def test_a_secret_glued_to_its_name_is_reported(line, filename):
    assert len(adapter.scan_lines([line], filename)) == 1


@pytest.mark.parametrize("value", [
    "clientsecret", "client_secret_value", "secretKeyForTestingPurposes", "tokenizer_config_name_v2",
    "secret" + "ab" * 12,  # a repeated unit after the name
    "apiKeyPlaceholderValueGoesHere1",
])
def test_a_name_with_words_after_it_is_still_a_name(value):
    assert adapter.scan_lines([f'client_secret = "{value}"'], "x.py") == []


@pytest.mark.parametrize("value", ["replica1-key", "node12-primary", "Shard3_backup", "bucket7-east-2", "hunter2-not-a-known-key-format"])
def test_numbered_word_resource_ids_are_not_keys(value):
    assert adapter.scan_lines([f'api_key = "{value}"'], "x.py") == []
    assert adapter.scan_lines([f"api_key: {value}"], "conf.yaml") == []


@pytest.mark.parametrize("value", [_mix(20) + "-key", "replica1-" + _mix(16), _mix(12) + "1-" + _mix(12)])
def test_random_runs_beside_words_are_still_keys(value):
    assert len(adapter.scan_lines([f'api_key = "{value}"'], "x.py")) == 1


@pytest.mark.parametrize("length", [22, 27, 42])
def test_a_jwt_with_a_truncated_signature_is_a_test_token(length):
    line = f'token = "{_jwt(_mix(length, string.ascii_letters + string.digits + "-_"))}"'
    assert adapter.scan_lines([line], "x.py") == []


def test_a_jwt_with_a_whole_hs256_signature_is_reported():
    line = f'token = "{_jwt(_mix(43, string.ascii_letters + string.digits + "-_"))}"'
    assert [h.type for h in adapter.scan_lines([line], "x.py")] == ["JSON Web Token"]


def _sid(prefix: str) -> str:
    return prefix + "".join(_R9.choice("0123456789abcdef") for _ in range(32))


def _aws_secret() -> str:
    return _mix(40, string.ascii_letters + string.digits + "/+")


def _id(prefix: str) -> str:
    return prefix + "".join(_R9.choice(string.ascii_uppercase + "234567") for _ in range(16))


@pytest.mark.parametrize("text", [
    f'ACCOUNT_SID = "{_sid("AC")}"',
    f'twilio:\n  account_sid: {_sid("AC")}\n  file_checksum: {_sid("")}',  # a checksum is no auth token
    f'url = "https://api.twilio.com/2010-04-01/Accounts/{_sid("AC")}/Messages.json"',
])
def test_a_twilio_account_sid_alone_is_an_identifier(text):
    hits = [h for h in adapter.scan_lines(text.splitlines(), "x.py") if h.type == "Twilio API Key"]
    assert hits and all(h.identifier for h in hits)


@pytest.mark.parametrize("text", [
    f'account_sid = "{_sid("AC")}"\nauth_token = "{_sid("")}"',
    f'{{"key": "account_sid", "value": "{_sid("AC")}"}}, {{"key": "auth_token", "value": "{_sid("")}"}}',
    f'api_key_sid = "{_sid("SK")}"',  # an API key SID keeps its severity (published samples label it a key)
    f'key_id = "{_id("ASIA")}"',  # an AWS key id alone is still reported as it was
])
def test_a_sid_with_its_token_an_api_key_sid_and_key_ids_are_not_identifiers(text):
    hits = [h for h in adapter.scan_lines(text.splitlines(), "x.py") if h.type in ("Twilio API Key", "AWS Access Key")]
    assert hits and not any(h.identifier for h in hits)


def test_identifier_findings_are_reported_at_low_severity(tmp_path):
    from mlwarden.cli import main

    (tmp_path / "a.py").write_text(f'TWILIO_ACCOUNT_SID = "{_sid("AC")}"\n')
    assert main(["check", "--isolated", "--no-cache", "--select", "MLW401", str(tmp_path / "a.py")]) == 0
    assert main(["check", "--isolated", "--no-cache", "--select", "MLW401", "--severity", "low", str(tmp_path / "a.py")]) == 1


@pytest.mark.parametrize("value", [
    ("q7w" + "e9r2t5y8u1") * 2 + "q7we9r2t",  # a 13-character unit two and a half times
    "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d",  # digits and letters counting up in turn
    "k4" + "a1b2c3d4e5" + _mix(20),
])
def test_padded_units_and_counting_runs_are_placeholders(value):
    assert adapter.scan_lines([f'aws_secret = "{value}"'], "x.py") == []
    assert adapter.scan_lines([f"aws_secret: {value}"], "conf.yaml") == []


@pytest.mark.parametrize("value", [_mix(12) * 2, "".join(_R9.choice("0123456789abcdef") for _ in range(32)), "a1c3e5g7" + _mix(24)])
def test_two_copies_and_skipping_runs_are_still_judged_as_values(value):
    # two whole copies of a long random unit is not a padded unit; a run that skips is no count
    assert len(adapter.scan_lines([f'aws_secret = "{value}"'], "x.py")) == 1


@pytest.mark.parametrize("line", [
    '    params={"secrets": ["password", "github_key", "aws_key"]},',
    "task.with_secrets('vault', ['password', 'db_user_name', 'api_token'])",
])
def test_a_list_of_secret_names_opened_by_a_credential_word_is_not_a_password(line):
    assert adapter.scan_lines([line], "x.py") == []
    assert adapter.scan_lines([line], "conf.yaml") == []


@pytest.mark.parametrize("line", ['login("password", "hunter2x", "other")', 'conf = ["password", "db_pass_word"]'])
def test_a_password_item_without_a_list_of_names_after_it_still_pairs(line):
    assert len(adapter.scan_lines([line], "x.py")) == 1


# -- round 10: the shapes held-out set 9 and fresh9s left (own samples) --

_R10 = random.Random(1010)


def _mix10(n: int) -> str:
    while True:
        value = "".join(_R10.choice(string.ascii_letters + string.digits) for _ in range(n))
        least = min(3, n // 4)
        if sum(c.isdigit() for c in value) >= least and sum(c.isupper() for c in value) >= least and sum(c.islower() for c in value) >= least:
            return value


KEY30 = _mix10(30)


KEY26 = _mix10(26)


@pytest.mark.parametrize("line, filename, value", [
    (f'cfg = {{"key": "{KEY30}"}}', "x.py", KEY30),
    (f"settings['key'] = '{KEY30}'", "x.py", KEY30),
    (f"key: {KEY30}", "conf.yaml", KEY30),
    (f'"key": "{KEY26}"', "conf.json", KEY26),
])
def test_a_bare_key_with_a_generated_26_to_31_character_value_is_found(line, filename, value):
    assert [h.secret for h in adapter.scan_lines([line], filename)] == [value]


@pytest.mark.parametrize("value", [
    "ProfileCacheEntryForUser20231",  # words and a number
    "userprofilecachedentryabcdef12",  # lower case and digits only
    "".join(_R10.choice("0123456789abcdef") for _ in range(30)),  # a hash
    "user_profile_2023_v2_cached_x1",  # separators: an id
    _mix10(24),  # shorter than 26
])
def test_a_bare_key_keeps_cache_style_ids_and_short_values_out(value):
    assert adapter.scan_lines([f'cache = {{"key": "{value}"}}'], "x.py") == []
    assert adapter.scan_lines([f"key: {value}"], "conf.yaml") == []


@pytest.mark.parametrize("name", ["cache_key", "dict_key", "idempotency_key"])
def test_a_record_key_with_a_generated_value_is_still_an_id(name):
    # `idempotency_key = "<random>"`: a record's key is random by design, not a credential
    assert adapter.scan_lines([f'{name} = "{KEY30}"'], "x.py") == []


@pytest.mark.parametrize("value", ["prodSecret.Rotated_2025~" + _mix10(4), "mySecret|" + _mix10(12)])
def test_a_secret_that_says_secret_is_not_taken_for_a_name(value):
    assert len(adapter.scan_lines([f'ARM_CLIENT_SECRET="{value}"'], "x.env")) == 1


@pytest.mark.parametrize("value", ["AZURE_CLIENT_SECRET", "client-secret-name", "mySecretName"])
def test_a_secret_name_as_the_value_is_still_a_name(value):
    assert adapter.scan_lines([f'ARM_CLIENT_SECRET="{value}"'], "x.env") == []


TOKEN40 = _mix10(40)


@pytest.mark.parametrize("lines", [
    [f"acme secret key = {TOKEN40}"],  # pasted into a .py file
    ['HELP = """', f"openai api key = {TOKEN40}", '"""'],  # a docstring
    [f"x = 'the service api key: {TOKEN40}'"],  # a string
])
def test_a_name_with_blanks_in_python_text_is_read(lines):
    assert [h.secret for h in adapter.scan_lines(lines, "x.py")] == [TOKEN40]


@pytest.mark.parametrize("line", [
    f"f = lambda key={TOKEN40[:20]}: key",  # a keyword before the name: Python
    f"return key == {TOKEN40[:20]}",
    f"x = value if key else {TOKEN40[:20]}",
])
def test_python_names_after_a_keyword_stay_names(line):
    assert adapter.scan_lines([line], "x.py") == []


GH_SHORT = "github_pat_" + _mix10(40)


def test_a_github_pat_of_36_or_more_is_a_token_and_shorter_a_format_example():
    assert [h.type for h in adapter.scan_lines([f"GH_TOKEN={GH_SHORT}"], ".env")] == ["GitHub Access Token"]
    assert adapter.scan_lines([f"GH_TOKEN=github_pat_{_mix10(30)}"], ".env") == []


MASTER = _mix10(44) + "="


@pytest.mark.parametrize("line", [f"<master>{{{MASTER}}}</master>", f"  <master>{{{MASTER}\\}}</master>"])
def test_maven_master_password_is_found(line):
    assert [(h.type, h.secret) for h in adapter.scan_lines(["<settingsSecurity>", line, "</settingsSecurity>"], "x.yaml")] \
        == [("Maven Master Password", MASTER)]


@pytest.mark.parametrize("line", ["<master>{short}</master>", "<master>" + MASTER + "</master>", "<masterNode>{" + MASTER + "}</masterNode>"])
def test_maven_master_look_alikes_are_not_found(line):
    assert [h.type for h in adapter.scan_lines([line], "x.yaml") if h.type == "Maven Master Password"] == []


WF = f"T{_mix10(9)}/A{_mix10(10)}/{_R10.randrange(10**17, 10**18)}/{_mix10(24)}"
TRIG = f"T{_mix10(9)}/{_R10.randrange(10**12, 10**13)}/" + "".join(_R10.choice("0123456789abcdef") for _ in range(32))


@pytest.mark.parametrize("line, secret", [
    (f'requests.post("https://hooks.slack.com/workflows/{WF}", json=body)', WF),
    (f"SLACK_TRIGGER=https://hooks.slack.com/triggers/{TRIG}", TRIG),
])
def test_slack_workflow_and_trigger_urls_are_found(line, secret):
    assert [(h.type, h.secret) for h in adapter.scan_lines([line], "x.py")] == [("Slack Workflow Webhook URL", secret)]


@pytest.mark.parametrize("line", [
    "see https://hooks.slack.com/workflows/ for the docs",
    f"https://hooks.slack.com/triggers/{TRIG.rsplit('/', 1)[0]}",  # no secret part
    "https://hooks.slack.com/workflows/T00000000/A00000000/000000000000000000/xxxxxxxxxxxxxxxxxxxxxxxx",
])
def test_slack_workflow_look_alikes_are_not_found(line):
    assert adapter.scan_lines([line], "x.py") == []


@pytest.mark.parametrize("line", [
    'm = {"redis_password": "redis_url", "db_password": "db_host"}',
    "PASSWORD_SETTING = {'smtp_password': 'smtp_password_file'}",
])
def test_a_map_of_setting_names_is_not_a_password(line):
    assert adapter.scan_lines([line], "x.py") == []


@pytest.mark.parametrize("value", ["billing_user", "correct_horse_battery", "svc_" + _mix10(10)])
def test_snake_case_passwords_that_name_no_setting_are_still_passwords(value):
    assert len(adapter.scan_lines([f'db_password = "{value}"'], "x.py")) == 1


@pytest.mark.parametrize("value", ["_password_here", "api-key-here", "TOKEN.here"])
def test_a_value_that_says_here_is_a_placeholder(value):
    assert adapter.scan_lines([f"ACME_PASSWORD={value}"], ".env") == []
    assert adapter.scan_lines([f'acme_password = "{value}"'], "x.py") == []


@pytest.mark.parametrize("line", [
    '    """Validate that login and password exists in environment."""',
    "# login or password missing: ask again",
    "# the login and password are provided by the vault",
])
def test_prose_about_a_login_and_password_gives_none(line):
    assert adapter.scan_lines([line], "x.py") == []


def test_a_netrc_login_and_password_is_still_found():
    pw = _mix10(14)
    assert [h.secret for h in adapter.scan_lines([f"machine api.example.org login alice password {pw}"], ".netrc")] == [pw]


def test_the_standard_webhooks_documented_secret_is_an_example():
    documented = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    assert adapter.scan_lines([f'secret = WebhookSecret(key="{documented}")'], "x.py") == []
    assert adapter.scan_lines([f'webhook_secret = "whsec_{_mix10(32)}"'], "x.py") != []


def _mlw402(source: str):
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source
    from mlwarden.core.finding import Severity
    from mlwarden.core.registry import rule_by_id

    result = check_source(source, "sample.py", config=Config(severity=Severity.LOW), rules=[rule_by_id("MLW402")], full=True)
    return [f for f in result.findings if f.rule_id == "MLW402"]


@pytest.mark.parametrize("value", ["masterKey", "myApiToken", "defaultServiceKey2"])
def test_mlw402_a_camel_case_key_name_is_no_credential(value):
    assert _mlw402(f'import openai\nMASTER_KEY = "{value}"\nclient = openai.OpenAI(api_key=MASTER_KEY)\n') == []
    assert _mlw402(f'import openai\nclient = openai.OpenAI(api_key="{value}")\n') == []


@pytest.mark.parametrize("value", ["QkxZrtPLmwQa", "masterKeyQkxZ"])
def test_mlw402_a_random_camel_case_value_is_still_a_credential(value):
    assert len(_mlw402(f'import openai\nclient = openai.OpenAI(api_key="{value}")\n')) == 1


@pytest.mark.parametrize("name", ["settings-security.xml", "settings.xml"])
def test_maven_credential_files_are_read_by_name(tmp_path, name):
    from mlwarden.commands.check import check_paths
    from mlwarden.core.config import Config

    (tmp_path / name).write_text(f"<settingsSecurity>\n  <master>{{{MASTER}}}</master>\n</settingsSecurity>\n")
    (tmp_path / "other.xml").write_text(f"<x>\n  <master>{{{MASTER}}}</master>\n</x>\n")  # any other XML: not read
    results, _ = check_paths([str(tmp_path)], Config())
    found = [(r.path, f.rule_id) for r in results for f in r.findings]
    assert found == [(str(tmp_path / name), "MLW401")]


@pytest.mark.parametrize("value", ["_password_here", "db-password-here"])
def test_mlw403_a_here_placeholder_in_an_env_example_is_not_reported(tmp_path, value):
    from mlwarden.commands.check import check_paths
    from mlwarden.core.config import Config
    from mlwarden.core.finding import Severity

    (tmp_path / ".env.example").write_text(f"KINETICA_PASSWD = {value}\nOTHER_PASSWORD={_mix10(16)}\n")
    results, _ = check_paths([str(tmp_path / ".env.example")], Config(severity=Severity.LOW))
    assert [f.line for r in results for f in r.findings] == [2]


@pytest.mark.parametrize(
    "line",
    [
        # a translation table: an English sentence naming a credential word, its translation as the value
        '    "Commercial use of the model requires a separate authorization.": "模型文件和代码可能采用不同的许可协议；用于商业用途时需要获得模型的正式授权。",',
        '    "License and authorization": "モデルファイルとコードには異なるライセンスが適用される場合があり、商用利用には正式な許可が必要です。",',
        # no punctuation at all: still no letter or digit a token is made of
        '    "auth_token_help": "模型文件和代码可能采用不同的许可协议用于商业用途时需要获得模型的正式授权",',
        "    'secret_hint': 'モデルとコードのライセンスは異なる場合があります商用利用には許可が必要です',",
    ],
)
def test_text_in_another_script_is_no_token(line):
    assert adapter.scan_lines(["LABELS = {", line, "}"], "i18n.py") == []


@pytest.mark.parametrize(
    "line, value",
    [
        (f'    "api_key": "{V}",', V),  # an ASCII token in the same kind of table stays
        ('db_password = "пароль2024"', "пароль2024"),  # a password may use any script
    ],
)
def test_tokens_and_non_ascii_passwords_stay(line, value):
    hits = adapter.scan_lines(["CONFIG = {", line, "}"], "settings.py")
    assert [h.secret for h in hits] == [value]


# -- round 11: the shapes held-out set 10 and fresh10s left (own samples) --

_R11 = random.Random(1111)


def _b64(n: int) -> str:
    return "".join(_R11.choice(string.ascii_letters + string.digits + "+/") for _ in range(n))


#: an STS session token: its header and random base64 (split below over literals)
STS = "FwoGZXIvYXdzE" + _b64(30) + "//////////" + _b64(200)


@pytest.mark.parametrize("lines", [
    # implicit concatenation inside parentheses
    ["creds = dict(", f'    token=("{STS[:70]}"', f'           "{STS[70:140]}"', f'           "{STS[140:]}"),', ")"],
    # `+` at the line end
    [f'SESSION = "{STS[:60]}" + \\', f'    "{STS[60:130]}" +', f'    "{STS[130:]}"'],
    # Java / JavaScript style
    [f'String session = "{STS[:50]}" +', f'    "{STS[50:]}";'],
])
def test_an_sts_session_token_split_over_string_literals_is_found(lines):
    hits = adapter.scan_lines(lines, "creds.py")
    assert [h.type for h in hits] == ["AWS Session Token"]
    assert STS.startswith(hits[0].secret)


@pytest.mark.parametrize("line", [
    'HEADER = "FwoGZXIvYXdzE"',  # the header alone: a format constant
    f'prefix = "FwoGZXIvYXdzE{_b64(10)}"',  # too short to be a token's part
    f'x = "FwoGZXIvYXdzE{_b64(40)}" in text',  # no continuation after the literal
])
def test_a_session_token_header_without_a_token_is_not_reported(line):
    assert adapter.scan_lines([line], "x.py") == []


def test_a_slack_workflow_url_without_the_numeric_id_is_found():
    secret = _mix10(24)
    url = f"https://hooks.slack.com/workflows/T0{_mix10(9).upper()}/A0{_mix10(9).upper()}/{secret}"
    hits = adapter.scan_lines([f'WEBHOOK = "{url}"'], "x.py")
    assert [h.type for h in hits] == ["Slack Workflow Webhook URL"]
    assert hits[0].secret.endswith(secret)
    # a short last part is a path, not the secret
    assert adapter.scan_lines([f'U = "https://hooks.slack.com/workflows/T0ABCDEFG/A0ABCDEFG/{_mix10(10)}"'], "x.py") == []


KEY_ID = "AKIA" + "".join(_R11.choice(string.ascii_uppercase + "234567") for _ in range(16))


@pytest.mark.parametrize("url", [
    f"https://bucket.s3.amazonaws.com/model.bin?AWSAccessKeyId={KEY_ID}&Expires=1700000000&Signature={_b64(28)}",
    f"https://b.s3.eu-west-1.amazonaws.com/w.pt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={KEY_ID}%2F20240101%2Feu-west-1"
    f"%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-Signature={rand(64, '0123456789abcdef')}",
])
def test_a_presigned_url_key_id_is_an_identifier(url):
    hits = adapter.scan_lines([f'URL = "{url}"'], "x.py")
    assert [(h.type, h.identifier) for h in hits] == [("AWS Access Key", True)]


def test_a_presigned_url_key_id_beside_its_secret_key_stays_a_credential():
    lines = [f'AWS_SECRET_ACCESS_KEY = "{_b64(40)}"', f'URL = "https://b.s3.amazonaws.com/x?AWSAccessKeyId={KEY_ID}&Expires=1&Signature=s"']
    hits = adapter.scan_lines(lines, "x.py")
    assert ("AWS Access Key", False) in [(h.type, h.identifier) for h in hits]
    # and a key id anywhere else is the credential it was
    assert [(h.type, h.identifier) for h in adapter.scan_lines([f'aws_access_key_id = "{KEY_ID}"'], "x.py")] == [("AWS Access Key", False)]


def test_a_string_type_annotation_is_not_the_value():
    assert adapter.scan_lines(['_SESSION_KEY: "pytest.StashKey[pytest.Session]" = pytest.StashKey()'], "conftest.py") == []
    assert adapter.scan_lines(['API_TOKEN: "Optional[str]" = None'], "x.py") == []
    token = _mix10(28)
    # the literal after `=` is the value; in a dict `"key": "value"` stays one
    assert [h.secret for h in adapter.scan_lines([f'API_TOKEN: "Optional[str]" = "{token}"'], "x.py")] == [token]
    assert [h.secret for h in adapter.scan_lines([f'CFG = {{"api_token": "{token}"}}'], "x.py")] == [token]


def test_a_url_encoded_bearer_scheme_is_read_as_a_blank():
    assert adapter.scan_lines(['headers = "authorization=Bearer%20environment"'], "test_x.py") == []
    token = _mix10(30)
    assert [h.secret for h in adapter.scan_lines([f'headers = "authorization=Bearer%20{token}"'], "x.py")] == [token]


def test_a_hex_token_with_five_of_a_kind_is_a_hand_edited_sample():
    body = rand(12, "0123456789abcdef") + "ccccc" + rand(15, "0123456789abcdef")
    assert adapter.scan_lines([f'DATABRICKS_TOKEN = "dapi{body}"'], "x.py") == []
    real = "".join(_R11.choice("0123456789abcdef") for _ in range(32))
    while any(c * 5 in real for c in "0123456789abcdef"):
        real = "".join(_R11.choice("0123456789abcdef") for _ in range(32))
    assert [h.type for h in adapter.scan_lines([f'DATABRICKS_TOKEN = "dapi{real}"'], "x.py")] == ["Databricks Token"]
