"""`facilitator simulate`: a local simulated group chat on the in-process adapter.

Members speak their scripted lines by default. With `--members llm` (an `LLMMembers` voice) the
scenario's personas speak through a model: the script still says who speaks when (and joins,
leaves and reactions happen as scripted), but the words are the model's, written from the
member's persona and the conversation so far. A model that fails or says something unusable
leaves that one line scripted; the transcript records where every line came from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from facilitator.adapters.local import LocalAdapter
from facilitator.engine import Engine, Outcome
from facilitator.events import Author, ChatEvent, EventKind, RoomRef
from facilitator.intake.delivery import Delivery
from facilitator.memory.state import Charter, RoomState
from facilitator.policies.decision import BotDecision, Intervention
from facilitator.policies.llm import sanity
from facilitator.policies.llm.base import LLMError, LLMProvider
from facilitator.policies.prompts import Prompts
from facilitator.policies.signals import Signals, gini
from facilitator.sim.scenario import Line, Member, Reactive, Scenario

START_TS = 1_700_000_000.0
_TRIGGERS = {
    Intervention.INVITE_QUIET: "invited",
    Intervention.DEESCALATE: "cooled",
    Intervention.SUMMARIZE: "summarized",
    Intervention.DECLINE_CAPTURE: "declined",
}


@dataclass(slots=True)
class ChatLine:
    id: str
    who: str
    name: str
    text: str
    ts: float
    bot: bool = False
    intervention: str | None = None
    reason: str | None = None
    to: list[str] = field(default_factory=list)
    script_index: int | None = None  # which scripted line this is (None: reactive or bot)
    kind: str = "message"
    tension: float = 0.0
    gini: float = 0.0
    source: str = "script"  # "script", "model" (an LLM-played member) or "bot"
    react: str | None = None  # the bot's reaction (an emoji's name) on the message `react_to`
    react_to: str | None = None


@dataclass(slots=True)
class SimulationResult:
    scenario: Scenario
    bot: bool
    turns: list[ChatLine]
    outcomes: list[Outcome]

    def metrics(self) -> dict[str, Any]:
        said = [t for t in self.turns if t.kind == "message"]
        humans = Counter(t.who for t in said if not t.bot)
        total_h = sum(humans.values())
        bot_msgs = sum(1 for t in said if t.bot)
        everyone = {m.id: humans.get(m.id, 0) for m in self.scenario.participants}
        return {
            "messages": len(said),
            "human_messages": total_h,
            "bot_messages": bot_msgs,
            "bot_share": round(bot_msgs / len(said), 4) if said else 0.0,
            "participation_shares": {k: round(v / total_h, 4) if total_h else 0.0
                                     for k, v in everyone.items()},
            "gini": round(gini(list(everyone.values())), 4),
            "interventions": dict(Counter(t.intervention for t in said if t.bot)),
            "model_lines": sum(1 for t in said if t.source == "model"),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.title,
            "bot": self.bot,
            "transcript": [
                {"id": t.id, "who": t.who, "name": t.name, "text": t.text, "ts": t.ts,
                 "bot": t.bot, "kind": t.kind, "intervention": t.intervention,
                 "reason": t.reason, "to": t.to, "script_index": t.script_index,
                 "source": t.source, "signals": {"tension": t.tension, "participation_gini": t.gini},
                 **({"react": t.react, "react_to": t.react_to} if t.react else {})}
                for t in self.turns
            ],
            "metrics": self.metrics(),
        }


class Simulation:
    """Runs a scenario through the real engine and store, with the bot or without it."""

    def __init__(self, scenario: Scenario, engine: Engine, *, bot: bool = True,
                 room_name: str | None = None, members: LLMMembers | None = None) -> None:
        self.s = scenario
        self.engine = engine
        self.bot = bot
        self.members = members
        self.room = RoomRef.local(room_name or scenario.title)
        self.delivery = Delivery(engine)
        self.adapter = LocalAdapter(self.delivery.handle)
        self.delivery.poster = self.adapter.post
        self.delivery.reacter = self.adapter.react
        self.turns: list[ChatLine] = []
        self.outcomes: list[Outcome] = []
        self._script_ids: list[str] = []
        self._used: set[int] = set()
        self._clock = START_TS
        self._n = 0

    async def run(self, on_turn: Any = None) -> SimulationResult:
        """`on_turn(turn)` is called as each line happens (for live printing)."""
        await self.engine.store.delete(self.room.key)
        await self.engine.store.update(self.room.key, self._set_charter)
        await self.adapter.start()
        for member in self.s.participants:
            if member.present:
                # Members already in the room: the platform tells the bot who is there.
                await self.adapter.push(ChatEvent(
                    id=f"join-{member.id}", kind=EventKind.JOIN, room=self.room,
                    author=Author(id=member.id, name=member.label), ts=self._clock))
        try:
            for index, line in enumerate(self.s.script):
                await self._say(line, index, on_turn)
        finally:
            await self.adapter.stop()
        return SimulationResult(self.s, self.bot, self.turns, self.outcomes)

    def _set_charter(self, state: RoomState) -> None:
        state.charter = Charter(goal=self.s.goal, activity=self.s.activity,
                                more=list(self.s.more), less=list(self.s.less),
                                changed_by="scenario")

    def _ref(self, ref: int | str | None) -> str | None:
        if isinstance(ref, int):
            return self._script_ids[ref] if ref < len(self._script_ids) else None
        return ref

    def _event(self, line: Line, event_id: str) -> ChatEvent:
        member = self.s.member(line.who)
        kind = EventKind.MESSAGE
        if line.join:
            kind = EventKind.JOIN
        elif line.leave:
            kind = EventKind.LEAVE
        elif line.react is not None:
            kind = EventKind.REACTION
        return ChatEvent(
            id=event_id, kind=kind, room=self.room,
            author=Author(id=member.id, name=member.label),
            text=line.text, ts=self._clock, reply_to=self._ref(line.reply_to),
            target=self._ref(line.to), emoji=line.react,
            addressed=line.mentions_bot or f"@{self.s.bot_name}".lower() in line.text.lower(),
        )

    async def _voice(self, line: Line) -> tuple[Line, str]:
        """The line as the member says it: the model's words when members are LLM-played."""
        if self.members is None or not line.text or line.react or line.join or line.leave:
            return line, "script"
        addressed = line.mentions_bot or f"@{self.s.bot_name}".lower() in line.text.lower()
        text = await self.members.say(self.s, self.s.member(line.who), self.turns,
                                      address_bot=addressed)
        if text is None:
            return line, "script"
        # The script's shape stays: a line that addressed the bot still does.
        return line.model_copy(update={"text": text, "mentions_bot": addressed}), "model"

    async def _say(self, line: Line, index: int | None, on_turn: Any) -> None:
        line, source = await self._voice(line)
        self._n += 1
        self._clock += self.s.seconds_between
        event_id = f"m{self._n}"
        if index is not None:
            self._script_ids.append(event_id)
        event = self._event(line, event_id)
        outcome = await self.adapter.push(event)
        assert isinstance(outcome, Outcome)
        self.outcomes.append(outcome)
        member = self.s.member(line.who)
        sig = outcome.decision.signals
        turn = ChatLine(id=event_id, who=member.id, name=member.label, text=line.text,
                    ts=self._clock, script_index=index, kind=event.kind.value,
                    tension=sig.get("tension", 0.0), gini=sig.get("participation_gini", 0.0),
                    source=source)
        self._emit(turn, on_turn)
        posts = self.adapter.pop_all()
        if not posts or not self.bot:
            return
        d = outcome.decision
        self._clock += 5.0
        # One bot turn: its message, its reaction (the lighter form), or both.
        message = next((p for p in posts if p.react is None), None)
        reaction = next((p for p in posts if p.react is not None), None)
        post = message or reaction
        assert post is not None
        bot_turn = ChatLine(id=post.id, who=self.s.bot_name, name=self.s.bot_name,
                        text=message.text if message else "", ts=self._clock, bot=True,
                        kind="message" if message else "reaction",
                        intervention=d.intervention.value if d.intervention else None,
                        reason=d.reason, to=d.to, source="bot",
                        react=reaction.react if reaction else None,
                        react_to=reaction.react_to if reaction else None)
        self._emit(bot_turn, on_turn)
        for reactive in self._reactions_to(d.intervention, d.to, post.text):
            await self._say(Line(who=reactive.who, text=reactive.text), None, on_turn)

    def _reactions_to(self, intervention: Intervention | None, to: list[str],
                      text: str) -> list[Reactive]:
        trigger = _TRIGGERS.get(intervention) if intervention else None
        due = []
        for i, r in enumerate(self.s.reactions):
            if r.once and i in self._used:
                continue
            member = self.s.member(r.who)
            named = member.id in to or member.label.lower() in text.lower()
            if (r.when == trigger and (named or r.when in ("cooled", "summarized"))) or (
                    r.when == "addressed" and named):
                self._used.add(i)
                due.append(r)
        return due

    def _emit(self, turn: ChatLine, on_turn: Any) -> None:
        self.turns.append(turn)
        if on_turn is not None:
            on_turn(turn)


