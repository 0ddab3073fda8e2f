"""Secrets: ML-provider detectors (true/false-positive tables), the
detect-secrets adapter, MLW4xx/MLW51x on code, text files and notebooks,
redaction in every output, and the detectors inside detect-secrets itself.

Token-shaped strings are assembled at run time (``tok(...)``) so none sits in
the repository as a literal; the committed fixtures hold synthetic,
random-looking tokens (``fixtures/secrets/make_fixtures.py``) listed in
.secrets.baseline (an obvious ``FAKE`` marker would be filtered as a
placeholder)."""

from __future__ import annotations

import base64
import json
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, run_tool
from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.registry import all_rules
from mlwarden.secrets import adapter
from mlwarden.secrets.patterns import PROVIDER_PATTERNS, is_placeholder
from mlwarden.testing import expected_markers

ALL = Config(select=[r.id for r in all_rules()])
MINE = ("MLW4", "MLW51")
RNG = random.Random(20240601)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def tok(*parts: str) -> str:
    return "".join(parts)


# secret_type -> (line with a true positive, the secret) built at run time
def true_positives():
    hf = tok("hf", "_", rand(34))
    org = tok("api", "_org_", rand(34))
    proj = tok("sk", "-proj-", rand(64, ALNUM + "_-"), "T3BlbkFJ", rand(64))
    svc = tok("sk", "-svcacct-", rand(58, ALNUM + "_-"), "T3BlbkFJ", rand(58))
    admin = tok("sk", "-admin-", rand(58), "T3BlbkFJ", rand(58))
    legacy = tok("sk", "-", rand(20), "T3BlbkFJ", rand(20))
    legacy48 = tok("sk", "-", rand(48))
    ant = tok("sk", "-ant-api03-", rand(93, ALNUM + "_-"), "AA")
    ant_admin = tok("sk", "-ant-admin01-", rand(93), "AA")
    cohere = rand(40)
    wandb = rand(40, HEX)
    wandb_v1 = tok("wandb", "_v1_", rand(77, ALNUM + "_"))
    r8 = tok("r8", "_", rand(37))
    gsk = tok("gsk", "_", rand(52))
    lsv2 = tok("lsv2", "_pt_", rand(32, HEX), "_", rand(10, HEX))
    lsv2sk = tok("lsv2", "_sk_", rand(32, HEX), "_", rand(10, HEX))
    pcsk = tok("pcsk", "_", rand(6), "_", rand(63))
    pinecone_uuid = "-".join(rand(n, HEX) for n in (8, 4, 4, 4, 12))
    dapi = tok("dapi", rand(32, HEX))
    aiza = tok("AI", "za", rand(35, ALNUM + "_-"))
    gocspx = tok("GOC", "SPX-", rand(28, ALNUM + "_-"))
    ya29 = tok("ya", "29.", rand(150, ALNUM + "_-"))
    mws = tok("amzn", ".mws.", "-".join(rand(n, HEX) for n in (8, 4, 4, 4, 12)))
    mailgun = tok("key", "-", rand(32, HEX))
    mailgun_new = "-".join(rand(n, HEX) for n in (32, 8, 8))
    braintree = tok("access_token", "$production$", rand(16, HEX + "ghijkmnpqrstuvwxyz"), "$", rand(32, HEX))
    langfuse = tok("sk", "-lf-", "-".join(rand(n, HEX) for n in (8, 4, 4, 4, 12)))
    supabase = tok("sbp", "_", rand(40, HEX + "ghijkmnpqrstuvwxyz"))
    sourcegraph = tok("sgp", "_local_", rand(40, HEX))
    dropbox = tok(rand(11, ALNUM), "AAAAA" "AAAAA", rand(43, ALNUM + "_-"))
    glsa = tok("glsa", "_", rand(32), "_", rand(8, HEX))
    glc = tok("glc", "_eyJ", rand(120, ALNUM + "+/"), "==")
    grafana_key = tok("eyJrI", "joi", rand(90, ALNUM + "+/"), "=")
    uuids = ["-".join(rand(n, HEX) for n in (8, 4, 4, 4, 12)) for _ in range(3)]
    teams = f"{uuids[0]}@{uuids[1]}/IncomingWebhook/{rand(32, HEX)}/{uuids[2]}"
    teams_sig = rand(43, ALNUM + "_-")
    runner = tok("GR134", "8941", rand(20, ALNUM + "_-"))
    session_old = tok("FQoGZXIv", "YXdzE", rand(250, ALNUM + "+/"))
    session_older = tok("FQoD", "YXdzE", rand(250, ALNUM + "+/"))
    xai = tok("xai", "-", rand(80))
    orr = tok("sk", "-or-v1-", rand(64, HEX))
    nv = tok("nvapi", "-", rand(64, ALNUM + "_-"))
    pplx = tok("pplx", "-", rand(48))
    kaggle = rand(32, HEX)
    absk = tok("ABSK", "QmVkcm9ja0FQSUtleS", rand(100, ALNUM + "+/"))
    bedrock = tok("bedrock", "-api-key-", "YmVkcm9jay5hbWF6b25hd3MuY29t", rand(400, ALNUM + "+/"), "=")
    sak = rand(40, ALNUM + "+/")
    session = tok("IQoJb3JpZ2lu", "X2Vj", rand(300, ALNUM + "+/"))
    sts_runs = tok("IQoJb3JpZ2lu", "X2Vj", "EJr", "/" * 10, "wEaCXVz", rand(380, ALNUM + "+/"))
    ghp = tok("gh", "p_", rand(36))
    ghs = tok("gh", "s_", rand(36, string.ascii_lowercase + string.digits))
    fine = tok("github", "_pat_", rand(22), "_", rand(59))
    glpat = tok("gl", "pat-", rand(20, ALNUM + "_-"))
    azure = tok(rand(3), "8Q", "~", rand(34, ALNUM + "_~.-"))
    clojars = tok("CLOJARS", "_", rand(60, string.ascii_lowercase + string.digits))
    private_ai = rand(32, string.ascii_lowercase + string.digits)
    fine_short = tok("github", "_pat_", rand(36))
    workflow = tok("hooks.slack", ".com/workflows/T", rand(9), "/A", rand(10), "/", rand(18, string.digits), "/", rand(24))
    workflow_secret = workflow.split("workflows/", 1)[1]
    trigger = tok("hooks.slack", ".com/triggers/T", rand(9), "/", rand(13, string.digits), "/", rand(32, "0123456789abcdef"))
    trigger_secret = trigger.split("triggers/", 1)[1]
    master = rand(64, ALNUM + "+/")
    xapp = tok("xa", "pp-1-A", rand(10, string.ascii_uppercase + string.digits), "-", rand(13, string.digits), "-", rand(64, HEX))
    xoxe = tok("xo", "xe.xoxp-1-", rand(150))
    xoxe_bare = tok("xo", "xe-1-", rand(140))
    eaaa = tok("EA", "AA", rand(60, ALNUM + "_-"))
    sq0atp = tok("sq0", "atp-", rand(22, ALNUM + "_-"))
    stripe_new = tok("sk", "_live_", "51", rand(97))
    stripe_rk = tok("rk", "_live_", rand(32))
    stripe_test = tok("sk", "_test_", rand(24))
    stripe_rk_test = tok("rk", "_test_", rand(99))
    tg34 = tok(str(RNG.randint(10 ** 8, 10 ** 9 - 1)), ":AA", rand(32, ALNUM + "_-"))
    npm = tok("np", "m_", rand(36))
    # a 2048-bit key's size: its base64 is over 2,000 characters (longer runs are blanked as blobs)
    pem = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIE" + rand(1620, ALNUM + "+/") + "\n-----END RSA PRIVATE KEY-----\n"
    pem_b64 = base64.b64encode(pem.encode()).decode()
    ssh_b64 = base64.b64encode(pem.replace("RSA ", "OPENSSH ").encode()).decode()
    hook = tok(str(RNG.randint(10 ** 17, 10 ** 18 - 1)), "/", rand(68, ALNUM + "_-"))
    boot = tok(rand(6, string.ascii_lowercase + string.digits), ".", rand(16, string.ascii_lowercase + string.digits))
    boot_secret = rand(16, string.ascii_lowercase + string.digits)
    twilio = rand(32, HEX)
    twilio_mixed = rand(32, HEX + "ABCDEF")
    ado = tok(rand(52), "JQ", "QJ99", rand(18), "AZ", "DO", rand(4))
    acog = tok(rand(52), "JQ", "QJ99", rand(18), "AC", "OG", rand(4))
    pypi_other = tok("pypi-", "AgEN", rand(8), "ZXguY29t", rand(110, ALNUM + "-_"))
    return [
        ("Hugging Face Token", f'login(token="{hf}")', hf),
        ("Kubernetes Bootstrap Token", f"!kubeadm join 10.0.0.1:6443 --token {boot} --discovery-token-unsafe-skip-ca-verification", boot),
        ("Kubernetes Bootstrap Token", f'  - token: "{boot}"', boot),
        # a bootstrap token Secret's `stringData` holds the secret half alone
        ("Kubernetes Bootstrap Token", f"  token-secret: {boot_secret}", boot_secret),
        ("Kubernetes Bootstrap Token", f'BOOTSTRAP_TOKEN_SECRET="{boot_secret}"', boot_secret),
        ("Twilio Auth Token", f'TWILIO_AUTH_TOKEN = "{twilio}"', twilio),
        ("Twilio Auth Token", f"Twilio_key={twilio_mixed}", twilio_mixed),
        ("Twilio Auth Token", f'client = Client(sid, twilio_secret="{twilio}")', twilio),
        ("Discord Webhook URL", f'WEBHOOK_URL = "https://discord.com/api/webhooks/{hook}"', hook),
        ("Discord Webhook URL", f"requests.post('https://discordapp.com/api/webhooks/{hook}', json=m)", hook),
        ("Azure Annotated Security Key", f"azure devops pat = {ado}", ado),
        ("Azure Annotated Security Key", f'client = AzureOpenAI(api_key="{acog}")', acog),
        ("Hugging Face Token", f"HF_TOKEN={hf}", hf),
        ("Hugging Face Organization Token", f"token = '{org}'", org),
        ("OpenAI API Key", f'client = OpenAI(api_key="{proj}")', proj),
        ("OpenAI API Key", f"OPENAI_API_KEY={svc}", svc),
        ("OpenAI API Key", f"key: {admin}", admin),
        ("OpenAI API Key", f'openai.api_key = "{legacy}"', legacy),
        ("Generic API Key", f"{{'k': '{legacy48}'}}", legacy48),
        ("Anthropic API Key", f'Anthropic(api_key="{ant}")', ant),
        ("Anthropic API Key", f"ANTHROPIC_ADMIN_KEY={ant_admin}", ant_admin),
        ("Cohere API Key", f'co = cohere.Client("{cohere}")', cohere),
        ("Cohere API Key", f"CO_API_KEY={cohere}", cohere),
        ("Weights & Biases API Key", f'wandb.login(key="{wandb}")', wandb),
        ("Weights & Biases API Key", f"WANDB_API_KEY={wandb}", wandb),
        ("Weights & Biases API Key", f"WANDB_API_KEY={wandb_v1}", wandb_v1),
        ("Replicate API Token", f"REPLICATE_API_TOKEN={r8}", r8),
        ("Groq API Key", f'Groq(api_key="{gsk}")', gsk),
        ("LangSmith API Key", f"LANGCHAIN_API_KEY={lsv2}", lsv2),
        ("LangSmith API Key", f'"{lsv2sk}"', lsv2sk),
        ("Pinecone API Key", f'Pinecone(api_key="{pcsk}")', pcsk),
        ("Pinecone API Key", f"PINECONE_API_KEY={pinecone_uuid}", pinecone_uuid),
        ("Databricks Token", f"DATABRICKS_TOKEN={dapi}", dapi),
        ("Google API Key", f'genai.configure(api_key="{aiza}")', aiza),
        ("Google API Key", f"https://maps.example.test/api?key={aiza}&q=x", aiza),
        ("Google OAuth Client Secret", f'flow = Flow.from_client_config({{"web": {{"client_secret": "{gocspx}"}}}})', gocspx),
        ("Google OAuth Client Secret", f"GOOGLE_CLIENT_SECRET={gocspx}", gocspx),
        ("Google OAuth Access Token", f'headers = {{"Authorization": "Bearer {ya29}"}}', ya29),
        ("Google OAuth Access Token", f"creds = Credentials(token='{ya29}')", ya29),
        ("GitLab Access Token", f"gitlab-runner register --registration-token {runner}", runner),
        ("AWS Session Token", f'sts = (key_id, secret, "{session_old}")', session_old),
        ("AWS Session Token", f's = boto3.Session(aws_session_token="{session_older}")', session_older),
        ("xAI API Key", f"XAI_API_KEY={xai}", xai),
        ("OpenRouter API Key", f'base_url=u, api_key="{orr}"', orr),
        ("NVIDIA API Key", f"NVIDIA_API_KEY={nv}", nv),
        ("Perplexity API Key", f"PPLX_API_KEY={pplx}", pplx),
        ("Kaggle API Key", f"KAGGLE_KEY={kaggle}", kaggle),
        ("Kaggle API Key", f'{{"username":"someone","key":"{kaggle}"}}', kaggle),
        ("AWS Bedrock API Key", f"AWS_BEARER_TOKEN_BEDROCK={absk}", absk),
        ("AWS Bedrock API Key", f"AWS_BEARER_TOKEN_BEDROCK={bedrock}", bedrock),
        ("AWS Secret Access Key", f's3 = boto3.client("s3", aws_secret_access_key="{sak}")', sak),
        ("AWS Secret Access Key", f"aws_secret_access_key = {sak}", sak),
        ("AWS Session Token", f'boto3.Session(aws_session_token="{session}")', session),
        # every real STS token holds a run of `/` (0xFF bytes): binary data, not a placeholder
        ("AWS Session Token", f"export AWS_SESSION_TOKEN={sts_runs}", sts_runs),
        # JSON escaped inside a string literal, once or twice
        ("AWS Secret Access Key", 'String body = "{\\"awsSecretKey\\":\\"' + sak + '\\"}";', sak),
        ("AWS Secret Access Key", 'x = "\\\\"aws_secret_access_key\\\\":\\\\"' + sak + '\\\\""', sak),
        ("GitHub Access Token", f'github_token = "{ghp}"', ghp),
        ("GitHub Access Token", f"GITHUB_TOKEN={ghs}", ghs),
        ("GitHub Access Token", f"auth = Auth.Token({fine!r})", fine),
        ("GitLab Access Token", f"CI_TOKEN={glpat}", glpat),
        ("Azure AD Client Secret", f"AZURE_CLIENT_SECRET={azure}", azure),
        ("Azure AD Client Secret", f'cred = ClientSecretCredential(tenant, client, "{azure}")', azure),
        ("Clojars API Token", f'deploy_token = "{clojars}"', clojars),
        ("Private AI API Key", f'PRIVATE_AI_API_KEY = "{private_ai}"', private_ai),
        ("Slack App Token", f"SLACK_APP_TOKEN={xapp}", xapp),
        ("GitHub Access Token", f"token: {fine_short}", fine_short),
        ("Slack Workflow Webhook URL", f'requests.post("https://{workflow}", json=payload)', workflow_secret),
        ("Slack Workflow Webhook URL", f"SLACK_TRIGGER_URL=https://{trigger}", trigger_secret),
        ("Maven Master Password", f"  <master>{{{master}}}</master>", master),
        ("Slack Refresh Token", f'client = WebClient(token="{xoxe}")', xoxe),
        ("Slack Refresh Token", f"refresh_token: {xoxe_bare}", xoxe_bare),
        ("Square Access Token", f"SQUARE_ACCESS_TOKEN={eaaa}", eaaa),
        ("Square Access Token", f'client = Client(access_token="{eaaa}")', eaaa),
        ("Square Access Token", f"square.token = '{sq0atp}'", sq0atp),
        ("Stripe Secret Key", f'stripe.api_key = "{stripe_new}"', stripe_new),
        ("Stripe Secret Key", f"STRIPE_KEY={stripe_rk}", stripe_rk),
        ("Stripe Test Key", f'stripe.api_key = "{stripe_test}"', stripe_test),
        ("Stripe Test Key", f"key: {stripe_rk_test}", stripe_rk_test),
        ("Telegram Bot API Token", f'bot = Bot("{tg34}")', tg34),
        ("Telegram Bot API Token", f"TELEGRAM_TOKEN={tg34}", tg34),
        ("npm Access Token", f'print("{npm}")', npm),
        ("npm Access Token", f"NPM_TOKEN={npm}", npm),
        # a macaroon of another package index (a private warehouse): `pypi-AgE` + base64url
        ("PyPI API Token", f"password = {pypi_other}", pypi_other),
        ("Base64-Encoded Private Key", f"PRIVATE_KEY_B64={pem_b64}", pem_b64),
        ("Base64-Encoded Private Key", f'  "sshKey": "{ssh_b64}",', ssh_b64),
        ("Amazon MWS Auth Token", f'MWS_AUTH_TOKEN = "{mws}"', mws),
        ("Mailgun API Key", f"MAILGUN_API_KEY={mailgun}", mailgun),
        ("Mailgun API Key", f'mailgun_key = "{mailgun_new}"', mailgun_new),
        ("Braintree Access Token", f'gateway = BraintreeGateway(access_token="{braintree}")', braintree),
        ("Langfuse Secret Key", f'Langfuse(public_key=pk, secret_key="{langfuse}")', langfuse),
        ("Supabase Access Token", f"SUPABASE_ACCESS_TOKEN={supabase}", supabase),
        ("Sourcegraph Access Token", f'SRC_ACCESS_TOKEN = "{sourcegraph}"', sourcegraph),
        ("Dropbox Access Token", f'dbx = dropbox.Dropbox("{dropbox}")', dropbox),
        ("Grafana Service Account Token", f"GRAFANA_SA_TOKEN={glsa}", glsa),
        ("Grafana Cloud Token", f'Authorization: "Bearer {glc}"', glc),
        ("Grafana API Key", f'grafana_api(key="{grafana_key}")', grafana_key),
        ("Microsoft Teams Webhook URL", f'hook = "https://contoso.webhook.office.com/webhookb2/{teams}"', teams),
        ("Microsoft Teams Webhook URL", f'url = "https://prod-3.westus.logic.azure.com:443/workflows/{rand(32, HEX)}/triggers/manual/paths/invoke'
                                        f'?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={teams_sig}"', teams_sig),
        # a PKCS #8 block in a JSON string: the key material follows on the same line
        ("Encrypted Private Key", '"key": "-----' + "BEGIN ENCRYPTED PRIVATE KEY-----\\n" + rand(64, ALNUM + "+/") + '\\n"',
         "BEGIN ENCRYPTED PRIVATE KEY"),
        # a PuTTY key file in a JSON string: its Private-Lines block follows on the same line
        ("PuTTY Private Key", '"ppk": "PuTTY-User-Key-File-2: ssh-rsa\\nEncryption: none\\nPrivate-Lines: 1\\n' + rand(64, ALNUM + "+/") + '\\n"',
         "PuTTY-User-Key-File-2"),
    ]


