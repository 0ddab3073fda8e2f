"""ML-provider credential formats as plain regular expressions.

This module imports nothing heavy: the detector classes in
:mod:`mlwarden.secrets.detectors` (detect-secrets plugins) and the cheap
prefilter in :mod:`mlwarden.secrets.adapter` both read these patterns, so the
two can never disagree. Every pattern is anchored on a non-word boundary on
both sides so a token inside a longer identifier is not matched.

Formats and sources are documented in ``docs/secrets.md``.
"""

from __future__ import annotations

from mlwarden.core import lazyre as re  # patterns compile on first use
from typing import Dict, List, Pattern, Tuple

# the shared placeholder and noise filter (re-exported for older imports)
from mlwarden.secrets.noise import is_placeholder  # noqa: F401

# (?<![A-Za-z0-9_-]) ... (?![A-Za-z0-9_-]): not part of a longer token
_B = r"(?<![A-Za-z0-9_\-])"
_E = r"(?![A-Za-z0-9_\-])"
# an assignment/argument separator between a context word and the value:
# `KEY = "v"`, `KEY: v`, `"key": "v"`, `f(key="v")`, `Client("v")`, and JSON
# escaped inside a string (`"{\\"awsSecretKey\\":\\"v\\"}"`, once or twice)
_CTX = r"[\w.\-\[\]'\"\\]{0,40}?\s{0,3}(?:[=:,(]|=>|:=)\s{0,3}(?:[\w]{1,20}\s{0,2}=\s{0,2})?(?:\\{0,2}[\"'`])?\s{0,2}"


def _re(body: str, flags: int = 0) -> Pattern[str]:
    return re.compile(body, flags)


def _E_OR(prefix: str) -> str:
    """The end of a token: no token character after it, or its own prefix
    starting again (a token pasted two or three times back to back,
    ``hf_…hf_…``): the format's length ends the first copy there. A prefix
    inside an ordinary longer word stays unmatched (the ``_B`` before it)."""
    return r"(?:" + _E + r"|(?=" + prefix + r"))"


_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# base64 tokens: not part of a longer base64 run
_B64B = r"(?<![A-Za-z0-9+/])"
_B64E = r"(?![A-Za-z0-9+/=])"

#: a GitHub token glued to trailing letters or digits; reported only when its
#: checksum verifies (see :func:`github_checksum_ok`)
_GH_GLUED = _re(_B + r"(gh[pousr]_[A-Za-z0-9]{36})(?=[A-Za-z0-9])")
#: patterns whose matches count only when the token's checksum verifies
GLUED_NEEDS_CHECKSUM = frozenset({_GH_GLUED})

