"""Own labelled samples for ``benchmarks/secrets.py eval``.

Every token is generated at run time from a random source (``own(rng)``), in
the shapes the providers document, and placed in the assignments, calls and
config files ML code uses. Look-alikes cover each noise class the secrets
filter handles. Nothing token-shaped is committed."""

from __future__ import annotations

import base64
import random
import string
from typing import Callable, List

ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
AWS32 = string.ascii_uppercase + "234567"


def own(rng: random.Random) -> List[dict]:
    def r(n: int, alphabet: str = ALNUM) -> str:
        while True:
            value = "".join(rng.choice(alphabet) for _ in range(n))
            if sum(c.isdigit() for c in value) >= 2 or not any(c.isdigit() for c in alphabet):
                return value

    out: List[dict] = []

    def tp(cls: str, *texts: str) -> None:
        out.extend({"class": cls, "text": t, "secret": True, "source": "own", "rule": cls} for t in texts)

    def fp(cls: str, *texts: str) -> None:
        out.extend({"class": cls, "text": t, "secret": False, "source": "own", "rule": cls} for t in texts)

    def each(make: Callable[[], str], *templates: str) -> List[str]:
        return [t.format(s=make()) for t in templates]

    # -- GitHub --------------------------------------------------------------
    for prefix in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"):
        tp("github", *each(lambda p=prefix: p + r(36), 'github_token = "{s}"', "GITHUB_TOKEN={s}", "gh = Github({s!r})",
                           "!git clone https://oauth2:{s}@github.com/org/repo.git", '    token: "{s}"'))
    tp("github", *each(lambda: "github_pat_" + r(22) + "_" + r(59), 'GH_PAT = "{s}"', "github_token: {s}", 'auth = Auth.Token("{s}")'))
    tp("github", *each(lambda: "ghp_" + r(36, LOWER), 'token = "{s}"'))
    fp("github", 'GITHUB_TOKEN = "ghp_' + "x" * 36 + '"', "token: ghp_" + "X" * 36, "github_pat_" + "x" * 22 + "_" + "x" * 59,
       "gh_token = ghp_<your-token>", 'token = "ghp_' + string.ascii_letters[:36] + '"',
       "ghp_token_path = '/run/secrets/gh'", "def ghp_reader_helper(): pass", "GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}",
       'os.environ["GITHUB_TOKEN"] = os.environ.get("GH_PAT", "")', "ghs_validation_dataset_loader_split_v2 = 3")

    # -- Azure AD / Entra client secrets --------------------------------------
    def azure() -> str:
        return r(3, ALNUM + "_~.") + rng.choice(string.digits) + "Q~" + r(34, ALNUM + "_~.-")

    tp("azure-ad", *each(azure, "AZURE_CLIENT_SECRET={s}", 'client_secret = "{s}"',
                         'cred = ClientSecretCredential(tenant_id, client_id, "{s}")', "  client-secret: '{s}'",
                         '{{"clientSecret": "{s}"}}', "secret = {s}"))
    fp("azure-ad", "client_secret=abc8Q~" + "x" * 34, "~" * 40, "see the docs: https://example.org/a~b~c~d~e~f~g~h~i~j~k~l~m~n~o",
       "AZURE_CLIENT_SECRET=<your-client-secret>", 'client_secret = os.environ["AZURE_CLIENT_SECRET"]')

    # -- AWS -----------------------------------------------------------------
    akia = lambda: rng.choice(["AKIA", "ASIA"]) + r(16, AWS32)  # noqa: E731
    sak = lambda: r(40, B64)  # noqa: E731
    tp("aws", *each(akia, 'AWS_ACCESS_KEY_ID = "{s}"', "aws_access_key_id={s}", 's3 = boto3.client("s3", aws_access_key_id="{s}")'))
    tp("aws", *each(sak, 'boto3.client("s3", aws_secret_access_key="{s}")', 'session = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key="{s}")',
                    "aws_secret_access_key = {s}", 'AWS_SECRET_ACCESS_KEY="{s}"', "  SecretAccessKey: {s}",
                    'storage_options={{"key": key_id, "secret": "{s}"}}'))
    session_token = lambda: rng.choice(["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"]) + r(300, B64)  # noqa: E731
    tp("aws", *each(session_token, 'aws_session_token="{s}"', "AWS_SESSION_TOKEN={s}", 'boto3.Session(aws_session_token="{s}")'))
    tp("aws-bedrock", *each(lambda: "ABSKQmVkcm9ja0FQSUtleS" + r(132, B64), "AWS_BEARER_TOKEN_BEDROCK={s}", 'os.environ["AWS_BEARER_TOKEN_BEDROCK"] = "{s}"'))
    tp("aws-bedrock", *each(lambda: "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t" + r(400, B64), "AWS_BEARER_TOKEN_BEDROCK={s}"))
    fp("aws", "aws_access_key_id = AKIA" + "IOSFODNN7" + "EXAMPLE", "AKIA" + "X" * 16, 'aws_secret_access_key = "' + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY" + '"',
       "AWS_SECRET_ACCESS_KEY=<secret-access-key>", 'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]',
       'boto3.client("s3", aws_secret_access_key=secret)', "AWS_SESSION_TOKEN=", "TODAYINASIAWEATEFRIEDRICE",
       'key = "' + "ACGT" * 10 + '"')

    # -- generic keyword assignments ---------------------------------------------
    gen = lambda: r(rng.choice([24, 32, 40, 48]))  # noqa: E731
    tp("generic", *each(gen, 'api_key = "{s}"', 'API_KEY = "{s}"', 'secret = "{s}"', 'client_secret = "{s}"',
                        'MY_SERVICE_TOKEN = "{s}"', "ACME_API_KEY={s}", '{{"apiKey": "{s}"}}', "auth_token: {s}",
                        "    secret_key: '{s}'", 'config["access_token"] = "{s}"', 'SLACK_BOT_SECRET = "{s}"',
                        'client = Client(api_key="{s}")', 'requests.post(url, headers={{"Authorization": "Bearer {s}"}})',
                        'headers = {{"X-API-Key": "{s}"}}', 'db_password = "{s}"', "PASSWORD={s}",
                        'conn = connect(host="db", user="ml", password="{s}")', "llm = ChatModel(token='{s}')"))
    tp("generic", *each(lambda: r(32, HEX), 'api_key = "{s}"', "SERVICE_API_KEY={s}"))
    fp("generic", 'api_key = "<your-api-key>"', 'API_KEY = "YOUR_API_KEY_HERE"', 'secret = "************************"',
       'token = "FAKE_TOKEN_FOR_UNIT_TESTS_12345"', 'api_key = "test-api-key-1234567890"', 'api_key = "sk-xxxxxxxxxxxxxxxxxxxxxxxx"',
       'api_key = "OPENAI_API_KEY"', 'secret_name = "prod/ml/db-password"', 'token_env = "HF_TOKEN"', 'SECRET_KEY = "DJANGO_SECRET_KEY"',
       'api_key = "my-api-key"', 'key_name = "prod5-cmk"', 'secret = "bucket42"', 'token = "run-2024"', 'api_key = "model7"',
       'monkey = "a8f7d6e5c4b3a2910"', 'tokenizer_name = "bert-base-multilingual-cased"', 'turkey = "Xk29sLp0qWe8rTy6"',
       'author = "Jane Doe <jane@example.org>"', "max_tokens = 4096", 'pad_token = "<|endoftext|>"', "eos_token_id = 50256",
       'secret = "ThisIsTheDefaultConfigurationValue"', 'api_key = "ACGTACGTTAGCATCGATCGATCGTAGCTAGCTAGC"',
       'token = "0101001110101011100101010111"', 'api_key = "abcdefghijklmnopqrstuvwxyz012345"',
       'revision = "' + r(40, HEX) + '"', 'sha256 = "' + r(64, HEX) + '"', 'commit_hash = "' + r(40, HEX) + '"',
       'client_id = "' + _uuid(rng) + '"', '"kms_key_id": "' + _uuid(rng) + '"', "tokenizer = AutoTokenizer.from_pretrained(name)",
       "token = None", "use_auth_token = True", 'api_key = os.getenv("ACME_API_KEY")', "password = getpass()",
       "password = config.password", 'public_key = "' + r(44) + '"', 'primaryKey = "' + r(30) + '"',
       'csrf_token = "' + r(40) + '"', 'api_version = "2024-02-15-preview"', 'token_url = "https://login.example.org/oauth2/token"',
       'secret_length = 32', 'keyStr = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"',
       'password_hash = "$2b$12$' + r(53, ALNUM + "./") + '"', 'token_type = "Bearer"', 'API_KEY = ""',
       'api_key = "${ACME_API_KEY}"', "api_key = '{{ secrets.acme_key }}'", 'secret = "%(secret)s"',
       'tokens = tokenizer("' + "The quick brown fox jumps over the lazy dog" + '")', 'auth = "Basic realm"',
       "password_field = PasswordInput(label='Password')", 'SECRET_NAME = "' + "acme-prod-api-key" + '"')

    # -- Clojars and Private AI ------------------------------------------------------
    tp("clojars", *each(lambda: "CLOJARS_" + r(60, LOWER), "CLOJARS_TOKEN={s}", 'deploy_token = "{s}"', ":password \"{s}\""))
    fp("clojars", "CLOJARS_" + "x" * 60, "CLOJARS_USERNAME=someone", "clojars_url = 'https://repo.clojars.org/'")
    tp("privateai", *each(lambda: r(32, LOWER), 'PRIVATE_AI_API_KEY = "{s}"', "privateai_api_key: {s}",
                          'client = PAIClient(url="https://api.private-ai.com/community/", api_key="{s}")'))
    fp("privateai", 'PRIVATE_AI_API_KEY = "' + "a" * 32 + '"', "private_ai_url = 'https://api.private-ai.com/'")

    # -- ML providers -----------------------------------------------------------
    providers = {
        "huggingface": (lambda: "hf_" + r(34, string.ascii_letters), ['login(token="{s}")', "HF_TOKEN={s}", 'hf_hub_download(repo, f, token="{s}")']),
        "openai": (lambda: "sk-proj-" + r(74, ALNUM + "_-") + "T3BlbkFJ" + r(74, ALNUM + "_-"), ['client = OpenAI(api_key="{s}")', "OPENAI_API_KEY={s}"]),
        "anthropic": (lambda: "sk-ant-api03-" + r(93, ALNUM + "_-") + "AA", ['client = anthropic.Anthropic(api_key="{s}")', "ANTHROPIC_API_KEY={s}"]),
        "cohere": (lambda: r(40), ['co = cohere.ClientV2("{s}")', "CO_API_KEY={s}"]),
        "wandb": (lambda: r(40, HEX), ['wandb.login(key="{s}")', "WANDB_API_KEY={s}"]),
        "replicate": (lambda: "r8_" + r(37), ["REPLICATE_API_TOKEN={s}"]),
        "groq": (lambda: "gsk_" + r(52), ['client = Groq(api_key="{s}")']),
        "langsmith": (lambda: "lsv2_pt_" + r(32, HEX) + "_" + r(10, HEX), ["LANGSMITH_API_KEY={s}"]),
        "pinecone": (lambda: "pcsk_" + r(6) + "_" + r(63), ['pc = Pinecone(api_key="{s}")']),
        "databricks": (lambda: "dapi" + r(32, HEX), ["DATABRICKS_TOKEN={s}"]),
        "google": (lambda: "AIza" + r(35, ALNUM + "_-"), ['genai.configure(api_key="{s}")', "GOOGLE_API_KEY={s}"]),
        "xai": (lambda: "xai-" + r(80), ["XAI_API_KEY={s}"]),
        "openrouter": (lambda: "sk-or-v1-" + r(64, HEX), ['OpenAI(base_url=u, api_key="{s}")']),
        "nvidia": (lambda: "nvapi-" + r(64, ALNUM + "_-"), ["NVIDIA_API_KEY={s}"]),
        "perplexity": (lambda: "pplx-" + r(48), ["PPLX_API_KEY={s}"]),
    }
    for cls, (make, templates) in providers.items():
        tp(cls, *each(make, *templates))
    fp("huggingface", 'login(token="hf_' + "x" * 34 + '")', "hf_" + string.ascii_lowercase + "abcdefgh", "HF_TOKEN=hf_<your-token>",
       "hf_HubDownloadConfigurationResolverCls = None", 'repo_id = "hf_internal_testing_tiny_random_model"')
    fp("openai", 'OPENAI_API_KEY="sk-..."', 'api_key = "sk-your-key-here"', "sk-" + "proj-" + "FAKE" + "x" * 60)
    fp("wandb", 'wandb.init(project="p", id="' + r(8, LOWER) + '")', 'wandb_run_sha = "' + "0" * 40 + '"')

    # -- blobs: images pasted into code and base64 runs ----------------------------
    def blob(n: int) -> str:
        raw = bytes(rng.randrange(256) for _ in range(n))
        text = base64.b64encode(raw).decode()
        cut = rng.randrange(100, len(text) - 100)
        return text[:cut] + "AKIA" + r(16, AWS32) + text[cut:]  # an access-key shape inside the blob

    fp("blob", 'img = "data:image/png;base64,' + blob(6000) + '"', "PNG = '" + blob(3000) + "'",
       '<img src="data:image/jpeg;base64,' + blob(4000) + '"/>', "    b'" + blob(2500) + "'")
    return out


def _uuid(rng: random.Random) -> str:
    h = "".join(rng.choice(HEX) for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