class SilentPolicy:
    """The --no-bot run: the same engine and state, and a bot that never speaks."""

    name = "no-bot"

    async def decide(self, event: ChatEvent, state: RoomState, signals: Signals) -> BotDecision:
        return BotDecision.silence("no bot in this run", signals=signals.as_json())


class LLMMembers:
    """Members played by a model: each sees its persona and the conversation so far."""

    def __init__(self, provider: LLMProvider, prompts: Prompts | None = None, *,
                 window: int = 12, max_tokens: int = 90) -> None:
        self.provider = provider
        self.prompts = prompts or Prompts()
        self.window = window
        self.max_tokens = max_tokens
        self.lines = 0  # lines the model wrote
        self.fallbacks = 0  # lines left scripted because the model failed or was unusable

    async def say(self, scenario: Scenario, member: Member, turns: list[ChatLine], *,
                  address_bot: bool = False) -> str | None:
        """The member's next message, or None (the caller keeps the scripted line)."""
        said = [t for t in turns if t.kind == "message"][-self.window:]
        transcript = "\n".join(f"{t.name}: {t.text}" for t in said) or "(nobody has spoken yet)"
        system = self.prompts.text("llm/member_system").format(
            name=member.label, topic=scenario.goal or scenario.title,
            persona=member.persona or "a member of the group",
            style=member.style or "natural")
        extra = (f"{member.label} wants to ask the facilitator (@{scenario.bot_name}) "
                 "something. " if address_bot else "")
        user = self.prompts.text("llm/member").format(transcript=transcript, name=member.label,
                                                      extra=extra)
        try:
            result = await self.provider.text(system, user, max_tokens=self.max_tokens)
        except LLMError:
            self.fallbacks += 1
            return None
        text = member_text(result.value, member, scenario, templates=(
            self.prompts.text("llm/member_system"), self.prompts.text("llm/member")))
        if text is None:
            self.fallbacks += 1
            return None
        if address_bot and f"@{scenario.bot_name}".lower() not in text.lower():
            text = f"@{scenario.bot_name} {text}"
        self.lines += 1
        return text