TP = true_positives()

# look-alikes: no provider detector may fire on these
FALSE_POSITIVES = [
    'login(token="hf_xxx")',
    'token = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
    'token = "<your hf token>"',
    "HF_TOKEN=${HF_TOKEN}",
    'tokenizer = AutoTokenizer.from_pretrained("hf_internal_testing_tiny_random_model_name")',
    "class hf_" + "A" * 2 + "Model: pass",
    'name = "sk-learn-' + "regression-pipeline-v2" + '"',
    "sk-" + "ant-api03-" + "short",
    'revision = "' + "4f3a9c2b1d0e8f7a6b5c4d3e2f1a0b9c8d7e6f5a" + '"',  # a pinned commit SHA
    "sha256 = '" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" + "'",
    "wandb.init(project='x', id='" + "0123456789abcdef0123456789abcdef01234567"[::-1][:8] + "')",
    "commit = '" + "0123456789abcdef0123456789abcdef01234567" + "'  # not near wandb",
    "my_hf_" + "tokenizer_" + "a" * 30,
    "AIza" + "short",
    "data = '" + "AIza" + "Qm9vdHN0cmFwIG1lIHBsZWFzZSB0aGFuazE" + "=='",  # inside base64 (padding follows)
    "GOCSPX-" + "tooShort",
    "GOCSPX-" + "x" * 28,
    "ya29." + "short",
    "ya29." + "x" * 40,
    "GR1348941" + "_" * 20,
    "r8_" + "tooShort",
    "dapi" + "nothex" * 6,
    "xai-" + "grok-2-latest",
    "pplx-" + "7b-online",
    "nvapi-" + "docs",
    '"key": "' + "0123456789abcdef0123456789abcdef" + '"',  # a 32-hex "key" outside kaggle context
    "os.environ['KAGGLE_KEY']",
    "gh" + "p_" + "x" * 36,  # placeholder after a valid prefix
    "gh" + "o_" + "abcdefghijklmnopqrstuvwxyz0123456789",  # sequential alphabet
    "github_pat_" + "x" * 22 + "_" + "x" * 59,
    "client_secret=ab" + "c8Q~" + "x" * 34,
    "~" * 40,
    "AKIA" + "X" * 16,
    "TODAYINASIA" + "ASACKOFRICEFELLOVER",  # an access-key shape inside a longer word
    "sk-ant-api03-" + "Qz8" * 31 + "BB",  # Anthropic keys end in AA
    "bedrock-api-key-" + "YmVkcm9jay5hbWF6b25hd3MuY29x",
    "CLOJARS_" + "x" * 60,
    "hf_" + "Hub" + "DownloadConfigurationResolverCls = None",  # capitalised prose after a prefix
    "pk_" + "live_" + "Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf",  # a publishable key: public by design
    "sk_" + "live_" + "short",
    "xsk_" + "live_" + "Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf",  # inside a longer word
    "sk_" + "test_" + "X" * 24,  # one letter repeated after the prefix
    "xapp-1-A" + "BCDEFGHIJ" + "-1234567890123-" + "0" * 64,
    "xoxe-1-" + "x" * 140,
    "EAAA" + "short",
    "sq0atp-" + "x" * 22,
    "1234567890:AA" + "x" * 32,
    "npm_" + "x" * 36,
    "npm_install_" + "packages_from_the_lockfile_quickly",
    "x" * 52 + "JQQJ" + "x" * 20 + "AZDO" + "xxxx",  # the signature around a placeholder
    "https://discord.com/api/webhooks/" + "123456789012345678/" + "abcdefghijklmnopqrstuvwxyz" * 2 + "ABCDEFGHIJKLMNOP",
    "https://discord.com/api/webhooks/{webhook_id}/{webhook_token}",
    "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef",  # kubeadm's documented token
    "token-secret: " + "f395accd" + "246ae52d",  # the Kubernetes docs' bootstrap token Secret
    "token-secret: {{ .Values.bootstrap.secret }}",
    "token_secret: 0123456789abcdef",
    "TOKEN_SECRET=" + "k" * 16,
    '"twilio_api_version": "2010-04-01"',
    "TWILIO_AUTH_TOKEN=your_auth_token_here",
    'TWILIO_AUTH_TOKEN = "' + "0" * 32 + '"',
    'twilio_auth_token = os.environ["TWILIO_AUTH_TOKEN"]',
    # a 34-character account SID is an identifier; 32 hex inside it are not the token
    "twilio_account_sid: AC" + "0a1b2c3d4e5f" * 2 + "0a1b2c3d",
    "model.tokenizer.pad_token = tokens.wordpiece_vocabulary",
    "Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf4Hj7Xs0EaUTq8mW2zLr5Kv9Ny3Bp6D" + "jqqj" + "Tq8mW2zLr5Kv9Ny3Bp6D" + "azdo" + "Tq8m",  # no signature
    "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t" + "Ci4uLgo=",  # base64 of a header and `...`: no key material
    "amzn.mws." + "0" * 8 + "-0000-0000-0000-" + "0" * 12,  # a zero UUID
    "amzn.mws." + "your-auth-token-here",
    "cache_key = 'key-" + "0123456789abcdef" * 2 + "'",  # a counting run after the prefix
    "monkey-" + "9f86d081884c7d659a2feaa0c55ad015",  # the prefix inside a longer word
    "lookup = 'key-" + "9f86d081884c7d659a2feaa0c55ad015'",  # no Mailgun name on the line
    "access_token$production$" + "x" * 16 + "$" + "x" * 32,
    "sk-lf-" + "00000000-0000-0000-0000-000000000000",  # the SDK docs' zero key
    "pk-lf-" + "1c3e5a7b-2d4f-4a6b-8c0d-9e1f2a3b4c5d",  # the public half
    "sbp_" + "abcdefghijklmnopqrstuvwxyz" + "abcdefghijklmn",  # a sequential run
    "glsa_" + "x" * 32 + "_" + "0" * 8,  # a placeholder
    "sgp_" + "0123456789abcdef" * 2 + "01234567",  # a sequential run
    "eyJrIjoi" + "fQ==",  # too short
    "https://outlook.office.com/webhook/<group>@<tenant>/IncomingWebhook/<id>/<connector>",
]