#: secret_type -> regexes (a capturing group, when present, is the secret).
#: ``secret_type`` strings are part of baselines: never change one once released.
PROVIDER_PATTERNS: Dict[str, Tuple[Pattern[str], ...]] = {
    "Hugging Face Token": (
        _re(_B + r"(hf_[A-Za-z0-9]{34,40})" + _E_OR("hf_")),
    ),
    "Hugging Face Organization Token": (
        _re(_B + r"(api_org_[A-Za-z0-9]{34,40})" + _E_OR("api_org_")),
    ),
    "OpenAI API Key": (
        # project, service-account and admin keys; every current key holds the
        # T3BlbkFJ marker (base64 of "OpenAI")
        _re(_B + r"(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,160}T3BlbkFJ[A-Za-z0-9_\-]{20,160}?)" + _E_OR(r"sk-(?:proj|svcacct|admin)-")),
        # legacy user keys
        _re(_B + r"(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})" + _E),
    ),
    "Generic API Key": (
        # `sk-` + 32-64 alphanumerics without a provider's marker: legacy
        # OpenAI, DeepSeek, Moonshot and others share the shape, so no
        # provider is named
        _re(_B + r"(sk-[A-Za-z0-9]{32,64})" + _E),
    ),
    "Anthropic API Key": (
        _re(_B + r"(sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{80,110}AA)" + _E_OR(r"sk-ant-")),
    ),
    "Cohere API Key": (
        _re(r"(?i:cohere|co_api_key)" + _CTX + r"([A-Za-z0-9]{40})" + _E),
    ),
    "Weights & Biases API Key": (
        _re(r"(?i:wandb|weights_and_biases|weightsandbiases)" + _CTX + r"([0-9a-f]{40})" + _E),
        _re(_B + r"(wandb_v1_[A-Za-z0-9_]{77})" + _E),
    ),
    "Replicate API Token": (
        _re(_B + r"(r8_[A-Za-z0-9]{37})" + _E_OR("r8_")),
    ),
    "Groq API Key": (
        _re(_B + r"(gsk_[A-Za-z0-9]{52})" + _E_OR("gsk_")),
    ),
    "LangSmith API Key": (
        _re(_B + r"(lsv2_(?:pt|sk)_[0-9a-fA-F]{32}_[0-9a-fA-F]{10})" + _E),
    ),
    "Pinecone API Key": (
        _re(_B + r"(pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,80})" + _E),
        # legacy keys: a UUID next to `pinecone`
        _re(r"(?i:pinecone)" + _CTX + r"(" + _UUID + r")" + _E),
    ),
    "Databricks Token": (
        _re(_B + r"(dapi[0-9a-f]{32}(?:-\d)?)" + _E_OR("dapi")),
    ),
    "Google API Key": (
        # not followed by `=`: a 39-character run ending in base64 padding is
        # the inside of a longer base64 value, not a key
        _re(_B + r"(AIza[0-9A-Za-z_\-]{35})" + r"(?![A-Za-z0-9_\-=])"),
    ),
    "Google OAuth Client Secret": (
        _re(_B + r"(GOCSPX-[A-Za-z0-9_\-]{28})" + _E_OR("GOCSPX-")),
    ),
    "Google OAuth Access Token": (
        # short-lived (an hour) but a full credential while it lives; printed by
        # `gcloud auth print-access-token` into notebooks
        _re(_B + r"(ya29\.[0-9A-Za-z_\-]{20,1024})" + _E),
    ),
    "xAI API Key": (
        _re(_B + r"(xai-[A-Za-z0-9_\-]{70,120})" + _E),
    ),
    "OpenRouter API Key": (
        _re(_B + r"(sk-or-v1-[0-9a-f]{64})" + _E_OR("sk-or-v1-")),
    ),
    "NVIDIA API Key": (
        _re(_B + r"(nvapi-[A-Za-z0-9_\-]{60,70})" + _E),
    ),
    "Perplexity API Key": (
        _re(_B + r"(pplx-[A-Za-z0-9]{48})" + _E_OR("pplx-")),
    ),
    "Kaggle API Key": (
        _re(r"(?i:kaggle_key|kaggle[\w.\-]{0,20}key)" + _CTX + r"([0-9a-f]{32})" + _E),
        # kaggle.json: {"username": "…", "key": "…"}
        _re(r"\"username\"\s*:\s*\"[^\"]*\"\s*,\s*\"key\"\s*:\s*\"([0-9a-f]{32})\""),
    ),
    "AWS Bedrock API Key": (
        # long-term keys: "ABSK" + base64("BedrockAPIKey-…")
        _re(_B64B + r"(ABSK(?=QmVkcm9ja0FQSUtleS)[A-Za-z0-9+/]{100,300}={0,2})" + _B64E),
        # short-term keys: "bedrock-api-key-" + base64("bedrock.amazonaws.com/…")
        _re(_B + r"(bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]*={0,2})" + _B64E),
    ),
    "AWS Secret Access Key": (
        _re(r"(?i:aws_?secret_?(?:access_?)?key|secret_?access_?key|aws_?secret)" + _CTX + r"([A-Za-z0-9/+]{40})" + _B64E),
    ),
    "AWS Session Token": (
        # STS session tokens start with base64 of their own header
        # (current, 2019-2021 and older formats)
        _re(_B64B + r"((?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|FQoGZXIvYXdzE|FQoDYXdzE)[A-Za-z0-9+/]{80,1900}={0,2})" + _B64E),
        # the same header opening a string literal that the next line goes on
        # with (`"IQoJ…" +`, `"FwoG…" \`, or a literal closing the line inside
        # parentheses: Python's implicit concatenation): the token split over
        # several literals, none of them 80+ long
        _re(r"[\"'](" + r"(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|FQoGZXIvYXdzE|FQoDYXdzE)[A-Za-z0-9+/]{24,1900})[\"'][ \t]*(?:\+[ \t]*\\?|\\)?[ \t]*$"),
        _re(r"(?i:aws_?session_?token|aws_?security_?token|session_?token)" + _CTX + r"([A-Za-z0-9/+]{100,1900}={0,2})" + _B64E),
    ),
    "GitHub Access Token": (
        # classic, OAuth, user-to-server, server-to-server, refresh tokens
        _re(_B + r"(gh[pousr]_[A-Za-z0-9]{36})" + _E_OR(r"gh[pousr]_")),
        _re(_B + r"(ghr_[A-Za-z0-9]{76})" + _E_OR("ghr_")),
        # the same glued to trailing letters (`ghp_…extra`): taken only when
        # the 36 characters' checksum verifies (GLUED_NEEDS_CHECKSUM), so the
        # format's length is where the token ends
        _GH_GLUED,
        # stateless GitHub App installation tokens (rolled out from 2026-04):
        # `ghs_` + the app id + `_` + a JWT-like body of some 500 characters
        _re(_B + r"(ghs_\d{1,12}_[A-Za-z0-9_\-]{200,1200})" + _E),
        # fine-grained personal access tokens (82 after the prefix; bodies of
        # 36+ are published as GitHub tokens too: ripsecrets' tests)
        _re(_B + r"(github_pat_[A-Za-z0-9_]{36,82})" + _E),
        # the same glued to the word before it (`ourgithub_pat_…`, a token
        # pasted after text): only the strict shape, 22 alphanumerics, `_`,
        # 59 more, is distinctive enough to be taken inside a word
        _re(r"(?<=[A-Za-z0-9])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + _E),
    ),
    "GitLab Access Token": (
        # routable tokens (GitLab 17.x+): `glpat-` + a base64url payload +
        # `.` + a 2-character version (+ `.` + a 2-character payload length)
        # + a 7-character base36 CRC32 (checked in GITLAB_ROUTABLE_CRC)
        _re(_B + r"((?:glpat|gldt|glft|glsoat|glrt|glimt|glptt|gloas|glcbt|glagent)-[A-Za-z0-9_\-]{27,300}\.[0-9a-z]{2}(?:\.[0-9a-z]{2})?[0-9a-z]{7})" + _E),
        _re(_B + r"((?:glpat|gldt|glft|glsoat|glrt|glimt|glptt|gloas|glcbt|glagent)-[A-Za-z0-9_\-]{20,64})"
            + r"(?!\.[0-9a-z]{2}(?:\.[0-9a-z]{2})?[0-9a-z]{7}(?![A-Za-z0-9_\-]))" + _E),
        # runner registration tokens (deprecated, still accepted by older runners)
        _re(_B + r"(GR1348941[A-Za-z0-9_\-]{20})" + _E),
    ),
    "Azure AD Client Secret": (
        # Entra ID application secrets: three characters, a digit, "Q~", 31-34
        # more; the first three may hold `-` too (`-6s8Q~…`, a secret after
        # `client_secret=` in a form body)
        _re(r"(?:^|(?<=[\\'\"`\s>=:(,)]))([A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?=$|[\\'\"`\s<),;&])"),
    ),
    "Clojars API Token": (
        _re(_B + r"(CLOJARS_[A-Za-z0-9]{60})" + _E_OR("CLOJARS_")),
    ),
    "Private AI API Key": (
        _re(r"(?i:private[_\-]?ai)" + _CTX + r"([A-Za-z0-9]{32})" + _E),
    ),
    "Slack App Token": (
        # app-level tokens: `xapp-` + version + app id + a numeric id + 64 hex
        _re(_B + r"(xapp-\d{1,5}-[A-Z0-9]{8,14}-\d{8,16}-[0-9a-f]{64})" + _E_OR("xapp-")),
    ),
    "Slack Refresh Token": (
        # token-rotation refresh tokens and app configuration tokens
        # (`xoxe-1-…`, `xoxe.xoxp-1-…`, `xoxe.xoxb-1-…`)
        _re(_B + r"(xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{100,300}?)" + _E_OR(r"xoxe[.-]")),
    ),
    "Slack Workflow Webhook URL": (
        # Workflow Builder webhooks (`hooks.slack.com/workflows/<team>/<app>/<id>/<token>`)
        # and automation triggers (`hooks.slack.com/triggers/<team>/<id>/<32 hex>`):
        # whoever holds the URL starts the workflow (detect-secrets' Slack
        # detector knows the `services/` webhooks only)
        # (the numeric workflow id is left out of some published URLs: the
        # secret part is then 16-40 alphanumerics)
        _re(r"(?i:hooks\.slack\.com/workflows/)([TE][A-Za-z0-9]{5,14}/A[A-Za-z0-9]{5,14}/(?:\d{6,20}/[A-Za-z0-9]{8,40}|[A-Za-z0-9]{16,40}))" + _E),
        _re(r"(?i:hooks\.slack\.com/triggers/)([TE][A-Za-z0-9]{5,14}/\d{10,16}/[a-f0-9]{32})" + _E),
    ),
    "Maven Master Password": (
        # settings-security.xml's `<master>{…}</master>`: the key that decrypts
        # every `{…}` password of settings.xml
        _re(r"<master>[ \t]*\{([A-Za-z0-9+/=]{20,200})\\?\}[ \t]*</master>"),
    ),
    "Square Access Token": (
        # production access tokens (`EAAA` + 60) and legacy `sq0atp-` + 22
        _re(_B + r"(EAAA[A-Za-z0-9_\-]{60})" + _E),
        _re(_B + r"(sq0atp-[A-Za-z0-9_\-]{22})" + _E),
    ),
    "Stripe Secret Key": (
        # live secret and restricted keys of every length (detect-secrets'
        # own pattern takes 24 characters only; keys issued since 2019 are
        # about 100); where both report a 24-character key, detect-secrets'
        # type (`Stripe Access Key`) is kept, so baselines agree
        _re(_B + r"((?:sk|rk)_live_[0-9A-Za-z]{20,247})" + _E),
    ),
    "Stripe Test Key": (
        # test-mode keys: no money moves, but they read and write the
        # account's test data (medium severity)
        _re(_B + r"((?:sk|rk)_test_[0-9A-Za-z]{20,247})" + _E),
    ),
    "Telegram Bot API Token": (
        # the bot id, a colon and the secret, which starts with `AA` (34 or 35
        # characters; detect-secrets' pattern takes 35 only)
        _re(_B + r"(\d{8,10}:AA[0-9A-Za-z_\-]{32,33})" + _E),
    ),
    "PyPI API Token": (
        # every PyPI token is a macaroon: `pypi-` + base64url of a v2 macaroon,
        # which starts `AgE` (version 2, then the location field); detect-secrets
        # knows the pypi.org and test.pypi.org locations only, a token of
        # another index (a private warehouse) or an edited header starts `AgE`
        # too; 70+ characters after the header, as detect-secrets wants
        _re(_B + r"(pypi-AgE[A-Za-z0-9_\-]{70,})" + _E),
    ),
    "npm Access Token": (
        # granular and automation tokens outside an .npmrc (`npm_` + 36)
        _re(_B + r"(npm_[A-Za-z0-9]{36})" + _E_OR("npm_")),
    ),
    "Kubernetes Bootstrap Token": (
        # `kubeadm join … --token <id>.<secret>`, `--tls-bootstrap-token`,
        # kubeadm's `bootstrapTokens: - token: "…"`: a token id of 6 and a
        # secret of 16 lowercase alphanumerics, next to a `token` name
        _re(r"(?i:token)(?:[ \t]+|" + _CTX + r")([a-z0-9]{6}\.[a-z0-9]{16})" + _E),
        # the token's secret half on its own, as a bootstrap token Secret
        # holds it (`stringData: token-id: …, token-secret: <16>`; also
        # under a compound key: `bootstrap-token-secret`, `TOKEN_SECRET`)
        _re(r"(?i:token[-_]secret)[\"']?[ \t]*[:=][ \t]*[\"']?([a-z0-9]{16})" + _E),
    ),
    "Twilio Auth Token": (
        # the account's auth token or an API key's secret: 32 hex (Twilio
        # prints them lower-case; upper- and mixed-case copies are the same
        # credential) next to a `twilio` name; the account and key SIDs
        # (`AC…`, `SK…`: 34 characters) are identifiers, not matched
        _re(r"(?i:twilio)" + _CTX + r"([0-9A-Fa-f]{32})" + _E),
    ),
    "Discord Webhook URL": (
        # anyone holding the URL posts to the channel as the webhook
        _re(r"(?i:discord(?:app)?\.com/api(?:/v\d+)?/webhooks/)(\d{17,20}/[A-Za-z0-9_\-]{60,68})" + _E),
    ),
    "Grafana Service Account Token": (
        # Grafana's service-account tokens: `glsa_` + 32 alphanumerics + `_` +
        # an 8-hex checksum (Grafana 9+; also Grafana Cloud stacks)
        _re(_B + r"(glsa_[A-Za-z0-9]{32}_[0-9a-f]{8})" + _E),
    ),
    "Grafana Cloud Token": (
        # Grafana Cloud access-policy tokens: `glc_` + base64 of a JSON object
        # (`{"o":…,"n":…,"k":…,"m":{"r":…}}`, so the base64 opens `eyJ`)
        _re(_B + r"(glc_eyJ[A-Za-z0-9+/]{40,400}={0,2})" + _B64E),
    ),
    "Grafana API Key": (
        # Grafana's legacy API keys and Grafana Cloud API keys: base64 of
        # `{"k":"<key>","n":"<name>","id":<n>}` (so they open `eyJrIjoi`,
        # base64 of `{"k":"`); no `.`: not a JWT
        _re(_B64B + r"(eyJrIjoi[A-Za-z0-9+/]{50,300}={0,2})" + r"(?![A-Za-z0-9+/=.])"),
    ),
    "Microsoft Teams Webhook URL": (
        # Office 365 connector (Teams / Outlook) incoming webhooks:
        # `<tenant>.webhook.office.com/webhookb2/` or the retired
        # `outlook.office.com/webhook/` + group UUID `@` tenant UUID +
        # `/` + the connector's name (`IncomingWebhook`, `TravisCI`, `JIRA` …) +
        # `/` + 32 hex + `/` + a UUID (optionally `/V2…`):
        # whoever holds the URL posts to the channel
        _re(r"(?i:webhook\.office\.com/webhookb2/|outlook\.office(?:365)?\.com/webhook/)(" + _UUID + "@" + _UUID
            + r"/[A-Za-z][A-Za-z0-9]{1,39}/[0-9a-f]{32}/" + _UUID + r"(?:/V2[A-Za-z0-9_\-]{20,80})?)" + _E),
        # the Workflows (Power Automate / Logic Apps) URLs that replace them:
        # `…/workflows/<32 hex>/triggers/…/invoke?…&sig=<43>`: the SAS
        # signature is the credential
        _re(r"/workflows/[0-9a-f]{32}/triggers/[\w/%.\-]{1,120}\?[\w%=&.\-]{0,300}?(?<=[?&])sig=([A-Za-z0-9_\-]{43})" + _E),
    ),
    "Azure Annotated Security Key": (
        # Microsoft's common annotated security keys (84 characters: the
        # `JQQJ` signature at 52, a four-letter service code at 76: `AZDO`
        # Azure DevOps PATs, `ACOG` Cognitive Services / OpenAI, `AZSE`
        # Search, `AZEG` Event Grid, `APIM` …)
        _re(_B + r"([A-Za-z0-9]{52}JQQJ[A-Za-z0-9]{20}[A-Z]{4}[A-Za-z0-9]{4})" + _E),
    ),
    "Base64-Encoded Private Key": (
        # a PEM private key base64-encoded whole (Kubernetes secrets, CI
        # variables): base64 of `-----BEGIN [RSA |EC |DSA |OPENSSH ]PRIVATE
        # KEY-----` followed by key material
        _re(_B64B + r"(LS0tLS1CRUdJTiB(?:SU0EgUFJJVkFURSBLRVktLS0t|FQyBQUklWQVRFIEtFWS0tLS0t|EU0EgUFJJVkFURSBLRVktLS0t"
            r"|PUEVOU1NIIFBSSVZBVEUgS0VZLS0t|QUklWQVRFIEtFWS0tLS0t)[A-Za-z0-9+/]{100,}={0,2})" + _B64E),
    ),
    "Amazon MWS Auth Token": (
        # Amazon Marketplace Web Service auth tokens: `amzn.mws.` + a
        # lower-case UUID (the token a seller grants a developer)
        _re(_B + r"(amzn\.mws\." + _UUID + r")" + _E),
    ),
    "Mailgun API Key": (
        # private API keys on a line that names Mailgun (`MAILGUN_API_KEY=…`,
        # `api.mailgun.net/… auth=("api", "…")`): `key-` + 32 lower-case
        # alphanumerics holding a digit (the documented legacy shape, base36:
        # `key-3ax6…`), or the current 32 hex + `-` + 8 hex + `-` + 8 hex. A
        # `key-` run with no Mailgun name is left to the keyword judge (a
        # cache or record key may take the shape; published suites label it
        # a look-alike without the name)
        _re(r"(?i:mailgun)[^\n]{0,200}?" + _B + r"(key-(?=[a-z]{0,31}[0-9])[0-9a-z]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})" + _E),
    ),
    "Braintree Access Token": (
        # PayPal / Braintree access tokens: `access_token$production$` (or
        # `$sandbox$`) + a 16-character merchant id + `$` + 32 hex
        _re(r"(?<![A-Za-z0-9_$])(access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})(?![A-Za-z0-9_$])"),
    ),
    "Langfuse Secret Key": (
        # LLM-tracing secret keys: `sk-lf-` + a UUID (the public half,
        # `pk-lf-` + a UUID, goes into client code by design and is not matched)
        _re(_B + r"(sk-lf-" + _UUID + r")" + _E),
    ),
    "Supabase Access Token": (
        # personal access tokens of the management API: `sbp_` + 40
        # lower-case alphanumerics
        _re(_B + r"(sbp_[a-z0-9]{40})" + _E_OR("sbp_")),
    ),
    "Sourcegraph Access Token": (
        # Sourcegraph access tokens: `sgp_` + 40 hex (legacy), `sgp_` + a 16-hex
        # instance id + `_` + 40 hex, and `sgp_local_` + 40 hex (a token of a
        # self-hosted instance, as Cody's settings hold it)
        _re(_B + r"(sgp_(?:local_|[0-9a-f]{16}_)?[0-9a-f]{40})" + _E),
    ),
    "Dropbox Access Token": (
        # long-lived access tokens and refresh tokens: 11 characters, ten `A`
        # (zero bytes in base64) and 43 more, 64 in all; not part of a longer
        # base64 run (`/` and `+` bound it too)
        _re(r"(?<![A-Za-z0-9+/_\-])([A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_\-]{43})(?![A-Za-z0-9+/=_\-])"),
        # short-lived access tokens: `sl.` (or `sl.u.`) + 130+ base64url characters
        _re(r"(?<![A-Za-z0-9_.\-])(sl\.(?:u\.)?[A-Za-z0-9_\-]{130,1400})(?![A-Za-z0-9_\-])"),
    ),
    "Encrypted Private Key": (
        # PKCS #8 encrypted keys (`openssl pkcs8 -topk8`): detect-secrets knows
        # every other header; reported only with key material after it
        _re(r"(BEGIN ENCRYPTED PRIVATE KEY)"),
    ),
    "PuTTY Private Key": (
        # PuTTY's `.ppk` key files (versions 2 and 3): the first line names the
        # format; reported only with a `Private-Lines:` block of key material
        _re(r"(?:^|(?<=\\n)|(?<=[\"'])|(?<=^[ \t]))(PuTTY-User-Key-File-[23]): "),
    ),
}

#: The shape each provider format has, in words: the explain pages of the
#: secrets rules list these (``providers_markdown``), and a test checks that
#: every type in PROVIDER_PATTERNS has one, so the docs cannot drift.
PROVIDER_SHAPES: Dict[str, str] = {
    "Hugging Face Token": "`hf_` + 34-40 alphanumerics",
    "Hugging Face Organization Token": "`api_org_` + 34-40 alphanumerics",
    "OpenAI API Key": "`sk-proj-`, `sk-svcacct-`, `sk-admin-` keys and legacy `sk-` keys holding the `T3BlbkFJ` marker",
    "Generic API Key": "`sk-` + 32-64 alphanumerics with no provider marker (legacy OpenAI, DeepSeek, Moonshot … share it)",
    "Anthropic API Key": "`sk-ant-api03-` / `sk-ant-admin01-` + 80-110 characters ending in `AA`",
    "Cohere API Key": "40 alphanumerics next to `cohere` / `CO_API_KEY`",
    "Weights & Biases API Key": "40 hex next to `wandb` / `WANDB_API_KEY`; `wandb_v1_` + 77",
    "Replicate API Token": "`r8_` + 37 alphanumerics",
    "Groq API Key": "`gsk_` + 52 alphanumerics",
    "LangSmith API Key": "`lsv2_pt_` / `lsv2_sk_` + 32 hex + `_` + 10 hex",
    "Pinecone API Key": "`pcsk_` + 4-8 + `_` + 50-80 alphanumerics; a UUID next to `pinecone` (legacy keys)",
    "Databricks Token": "`dapi` + 32 hex (optional `-N`)",
    "Google API Key": "`AIza` + 35 of `[A-Za-z0-9_-]` (Gemini, Google Cloud, Firebase)",
    "Google OAuth Client Secret": "`GOCSPX-` + 28 of `[A-Za-z0-9_-]`",
    "Google OAuth Access Token": "`ya29.` + 20-1024 of `[A-Za-z0-9_-]` (short-lived user and service-account tokens)",
    "xAI API Key": "`xai-` + 70-120 of `[A-Za-z0-9_-]`",
    "OpenRouter API Key": "`sk-or-v1-` + 64 hex",
    "NVIDIA API Key": "`nvapi-` + 60-70 of `[A-Za-z0-9_-]`",
    "Perplexity API Key": "`pplx-` + 48 alphanumerics",
    "Kaggle API Key": "32 hex next to `KAGGLE_KEY` / `kaggle…key`, the `key` of `kaggle.json`",
    "AWS Bedrock API Key": "long-term `ABSK` + base64 of `BedrockAPIKey-…`; short-term `bedrock-api-key-` + base64 of `bedrock.amazonaws.com…`",
    "AWS Secret Access Key": "40 base64 characters named `aws_secret_access_key`, `SecretAccessKey`, `aws_secret` …",
    "AWS Session Token": "STS tokens starting `IQoJb3JpZ2luX2Vj`, `FwoGZXIvYXdzE`, `FQoGZXIvYXdzE` or `FQoDYXdzE` (also split over concatenated string "
                         "literals), or 100+ base64 characters named `aws_session_token`",
    "GitHub Access Token": "`ghp_`, `gho_`, `ghu_`, `ghs_` + 36, `ghr_` + 76 (the last 6 characters are a CRC32 checksum: a token whose "
                           "checksum fails is reported at medium severity, and a token glued to trailing letters is cut at 36 only when it "
                           "verifies), fine-grained `github_pat_` + 36-82 (82 also glued to a "
                           "preceding word), stateless installation tokens `ghs_` + app id + `_` + 200-1200",
    "GitLab Access Token": "`glpat-`, `gldt-`, `glft-`, `glsoat-`, `glrt-`, `glimt-`, `glptt-`, `gloas-`, `glcbt-`, `glagent-` + 20-64; routable tokens "
                           "(payload `.` version [`.` length] + a base36 CRC32: one whose CRC fails is reported at medium severity); runner registration tokens `GR1348941` + 20",
    "Azure AD Client Secret": "Entra ID application secrets: 3 characters (letters, digits, `_~.-`), a digit, `Q~`, 31-34 more",
    "Clojars API Token": "`CLOJARS_` + 60 alphanumerics",
    "Private AI API Key": "32 alphanumerics next to `private_ai` / `privateai`",
    "Slack App Token": "`xapp-` + a version of 1-5 digits + the app id + a numeric id + 64 hex",
    "Slack Refresh Token": "`xoxe-1-`, `xoxe.xoxp-1-`, `xoxe.xoxb-1-` + 100-300 alphanumerics (token rotation, app configuration)",
    "Slack Workflow Webhook URL": "`hooks.slack.com/workflows/` + team id + app id + numeric id + 8-40 alphanumerics (or 16-40 without the id); `hooks.slack.com/triggers/` + team id + numeric id + 32 hex",
    "Maven Master Password": "`<master>{…}</master>` in `settings-security.xml` (20-200 base64 characters in braces)",
    "Square Access Token": "`EAAA` + 60 of `[A-Za-z0-9_-]`; legacy `sq0atp-` + 22",
    "Stripe Secret Key": "`sk_live_` / `rk_live_` + 20-247 alphanumerics (every key length)",
    "Stripe Test Key": "`sk_test_` / `rk_test_` + 20-247 alphanumerics (test mode, medium severity)",
    "Telegram Bot API Token": "a bot id of 8-10 digits, `:`, and `AA` + 32-33 of `[A-Za-z0-9_-]`",
    "PyPI API Token": "`pypi-AgE` + 70+ base64url characters: a macaroon of any package index (detect-secrets knows pypi.org's and test.pypi.org's headers)",
    "npm Access Token": "`npm_` + 36 alphanumerics anywhere (granular and automation tokens)",
    "Kubernetes Bootstrap Token": "6 + `.` + 16 lowercase alphanumerics after a `token` name or flag (`kubeadm join --token …`, `--tls-bootstrap-token …`); the 16-character secret half under `token-secret` (a bootstrap token Secret's `stringData`)",
    "Twilio Auth Token": "32 hex (any case) next to a `twilio` name (`TWILIO_AUTH_TOKEN`, `twilio_key` …): the account's auth token or an API key's secret",
    "Discord Webhook URL": "`discord.com/api/webhooks/` + a 17-20 digit id + `/` + 60-68 of `[A-Za-z0-9_-]`",
    "Grafana Service Account Token": "`glsa_` + 32 alphanumerics + `_` + 8 hex (service-account tokens of Grafana and Grafana Cloud stacks)",
    "Grafana Cloud Token": "`glc_` + base64 of a JSON object (`glc_eyJ…`, 43-403 characters): Grafana Cloud access-policy tokens",
    "Grafana API Key": "`eyJrIjoi` + 50-300 base64 characters: legacy Grafana and Grafana Cloud API keys (base64 of `{\"k\":…,\"n\":…,\"id\":…}`, no `.`)",
    "Microsoft Teams Webhook URL": "`<tenant>.webhook.office.com/webhookb2/` or `outlook.office.com/webhook/` + UUID `@` UUID + `/` + the connector (`IncomingWebhook` …) + `/` + 32 hex + `/` + UUID "
                                   "(Office 365 connectors: Teams, Outlook); a Workflows (Power Automate / Logic Apps) trigger URL `…/workflows/<32 hex>/triggers/…?…&sig=` + 43",
    "Azure Annotated Security Key": "84 characters with the `JQQJ` signature at position 52 and a service code at 76 (`AZDO` Azure DevOps PATs, `ACOG` Azure AI / OpenAI, `AZSE` Search …)",
    "Base64-Encoded Private Key": "a PEM private key (RSA, EC, DSA, OpenSSH, PKCS #8) base64-encoded whole, with key material",
    "Amazon MWS Auth Token": "`amzn.mws.` + a lower-case UUID (Amazon Marketplace Web Service)",
    "Mailgun API Key": "`key-` + 32 lower-case alphanumerics (with a digit), or 32 hex + `-` + 8 hex + `-` + 8 hex, on a line naming Mailgun",
    "Braintree Access Token": "`access_token$production$` or `access_token$sandbox$` + 16 lower-case alphanumerics + `$` + 32 hex (PayPal Braintree)",
    "Langfuse Secret Key": "`sk-lf-` + a lower-case UUID (the `pk-lf-` public key is not a secret)",
    "Supabase Access Token": "`sbp_` + 40 lower-case alphanumerics (management-API personal access tokens)",
    "Sourcegraph Access Token": "`sgp_` + 40 hex, `sgp_` + 16 hex (the instance) + `_` + 40 hex, or `sgp_local_` + 40 hex (a self-hosted instance's token, as Cody's settings hold it)",
    "Dropbox Access Token": "11 alphanumerics + ten `A` + 43 of `[A-Za-z0-9_-]` (long-lived access and refresh tokens, 64 characters), or `sl.` / `sl.u.` + 130+ base64url characters (short-lived access tokens)",
    "Encrypted Private Key": "a `-----BEGIN ENCRYPTED PRIVATE KEY-----` block (PKCS #8) with key material",
    "PuTTY Private Key": "a PuTTY `.ppk` key file (`PuTTY-User-Key-File-2:` / `-3:`) with a `Private-Lines:` block of key material",
}

#: detect-secrets' own format detectors that mlwarden runs (their types)
DETECT_SECRETS_FORMATS = (
    "AWS Access Key (`AKIA…`, `ASIA…`)", "Azure Storage account key", "Basic Auth credentials in URLs",
    "Cloudant", "Discord bot token", "IBM Cloud IAM", "IBM COS HMAC", "JSON Web Token", "Mailchimp", "npm",
    "private keys (with key material)", "PyPI", "SendGrid", "Slack", "SoftLayer", "Square OAuth", "Stripe",
    "Telegram bot token", "Twilio",
)


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_GH_CHECKSUMMED = re.compile(r"gh[pousr]_[A-Za-z0-9]{36}|ghr_[A-Za-z0-9]{76}")
_GL_ROUTABLE = re.compile(r"(gl[a-z]{2,6}-[A-Za-z0-9_\-]{27,300}\.[0-9a-z]{2}(?:\.[0-9a-z]{2})?)([0-9a-z]{7})")


def github_checksum_ok(token: str) -> bool:
    """Does a ``ghp_``/``gho_``/``ghu_``/``ghs_``/``ghr_`` token's checksum
    verify? Its last 6 characters are the CRC32 (IEEE) of the characters
    between ``_`` and them, in base62 (``0-9A-Za-z``), most significant digit
    first, zero-padded. GitHub issues no token that fails it."""
    import zlib

    if not _GH_CHECKSUMMED.fullmatch(token):
        return False
    body = token[4:]
    content, checksum = body[:-6], body[-6:]
    n = zlib.crc32(content.encode("ascii"))
    digits = []
    for _ in range(6):
        digits.append(_BASE62[n % 62])
        n //= 62
    return "".join(reversed(digits)) == checksum


def gitlab_routable_crc_ok(token: str) -> bool:
    """Does a GitLab routable token's CRC verify? Its last 7 characters are the
    CRC32 (IEEE) of everything before them (prefix, payload, `.` and version
    [and `.` and payload length]) in base36, zero-padded (GitLab's routable
    token design)."""
    import zlib

    match = _GL_ROUTABLE.fullmatch(token)
    if not match:
        return False
    n = zlib.crc32(match.group(1).encode("ascii"))
    digits = []
    while n:
        digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[n % 36])
        n //= 36
    return "".join(reversed(digits)).rjust(7, "0") == match.group(2).lower()


