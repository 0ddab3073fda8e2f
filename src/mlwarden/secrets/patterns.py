"""ML-provider credential formats as plain regular expressions.

This module imports nothing heavy: the detector classes in
:mod:`mlwarden.secrets.detectors` (detect-secrets plugins) and the cheap
prefilter in :mod:`mlwarden.secrets.adapter` both read these patterns, so the
two can never disagree. Every pattern is anchored on a non-word boundary on
both sides so a token inside a longer identifier is not matched.

Formats and sources are documented in ``docs/secrets.md``.
"""

from __future__ import annotations

import re
from typing import Dict, Pattern, Tuple

# (?<![A-Za-z0-9_-]) ... (?![A-Za-z0-9_-]): not part of a longer token
_B = r"(?<![A-Za-z0-9_\-])"
_E = r"(?![A-Za-z0-9_\-])"
# an assignment/argument separator between a context word and the value:
# `KEY = "v"`, `KEY: v`, `"key": "v"`, `f(key="v")`, `Client("v")`
_CTX = r"[\w.\-\[\]'\"]{0,40}?\s{0,3}(?:[=:,(]|=>|:=)\s{0,3}(?:[\w]{1,20}\s{0,2}=\s{0,2})?[\"'`]?\s{0,2}"


def _re(body: str, flags: int = 0) -> Pattern[str]:
    return re.compile(body, flags)


#: secret_type -> regexes (a capturing group, when present, is the secret).
#: ``secret_type`` strings are part of baselines: never change one once released.
PROVIDER_PATTERNS: Dict[str, Tuple[Pattern[str], ...]] = {
    "Hugging Face Token": (
        _re(_B + r"(hf_[A-Za-z0-9]{34,40})" + _E),
    ),
    "Hugging Face Organization Token": (
        _re(_B + r"(api_org_[A-Za-z0-9]{34,40})" + _E),
    ),
    "OpenAI API Key": (
        # project, service-account and admin keys
        _re(_B + r"(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,250})" + _E),
        # legacy user keys (the T3BlbkFJ marker is base64 of "OpenAI")
        _re(_B + r"(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})" + _E),
        _re(_B + r"(sk-[A-Za-z0-9]{48})" + _E),
    ),
    "Anthropic API Key": (
        _re(_B + r"(sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{80,120})" + _E),
    ),
    "Cohere API Key": (
        _re(r"(?i:cohere|co_api_key)" + _CTX + r"([A-Za-z0-9]{40})" + _E),
    ),
    "Weights & Biases API Key": (
        _re(r"(?i:wandb|weights_and_biases)" + _CTX + r"([0-9a-f]{40})" + _E),
    ),
    "Replicate API Token": (
        _re(_B + r"(r8_[A-Za-z0-9]{37})" + _E),
    ),
    "Groq API Key": (
        _re(_B + r"(gsk_[A-Za-z0-9]{52})" + _E),
    ),
    "LangSmith API Key": (
        _re(_B + r"(lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10})" + _E),
    ),
    "Pinecone API Key": (
        _re(_B + r"(pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{50,80})" + _E),
    ),
    "Databricks Token": (
        _re(_B + r"(dapi[0-9a-f]{32}(?:-\d)?)" + _E),
    ),
    "Google API Key": (
        _re(_B + r"(AIza[0-9A-Za-z_\-]{35})" + _E),
    ),
    "xAI API Key": (
        _re(_B + r"(xai-[A-Za-z0-9]{70,90})" + _E),
    ),
    "OpenRouter API Key": (
        _re(_B + r"(sk-or-v1-[0-9a-f]{64})" + _E),
    ),
    "NVIDIA API Key": (
        _re(_B + r"(nvapi-[A-Za-z0-9_\-]{64})" + _E),
    ),
    "Perplexity API Key": (
        _re(_B + r"(pplx-[A-Za-z0-9]{48})" + _E),
    ),
    "Kaggle API Key": (
        _re(r"(?i:kaggle_key|kaggle[\w.\-]{0,20}key)" + _CTX + r"([0-9a-f]{32})" + _E),
        # kaggle.json: {"username": "…", "key": "…"}
        _re(r"\"username\"\s*:\s*\"[^\"]*\"\s*,\s*\"key\"\s*:\s*\"([0-9a-f]{32})\""),
    ),
    "AWS Bedrock API Key": (
        # long-term keys: "ABSK" + base64("BedrockAPIKey-…")
        _re(_B + r"(ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{20,400}={0,2})" + r"(?![A-Za-z0-9+/=])"),
        # short-term keys
        _re(_B + r"(bedrock-api-key-[A-Za-z0-9+/]{40,2000}={0,2})" + r"(?![A-Za-z0-9+/=])"),
    ),
}