@pytest.mark.parametrize("secret_type,line,secret", TP, ids=[f"{t}-{i}" for i, (t, _l, _s) in enumerate(TP)])
def test_provider_true_positive(secret_type, line, secret):
    hits = adapter.scan_lines([line], "example.env" if "=" in line.split()[0] else "example.py")
    assert (secret_type, secret) in {(h.type, h.secret) for h in hits}, hits
    assert adapter.is_candidate(line), "the prefilter must let every detectable line through"
    col = line.index(secret) + 1
    assert any(h.col == col for h in hits if h.secret == secret)


@pytest.mark.parametrize("line", FALSE_POSITIVES)
def test_provider_false_positive(line):
    assert [h for h in adapter.scan_lines([line], "example.py") if h.provider] == []


def test_every_provider_has_a_true_positive():
    assert {t for t, _l, _s in TP} == set(PROVIDER_PATTERNS)


@pytest.mark.parametrize("secret_type,line,secret", TP, ids=[f"{t}-{i}" for i, (t, _l, _s) in enumerate(TP)])
def test_provider_named_right(secret_type, line, secret):
    """No cross-provider confusion: a well-formed key of one provider is
    reported with that provider's type only (or generic), never another's."""
    types = {h.type for h in adapter.scan_lines([line], "example.py") if h.secret == secret}
    assert types == {secret_type}, types


