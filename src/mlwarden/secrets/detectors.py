"""ML-provider credential detectors as detect-secrets plugins.

Each class is a plain ``RegexBasedDetector`` so it also works in
detect-secrets itself::

    detect-secrets scan --plugin "$(python -c 'import mlwarden.secrets.detectors as d; print(d.__file__)')"

The ``secret_type`` strings are frozen: baselines (ours and detect-secrets')
identify secrets by them. The regular expressions live in
:mod:`mlwarden.secrets.patterns` (shared with mlwarden's cheap prefilter).
"""

from __future__ import annotations

from typing import Any, Generator, Set

from mlwarden.secrets.adapter import import_detect_secrets

import_detect_secrets()  # without `requests` (verification is never used)

from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector  # noqa: E402

from mlwarden.secrets import keywords  # noqa: E402
from mlwarden.secrets.patterns import PROVIDER_PATTERNS  # noqa: E402


class HuggingFaceTokenDetector(RegexBasedDetector):
    """Hugging Face user access tokens (``hf_…``)."""

    secret_type = "Hugging Face Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class HuggingFaceOrgTokenDetector(RegexBasedDetector):
    """Hugging Face organization API tokens (``api_org_…``)."""

    secret_type = "Hugging Face Organization Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class OpenAITokenDetector(RegexBasedDetector):
    """OpenAI keys with the ``T3BlbkFJ`` marker: ``sk-proj-``, ``sk-svcacct-``, ``sk-admin-``, legacy ``sk-``."""

    secret_type = "OpenAI API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class GenericApiKeyTokenDetector(RegexBasedDetector):
    """``sk-`` + 32-64 alphanumerics with no provider marker (several providers share the shape)."""

    secret_type = "Generic API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class AnthropicTokenDetector(RegexBasedDetector):
    """Anthropic keys: ``sk-ant-api03-…AA``, ``sk-ant-admin01-…AA``."""

    secret_type = "Anthropic API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class CohereTokenDetector(RegexBasedDetector):
    """Cohere API keys (40 alphanumerics near ``cohere``/``CO_API_KEY``)."""

    secret_type = "Cohere API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class WandbTokenDetector(RegexBasedDetector):
    """Weights & Biases API keys: 40 hex near ``wandb``, ``wandb_v1_…``."""

    secret_type = "Weights & Biases API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class ReplicateTokenDetector(RegexBasedDetector):
    """Replicate API tokens (``r8_…``)."""

    secret_type = "Replicate API Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class GroqTokenDetector(RegexBasedDetector):
    """Groq API keys (``gsk_…``)."""

    secret_type = "Groq API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class LangSmithTokenDetector(RegexBasedDetector):
    """LangSmith personal and service keys (``lsv2_pt_…``, ``lsv2_sk_…``)."""

    secret_type = "LangSmith API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class PineconeTokenDetector(RegexBasedDetector):
    """Pinecone API keys: ``pcsk_…``, legacy UUID keys near ``pinecone``."""

    secret_type = "Pinecone API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class DatabricksTokenDetector(RegexBasedDetector):
    """Databricks personal access tokens (``dapi`` + 32 hex)."""

    secret_type = "Databricks Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class GoogleTokenDetector(RegexBasedDetector):
    """Google / Gemini API keys (``AIza…``)."""

    secret_type = "Google API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class GoogleOAuthClientSecretDetector(RegexBasedDetector):
    """Google OAuth client secrets (``GOCSPX-…``)."""

    secret_type = "Google OAuth Client Secret"
    denylist = PROVIDER_PATTERNS[secret_type]


