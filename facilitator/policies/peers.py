"""Two naive peers to compare the facilitator with (`facilitator eval`, `facilitator bench`).

- `AlwaysPolicy`: the common pattern in today's group-chat bots, an LLM agent asked on every
  human message. It sends the recent window to the model and posts whatever comes back.
- `MentionOnlyPolicy`: speaks only when a member addresses it (a mention, or a reply to one of
  its messages), and then answers with the facilitator's own offline wording.

Neither has a gate, a guard, a budget or a duty to the group: that is the point of the comparison.
"""

from __future__ import annotations

import logging

from facilitator.events import ChatEvent, EventKind
from facilitator.memory.state import RoomState
from facilitator.policies.compose_rules import compose
from facilitator.policies.decision import BotDecision, Intervention, Moment
from facilitator.policies.llm.base import LLMError, LLMProvider
from facilitator.policies.prompts import Prompts
from facilitator.policies.signals import Signals

log = logging.getLogger(__name__)

ALWAYS_SYSTEM = (
    "You are a helpful AI assistant taking part in a group chat. Read the recent messages and "
    "reply to the latest one helpfully and briefly."
)
ALWAYS_WINDOW = 15


def recent_window(state: RoomState, last: int = ALWAYS_WINDOW) -> str:
    """The recent conversation as plain `name: text` lines, oldest first."""
    lines = []
    for msg in state.window[-last:]:
        who = "assistant" if msg.is_bot else state.name_of(msg.author)
        lines.append(f"{who}: {msg.text[:600]}")
    return "\n".join(lines)


class AlwaysPolicy:
    """Asks the LLM on every human message and says what it returns."""

    name = "always"

    def __init__(self, provider: LLMProvider) -> None:
        self.provider = provider

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        sig = signals.as_json()
        if event.author.is_bot or event.kind != EventKind.MESSAGE:
            return BotDecision.silence("not a human message", signals=sig)
        user = f"Recent messages:\n{recent_window(state)}\n\nReply to {event.author.display}."
        try:
            result = await self.provider.text(ALWAYS_SYSTEM, user)
        except LLMError as exc:
            log.warning("room %s: always-peer LLM call failed: %s", state.room, exc)
            return BotDecision.silence(f"LLM unavailable ({exc})", signals=sig, llm_calls=1)
        state.usage.llm_calls += 1
        text = result.value.strip()
        if not text:
            return BotDecision.silence("empty reply", signals=sig, llm_calls=1)
        return BotDecision(speak=True, intervention=Intervention.ANSWER, text=text,
                        reason="asked on every message", to=[event.author.id], signals=sig,
                        llm_calls=1, tokens_in=result.usage.tokens_in,
                        tokens_out=result.usage.tokens_out)


class MentionOnlyPolicy:
    """Speaks only when addressed, with the rules composer's answer (or a plain template)."""

    name = "mention-only"
    FALLBACK = "Thanks, {asker}. I'm here if the group needs a summary or the open questions."

    def __init__(self, prompts: Prompts | None = None) -> None:
        self.prompts = prompts or Prompts()

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        sig = signals.as_json()
        if event.author.is_bot or event.kind != EventKind.MESSAGE:
            return BotDecision.silence("not a human message", signals=sig)
        if not (event.addressed or state.is_bot_message(event.reply_to)):
            return BotDecision.silence("not addressed", signals=sig)
        moment = Moment(intervention=Intervention.ANSWER, to=[event.author.id], ref=event.id,
                        reason=f"{event.author.display} addressed the bot")
        try:
            text = compose(self.prompts, moment, state, event, signals=signals)
        except (KeyError, ValueError, StopIteration, OSError):
            text = self.FALLBACK.format(asker=event.author.display)
        return BotDecision(speak=True, intervention=Intervention.ANSWER, text=text,
                        reason=moment.reason, to=moment.to, ref=event.id, signals=sig)