def test_detector_classes_are_detect_secrets_plugins():
    from detect_secrets.plugins.base import RegexBasedDetector

    from mlwarden.secrets import detectors

    assert len(detectors.ALL_DETECTORS) == len(PROVIDER_PATTERNS)
    for cls in detectors.ALL_DETECTORS:
        assert issubclass(cls, RegexBasedDetector)
        assert cls.__name__.endswith("Detector")
        assert cls.secret_type in PROVIDER_PATTERNS
    # frozen: baselines depend on these strings
    assert detectors.HuggingFaceTokenDetector.secret_type == "Hugging Face Token"
    assert detectors.OpenAITokenDetector.secret_type == "OpenAI API Key"


@pytest.mark.parametrize(
    "value,expected",
    [("<your token>", True), ("hf_xxx", True), ("${HF_TOKEN}", True), ("sk-...", True), ("abababababab", True),
     ("hf_FAKE" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9", True), ("team-token-7d1e9a0c3b", False), ("s3cr3t-Pa55word-2024", False)],
)
def test_placeholders(value, expected):
    assert is_placeholder(value) is expected


# -- adapter ----------------------------------------------------------------


def test_detect_secrets_settings_are_not_mutated():
    from detect_secrets.settings import get_settings

    before = get_settings().json()
    adapter.scan_lines([f'token = "{TP[0][2]}"', 'password = "hunter2-but-longer"'], "x.py")
    assert get_settings().json() == before


def test_no_detect_secrets_import_without_candidates(tmp_path):
    code = (
        "import sys\nfrom mlwarden.core.engine import check_source\n"
        "r = check_source('import torch\\nx = torch.zeros(3)\\n', 'a.py')\n"
        "print('detect_secrets' in sys.modules, len(r.findings))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "0"]


def test_high_entropy_detectors_are_opt_in():
    blob = "ZWxlcGhhbnQtc2VjcmV0LWJhbmFuYS1yb2NrZXQtOTk4Nzc2NjU1"
    line = f'config = {{"blob": "{blob}"}}'
    assert adapter.scan_lines([line], "x.py") == []
    assert [h.type for h in adapter.scan_lines([line], "x.py", high_entropy=True)] == ["Base64 High Entropy String"]


def test_output_profile_has_no_keyword_detector():
    line = 'password = "hunter2-but-longer"'
    assert [h.type for h in adapter.scan_lines([line], "x.py")] == ["Secret Keyword"]
    assert adapter.scan_lines([line], "x.py", profile="output") == []


# -- fixtures ---------------------------------------------------------------


def found(path, config=ALL):
    results, _ = check_paths([str(path)], config)
    errors = [e for r in results for e in r.errors]
    assert not errors, errors
    return [f for r in results for f in r.findings]


@pytest.mark.parametrize("name", ["MLW401.env", "MLW403.env", "MLW402.py"])
def test_text_and_python_fixtures_exact(name):
    path = FIXTURES / "rules" / name
    assert {(f.line, f.rule_id) for f in found(path)} == expected_markers(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["MLW510", "MLW511"])
def test_notebook_fixtures_match_sidecar(name):
    """Output and metadata findings cannot carry markers: the sidecar in
    fixtures/rules lists them (only this family's rules are compared)."""
    sidecar = FIXTURES / "rules" / f"{name}.findings.txt"
    expected = set()
    for line in sidecar.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            where, rule = line.split("  #")[0].rsplit(": ", 1)
            if rule.startswith(MINE):  # tests/test_fixtures.py compares every rule
                expected.add((where, rule))
    notebook = FIXTURES / "secrets" / f"{name}.ipynb"
    got = {(f.location().split(":", 1)[1], f.rule_id) for f in found(notebook) if f.rule_id.startswith(MINE)}
    assert got == expected


def test_fixture_markers_are_also_flagged_as_file_lines():
    """MLW510/MLW401 in the notebook fixture: file_line is the .ipynb line that holds the token."""
    notebook = FIXTURES / "secrets" / "MLW510.ipynb"
    lines = notebook.read_text(encoding="utf-8").splitlines()
    for f in found(notebook):
        if f.rule_id in ("MLW401", "MLW510"):
            assert "error: " + f.rule_id in lines[f.file_line - 1], (f.location(), lines[f.file_line - 1])


# -- the notebook scenario of the issue ------------------------------------


def leaky_notebook(tmp_path: Path, token: str) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    png = base64.b64encode(bytes(range(256)) * 8).decode()
    png = png[:500] + "/" + token + "+" + png[500:]  # token-like text inside an image blob
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    nb.cells = [
        new_code_cell('import os\nprint("the token is: \\"' + token + '\\"")'),  # (a) escaped quotes in the JSON
        new_code_cell("print(os.environ['HF_TOKEN'])", outputs=[new_output("stream", name="stdout", text=f"{token}\n")]),  # (b)
        new_code_cell(
            "login(token=t)",
            outputs=[new_output("error", ename="ValueError", evalue="bad token",
                                traceback=["\x1b[0;31mValueError\x1b[0m Traceback", f"\x1b[0;32m----> 1\x1b[0m login(token=\x1b[38;5;124m\"{token}\"\x1b[39m)"])],
        ),  # (c)
        new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})]),  # (d)
    ]
    path = tmp_path / "leaky.ipynb"
    nbformat.write(nb, str(path))
    assert '\\"' + token + '\\"' in path.read_text()  # the code cell's quotes really are escaped in the JSON
    return path


