"""What the policy decides for one event: silence, or one intervention with its words."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Intervention(StrEnum):
    ANSWER = "answer"
    INVITE_QUIET = "invite_quiet"
    COMMON_GROUND = "common_ground"
    NAME_CRUX = "name_crux"
    TRANSLATE_TERMS = "translate_terms"
    DEESCALATE = "deescalate"
    SUMMARIZE = "summarize"
    REFOCUS = "refocus"
    PROPOSE_PROCESS = "propose_process"
    RECORD_DECISION = "record_decision"
    DECLINE_CAPTURE = "decline_capture"
    SURFACE_QUESTION = "surface_question"


class Moment(BaseModel):
    """A candidate moment the gate found worth considering."""

    intervention: Intervention
    reason: str
    to: list[str] = Field(default_factory=list)  # member ids the words are for
    ref: str | None = None  # question, proposal or message id the moment is about
    priority: int = 0
    facts: dict[str, str] = Field(default_factory=dict)  # template fields: names, quotes


class BotDecision(BaseModel):
    """`speak`: the bot acts on this event, with `text` (a message), `react` (an emoji's name,
    put on the message `react_to`: the lighter form of a move, chosen in policies/policy.py) or both."""

    speak: bool = False
    intervention: Intervention | None = None
    text: str | None = None
    react: str | None = None
    react_to: str | None = None
    reason: str
    to: list[str] = Field(default_factory=list)
    ref: str | None = None
    signals: dict[str, float] = Field(default_factory=dict)
    llm_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0

    @classmethod
    def silence(cls, reason: str, **kw: object) -> BotDecision:
        return cls(speak=False, reason=reason, **kw)  # type: ignore[arg-type]
