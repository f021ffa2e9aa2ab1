"""Which language an addressed message is in (issue 20, item 2).

py3langid (a maintained fork of langid.py; its model ships inside the wheel, ~4 MB, numpy
only) scores the message over a fixed set of languages. Short lines ("thanks!", "help") carry
little evidence, so the read leans on what it knows:

- the languages the offline request reader reads (`READABLE`, those of its labelled set) win
  close calls: a line is put in another language only when the detector is sure of it
  (`OTHER_AT`), because "I can't read this language" to a member who wrote English would be
  absurd;
- a hint (the room's language: `policies/gate.py` reads it from the room's last lines)
  decides when nothing else does, and wins a close call between two readable languages.

Cost: ~25 µs a message once loaded (the model loads once, ~0.7 s, on first use).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from threadpoolctl import ThreadpoolController

# The languages the offline reader was fitted on and the catalogue speaks.
READABLE: tuple[str, ...] = ("en", "es", "fr", "de", "pt")
# Languages told apart from those: a message in one of them gets "I can't read this language
# yet" (in it, when the catalogue has that line) rather than a guess.
OTHERS: tuple[str, ...] = ("it", "nl", "pl", "sv", "da", "no", "fi", "ru", "uk", "tr", "ca",
                           "ro", "cs", "hu", "el", "ja", "zh", "ko", "ar", "he", "hi", "id")
OTHER_AT = 0.8  # how sure the detector must be before a line is read as an unreadable language
READABLE_AT = 0.3  # below this, a readable top guess gives way to the hint
# A close call between two readable languages goes to the hint (the room's language) when the
# hint is ranked this close behind the top guess: "anótalo como decidido, por favor" reads
# Portuguese 0.52 and Spanish 0.48, and in a room that speaks Spanish it is Spanish.
HINT_WITHIN = 0.8
_MENTION = re.compile(r"(?<!\w)@[\w.-]+")


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # ISO 639-1
    probability: float
    readable: bool  # the offline reader reads it


@cache
def _threadpools() -> ThreadpoolController:
    """The loaded BLAS libraries, found once: finding them reads the process's memory map,
    which cost a millisecond of CPU a call — more than the detection it wrapped (profiled:
    2,000 lines through the trackers, 3.5 s of 7 in detect_language, 2 s of it there)."""
    return ThreadpoolController()


def one_blas_thread():  # type: ignore[no-untyped-def]
    """A context in which BLAS runs on one thread (see reading/intent.embed for why)."""
    return _threadpools().limit(limits=1, user_api="blas")


@cache
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    ident.set_languages(list(READABLE + OTHERS))
    return ident


def detect_language(text: str, hint: str | None = None) -> Language:
    """The language of `text` (mentions removed), leaning on READABLE and on `hint`."""
    clean = _MENTION.sub(" ", text or "").strip()
    fallback = hint if hint in READABLE else "en"
    if not any(ch.isalpha() for ch in clean):
        return Language(fallback, 0.0, True)
    identifier = _identifier()  # loads numpy's BLAS before the thread pools are looked up
    with one_blas_thread():
        ranked = identifier.rank(clean)
    code, prob = ranked[0]
    if code not in READABLE:
        if prob >= OTHER_AT:
            return Language(code, float(prob), False)
        # not sure it is another language: the likeliest readable one, or the hint
        code, prob = next((c, p) for c, p in ranked if c in READABLE)
    if prob < READABLE_AT and hint in READABLE:
        return Language(hint, float(prob), True)
    hinted = next((float(p) for c, p in ranked if c == hint), 0.0)
    if hint in READABLE and hint != code and hinted >= HINT_WITHIN * prob:
        return Language(hint, hinted, True)
    return Language(code, float(prob), True)