class GoogleOAuthAccessTokenDetector(RegexBasedDetector):
    """Google OAuth access tokens (``ya29.…``)."""

    secret_type = "Google OAuth Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class XAITokenDetector(RegexBasedDetector):
    """xAI (Grok) API keys (``xai-`` + 70-120)."""

    secret_type = "xAI API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class OpenRouterTokenDetector(RegexBasedDetector):
    """OpenRouter API keys (``sk-or-v1-`` + 64 hex)."""

    secret_type = "OpenRouter API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class NvidiaTokenDetector(RegexBasedDetector):
    """NVIDIA API catalog keys (``nvapi-`` + 60-70)."""

    secret_type = "NVIDIA API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class PerplexityTokenDetector(RegexBasedDetector):
    """Perplexity API keys (``pplx-…``)."""

    secret_type = "Perplexity API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class KaggleTokenDetector(RegexBasedDetector):
    """Kaggle API keys (``KAGGLE_KEY``, the ``key`` of ``kaggle.json``)."""

    secret_type = "Kaggle API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class AWSBedrockTokenDetector(RegexBasedDetector):
    """Amazon Bedrock API keys (long-term ``ABSK…``, short-term ``bedrock-api-key-…``)."""

    secret_type = "AWS Bedrock API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class AWSSecretAccessKeyTokenDetector(RegexBasedDetector):
    """AWS secret access keys (40 base64 characters named ``aws_secret_access_key`` …)."""

    secret_type = "AWS Secret Access Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class AWSSessionTokenDetector(RegexBasedDetector):
    """AWS STS session tokens (``IQoJb3JpZ2luX2Vj…``, ``FwoGZXIvYXdzE…``, or named ``aws_session_token``)."""

    secret_type = "AWS Session Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class GitHubAccessTokenDetector(RegexBasedDetector):
    """GitHub tokens: ``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``, fine-grained ``github_pat_``."""

    secret_type = "GitHub Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class GitLabAccessTokenDetector(RegexBasedDetector):
    """GitLab tokens: ``glpat-``, ``gldt-``, ``glrt-``, ``glcbt-`` and the other ``gl…-`` prefixes."""

    secret_type = "GitLab Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class AzureADClientSecretTokenDetector(RegexBasedDetector):
    """Azure AD / Entra ID client secrets (``xxx8Q~…``)."""

    secret_type = "Azure AD Client Secret"
    denylist = PROVIDER_PATTERNS[secret_type]


class ClojarsTokenDetector(RegexBasedDetector):
    """Clojars deploy tokens (``CLOJARS_`` + 60)."""

    secret_type = "Clojars API Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class AmazonMWSTokenDetector(RegexBasedDetector):
    """Amazon MWS auth tokens (``amzn.mws.`` + a UUID)."""

    secret_type = "Amazon MWS Auth Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class MailgunKeyDetector(RegexBasedDetector):
    """Mailgun private API keys (``key-`` + 32 hex; the newer shape next to ``mailgun``)."""

    secret_type = "Mailgun API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class BraintreeTokenDetector(RegexBasedDetector):
    """Braintree access tokens (``access_token$production$…$…``)."""

    secret_type = "Braintree Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class LangfuseSecretKeyDetector(RegexBasedDetector):
    """Langfuse secret keys (``sk-lf-`` + a UUID)."""

    secret_type = "Langfuse Secret Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class SupabaseTokenDetector(RegexBasedDetector):
    """Supabase personal access tokens (``sbp_`` + 40)."""

    secret_type = "Supabase Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class SourcegraphTokenDetector(RegexBasedDetector):
    """Sourcegraph access tokens (``sgp_`` + 40 hex, with an instance id or ``local_`` between)."""

    secret_type = "Sourcegraph Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class DropboxTokenDetector(RegexBasedDetector):
    """Dropbox long-lived access and refresh tokens (11 + ten ``A`` + 43) and short-lived ones (``sl.`` + 130+)."""

    secret_type = "Dropbox Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class PrivateAITokenDetector(RegexBasedDetector):
    """Private AI API keys (32 alphanumerics near ``private_ai`` / ``privateai``)."""

    secret_type = "Private AI API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class SlackAppTokenDetector(RegexBasedDetector):
    """Slack app-level tokens (``xapp-1-…``)."""

    secret_type = "Slack App Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class SlackRefreshTokenDetector(RegexBasedDetector):
    """Slack refresh and app configuration tokens (``xoxe-1-…``, ``xoxe.xoxp-1-…``)."""

    secret_type = "Slack Refresh Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class SlackWorkflowWebhookDetector(RegexBasedDetector):
    """Slack Workflow Builder webhooks and automation trigger URLs."""

    secret_type = "Slack Workflow Webhook URL"
    denylist = PROVIDER_PATTERNS[secret_type]