def checksum_fails(secret_type: str, token: str) -> bool:
    """A token of a checksummed format whose checksum does not verify (not a
    token the provider issued: a sample, or one edited by hand)."""
    if secret_type == "GitHub Access Token" and _GH_CHECKSUMMED.fullmatch(token):
        return not github_checksum_ok(token)
    if secret_type == "GitLab Access Token" and _GL_ROUTABLE.fullmatch(token):
        return not gitlab_routable_crc_ok(token)
    return False


#: a GitHub / GitLab checksummed token shape inside a longer value (at a word
#: start; a glued tail such as `ghp_…extra` is left after the 36 characters)
_GH_IN_VALUE = re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|ghr_[A-Za-z0-9]{76})")
_GL_IN_VALUE = re.compile(r"(?<![A-Za-z0-9_])gl[a-z]{2,6}-[A-Za-z0-9_\-]{27,300}\.[0-9a-z]{2}(?:\.[0-9a-z]{2})?[0-9a-z]{7}(?![0-9a-z])")


def unverified_value(value: str) -> bool:
    """Does ``value`` (a literal MLW402 or MLW403 reports) hold a GitHub or
    GitLab checksummed token shape, none of whose checksums verifies? Then no
    provider issued it (a sample, a hand-edited copy): it is reported at
    medium severity, as MLW401, MLW510 and MLW511 report such a token."""
    if "gh" not in value and "gl" not in value:
        return False
    found = False
    for match in _GH_IN_VALUE.finditer(value):
        if github_checksum_ok(match.group(0)):
            return False
        found = True
    for match in _GL_IN_VALUE.finditer(value):
        if _GL_ROUTABLE.fullmatch(match.group(0)):
            if gitlab_routable_crc_ok(match.group(0)):
                return False
            found = True
    return found