def test_notebook_code_output_traceback_found_image_not(tmp_path):
    token = tok("hf", "_", rand(34))
    path = leaky_notebook(tmp_path, token)
    findings = [f for f in found(path) if f.rule_id.startswith(MINE)]
    assert {(f.rule_id, f.cell, f.output, f.line) for f in findings} == {
        ("MLW401", 1, None, 2),  # (a)
        ("MLW510", 2, 0, 1),  # (b)
        ("MLW510", 3, 0, 2),  # (c)
    }
    text = path.read_text()
    for f in findings:
        assert token in text.splitlines()[f.file_line - 1]
        assert token not in f.message and f.secret_preview and token not in f.secret_preview


def test_secrets_in_kept_outputs(tmp_path):
    from mlwarden.secrets.notebook import secrets_in_kept_outputs

    token = tok("hf", "_", rand(34))
    nb = json.loads(leaky_notebook(tmp_path, token).read_text())
    messages = secrets_in_kept_outputs(nb)
    assert messages == [
        f"cell 2: output 1: Hugging Face Token ({adapter_preview(token)})",
        f"cell 3: output 1: Hugging Face Token ({adapter_preview(token)})",
    ]
    assert all(token not in m for m in messages)
    nb["cells"][1]["outputs"] = nb["cells"][2]["outputs"] = []
    assert secrets_in_kept_outputs(nb) == []


