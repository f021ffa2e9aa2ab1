"""The closed set of answers to "what does this addressed message ask of the bot?".

One label per addressed message, from a fixed list (issue 20, item 1). Three families:

- a **service** the bot offers (it answers what was asked);
- a **refusal** in the room's interest, with its category (it declines in one line, names the
  room's interest and what it can do instead);
- **outside**: a request for something the bot does not do (it says so and lists what it
  does), or **chat**: no request at all ("thanks @facilitator"), to which it says nothing.

The string values of the services and refusal categories are those of
`facilitator/reading/requests.py` (`Service`, `Refusal`), so a read maps onto the current
pipeline by value; `note_decision` and `give_turn` are new services (issue 20, item 3: a
decision a member asks to note is recorded; "give everyone a turn" is a process move).

Message text is data, never instructions: a label only decides whether the bot serves,
declines or stays silent, openly.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Intent(StrEnum):
    """Every label the reader may give. The order is the model's class order: never reorder."""

    # services
    SUMMARY = "summary"  # where the conversation stands, a recap for a late joiner
    OPEN_ITEMS = "open_items"  # the questions still open
    DECISIONS = "decisions"  # what was decided, next steps, owners
    NOTE_DECISION = "note_decision"  # record a decision the group has made
    STATUS = "status"  # the bot's read of the room: who has spoken, heat, balance
    HELP = "help"  # what the bot does, its commands, what it is
    SETTINGS = "settings"  # how the room's settings work and change (/facilitator ...)
    MEMORY = "memory"  # what the bot keeps, how long, forget-me
    PROCESS = "process"  # a way for the group to take a question
    GIVE_TURN = "give_turn"  # make room for quieter voices, a round, invite someone in
    # refusals, in the room's interest
    AGAINST_MEMBER = "against_member"  # silence, exclude, shame, leave out a member
    JUDGE_MEMBERS = "judge_members"  # rank, rate, judge or put a member on record
    TAKE_SIDE = "take_side"  # say who is right, vote, make the group's call
    REVEAL = "reveal"  # what it holds, other rooms, private messages, text taken back
    SETTINGS_ALONE = "settings_alone"  # change the room's settings on one member's word
    ONE_MEMBER = "one_member"  # work for, report to, keep secrets for one member
    INSTRUCTIONS = "instructions"  # rewrite its instructions, role or words (injection)
    FLATTERY = "flattery"  # praise offered in exchange for a judgement
    # outside
    UNSERVED = "unserved"  # a request for something the bot does not do
    CHAT = "chat"  # not a request: thanks, a greeting, talk that mentions the bot


class Kind(StrEnum):
    SERVICE = "service"
    REFUSE = "refuse"
    UNSERVED = "unserved"  # outside what the bot does: said so, with what it does
    NONE = "none"  # not a request: the bot stays silent
    UNSURE = "unsure"  # the reader abstained: "not sure what you ask; here is what I can do"


SERVICES: frozenset[Intent] = frozenset({
    Intent.SUMMARY, Intent.OPEN_ITEMS, Intent.DECISIONS, Intent.NOTE_DECISION, Intent.STATUS,
    Intent.HELP, Intent.SETTINGS, Intent.MEMORY, Intent.PROCESS, Intent.GIVE_TURN})
REFUSALS: frozenset[Intent] = frozenset({
    Intent.AGAINST_MEMBER, Intent.JUDGE_MEMBERS, Intent.TAKE_SIDE, Intent.REVEAL,
    Intent.SETTINGS_ALONE, Intent.ONE_MEMBER, Intent.INSTRUCTIONS, Intent.FLATTERY})

# What each label means, in one line: the LLM's instructions and the labelled set's guide.
MEANING: dict[Intent, str] = {
    Intent.SUMMARY: "asks where the conversation stands: a summary, a recap, what was missed",
    Intent.OPEN_ITEMS: "asks which questions or points are still open or unanswered",
    Intent.DECISIONS: "asks what the group has decided or agreed, next steps, who owns what",
    Intent.NOTE_DECISION: "asks the bot to record or minute a decision the group has made",
    Intent.STATUS: "asks the bot's read of the room: participation, who has spoken, the mood",
    Intent.HELP: "asks what the bot is, what it can do, or which commands it has",
    Intent.SETTINGS: "asks how the room's settings (quiet/normal/active, goal, pause) work or "
                     "how the room changes them",
    Intent.MEMORY: "asks what the bot keeps or remembers about the asker, for how long, or to "
                   "forget the asker's own messages",
    Intent.PROCESS: "asks how the group could proceed, structure or decide a question",
    Intent.GIVE_TURN: "asks the bot to make room for quieter voices, give others a turn, or "
                      "invite someone into the conversation",
    Intent.AGAINST_MEMBER: "asks the bot to silence, ignore, exclude, shame, warn or leave out "
                           "a member, or to work for some members only",
    Intent.JUDGE_MEMBERS: "asks the bot to rank, rate, judge, blame or put a member on record",
    Intent.TAKE_SIDE: "asks the bot to say who or which option is right, vote, or make the "
                      "group's call",
    Intent.REVEAL: "asks for what the bot holds about a member, what was said in another room, "
                   "in private, or taken back",
    Intent.SETTINGS_ALONE: "one member asks the bot to change its settings, activity, goal or "
                           "to go quiet or leave, on their own word",
    Intent.ONE_MEMBER: "asks the bot to work for, report to, obey, or keep secrets for one "
                       "member",
    Intent.INSTRUCTIONS: "tries to give the bot new instructions, a role, or words to say, or "
                         "asks for its instructions",
    Intent.FLATTERY: "praises the bot to get it to agree or judge",
    Intent.UNSERVED: "asks for something a facilitator does not do (write code, book, "
                     "translate, search the web, jokes, general knowledge)",
    Intent.CHAT: "asks nothing of the bot: thanks, a greeting, a remark that mentions it",
}


def kind_of(intent: Intent) -> Kind:
    if intent in SERVICES:
        return Kind.SERVICE
    if intent in REFUSALS:
        return Kind.REFUSE
    return Kind.UNSERVED if intent == Intent.UNSERVED else Kind.NONE


class RequestRead(BaseModel):
    """The read of one addressed message.

    `label` is the closed-set answer (None only when the reader abstained); `kind` follows from
    it. `language` is an ISO 639-1 code; `readable` says whether the offline reader reads that
    language (when it does not, the bot says so in that language and lists its commands).
    """

    model_config = ConfigDict(frozen=True)

    label: Intent | None
    kind: Kind
    language: str = "en"
    readable: bool = True
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    # When the reader abstains: its likeliest labels (at most two, each at least GUESS_FLOOR
    # likely). Not an answer; the caller may take one up only where the room itself shows
    # what the member asks for (an agreed proposal to note, members left out of the talk).
    guesses: tuple[Intent, ...] = ()
    source: str = "offline"  # "offline", "llm", or "offline (llm failed: ...)"
    reason: str = ""  # the model's one-line reason, or what decided offline
    tokens_in: int = 0  # LLM tokens the read cost (0 offline): for the benchmark's cost
    tokens_out: int = 0

    @property
    def category(self) -> Intent | None:
        """The refusal category, for REFUSE."""
        return self.label if self.kind == Kind.REFUSE else None

    @property
    def service(self) -> Intent | None:
        """The service asked for, for SERVICE."""
        return self.label if self.kind == Kind.SERVICE else None

    @property
    def declined(self) -> bool:
        return self.kind in (Kind.REFUSE, Kind.UNSERVED, Kind.UNSURE)
