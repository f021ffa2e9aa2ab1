"""The facilitator's memory of one room, as pydantic models.

Everything here is bounded (see the CAP_* limits) so a room's footprint stays under a fixed
size however long it lives. It is also the bot's read of the room that every member may see.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from facilitator.reading.tokens import base_nick

CAP_WINDOW = 30  # recent messages kept with their text
CAP_WINDOW_TEXT = 1500  # characters of each kept; enough to quote, edit and give context
CAP_PARTICIPANTS = 400  # least recently seen members beyond this are folded away
CAP_RELATIONS = 300
CAP_QUESTIONS = 20
CAP_PROPOSALS = 12
CAP_DECISIONS = 20
CAP_ACTIONS = 20
CAP_BOT_LOG = 30
CAP_TERMS = 30
CAP_BRIDGING = 5
CAP_GOAL_TERMS = 120
CAP_QUOTE = 280  # characters of a message quoted in questions, proposals and decisions
CAP_HISTORY = 120  # minutes with activity kept for the room page's charts (~9 KB of JSON)
# Message ids kept on a derived item (a decision, a term use, the bot's turn) naming the
# messages whose words it holds, so a delete, an edit or a forget finds it after those
# messages have left the window. Questions, proposals, action items and bridging notes need
# none: their id is the id of the one message they quote.
CAP_SOURCES = 12
# Per member and concept: the latest few messages using their term. A term used more often
# goes when these are deleted although older messages used it too: lost, never leaked.
CAP_TERM_SOURCES = 3


class Activity(StrEnum):
    QUIET = "quiet"
    NORMAL = "normal"
    ACTIVE = "active"


class Participant(BaseModel):
    id: str
    name: str = ""
    messages: int = 0
    words: int = 0
    first_turn: int = 0
    last_turn: int = -1  # room turn of their last message; -1 = has not spoken
    last_ts: float = 0.0
    replies_received: int = 0
    invited_turn: int | None = None  # when the bot last invited them by name
    answered_invite: bool | None = None
    joined_ts: float | None = None
    present: bool = True

    @property
    def label(self) -> str:
        return self.name or self.id


class StoredMessage(BaseModel):
    id: str
    author: str
    text: str
    ts: float
    turn: int
    reply_to: str | None = None
    is_bot: bool = False
    hostility: float = 0.0
    approvals: list[str] = Field(default_factory=list)  # members who agreed (reply or reaction)
    objections: list[str] = Field(default_factory=list)


class Relation(BaseModel):
    """Undirected pair of members; `a` < `b`."""

    a: str
    b: str
    replies: int = 0
    mentions: int = 0
    agree: int = 0
    disagree: int = 0
    tension: float = 0.0  # decays; rises with hostile or disagreeing exchanges
    last_turn: int = 0


class Question(BaseModel):
    id: str
    asker: str
    addressee: str | None = None
    text: str
    ts: float
    turn: int
    answered_by: str | None = None
    surfaced: bool = False  # the bot already brought it back once
    # Its asker wrote, or was spoken to, just before asking: it goes on from those lines and
    # means little quoted alone (read when it is asked: by the time it has waited, those lines
    # have often left the window).
    follows_on: bool = False
    # In a busy channel, the fitted read (reading/waiting.py) took it, at its first free moment,
    # for one no helper would take up: it is not brought back (read once, as it was judged).
    read_down: bool = False


class Proposal(BaseModel):
    id: str
    author: str
    text: str
    ts: float
    turn: int
    supporters: list[str] = Field(default_factory=list)
    objectors: list[str] = Field(default_factory=list)
    # Members whose reply may be a no (the fitted read leaned to an objection or a doubting
    # question, or a no was put as a question): until they say yes or no, the proposal is not
    # the group's agreement (silence where unsure).
    unclear: list[str] = Field(default_factory=list)
    status: Literal["open", "decided", "dropped"] = "open"

    @property
    def backers(self) -> list[str]:
        """Its supporters other than its author: the support that can make it the group's."""
        return [s for s in self.supporters if s != self.author]


class GroupDecision(BaseModel):
    id: str
    text: str
    ts: float
    proposal_id: str | None = None
    recorded_by: str  # a member id, or the bot
    owners: list[str] = Field(default_factory=list)
    author: str | None = None  # whose words `text` quotes (the proposer); None before sources
    sources: list[str] = Field(default_factory=list)  # ids of the messages `text` quotes
    # Who had agreed and who still objected when it was decided: the record of agreement.
    supporters: list[str] = Field(default_factory=list)
    objectors: list[str] = Field(default_factory=list)


class ActionItem(BaseModel):
    id: str
    owner: str
    text: str
    ts: float
    # Decisions this commitment made its owner an owner of: a deleted commitment takes that.
    decisions: list[str] = Field(default_factory=list)


DigestSchedule = Literal["off", "daily", "weekly"]
CharterField = Literal["activity", "goal", "paused", "digest", "shape", "more", "less"]


class CharterChange(BaseModel):
    """A change one member asked for; it takes a second member (or an admin) to apply."""

    field: CharterField
    value: str
    by: str
    by_name: str = ""
    ts: float