class MavenMasterPasswordDetector(RegexBasedDetector):
    """Maven's ``settings-security.xml`` master password (``<master>{…}</master>``)."""

    secret_type = "Maven Master Password"
    denylist = PROVIDER_PATTERNS[secret_type]


class SquareAccessTokenDetector(RegexBasedDetector):
    """Square access tokens (``EAAA…``, legacy ``sq0atp-…``)."""

    secret_type = "Square Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class StripeLiveKeyDetector(RegexBasedDetector):
    """Stripe live secret and restricted keys of every length (detect-secrets'
    ``StripeDetector`` takes 24 characters)."""

    secret_type = "Stripe Secret Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class StripeTestKeyDetector(RegexBasedDetector):
    """Stripe test-mode secret and restricted keys (``sk_test_…``, ``rk_test_…``)."""

    secret_type = "Stripe Test Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class TelegramTokenLengthsDetector(RegexBasedDetector):
    """Telegram bot tokens whose secret is 34 or 35 characters (detect-secrets'
    ``TelegramBotTokenDetector`` takes 35)."""

    secret_type = "Telegram Bot API Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class PyPIAnyIndexTokenDetector(RegexBasedDetector):
    """PyPI-style macaroon tokens of any package index (``pypi-AgE…``;
    detect-secrets' ``PypiTokenDetector`` knows pypi.org's and test.pypi.org's
    headers only)."""

    secret_type = "PyPI API Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class NpmBareTokenDetector(RegexBasedDetector):
    """npm granular and automation tokens (``npm_`` + 36) outside an ``.npmrc``
    (detect-secrets' ``NpmDetector`` reads ``_authToken=`` lines)."""

    secret_type = "npm Access Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class KubernetesBootstrapTokenDetector(RegexBasedDetector):
    """Kubernetes bootstrap tokens (``abcdef.0123456789abcdef`` shape) next to a ``token`` name."""

    secret_type = "Kubernetes Bootstrap Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class TwilioAuthTokenDetector(RegexBasedDetector):
    """Twilio auth tokens and API key secrets (32 hex next to a ``twilio`` name)."""

    secret_type = "Twilio Auth Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class DiscordWebhookDetector(RegexBasedDetector):
    """Discord webhook URLs (``discord.com/api/webhooks/<id>/<token>``)."""

    secret_type = "Discord Webhook URL"
    denylist = PROVIDER_PATTERNS[secret_type]


class GrafanaServiceAccountTokenDetector(RegexBasedDetector):
    """Grafana service-account tokens (``glsa_`` + 32 + ``_`` + 8 hex)."""

    secret_type = "Grafana Service Account Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class GrafanaCloudTokenDetector(RegexBasedDetector):
    """Grafana Cloud access-policy tokens (``glc_`` + base64 of JSON)."""

    secret_type = "Grafana Cloud Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class GrafanaApiKeyDetector(RegexBasedDetector):
    """Legacy Grafana and Grafana Cloud API keys (``eyJrIjoi…``)."""

    secret_type = "Grafana API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class TeamsWebhookDetector(RegexBasedDetector):
    """Microsoft Teams / Office 365 incoming-webhook URLs and Workflows trigger URLs."""

    secret_type = "Microsoft Teams Webhook URL"
    denylist = PROVIDER_PATTERNS[secret_type]


