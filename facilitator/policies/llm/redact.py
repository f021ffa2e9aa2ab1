"""Mask personal data and secrets before any text goes to a model (`FACILITATOR_LLM_REDACT`).

On by default. What is masked, wherever it appears in a prompt (messages, names, quotes):
- e-mail addresses -> `[email]`
- phone numbers (international `+49 30 1234567`, `(555) 123-4567`, `030/1234567`) -> `[phone]`
- secrets: provider API keys (`sk-…`, `sk-ant-…`), GitHub, Slack, AWS and Google tokens, JWTs,
  `Bearer …` headers, `password=…` / `token: …` / `api_key=…` values, passwords inside URLs,
  private key blocks -> `[secret]`
The rest of the text is kept as it is, so the model still reads the conversation. Masking is
done by `RedactingProvider`, which wraps the provider: the prompt that leaves the machine, and
the cassette that records it, hold only the masks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from facilitator.config.redact import redact as redact_url_passwords

from .base import LLMProvider, LLMResult, T_Model

REDACT_ENV = "FACILITATOR_LLM_REDACT"

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SECRETS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
               re.S),
    re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}"),
    re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{16,}"),
]
# key = value / key: value for the words people put secrets behind; the key stays readable.
_KEYED = re.compile(r"(?i)\b(password|passwd|pwd|passphrase|secret|token|api[_-]?key|"
                    r"access[_-]?key|client[_-]?secret)(\s*[:=]\s*)(['\"]?)([^\s'\"]{4,})\3")
# A long run mixing upper case, lower case and digits, like a generated key (not a word,
# not a git hash, which is lower-case hex).
_RANDOM = re.compile(r"\b(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*\d)"
                     r"[A-Za-z0-9_-]{32,}\b")
_PHONE = re.compile(r"(?<![\w+/.-])(?:\+|00)?\(?\d[\d ()./-]{6,}\d(?!\w|[/.-]\d)")
_DATE_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")
_VERSION_LIKE = re.compile(r"^\d+(?:\.\d+){2,}$")


def _phone(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = sum(ch.isdigit() for ch in raw)
    compact = raw.strip()
    if not 8 <= digits <= 15 or _DATE_LIKE.match(compact) or _VERSION_LIKE.match(compact):
        return raw
    # A phone number is written with a leading +/00/0/( or grouped by spaces or dashes;
    # a bare run of digits (an id, an amount) is left alone.
    grouped = any(sep in compact for sep in " -/()")
    if not (compact.startswith(("+", "00", "0", "(")) or grouped):
        return raw
    if " " in compact and not compact.startswith(("+", "00", "0", "(")) and (
            max(len(p) for p in re.split(r"\D+", compact) if p) < 3):
        return raw  # "1 2 3 4 5 6 7 8": a list of numbers
    return "[phone]"


def redact(text: str) -> str:
    """`text` with e-mail addresses, phone numbers and secrets masked."""
    if not text:
        return text
    text = redact_url_passwords(text).replace(":***@", ":[secret]@")
    for pattern in _SECRETS:
        text = pattern.sub("[secret]", text)
    text = _KEYED.sub(lambda m: f"{m.group(1)}{m.group(2)}[secret]", text)
    text = _EMAIL.sub("[email]", text)
    text = _RANDOM.sub("[secret]", text)
    return _PHONE.sub(_phone, text)


def redaction_on(env: Mapping[str, str]) -> bool:
    """`FACILITATOR_LLM_REDACT`: on unless set to 0, false, no or off."""
    value = env.get(REDACT_ENV, "").strip().lower()
    if value in ("", "1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{REDACT_ENV}={value!r}: expected on or off")


class RedactingProvider:
    """Masks every prompt before it reaches the wrapped provider (and whatever it records)."""

    def __init__(self, inner: LLMProvider) -> None:
        self.inner = inner
        self.name = inner.name

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)  # model, base_url, json_mode, served_models, …

    async def structured(self, system: str, user: str, schema: type[T_Model], *,
                         max_tokens: int = 400) -> LLMResult[T_Model]:
        return await self.inner.structured(redact(system), redact(user), schema,
                                           max_tokens=max_tokens)

    async def text(self, system: str, user: str, *, max_tokens: int = 300) -> LLMResult[str]:
        return await self.inner.text(redact(system), redact(user), max_tokens=max_tokens)

    async def aclose(self) -> None:
        await self.inner.aclose()