class Charter(BaseModel):
    goal: str = ""
    activity: Activity = Activity.NORMAL
    shape: Literal["auto", "meeting", "channel"] = "auto"  # auto: read from the traffic
    norms: list[str] = Field(default_factory=list)
    changed_by: str | None = None
    changed_ts: float | None = None
    pending: CharterChange | None = None
    paused: bool = False  # the bot keeps its read but says nothing until resumed
    locked: bool = False  # settings change only by an admin
    digest: DigestSchedule = "off"
    # Moves the room turned on beyond its kind's defaults (`/facilitator more MOVE`), or off
    # (`/facilitator less MOVE`); see policies/defaults.py.
    more: list[str] = Field(default_factory=list)
    less: list[str] = Field(default_factory=list)


class BotTurn(BaseModel):
    id: str
    ts: float
    turn: int
    intervention: str
    reason: str
    text: str
    to: list[str] = Field(default_factory=list)
    trigger: str  # the event the bot responded to
    response: Literal["pending", "answered", "thanked", "ignored", "objected"] = "pending"
    sources: list[str] = Field(default_factory=list)  # ids of the messages its text quotes
    # A reaction (an emoji's name) the bot put on the message `react_to`, beside its text or,
    # when `text` is "", instead of a message.
    react: str | None = None
    react_to: str | None = None


class TermUse(BaseModel):
    """Who called one concept by which name (for translate_terms)."""

    concept: str
    by: dict[str, str] = Field(default_factory=dict)  # member id -> the term they used
    # member id -> the (latest few) messages in which they used that term: when all of them
    # are deleted, the member's entry goes too.
    sources: dict[str, list[str]] = Field(default_factory=dict)
    turn: int = 0
    translated: bool = False


class BridgeNote(BaseModel):
    id: str
    author: str
    text: str
    approvers: list[str]
    camps: int  # how many distinct agreement camps approved it


class Rolling(BaseModel):
    """Signals kept incrementally so the gate never rescans history."""

    heat: float = 0.0  # EMA of message hostility and disagreement
    heat_prev: float = 0.0
    peak_heat: float = 0.0
    pace_per_min: float = 0.0
    last_human_ts: float = 0.0
    off_goal_streak: int = 0
    off_goal_social: int = 0  # of those, social chatter (shows, sport, weekends, food)
    goal_terms: list[str] = Field(default_factory=list)  # word stems of on-goal talk
    # The last message that added each stem (stem -> message id), so a deleted or edited
    # message takes the stems it brought; a stem with no entry predates this record.
    goal_sources: dict[str, str] = Field(default_factory=dict)
    loop_score: float = 0.0  # repetition between the same two disagreeing members
    churn: float = 0.0  # share of recent events that are joins and leaves
    present: int = 0  # members present, counted at the last join or leave
    voices: int = 0  # members who have ever posted here
    prefixed: float = 0.0  # share of recent messages opening with "nick:"
    shape: Literal["meeting", "channel"] = "meeting"  # read from the traffic


# What kind of room this is, read from its traffic (memory/trackers/kind.py). "forming": too
# few messages to tell yet.
RoomKind = Literal["forming", "help_channel", "community", "issue_thread", "chaired_meeting",
                   "small_team", "deliberation"]
CAP_CHAIR_EVIDENCE = 12  # members whose chairing is tracked (the most active)


class ChairEvidence(BaseModel):
    """What one member's messages did to the run of the conversation (trackers/kind.py, the chair read)."""

    messages: int = 0
    hubs: int = 0  # spoke between two other members who were not the same person
    handoffs: int = 0  # named a member, who spoke next
    process: int = 0  # opened, moved or closed an item, gave the floor, called to order
    first: int = 0  # their first message's position in the room (0: opened it)


class Traffic(BaseModel):
    """The room's traffic, read incrementally: what kind of room it is and who chairs it."""

    messages: int = 0  # human messages read
    log_gap: float = 0.0  # EMA of log(1 + seconds) between human messages
    long_gaps: float = 0.0  # EMA of gaps of half an hour or more
    length: float = 0.0  # EMA of log(1 + characters)
    short: float = 0.0  # EMA of messages of three words or fewer ("Yeah.", "Mm-hmm.")
    runs: float = 0.0  # EMA of messages by the author of the one before
    argued: float = 0.0  # EMA of messages that disagree, or push back with heat
    kind: RoomKind = "forming"
    chair: str | None = None  # the member who runs the meeting now, when one does
    chair_since: int | None = None  # turn (human messages) when the chair was recognised
    evidence: dict[str, ChairEvidence] = Field(default_factory=dict)
    seen: dict[str, int] = Field(default_factory=dict)  # kind -> human messages read as it
    chairs: list[str] = Field(default_factory=list)  # members recognised as chair (latest 4)
    roster: int = 0  # members who had joined when the talk began (0: some known otherwise)
    opened: bool = False  # since then someone outside that roster spoke, or someone came or went


class MoveSteer(BaseModel):
    """How the room has taken one of the bot's moves lately (memory/trackers/bot_log.py)."""

    net: int = 0  # waved off (ignored 1, objected or told off 2) less taken up, never below 0
    taken: int = 0  # turns of this move thanked or taken up
    waved: int = 0  # turns of this move ignored, objected to or told off
    last_turn: int = -1  # room turn of the move's last bot turn