class AzureAnnotatedKeyDetector(RegexBasedDetector):
    """Microsoft's common annotated security keys (``…JQQJ…AZDO…``: Azure DevOps
    PATs, Azure AI / OpenAI, Search, Event Grid keys)."""

    secret_type = "Azure Annotated Security Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class Base64PrivateKeyDetector(RegexBasedDetector):
    """PEM private keys base64-encoded whole (``LS0tLS1CRUdJTi…``)."""

    secret_type = "Base64-Encoded Private Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class EncryptedPrivateKeyDetector(RegexBasedDetector):
    """PKCS #8 ``-----BEGIN ENCRYPTED PRIVATE KEY-----`` blocks (the adapter
    reports them only with key material after the header)."""

    secret_type = "Encrypted Private Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class PuTTYPrivateKeyDetector(RegexBasedDetector):
    """PuTTY ``.ppk`` key files (the adapter reports them only with a
    ``Private-Lines:`` block of key material)."""

    secret_type = "PuTTY Private Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class GenericSecretDetector(BasePlugin):
    """A literal assigned to a credential-named key (``api_key = "…"``,
    ``client_secret: …``, ``*_TOKEN=…``, ``"Authorization": "Bearer …"``),
    judged by :mod:`mlwarden.secrets.keywords` (whole-word names, random-looking
    values, the shared noise filter)."""

    secret_type = keywords.SECRET_TYPE

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        for _line, _col, value in keywords.scan_lines([string]):
            yield value

    def analyze_line(self, filename: str, line: str, line_number: int = 0, context: Any = None, **kwargs: Any) -> Set[Any]:
        from detect_secrets.core.potential_secret import PotentialSecret

        lines = [line]
        following = getattr(context, "lines", None)
        if following is not None and getattr(context, "target_index", None) is not None:
            after = following[context.target_index + 1: context.target_index + 2]
            lines.extend(after)
        found = set()
        for index, _col, value in keywords.scan_lines(lines):
            if index == 0 or len(lines) == 1:
                found.add(PotentialSecret(type=self.secret_type, filename=filename, secret=value, line_number=line_number))
        return found


#: Every format detector above, in a stable order (most specific formats first).
ALL_DETECTORS = (
    PuTTYPrivateKeyDetector,
    AnthropicTokenDetector,
    OpenRouterTokenDetector,
    OpenAITokenDetector,
    GitHubAccessTokenDetector,
    GitLabAccessTokenDetector,
    AzureADClientSecretTokenDetector,
    ClojarsTokenDetector,
    AWSSessionTokenDetector,
    AWSSecretAccessKeyTokenDetector,
    PrivateAITokenDetector,
    HuggingFaceTokenDetector,
    HuggingFaceOrgTokenDetector,
    ReplicateTokenDetector,
    GroqTokenDetector,
    LangSmithTokenDetector,
    PineconeTokenDetector,
    DatabricksTokenDetector,
    GoogleTokenDetector,
    GoogleOAuthClientSecretDetector,
    GoogleOAuthAccessTokenDetector,
    XAITokenDetector,
    NvidiaTokenDetector,
    PerplexityTokenDetector,
    AWSBedrockTokenDetector,
    KaggleTokenDetector,
    CohereTokenDetector,
    WandbTokenDetector,
    GenericApiKeyTokenDetector,
    SlackAppTokenDetector,
    SlackRefreshTokenDetector,
    SlackWorkflowWebhookDetector,
    MavenMasterPasswordDetector,
    SquareAccessTokenDetector,
    StripeLiveKeyDetector,
    StripeTestKeyDetector,
    TelegramTokenLengthsDetector,
    NpmBareTokenDetector,
    PyPIAnyIndexTokenDetector,
    KubernetesBootstrapTokenDetector,
    TwilioAuthTokenDetector,
    DiscordWebhookDetector,
    GrafanaServiceAccountTokenDetector,
    GrafanaCloudTokenDetector,
    GrafanaApiKeyDetector,
    TeamsWebhookDetector,
    AzureAnnotatedKeyDetector,
    Base64PrivateKeyDetector,
    EncryptedPrivateKeyDetector,
    AmazonMWSTokenDetector,
    MailgunKeyDetector,
    BraintreeTokenDetector,
    LangfuseSecretKeyDetector,
    SupabaseTokenDetector,
    SourcegraphTokenDetector,
    DropboxTokenDetector,
)