def adapter_preview(secret):
    from mlwarden.core.finding import redact

    return redact(secret)


# -- suppression ------------------------------------------------------------


def test_pragma_and_noqa_suppress_in_python_and_cells(tmp_path):
    from nbformat.v4 import new_code_cell

    from test_notebook import write_nb

    token = tok("hf", "_", rand(34))
    py = tmp_path / "a.py"
    py.write_text(
        f'A = "{token}"  # pragma: allowlist secret\n'
        f'B = "{token}"  # noqa: MLW401\n'
        f'C = "{token}"  # noqa: MLW1\n'
        f"# pragma: allowlist nextline secret\nD = \"{token}\"\n"
    )
    assert [(f.line, f.rule_id) for f in found(py)] == [(3, "MLW401")]
    nb = write_nb(tmp_path / "a.ipynb", new_code_cell(f'A = "{token}"  # noqa: MLW401\nB = "{token}"  # pragma: allowlist secret\nC = "{token}"'))
    assert [(f.cell, f.line, f.rule_id) for f in found(nb)] == [(1, 3, "MLW401")]


def test_env_magic_in_notebook(tmp_path):
    from nbformat.v4 import new_code_cell

    from test_notebook import write_nb

    token = tok("hf", "_", rand(34))
    nb = write_nb(tmp_path / "env.ipynb", new_code_cell(f"%env HF_TOKEN={token}\n%env WANDB_API_KEY=local-team-key-2f9c81d7\n%env TOKENIZERS_PARALLELISM=false"))
    assert sorted((f.cell, f.line, f.rule_id) for f in found(nb)) == [(1, 1, "MLW401"), (1, 2, "MLW403")]


# -- text files and walks ---------------------------------------------------


def test_walk_reads_text_files_only_for_secrets_rules(tmp_path):
    token = tok("hf", "_", rand(34))
    (tmp_path / "config.yaml").write_text(f"hub:\n  token: {token}\n")
    (tmp_path / "kaggle.json").write_text('{\n  "username": "someone",\n  "key": "' + rand(32, HEX) + '"\n}\n')
    (tmp_path / "blob.json").write_bytes(b'{"a": "\x00\x01"}')
    results, count = check_paths([str(tmp_path)], ALL)
    assert {(Path(f.path).name, f.line, f.rule_id) for r in results for f in r.findings} == {
        ("config.yaml", 2, "MLW401"), ("kaggle.json", 3, "MLW401")}
    assert not [e for r in results for e in r.errors]
    results, count = check_paths([str(tmp_path)], Config(select=["MLW1"]))
    assert count == 0  # no text file opened for the code rules
    results, count = check_paths([str(tmp_path / "config.yaml")], Config(select=["MLW4"]))
    assert count == 1 and [f.rule_id for r in results for f in r.findings] == ["MLW401"]


# -- redaction ----------------------------------------------------------------


def fixture_secrets():
    """Every secret value in the committed fixtures (from the findings' hashes)."""
    import re

    values = set()
    for path in [*(FIXTURES / "rules").glob("MLW4*"), *(FIXTURES / "secrets").glob("*.ipynb")]:
        values |= set(re.findall(r"(?:hf_|sk-proj-|sk-ant-api03-|gsk_|r8_|ghp_)[A-Za-z0-9_\-]{20,}", path.read_text()))
        values |= set(re.findall(r"(?:team-token-|local-team-key-|kaggle-|typed-in-)[\w-]+", path.read_text()))
        values |= set(re.findall(r'DB_PASSWORD="([^"]+)"', path.read_text()))
    return values


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_outputs_never_contain_a_fixture_secret(run_cli, fmt):
    paths = [FIXTURES / "rules" / n for n in ("MLW401.env", "MLW402.py", "MLW403.env")] + sorted((FIXTURES / "secrets").glob("*.ipynb"))
    code, out, err = run_cli("check", "--isolated", "--format", fmt, *paths)
    assert code == 1, err
    assert "MLW401" in out and "MLW510" in out and "MLW511" in out
    for secret in fixture_secrets():
        assert secret not in out and secret not in err, (fmt, secret[:6])