class Minute(BaseModel):
    """One minute of the room with activity, for the page's charts over time."""

    t: int  # minutes since the epoch
    messages: int = 0  # human messages in that minute
    heat: float = 0.0  # the room's tension after the minute's last event
    evenness: float = 1.0  # 1 - Gini of message shares so far: 1 even, towards 0 one voice
    voices: int = 0  # people who had spoken by then
    bot: int = 0  # the bot's own turns in that minute


class LLMUsage(BaseModel):
    llm_calls: int = 0
    llm_tokens_in: int = 0
    llm_tokens_out: int = 0
    llm_window_start: float = 0.0
    llm_calls_in_window: int = 0
    llm_failures: int = 0


class RoomState(BaseModel):
    # Stored and shown under the field names it has always had (`turn` below).
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True,
                              serialize_by_alias=True)

    room: str
    created_ts: float = 0.0
    last_ts: float = 0.0
    # Human messages so far: the clock that every `turn` position of an item is read on.
    human_messages: int = Field(default=0, alias="turn")
    events: int = 0
    participants: dict[str, Participant] = Field(default_factory=dict)
    folded_participants: int = 0
    window: list[StoredMessage] = Field(default_factory=list)
    relations: dict[str, Relation] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)
    proposals: list[Proposal] = Field(default_factory=list)
    decisions: list[GroupDecision] = Field(default_factory=list)
    actions: list[ActionItem] = Field(default_factory=list)
    terms: list[TermUse] = Field(default_factory=list)
    bridging: list[BridgeNote] = Field(default_factory=list)
    charter: Charter = Field(default_factory=Charter)
    bot_log: list[BotTurn] = Field(default_factory=list)
    bot_messages: int = 0
    # Moments the policy weighed and let pass (intervention -> turn), so the same moment is
    # not weighed again, at the price of another LLM call, on every following message.
    considered: dict[str, int] = Field(default_factory=dict)
    # With a model: moments it declined (a hash of move, people and item -> a hash of the
    # room's open items, quiet members, heat…), not offered again until the room changes.
    declined: dict[str, str] = Field(default_factory=dict)
    rolling: Rolling = Field(default_factory=Rolling)
    traffic: Traffic = Field(default_factory=Traffic)
    steer: dict[str, MoveSteer] = Field(default_factory=dict)  # move -> how the room took it
    usage: LLMUsage = Field(default_factory=LLMUsage)
    # Lowercased names and base nicks -> member id; rebuilt after members change.
    _names: dict[str, str] | None = PrivateAttr(default=None)

    def name_index(self) -> dict[str, str]:
        if self._names is None:
            index: dict[str, str] = {}
            # Exact names win over nick bases; sorted so a shared base resolves the same way
            # in every run.
            ordered = sorted(self.participants.values(), key=lambda p: p.id)
            for person in ordered:
                index.setdefault(person.id.lower(), person.id)
                index.setdefault(person.label.lower(), person.id)
            for person in ordered:
                for key in (base_nick(person.id), base_nick(person.name)):
                    if key:
                        index.setdefault(key, person.id)
            self._names = index
        return self._names

    def same_person(self, a: str, b: str) -> bool:
        """Whether two member ids are one person under variants of a nick ("seb128",
        "seb128_", "Seb128|away"), as the name index resolves their bases."""
        index = self.name_index()
        return index.get(base_nick(a)) == index.get(base_nick(b))

    def members_changed(self) -> None:
        self._names = None
    history: list[Minute] = Field(default_factory=list)  # oldest first, CAP_HISTORY at most
    welcomed: bool = False  # the bot's one welcome in this room was posted
    title: str = ""  # the channel's name on its platform, for the room page
    last_digest_ts: float = 0.0  # when the last digest went out (0: never)

    def message(self, message_id: str) -> StoredMessage | None:
        for msg in reversed(self.window):
            if msg.id == message_id:
                return msg
        return None

    def name_of(self, member_id: str) -> str:
        person = self.participants.get(member_id)
        return person.label if person else member_id

    def humans(self) -> list[Participant]:
        return list(self.participants.values())

    def open_questions(self) -> list[Question]:
        return [q for q in self.questions if q.answered_by is None]

    def open_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if p.status == "open"]

    def recent_human(self, n: int) -> list[StoredMessage]:
        """The last `n` members' messages in the window, the bot's own left out."""
        return [m for m in self.window if not m.is_bot][-n:]

    def answered(self) -> set[str]:
        """Ids of the members' messages the bot answered: requests to it, not talk."""
        return {t.trigger for t in self.bot_log if t.trigger}

    def last_bot_turn(self) -> BotTurn | None:
        return self.bot_log[-1] if self.bot_log else None

    def last_message_is_bot(self) -> bool:
        return bool(self.window) and self.window[-1].is_bot

    def is_bot_message(self, message_id: str | None) -> bool:
        if not message_id:
            return False
        return any(turn.id == message_id for turn in self.bot_log)