def providers_markdown() -> str:
    """The provider formats as a Markdown list (for the explain pages)."""
    lines = [f"- **{name}**: {PROVIDER_SHAPES[name]}" for name in PROVIDER_PATTERNS]
    lines.append("- detect-secrets' format detectors: " + ", ".join(DETECT_SECRETS_FORMATS))
    return "\n".join(lines)


def with_providers(doc: str) -> str:
    """A rule docstring with ``{providers}`` replaced by :func:`providers_markdown`
    (indented like the docstring)."""
    return doc.replace("{providers}", providers_markdown().replace("\n", "\n    "))


#: A ``"key": "<32 hex>"`` line inside a file named kaggle.json (multi-line form).
KAGGLE_JSON_KEY = re.compile(r"\"key\"\s*:\s*\"([0-9a-f]{32})\"")

#: Provider tokens written base64-encoded (a Kubernetes secret's ``data:``
#: value, a CI variable, a token pasted encoded): the base64 of a token prefix
#: at the start of a base64 run, i.e. of a value that starts with the token.
#: ``ENCODED_PREFIXES`` maps each encoded stem to the token prefix it decodes to.
ENCODED_PREFIXES: Dict[str, str] = {
    "Z2hwX": "ghp_", "Z2hvX": "gho_", "Z2h1X": "ghu_", "Z2hzX": "ghs_", "Z2hyX": "ghr_", "Z2l0aHViX3BhdF": "github_pat_",
    "Z2xwYXQt": "glpat-", "aGZf": "hf_", "c2stcHJvai": "sk-proj-", "c2stc3ZjYWNjdC": "sk-svcacct-", "c2stYW50L": "sk-ant-",
    "QUtJQ": "AKIA", "QVNJQ": "ASIA", "QUl6Y": "AIza", "eG94Yi": "xoxb-", "eG94cC": "xoxp-", "eGFwcC": "xapp-",
    "cHlwaS1BZ": "pypi-Ag", "bnBtX": "npm_", "Z3NrX": "gsk_", "ZGFwa": "dapi",
}
#: a base64 (or base64url) run that starts with one of the encoded stems
ENCODED_RUN = re.compile(
    r"(?<![A-Za-z0-9+/_\-])(?:" + "|".join(sorted(ENCODED_PREFIXES, key=len, reverse=True)) + r")[A-Za-z0-9+/_\-]{12,1400}={0,2}(?![A-Za-z0-9+/=_\-])"
)

