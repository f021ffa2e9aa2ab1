"""When an attack read by the fitted reader is worth answering (issue 19): precision first.

With the fitted attack reader switched on (FACILITATOR_ATTACK_READ=fitted) and
`answer_attack` on, blind judges found most answers harmful on the TUNE rooms: sharp
disagreement and criticism of sources read as attacks, mutual exchanges answered on one
side, a moderator's warning answered, the wrong member named. What they found helpful were
answers after plain insults aimed at a person. So an attack is answered only when all hold:

- the author's own words (quotes taken out) still read as an attack (`ANSWER_AT`), and one
  of their sentences says something hostile of a member (the hostility model's clause
  reading anchors the hostile predicate on "you" or a member's name: `PERSON_AT`), not of
  an argument, an edit or a source;
- that member is present: they have spoken in the room, and are not the author;
- the exchange is not mutual: the target has not been hostile in the last `MUTUAL_LAST`
  messages (heat or the fitted read at its own threshold); answering one side of a
  two-sided exchange takes a side;
- nor has another member lately been hostile to the author (replying to or naming them);
- the author is not a member who keeps order here (read as the room's chair, now or
  before: memory/trackers/kind.py): a warning is a moderator's job, not an attack.

Nothing here runs with the default read (`MessageRead.attack_aim` is None then).
"""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.memory.state import RoomState
from facilitator.reading.attacks import own_words, shipped_attack_reader
from facilitator.reading.message import MessageRead, says_name

ANSWER_AT = 0.5  # the reader's probability on the author's own words
PERSON_AT = 0.5  # the hostility model's score of the sentence said of the member
MUTUAL_LAST = 12  # messages back in which a hostile word from the target makes it mutual
MUTUAL_HEAT = 0.25  # a message's heat that counts (policies/gate.py HOSTILE_AT)


def why_not_answer(event: ChatEvent, state: RoomState, read: MessageRead) -> str | None:
    """Why an attack read is not answered; None when it is one worth answering."""
    aim = read.attack_aim
    if aim is None:
        return None
    author = event.author.id
    if aim.probability < ANSWER_AT:
        return f"its own words read {aim.probability:.2f} as an attack (< {ANSWER_AT})"
    if aim.target is None or aim.person < PERSON_AT:
        return "its hostile words are said of no member (an argument, a source, nobody known)"
    target = state.participants.get(aim.target)
    if target is None or not target.messages or aim.target == author:
        return "the member it is said of is not in the room"
    if author in state.traffic.chairs:
        return f"{event.author.display} keeps order here"
    if _gave_as_good(state, aim.target, event.id):
        return f"{state.name_of(aim.target)} was hostile too lately: a mutual exchange"
    if _was_attacked(state, author, event.id):
        return f"{event.author.display} was spoken to with heat lately: a mutual exchange"
    return None


def _was_attacked(state: RoomState, author: str, now: str) -> bool:
    """Whether another member's recent hostile message was aimed at the author (it replies
    to them or names them): then the author answers heat, and one side is not the story."""
    person = state.participants.get(author)
    label = person.label if person is not None else ""
    mine = {m.id for m in state.window if m.author == author}
    for msg in state.window[-MUTUAL_LAST - 1:]:
        if msg.is_bot or msg.id == now or msg.author == author or msg.hostility < MUTUAL_HEAT:
            continue
        if msg.reply_to in mine or says_name(msg.text.lower(), label):
            return True
    return False


def _gave_as_good(state: RoomState, target: str, now: str) -> bool:
    reader = shipped_attack_reader()
    names = state.name_index()
    for msg in state.window[-MUTUAL_LAST - 1:]:
        if msg.is_bot or msg.id == now or msg.author != target:
            continue
        if msg.hostility >= MUTUAL_HEAT:
            return True
        if reader.assess(own_words(msg.text), names)[1]:  # the reader's own verdict
            return True
    return False