def member_text(raw: str, member: Member, scenario: Scenario, limit: int = 320,
                templates: Sequence[str] = ()) -> str | None:
    """The first message in a model's reply, as the member would type it; None if unusable
    (`templates`: the prompts it answered, whose wording it must not echo)."""
    labels = [m.label for m in scenario.participants] + [scenario.bot_name]
    text = raw.strip()
    # Drop the member's own label, and stop where the model starts writing someone else's line.
    text = re.sub(rf"^\s*{re.escape(member.label)}\s*:\s*", "", text, flags=re.I)
    other = re.compile(rf"(?m)^\s*({'|'.join(re.escape(x) for x in labels)})\s*:")
    cut = other.search(text)
    if cut:
        text = text[:cut.start()]
    text = sanity.clean(" ".join(text.split()))
    if len(text) > limit:
        end = max(text.rfind(c, 0, limit) for c in ".!?")
        text = text[:end + 1] if end > 40 else text[:limit].rsplit(" ", 1)[0] + "…"
    if sanity.problem(text, templates):
        return None
    return text


def members_voice(members: str, spec: str, env: Mapping[str, str], *,
                  timeout_s: float = 20.0) -> LLMMembers | None:
    """None for scripted members; LLM-played members need a model (ValueError says which)."""
    if members != "llm":
        return None
    from facilitator.policies.llm.stack import provider_from_env

    provider = provider_from_env(spec, env=env, timeout_s=timeout_s)
    if provider is None:
        raise ValueError("--members llm needs a model: set FACILITATOR_LLM (e.g. openai:MODEL "
                         "with OPENAI_BASE_URL for a local server) or pass --members-llm")
    return LLMMembers(provider)