#: A ``"key": "<32 hex>"`` line inside a file named kaggle.json (multi-line form).
KAGGLE_JSON_KEY = re.compile(r"\"key\"\s*:\s*\"([0-9a-f]{32})\"")

#: Cheap prefilter: every provider prefix or context word above, the
#: distinctive parts of detect-secrets' own detectors, and credential words
#: its keyword detector needs. A text with none of these cannot hold a secret
#: any enabled detector finds, so detect-secrets is never imported for it.
#: Two patterns, because speed matters (a whole repository goes through them):
#: every alternative of PREFILTER_EXACT starts with a literal (the token
#: formats that start with a character class are searched from their first
#: literal part, a superset: `.xxxxxx.` for Discord, `-us1` for Mailchimp,
#: `:` for Telegram), and the case-insensitive words are searched in
#: lower-cased text (PREFILTER_FOLDED) instead of with re.IGNORECASE. On the
#: transformers sources: 15 s -> 4 s, the same lines.
PREFILTER_EXACT = re.compile(
    r"hf_|api_org_|sk-|gsk_|r8_|lsv2_|pcsk_|dapi|AIza|xai-|nvapi-|pplx-|ABSK|bedrock-api-key"
    r"|A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|AccountKey|://[^\s/:@]+:[^\s/@]+@"
    r"|\.[\w-]{6}\.[\w-]{27}|gh[pousr]_|github_pat_|gl[a-z]{2,4}-|eyJ|-us\d"
    r"|_authToken|PRIVATE KEY|pypi-|SG\.|xox|hooks\.slack|sq0|sk_live|rk_live|:[\w-]{35}"
    r"|AC[0-9a-f]{32}|SK[0-9a-f]{32}|AKC[a-zA-Z0-9]{10}|AP[0-9A-F][a-zA-Z0-9]{8}"
)
#: Searched in ``text.lower()``: context words of the context-based
#: detectors and the keyword detector's words (api_key, password, secret …).
PREFILTER_FOLDED = re.compile(
    r"(?=[cwk\"aidspbc])(?:cohere|co_api_key|wandb|weights_and_biases|kaggle|\"username\"|aws.{0,20}?(?:key|pw|pass|token)"
    r"|cloudant|discord|ibm|softlayer|(?:api|auth|service|account|db|database|priv|private|client)_?key|pwd|secret|contrase"
    # `pass` only where a keyword detector could fire (password, "pass": …,
    # pass = …); the bare Python statement is most of these words in code
    r"|pass(?=[\w\"'\])]|\s*[=:]))"
)


def prefilter_match(text: str) -> bool:
    """Could ``text`` hold a secret any enabled detector finds?"""
    return PREFILTER_EXACT.search(text) is not None or PREFILTER_FOLDED.search(text.lower()) is not None


# -- placeholders -----------------------------------------------------------

_PLACEHOLDER_WORDS = re.compile(
    r"your|example|placeholder|dummy|changeme|change_me|redacted|insert|replace|sample|<|>|\{|\}|\$|\.\.\.|…|\*\*\*",
    re.IGNORECASE,
)
_REPEATED = re.compile(r"(.)\1{5,}")


def is_placeholder(value: str) -> bool:
    """``"<your token>"``, ``"hf_xxx…"``, ``"sk-..."``, ``"${TOKEN}"``,
    ``"****"``: documentation placeholders, not secrets. (An obvious ``FAKE``
    marker in a regex-valid test token is *not* a placeholder: test tokens
    that look real get committed and copied.)"""
    body = value.strip()
    if len(body) < 8:
        return True
    if _PLACEHOLDER_WORDS.search(body):
        return True
    # hf_xxxxxxxx…, sk-000000…, aaaaaa: six or more of one character in a row
    if _REPEATED.search(body):
        return True
    # hf_abababab…: the longest alphanumeric run uses three characters or fewer
    longest = max(re.findall(r"[A-Za-z0-9]+", body) or [""], key=len)
    return len(longest) >= 8 and len(set(longest.lower())) <= 3
