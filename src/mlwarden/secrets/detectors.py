"""ML-provider credential detectors as detect-secrets plugins.

Each class is a plain ``RegexBasedDetector`` so it also works in
detect-secrets itself::

    detect-secrets scan --plugin "$(python -c 'import mlwarden.secrets.detectors as d; print(d.__file__)')"

The ``secret_type`` strings are frozen: baselines (ours and detect-secrets')
identify secrets by them. The regular expressions live in
:mod:`mlwarden.secrets.patterns` (shared with mlwarden's cheap prefilter).
"""

from __future__ import annotations

from detect_secrets.plugins.base import RegexBasedDetector

from mlwarden.secrets.patterns import PROVIDER_PATTERNS


class HuggingFaceTokenDetector(RegexBasedDetector):
    """Hugging Face user access tokens (``hf_…``)."""

    secret_type = "Hugging Face Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class HuggingFaceOrgTokenDetector(RegexBasedDetector):
    """Hugging Face organization API tokens (``api_org_…``)."""

    secret_type = "Hugging Face Organization Token"
    denylist = PROVIDER_PATTERNS[secret_type]


class OpenAITokenDetector(RegexBasedDetector):
    """OpenAI keys: legacy ``sk-…``, ``sk-proj-``, ``sk-svcacct-``, ``sk-admin-``."""

    secret_type = "OpenAI API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class AnthropicTokenDetector(RegexBasedDetector):
    """Anthropic keys: ``sk-ant-api03-…``, ``sk-ant-admin01-…``."""

    secret_type = "Anthropic API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class CohereTokenDetector(RegexBasedDetector):
    """Cohere API keys (40 alphanumerics near ``cohere``/``CO_API_KEY``)."""

    secret_type = "Cohere API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class WandbTokenDetector(RegexBasedDetector):
    """Weights & Biases API keys (40 hex near ``wandb``)."""

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
    """Pinecone API keys (``pcsk_…``)."""

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


class XAITokenDetector(RegexBasedDetector):
    """xAI (Grok) API keys (``xai-…``)."""

    secret_type = "xAI API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class OpenRouterTokenDetector(RegexBasedDetector):
    """OpenRouter API keys (``sk-or-v1-`` + 64 hex)."""

    secret_type = "OpenRouter API Key"
    denylist = PROVIDER_PATTERNS[secret_type]


class NvidiaTokenDetector(RegexBasedDetector):
    """NVIDIA API catalog keys (``nvapi-…``)."""

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


#: Every detector above, in a stable order (most specific formats first).
ALL_DETECTORS = (
    AnthropicTokenDetector,
    OpenRouterTokenDetector,
    OpenAITokenDetector,
    HuggingFaceTokenDetector,
    HuggingFaceOrgTokenDetector,
    ReplicateTokenDetector,
    GroqTokenDetector,
    LangSmithTokenDetector,
    PineconeTokenDetector,
    DatabricksTokenDetector,
    GoogleTokenDetector,
    XAITokenDetector,
    NvidiaTokenDetector,
    PerplexityTokenDetector,
    AWSBedrockTokenDetector,
    KaggleTokenDetector,
    CohereTokenDetector,
    WandbTokenDetector,
)