#: Cheap prefilter: every provider prefix or context word above, the
#: distinctive parts of detect-secrets' own detectors, and credential words
#: its keyword detector needs. A text with none of these cannot hold a secret
#: any enabled format detector finds, so detect-secrets is never imported for
#: it. Each part is (literals, regex): the regex can only match where one of
#: the literals occurs (the first characters of the literals form the
#: regexes' leading lookahead). Case-sensitive parts search the text; folded parts
#: search ``text.lower()``.
_EXACT_PARTS: Tuple[Tuple[Tuple[str, ...], str], ...] = tuple(
    ((literal,), re.escape(literal))
    for literal in (
        "hf_", "api_org_", "sk-", "gsk_", "r8_", "lsv2_", "pcsk_", "dapi", "AIza", "xai-", "nvapi-", "pplx-", "ABSK",
        "bedrock-api-key", "CLOJARS_", "IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "ABIA", "ACCA", "AKIA", "ASIA",
        "AccountKey", "github_pat_", "eyJ", "_authToken", "PRIVATE KEY", "pypi-", "SG.", "xox", "hooks.slack", "sq0",
        "sk_live", "rk_live", "sk_test", "rk_test", "xapp-", "<master>", "EAAA", "npm_", "LS0tLS1CRUdJTi", "JQQJ", "GOCSPX-", "ya29.", "GR1348941", "FQoGZXIvYXdzE", "FQoDYXdzE",
        "amzn.mws.", "access_token$", "sbp_", "sgp_", "AAAAAAAAAA", "sl.", "PuTTY-User-Key-File-", "glsa_", "glc_", "/triggers/",
    )
) + (
    # Entra secrets (`Q~`) and base64-encoded tokens (ENCODED_PREFIXES). Each
    # regex starts with the one character its group is keyed by, and the
    # encoded stems' first characters are checked behind it (`G(?<=eG)…`): a
    # group whose regex starts with one literal is searched at C speed, and
    # a one-character needle compiles it at once instead of testing five
    # long needles on every file (measured on transformers: 0.65 s -> 0.1 s)
    (("Q",), r"Q(?:~|UtJQ|VNJQ|Ul6Y)"),
    (("Z",), r"Z(?:2h[wv1zy]X|2l0aHViX3BhdF|2xwYXQt|3NrX|GFwa)"),
    (("G",), r"G(?:(?<=eG)(?:94[Yc]|FwcC)|(?<=aG)Zf)"),
    (("s",), r"s(?<=c2s)t(?:cHJvai|c3ZjYWNjdC|YW50L)"),
    (("n",), r"n(?<=bn)BtX"),
    (("H",), r"H(?<=cH)lwaS1BZ"),
) + (
    (("A3T",), r"A3T[A-Z0-9]"),
    (("://",), r"://[^\s/:@]+:[^\s/@]+@"),
    ((".",), r"\.[\w-]{6}\.[\w-]{27}"),  # Discord, searched from its first literal
    ((".",), r"\.(?<=[a-z0-9]{6}\.)[a-z0-9]{16}(?![a-z0-9])"),  # a Kubernetes bootstrap token (6 . 16)
    (("gh",), r"gh[pousr]_"),
    (("gl",), r"gl[a-z]{2,6}-"),
    (("-us",), r"-us\d"),  # Mailchimp
    ((":",), r":[\w-]{34}"),  # Telegram
    (("AC",), r"AC[0-9a-f]{32}"),
    (("SK",), r"SK[0-9a-f]{32}"),
    (("AKC",), r"AKC[a-zA-Z0-9]{10}"),
    (("AP",), r"AP[0-9A-F][a-zA-Z0-9]{8}"),
)
_FOLDED_PARTS: Tuple[Tuple[Tuple[str, ...], str], ...] = (
    (("cohere",), "cohere"),
    (("co_api_key",), "co_api_key"),
    (("wandb",), "wandb"),
    (("weights",), "weights_?and_?biases"),
    (("kaggle",), "kaggle"),
    (('"username"',), '"username"'),
    (("aws",), "aws.{0,20}?(?:key|pw|pass|token)"),
    (("pinecone",), "pinecone"),
    (("private",), "private.?ai"),
    # keyed by the letter each regex starts with: a group whose alternatives
    # start with different letters is scanned at every one of them
    (("session", "security"), "(?:session|security)_?token"),
    (("token",), "token[-_]secret"),
    (("twilio",), "twilio"),
    (("mailgun",), "mailgun"),
    (("cloudant",), "cloudant"),
    (("discord",), "discord"),
    (("webhook.office",), r"webhook\.office"),
    (("outlook.office",), r"outlook\.office"),
    (("ibm",), "ibm"),
    (("softlayer",), "softlayer"),
    (("pwd",), "pwd"),
    (("secret",), "secret"),
    (("contrase",), "contrase"),
    # `pass` only where a keyword detector could fire (password, "pass": …,
    # pass = …, on the same line); the bare Python statement is most of these words in code
    (("pass",), "pass(?=[\\w\"'\\])]|[ \\t]*[=:])"),
)