def test_error_messages_never_contain_a_secret(run_cli, tmp_path):
    token = tok("hf", "_", rand(34))
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": [{"cell_type": "code", "source": "x = \'' + token + '\'", ')  # truncated JSON
    broken = tmp_path / "broken.py"
    broken.write_text(f'x = "{token}"\ndef (:\n')
    code, out, err = run_cli("check", "--isolated", bad, broken)
    assert code == 2 and err
    assert token not in out and token not in err


# -- detect-secrets itself ------------------------------------------------------


def test_plugins_work_inside_detect_secrets(tmp_path):
    from mlwarden.secrets import detectors

    token = tok("hf", "_", rand(34))
    (tmp_path / "train.py").write_text(f'from huggingface_hub import login\nlogin(token="{token}")\n')
    proc = run_tool("detect-secrets", "scan", "--plugin", detectors.__file__, "--all-files", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)["results"]
    found_types = {(r["type"], r["line_number"]) for r in results["train.py"]}
    assert ("Hugging Face Token", 2) in found_types
    assert token not in proc.stdout  # detect-secrets stores a hash only


# -- with the notebook stripper and pre-commit ----------------------------------


def test_stripper_fails_on_a_kept_output_with_a_secret(tmp_path, run_cli):
    """E's stripper calls our hook: a keep_output cell keeps its output, and the token in it fails the run."""
    from nbformat.v4 import new_code_cell, new_output

    from test_notebook import write_nb

    token = tok("hf", "_", rand(34))
    kept = new_code_cell("print(token)", outputs=[new_output("stream", name="stdout", text=f"{token}\n")])
    kept.metadata["tags"] = ["keep_output"]
    path = write_nb(tmp_path / "kept.ipynb", kept, new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")]))
    code, out, err = run_cli("strip", path)
    assert code == 1
    assert "cell 1: output 1: Hugging Face Token" in out + err
    assert token not in out + err
    assert token in path.read_text()  # kept on purpose: still there, still failing
    code, out, err = run_cli("check", "--isolated", "--select", "MLW510", path)
    assert code == 1 and "kept.ipynb:cell 1:output 1:1:1: MLW510" in out


@pytest.mark.slow
def test_precommit_secrets_hook(tmp_path):
    from precommit_helpers import try_repo

    token = tok("hf", "_", rand(34))
    files = {
        ".env": f"HF_TOKEN={token}\n",
        "conf/train.yaml": "lr: 0.1\n",
        "kaggle.json": '{"username": "someone", "key": "' + rand(32, HEX) + '"}\n',
        "weights.json": b"\x00\x01binary",
        "train.py": "x = 1\n",
    }
    proc = try_repo(tmp_path, "mlwarden-secrets", files)
    assert proc.returncode == 1, proc.stdout
    assert ".env:1:10: MLW401" in proc.stdout and "kaggle.json:1:" in proc.stdout
    assert "train.yaml" not in proc.stdout and "weights.json" not in proc.stdout
    assert token not in proc.stdout
    clean = try_repo(tmp_path / "clean", "mlwarden-secrets", {".env": "HF_TOKEN=\n", "conf/a.yaml": "token: <your token>\n"})
    assert clean.returncode == 0, clean.stdout


@pytest.mark.parametrize(
    "line",
    [
        'SECRET_KEY_ENV = "AWS_SECRET_ACCESS_KEY"',
        'secret_name = "secrets-manager"',
        'password = "MyTestDatabaseSecret"',
        '"Password": "The password for the kmsuser crypto user in the CloudHSM cluster."',
        '"SecretCreated": "2016-09-08T21:47:36Z"',
        'PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----"',
    ],
)
def test_generic_detector_noise_is_dropped(line):
    """Measured on botocore/IPython/pytest sources: names, prose, timestamps and bare PEM headers are not secrets."""
    assert adapter.scan_lines([line], "x.py") == []


def test_keyword_and_private_key_true_positives_kept():
    body = rand(64, ALNUM + "+/")
    lines = ['db_password = "3s0K_;xh4~8XXI"', tok("-----BEGIN RSA ", "PRIVATE KEY-----"), body, "-----END RSA PRIVATE KEY-----"]
    assert [(h.line, h.type) for h in adapter.scan_lines(lines, "x.py")] == [(1, "Secret Keyword"), (2, "Private Key")]


@pytest.mark.parametrize("armor", [
    ["Version: GnuPG v2", "Comment: exported for CI", ""],  # PGP
    ["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,7F3A9C2B1D0E4F5A6B7C8D9E0F1A2B3C", ""],  # legacy encrypted PEM
    [""],
])
def test_private_key_material_after_armor_headers(armor):
    """PGP blocks and legacy encrypted PEM keys put ``Name: value`` headers
    and a blank line between the first line and the key material."""
    body = rand(64, ALNUM + "+/")
    for kind in ("PGP PRIVATE KEY BLOCK", "RSA PRIVATE KEY"):
        lines = [tok("-----BEGIN ", kind + "-----"), *armor, body, "=" + rand(4), tok("-----END ", kind + "-----")]
        assert [(h.line, h.type) for h in adapter.scan_lines(lines, "x.txt")] == [(1, "Private Key")], lines
    # headers and no material: a parser's constants, a doc
    lines = [tok("-----BEGIN ", "PGP PRIVATE KEY BLOCK-----"), *armor, "-----END PGP PRIVATE KEY BLOCK-----"]
    assert adapter.scan_lines(lines, "x.txt") == []


def test_encrypted_private_key_needs_material_and_is_medium():
    body = rand(64, ALNUM + "+/")
    header = tok("-----BEGIN ENCRYPTED ", "PRIVATE KEY-----")
    hits = adapter.scan_lines([header, body, "-----END ENCRYPTED PRIVATE KEY-----"], "key.pem")
    assert [(h.line, h.type) for h in hits] == [(1, "Encrypted Private Key")]
    assert adapter.scan_lines([f'HEADER = "{header}"', "if line.startswith(HEADER):"], "x.py") == []
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source

    result = check_source(f'KEY = """{header}\n{body}\n-----END ENCRYPTED PRIVATE KEY-----"""\n', "x.py", config=Config(select=["MLW4"]))
    assert [(f.rule_id, f.severity.name) for f in result.findings] == [("MLW401", "MEDIUM")]


def test_basic_auth_docs_dropped_real_kept():
    assert adapter.scan_lines([":param proxy_url: The proxy url, i.e. https://username:password@proxy.com"], "x.py") == []
    found = adapter.scan_lines(['url = "https://trainer:' + "Zq8" + 'v-41kPx@db.internal/x"'], "x.py")
    assert [h.type for h in found] == ["Basic Auth Credentials"]


def test_telegram_token_in_the_bot_api_url_form():
    token = tok(str(RNG.randrange(10**8, 10**9)), ":", rand(35, ALNUM + "_-"))
    for line in (
        f'requests.get(f"https://api.telegram.org/bot{token}/sendMessage", params=p)',
        f'BOT_URL = "https://api.telegram.org/bot{token}"',
        f'TELEGRAM_TOKEN = "{token}"',
    ):
        hits = [h for h in adapter.scan_lines([line], "example.py") if h.type == "Telegram Bot Token"]
        assert [(h.secret, h.col) for h in hits] == [(token, line.index(token) + 1)], line
    # `bot` must be the whole word before the token: another word ending in it still bounds the match
    glued = f'x = "robot{token}"'
    assert [h for h in adapter.scan_lines([glued], "example.py") if h.type == "Telegram Bot Token"] == []


def test_wider_formats_keep_detect_secrets_types():
    """Where detect-secrets' own detector and mlwarden's wider form report the
    same value, the finding keeps detect-secrets' type (baselines written
    before the wider forms existed still match); the wider form reports
    what detect-secrets misses."""
    stripe24 = tok("sk", "_live_", rand(24))
    stripe99 = tok("sk", "_live_", rand(99))
    tg35 = tok(str(RNG.randint(10 ** 9, 10 ** 10 - 1)), ":AA", rand(33))
    tg34 = tok(str(RNG.randint(10 ** 9, 10 ** 10 - 1)), ":AA", rand(32))
    cases = [(stripe24, "Stripe Access Key"), (stripe99, "Stripe Secret Key"), (tg35, "Telegram Bot Token"),
             (tg34, "Telegram Bot API Token")]
    for secret, expected in cases:
        hits = adapter.scan_lines([f'x = "{secret}"'], "example.py")
        assert [h.type for h in hits if h.secret == secret] == [expected], (secret[:12], hits)


def test_stripe_test_keys_are_medium(tmp_path):
    from mlwarden.core.finding import Severity

    test_key = tok("sk", "_test_", rand(24))
    live_key = tok("sk", "_live_", rand(40))
    path = tmp_path / "pay.py"
    path.write_text(f'TEST = "{test_key}"\nLIVE = "{live_key}"\n')
    findings = sorted(found(path, Config(select=["MLW401"], severity=Severity.LOW)), key=lambda f: f.line)
    assert [(f.line, f.severity.name) for f in findings] == [(1, "MEDIUM"), (2, "HIGH")]


def test_artifactory_shape_needs_a_token_not_a_name():
    """detect-secrets' Artifactory pattern (`AP` + a hex digit + 8 more) also
    matches CamelCase names (`APFSVolumeGroupID`, macOS disk APIs); a random
    value after the prefix is still reported."""
    names = 'group = info.get("APFSVolumeGroupID") or info.get("APFSContainerReference")'
    assert adapter.scan_lines([names], "example.py") == []
    token = tok("AP", "6", rand(60))
    hits = adapter.scan_lines([f'ARTIFACTORY_API_KEY = "{token}"'], "example.py")
    assert any(token in h.secret for h in hits), hits  # (detect-secrets keeps the quotes around it)


def _hex(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def test_package_digests_are_not_scanned_and_secrets_beside_them_are():
    # a pip-compile lock file: every `--hash=sha256:<64 hex>` is a public
    # digest (and 10,000 of them sent every line to detect-secrets); a token
    # on the same lines is still found, at its own column
    rng = random.Random(5)
    token = "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))
    lines = ["numpy==2.1.0 \\"]
    lines += [f"    --hash=sha256:{_hex(64, i)} \\" for i in range(40)]
    lines += [f"    --hash=sha512:{_hex(128, 99)}", f'uv = {{ hash = "sha256:{_hex(64, 7).upper()}" }}']
    lines += [f"--extra-index-url https://__token__:{token}@pypi.example.org/simple  # sha256:{_hex(64, 3)}"]
    for name in ("requirements.txt", "uv.lock", "x.py"):
        hits = adapter.scan_lines(lines, name)
        assert [(h.line, h.secret) for h in hits] == [(len(lines), token)], name
        assert hits[0].col == lines[-1].index(token) + 1
    # only hex after an algorithm name is a digest: a key behind `sha256=` that is not hex stays a finding
    keyed = f'api_key = "sha256:{token}"'
    assert [h.secret for h in adapter.scan_lines([keyed], "x.py")] != []


def test_package_digests_never_reach_detect_secrets(monkeypatch):
    # the point of blanking digests: detect-secrets reads none of those lines
    seen = []
    real = adapter._scan

    def recording(lines, indexes, *args, **kwargs):
        seen.extend(indexes)
        return real(lines, indexes, *args, **kwargs)

    monkeypatch.setattr(adapter, "_scan", recording)
    lines = ["torch==2.5.1 \\"] + [f"    --hash=sha256:{_hex(64, i)} \\" for i in range(30)] + ["    --hash=sha256:" + _hex(64, 31)]
    assert adapter.scan_lines(lines, "requirements.txt") == []
    assert seen == []


@pytest.mark.parametrize("algorithm, hex_length", [("sha1", 40), ("sha224", 56), ("sha384", 96), ("md5", 32), ("blake2b", 128)])
def test_every_digest_algorithm_passes_the_word_gate(algorithm, hex_length, monkeypatch):
    # the substring gate before the digest regex names every algorithm the regex knows
    seen = []
    real = adapter._scan
    monkeypatch.setattr(adapter, "_scan", lambda lines, indexes, *a, **k: seen.extend(indexes) or real(lines, indexes, *a, **k))
    lines = [f"    --hash={algorithm}:{_hex(hex_length, i)} \\" for i in range(20)]
    assert adapter.scan_lines(lines, "requirements.txt") == []
    assert seen == []
