"""Where credentials go in ML code: SDK packages, credential keyword and
attribute names, environment variable names. Shared by MLW402 (code) and
MLW403 (``%env`` / dotenv lines). No heavy imports."""

from __future__ import annotations

import re
from typing import Optional

#: Top-level packages whose calls take credentials (qualified-name prefixes).
ML_PACKAGES = frozenset(
    {
        "huggingface_hub", "transformers", "datasets", "diffusers", "sentence_transformers", "peft", "timm",
        "accelerate", "evaluate", "trl", "gradio_client", "openai", "anthropic", "cohere", "wandb", "replicate",
        "groq", "langchain", "langchain_openai", "langchain_anthropic", "langchain_community", "langchain_huggingface",
        "langchain_google_genai", "langchain_groq", "langchain_cohere", "langchain_mistralai", "langchain_nvidia_ai_endpoints",
        "langsmith", "pinecone", "kaggle", "mistralai", "together", "litellm", "llama_index", "databricks", "xai_sdk",
        "comet_ml", "neptune", "mlflow", "clearml", "google.generativeai", "google.genai", "vertexai", "boto3",
        "openrouter", "perplexity", "nvidia",
    }
)

#: Keyword arguments that carry a credential (``token=``, ``api_key=`` …).
#: Tokenizer special tokens (``pad_token=``, ``eos_token=``) are not here.
CREDENTIAL_KEYWORDS = frozenset(
    {
        "token", "use_auth_token", "hf_token", "auth_token", "access_token", "api_token", "api_key", "apikey",
        "api_secret", "secret_key", "openai_api_key", "anthropic_api_key", "cohere_api_key", "google_api_key",
        "groq_api_key", "pinecone_api_key", "huggingfacehub_api_token", "replicate_api_token", "langchain_api_key",
        "mistral_api_key", "together_api_key", "nvidia_api_key", "xai_api_key", "openrouter_api_key",
        "aws_secret_access_key", "aws_session_token", "client_secret", "secret", "password", "github_token",
        "private_key", "service_account_key",
    }
)

#: HTTP client packages whose ``headers=`` may carry an Authorization literal.
HTTP_PACKAGES = frozenset({"requests", "httpx", "aiohttp", "urllib3", "urllib"})
#: Keyword arguments that hold HTTP headers.
HEADER_KEYWORDS = frozenset({"headers", "default_headers", "extra_headers", "http_headers"})
#: Header names (lower case) whose value is a credential.
AUTH_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "x-auth-token", "x-access-token", "proxy-authorization"})

#: Calls whose positional argument is the credential: qualified name -> (position, keyword).
POSITIONAL_SINKS = {
    "huggingface_hub.login": (0, "token"),
    "huggingface_hub.HfFolder.save_token": (0, "token"),
    "cohere.Client": (0, "api_key"),
    "cohere.ClientV2": (0, "api_key"),
    "replicate.Client": (0, "api_token"),
    "wandb.login": (1, "key"),
}

#: Module attributes that hold a credential (``openai.api_key = "…"``).
CREDENTIAL_ATTRIBUTES = frozenset({"api_key", "api_token", "token", "access_token", "api_secret"})

_ENV_NAME = re.compile(
    r"^(?:[A-Z0-9]+_)*(?:API_?KEY|API_?TOKEN|TOKEN|KEY|SECRET|SECRET_?KEY|SECRET_ACCESS_KEY|PASSWORD|PASSWD|PWD|ACCESS_?KEY)$",
    re.IGNORECASE,
)


def is_credential_env(name: str) -> bool:
    """``HF_TOKEN``, ``OPENAI_API_KEY``, ``KAGGLE_KEY``, ``AWS_SECRET_ACCESS_KEY`` …
    (not ``TOKENIZERS_PARALLELISM``, ``HF_TOKEN_PATH``, ``AWS_ACCESS_KEY_ID``)."""
    return bool(_ENV_NAME.match(name.strip()))


def is_ml_package(qualified: str) -> bool:
    parts = qualified.split(".")
    return parts[0] in ML_PACKAGES or ".".join(parts[:2]) in ML_PACKAGES


def sink_keyword(qualified: str, keyword: str) -> bool:
    """Does ``keyword`` of a call to ``qualified`` carry a credential?"""
    if keyword == "key":
        return qualified == "wandb.login"
    return keyword in CREDENTIAL_KEYWORDS and is_ml_package(qualified)


def env_assignment(text: str) -> "Optional[tuple[str, str, int]]":
    """Parse ``NAME=value`` / ``NAME value`` (``%env`` syntax) or a dotenv
    ``export NAME="value"`` line: (name, value, 0-based column of value)."""
    match = re.match(r"^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|\s)\s*)(.*?)\s*$", text)
    if not match:
        return None
    prefix, name, value = match.group(1), match.group(2), match.group(3)
    col = len(prefix)
    if value.startswith("#") and prefix[-1:].isspace():
        return name, "", col  # `%env OPENAI_API_KEY= # your key here`: no value, then a comment
    quote = value[:1]
    if quote in ("'", '"'):
        end = value.find(quote, 1)
        if end > 0:
            return name, value[1:end], col + 1
    if " #" in value:
        value = value.split(" #", 1)[0].rstrip()
    return name, value, col