def _first_chars(parts) -> str:
    chars = set()
    for literals, _regex in parts:
        chars.update(literal[0] for literal in literals)
    return "".join(sorted(chars)).replace("\\", "\\\\").replace("]", "\\]").replace("-", "\\-").replace("^", "\\^")


# a leading lookahead on the parts' first characters lets the regex engine
# skip most positions at C speed (measured: 1.9 s -> 1.7 s and 2.5 s -> 0.5 s
# on 20 MB of transformers sources)
PREFILTER_EXACT = re.compile(f"(?=[{_first_chars(_EXACT_PARTS)}])(?:" + "|".join(regex for _, regex in _EXACT_PARTS) + ")")
#: Searched in ``text.lower()``: context words of the context-based
#: detectors and the keyword detector's words (password, secret …; the
#: credential names such as ``api_key`` are found by the keyword trigger,
#: :data:`mlwarden.secrets.keywords.TRIGGER`).
PREFILTER_FOLDED = re.compile(f"(?=[{_first_chars(_FOLDED_PARTS)}])(?:" + "|".join(regex for _, regex in _FOLDED_PARTS) + ")")


def _by_first_char(parts) -> Tuple[Pattern[str], ...]:
    """One regex per first character of the parts' literals: a regex that
    starts with one literal character is searched with ``re``'s literal
    scan, and tries its alternatives only where that character is. Over a
    whole file that is about 3x faster than the one alternation above, whose
    leading character class holds common letters (``a``, ``e``, ``s`` …):
    33 searches cost 1.2 s of CPU on the 53 MB of transformers, the
    alternation 3.7 s. The lines they find are the same (no part spans a
    newline)."""
    from mlwarden.core.regexlit import with_needles

    groups: Dict[str, List[Tuple[Tuple[str, ...], str]]] = {}
    for literals, regex in parts:
        groups.setdefault(literals[0][0], []).append((literals, regex))
    # each marked with its parts' literals: a group none of whose literals is
    # in the text is neither compiled nor searched (core/regexlit.cannot_match)
    return tuple(
        with_needles(re.compile("(?:" + "|".join(regex for _, regex in group) + ")"), [lit for literals, _ in group for lit in literals])
        for group in groups.values()
    )


_EXACT_BY_CHAR = _by_first_char(_EXACT_PARTS)
_FOLDED_BY_CHAR = _by_first_char(_FOLDED_PARTS)


def prefilter_regexes(text: str, lowered: str) -> Tuple[Tuple[Pattern[str], str], ...]:
    """(regex, haystack) pairs that together find every candidate of
    ``text`` (the lines :data:`PREFILTER_EXACT` and :data:`PREFILTER_FOLDED`
    match, faster on large texts)."""
    return tuple((regex, text) for regex in _EXACT_BY_CHAR) + tuple((regex, lowered) for regex in _FOLDED_BY_CHAR)


def prefilter_match(text: str) -> bool:
    """Could ``text`` hold a secret any enabled detector finds?"""
    return PREFILTER_EXACT.search(text) is not None or PREFILTER_FOLDED.search(text.lower()) is not None
