"""Offline composer: fills the templates in prompts/rules/ with names and quotes from the state.

Every slot filled with a member's words is checked first (`policies.wellformed`): a topic that
is not a whole phrase of one message is left out (the template's `_open` variant), and a move
whose quote cannot be said well is not made (`Unsayable`: the graph stays silent).
"""

from __future__ import annotations

from facilitator.events import ChatEvent
from facilitator.locale import cant_read_line, decline_line, line
from facilitator.memory.state import Proposal, RoomState
from facilitator.policies.decision import Intervention, Moment
from facilitator.policies.defaults import is_on
from facilitator.policies.guard import slot_problem
from facilitator.policies.prompts import Prompts
from facilitator.policies.readout import (
    MOVE_QUOTE_LIMIT,
    decisions_answer,
    decisions_text,
    names,
    open_items_text,
    read_as_yes,
    said,
    status_text,
    summary_text,
    their_words,
    topic_phrase,
    topic_phrases,
)
from facilitator.policies.signals import Signals, compute_signals
from facilitator.reading.requests import Refusal, RequestKind, Service, read_request

# What the bot won't do, and what it can do instead, per kind of request it declines.
# Worded so the guard's own checks pass: no verdicts, no talk of private channels by name.
ATTEMPT_PHRASES: dict[str, tuple[str, str]] = {
    Refusal.AGAINST_MEMBER: (
        "mute, sideline or single out anyone",
        "summarise where things stand, list the open questions, or note a decision"),
    Refusal.JUDGE_MEMBERS: (
        "rank, rate or pass judgement on the people here",
        "show how the conversation is shared out, or list the open questions"),
    Refusal.TAKE_SIDE: (
        "take a side or make the group's call for it",
        "lay out each position so everyone can weigh them, or list what is still open"),
    Refusal.REVEAL: (
        "pass on what I hold about anyone, or what was said elsewhere, in private or later "
        "taken back",
        "recap what was said here in this room, or explain what I keep "
        "(`/facilitator forget-me` removes yours)"),
    Refusal.SETTINGS_ALONE: (
        "change my settings on one member's word",
        "tell you how the room changes them: `/facilitator quiet`, `normal`, `active` or "
        "`goal …` proposes a change, and it takes effect when another member seconds it or an "
        "admin sets it"),
    Refusal.ONE_MEMBER: (
        "work for one member or keep things from the rest of the room",
        "post a summary or the open questions here, for everyone"),
    Refusal.INSTRUCTIONS: (
        "take new instructions, roles or words from a message",
        "keep facilitating as the room set me up: a summary, the open questions, or what's "
        "been decided"),
    Refusal.FLATTERY: (
        "take a side, however kindly it's asked",
        "lay out each position so everyone can weigh them"),
}
# Which template (prompts/rules/) answers which request (see facilitator/reading/requests.py
# for the read); a request not here and not in SERVICE_LINES gets "answer".
SERVICE_TEMPLATES: dict[str, str] = {
    Service.SUMMARY: "summarize", Service.OPEN_ITEMS: "open_items",
    Service.DECISIONS: "decisions", Service.STATUS: "answer", Service.HELP: "help",
    Service.PROCESS: "answer_process", "unserved": "decline_unserved",
}
# Requests answered by a fixed line (no room content but the settings), said from the
# catalogue (facilitator/locale/) in the asker's language: which line. What the bot keeps, and
# how the room's settings work (and, asked by members together, how they change).
SERVICE_LINES: dict[str, str] = {
    Service.MEMORY: "memory", Service.SETTINGS: "settings.answer",
}


def _fixed_answer(key: str, state: RoomState, asker: str, lang: str, **fields: str) -> str:
    """The catalogue's line `key` in `lang`; a settings line is told the room's settings."""
    if key.startswith("settings."):
        fields["settings_line"] = line(
            "settings.line", lang, activity=state.charter.activity.value,
            goal=state.charter.goal or line("settings.no_goal", lang))
    return line(key, lang, asker=asker, **fields)


def _sending_fields(state: RoomState, lang: str) -> dict[str, str]:
    """What the bot sends on its own, and how the room sets it, for a request about its
    reminders or digests: the commands that change them and where they stand now."""
    charter = state.charter
    digest = (line("settings.digests_off", lang) if charter.digest == "off"
              else line("settings.digest", lang, digest=charter.digest))
    reminders = line("settings.on" if is_on(state, "surface_question") else "settings.off", lang)
    return {"what": line("sending.what", lang),
            "sending_line": line("settings.sending_line", lang, digest=digest,
                                 reminders=reminders)}


def answer_service(text: str, service: str | None = None) -> str:
    """What an addressed message asks for: the service the gate read, or a fresh read."""
    if service is None:
        read = read_request(text)
        service = read.service.value if read.service else (
            "unserved" if read.kind == RequestKind.UNSERVED else Service.STATUS.value)
    return service


class Unsayable(KeyError):
    """A move whose words cannot be said well (its quote is no whole clause of a message): the
    graph treats it as nothing to say, and the bot stays silent."""


def _names(state: RoomState) -> set[str]:
    return {*state.participants, *(p.label for p in state.participants.values())}


def _ok(state: RoomState, field: str, value: str) -> str:
    """`value` when it may fill `field`, else "" (the template does without it)."""
    return value if value and slot_problem(field, value, names=_names(state)) is None else ""


def _topic(state: RoomState) -> str:
    return _ok(state, "topic", topic_phrase(state))


def _interest(state: RoomState, member: str) -> str:
    return _ok(state, "interest_a",
               " and ".join(topic_phrases(state, n=2, last=12, author=member)))


def _crux(state: RoomState, a: str, b: str) -> str:
    """What both keep coming back to: a phrase of the exchange that each of them used."""
    texts = {who: " ".join(m.text.lower() for m in state.window[-12:] if m.author == who)
             for who in (a, b)}
    for phrase in topic_phrases(state, n=6, last=12):
        if all(phrase.lower() in t for t in texts.values()):
            return _ok(state, "crux", f'what to do about "{phrase}"')
    return _topic(state)


def _quote(state: RoomState, text: str, source_id: str | None, want: str) -> str:
    """A member's clause to quote, or Unsayable when none can be said well."""
    clause = said(state, text, source_id, want=want, limit=MOVE_QUOTE_LIMIT)
    if not clause:
        raise Unsayable(f"no whole {want} to quote")
    return clause


def _with_topic(name: str, topic: str) -> str:
    """The template that names a topic, or its variant that does without one."""
    return name if topic else f"{name}_open"


def compose_fields(moment: Moment, state: RoomState, event: ChatEvent,
                   signals: Signals | None = None) -> tuple[str, dict[str, str]]:
    """The template name and its fields for one moment. `signals`: the room's, as the engine
    computed them for this event (computed here, once, when not given)."""
    kind = moment.intervention
    to = moment.to
    asker = event.author.display
    match kind:
        case Intervention.ANSWER if moment.facts.get("service") in ("cant_read", "unsure") or (
                moment.facts.get("lang", "en") != "en" and moment.facts.get("service") in (
                    "unserved", "help")):
            service, lang = moment.facts["service"], moment.facts.get("lang", "en")
            fixed = cant_read_line(lang, asker=asker) if service == "cant_read" else line(
                service, lang, asker=asker)
            return "in_language", {"line": fixed}
        case Intervention.ANSWER if moment.facts.get("service") in (
                "give_turn", "note_decision") or moment.facts.get("together"):
            return _served_fields(moment, state, asker)
        case Intervention.INVITE_QUIET | Intervention.RECORD_DECISION if moment.facts.get(
                "service") in ("give_turn", "note_decision"):
            return _served_fields(moment, state, asker)
        case Intervention.ANSWER if moment.facts.get("lang", "en") != "en" and moment.facts.get(
                "service") in ("decisions", "open_items", "status", "summary", "process"):
            # The readouts of what was decided, what is open, the room's read, where it stands
            # and a way to take the question, in the asker's language: the catalogue's words
            # around the room's own names and quotes.
            lang, service = moment.facts["lang"], moment.facts["service"]
            if service == "status":
                readout = " ".join(status_text(state, signals=signals, lang=lang).splitlines())
                said_now = line("status.answer", lang, asker=asker, status_line=readout)
            elif service == "summary":
                said_now = line("summary.answer", lang,
                                summary=summary_text(state, signals, lang=lang))
            elif service == "process":
                said_now = line("process.answer", lang, asker=asker,
                                state_line=summary_text(state, signals, lang=lang))
            elif service == "decisions":
                said_now = line("decisions.list", lang, list=decisions_answer(state, lang=lang))
            else:
                said_now = line("open.list", lang, asker=asker,
                                list=open_items_text(state, lang=lang))
            return "in_language", {"line": said_now}
        case Intervention.ANSWER:
            service = answer_service(event.text, moment.facts.get("service"))
            if service in SERVICE_LINES:
                return "in_language", {"line": _fixed_answer(SERVICE_LINES[service], state, asker,
                                                             moment.facts.get("lang", "en"))}
            name = SERVICE_TEMPLATES.get(service, "answer")
            signals = signals or compute_signals(state)  # once for the three readouts
            summary = summary_text(state, signals)
            fields = {"asker": asker, "state_line": summary,
                      "status_line": " ".join(status_text(state, signals=signals).splitlines()),
                      "open_list": open_items_text(state),
                      "decision_list": decisions_answer(state) if name == "decisions"
                      else decisions_text(state), "greeting": "",
                      "summary": summary,
                      "asked": "answer" if moment.facts.get("asked") == "question" else "do"}
            return name, fields
        case Intervention.DECLINE_CAPTURE if moment.facts.get("about") == "sending":
            # How often or when it sends its reminders and digests, asked by one member: what
            # it sends on its own, the commands that set it, and the room's rule for a change.
            lang = moment.facts.get("lang", "en")
            return "in_language", {"line": decline_line("sending_alone", lang, asker=asker,
                                                        **_sending_fields(state, lang))}
        case Intervention.DECLINE_CAPTURE if moment.facts.get("voice") in ("leave_out",
                                                                           "leave_out_words"):
            # A member to be left out of what the bot sends, often on a decision claimed from
            # elsewhere: it goes on sending to everyone, and says where that is settled (two
            # blind judges found the plain "I won't sideline anyone" heard as an accusation);
            # or a member's proposals to be left out of its summaries: it gives every voice,
            # and says where a proposal's worth is weighed (two judges found the first answer
            # beside the point for that).
            return "in_language", {"line": decline_line(moment.facts["voice"],
                                                        moment.facts.get("lang", "en"),
                                                        asker=asker)}
        case Intervention.DECLINE_CAPTURE if moment.facts.get("voice") == "group":
            # A view to be made known as the group's, where the room agreed to none: what the
            # bot will not do, and the way the group's own agreement gets noted.
            return "in_language", {"line": decline_line("for_the_group",
                                                        moment.facts.get("lang", "en"),
                                                        asker=asker)}
        case Intervention.DECLINE_CAPTURE if moment.facts.get("lang", "en") != "en":
            # The room's interest in one line, and what the bot can do, in the asker's language.
            return "in_language", {"line": decline_line(moment.facts.get("attempt", "take_side"),
                                                        moment.facts["lang"], asker=asker)}
        case Intervention.DECLINE_CAPTURE:
            wont, can = ATTEMPT_PHRASES.get(moment.facts.get("attempt", ""),
                                            ATTEMPT_PHRASES[Refusal.TAKE_SIDE])
            why = ("I work for every member of this room, even when most of you agree"
                   if moment.facts.get("majority") else "I work for the whole room")
            return "decline_capture", {"asker": asker, "wont": wont, "why": why, "can": can}
        case Intervention.INVITE_QUIET if moment.facts.get("lang", "en") != "en":
            # The room talks another language the catalogue speaks: its line giving the floor.
            return "in_language", {"line": line("turn.invite_one", moment.facts["lang"],
                                                names=state.name_of(to[0]))}
        case Intervention.INVITE_QUIET:
            person = state.participants.get(to[0])
            new = person is not None and person.messages == 0  # "in a while" would be untrue
            return "invite_quiet_new" if new else "invite_quiet", {"name": state.name_of(to[0])}
        case Intervention.DEESCALATE if len(to) == 1 and moment.facts.get("words") == "point":
            # An attack on a present member, read by the fitted reader: one short line to the
            # author about keeping to the point, in their language; no verdict, no question.
            return "in_language", {"line": line(
                "attack.keep_to_point", moment.facts.get("lang", "en"),
                name=state.name_of(to[0]), target=state.name_of(moment.facts["target"]))}
        case Intervention.DEESCALATE if len(to) == 1:
            # One member's attack or heat: speak to them, never "between" them and the target.
            target = moment.facts.get("target", "")
            topic = _topic(state)
            named = state.name_of(target) if target else ""
            return _with_topic("deescalate_attack", topic), {
                "name": state.name_of(to[0]), "target_clause": f" on {named}" if named else "",
                "target_obj": named or "a person", "topic": topic}
        case Intervention.DEESCALATE:
            a, b = to[0], to[1]
            interest_a, interest_b = _interest(state, a), _interest(state, b)
            return _with_topic("deescalate", interest_a and interest_b), {
                "a": state.name_of(a), "b": state.name_of(b),
                "interest_a": interest_a, "interest_b": interest_b}
        case Intervention.NAME_CRUX:
            a, b = to[0], to[1]
            crux = _crux(state, a, b)
            return _with_topic("name_crux", crux), {"a": state.name_of(a), "b": state.name_of(b),
                                                    "crux": crux}
        case Intervention.TRANSLATE_TERMS:
            use = next(t for t in state.terms if t.concept == moment.ref)
            a, b = to[0], to[1]
            return "translate_terms", {"a": state.name_of(a), "b": state.name_of(b),
                                       "term_a": use.by[a], "term_b": use.by[b],
                                       "concept": use.concept}
        case Intervention.SURFACE_QUESTION:
            q = next(q for q in state.questions if q.id == moment.ref)
            hint = f" (to {state.name_of(q.addressee)})" if q.addressee and (
                q.addressee != q.asker) else ""
            name = "surface_request" if moment.facts.get("mode") == "channel" else "surface_question"
            return name, {"asker": state.name_of(q.asker),
                          "question": _quote(state, q.text, q.id, "question"),
                          "addressee_hint": hint}
        case Intervention.RECORD_DECISION:
            p = next(p for p in state.proposals if p.id == moment.ref)
            return "record_decision", {"proposal": _quote(state, p.text, p.id, "proposal"),
                                       "author": state.name_of(p.author),
                                       "supporters": names(state, p.supporters)}
        case Intervention.REFOCUS:
            return "refocus", {"goal": state.charter.goal}
        case Intervention.SUMMARIZE:
            greeting = f"Welcome, {state.name_of(to[0])}! " if to else ""
            return "summarize", {"greeting": greeting, "summary": summary_text(state, signals)}
        case Intervention.COMMON_GROUND:
            note = next(b for b in state.bridging if b.id == moment.ref)
            return "common_ground", {"author": state.name_of(note.author),
                                     "quote": _quote(state, note.text, note.id, "any"),
                                     "approvers": names(state, note.approvers)}
        case Intervention.PROPOSE_PROCESS:
            clauses = [said(state, p.text, p.id, want="proposal", limit=MOVE_QUOTE_LIMIT)
                       for p in state.open_proposals() if p.objectors]
            props = [f'"{c}"' for c in clauses if c][:3]
            if len(props) < 2:
                raise Unsayable("fewer than two proposals can be quoted whole")
            return "propose_process", {"proposals": "; ".join(props)}
    raise ValueError(f"no template for {kind}")


def _served_fields(moment: Moment, state: RoomState, asker: str) -> tuple[str, dict[str, str]]:
    """A request served by a move: a turn for others, a decision noted (or what it lacks),
    the room's settings asked by members together."""
    facts, mode = moment.facts, moment.facts.get("mode", "")
    lang = facts.get("lang", "en")
    if facts.get("together"):
        others = names(state, facts["together"].split(","), lang=lang)
        if facts.get("about") == "sending":
            return "in_language", {"line": line("settings.sending_together", lang, asker=asker,
                                                others=others, **_sending_fields(state, lang))}
        return "in_language", {"line": _fixed_answer("settings.together", state, asker, lang,
                                                     others=others)}
    if facts["service"] == "give_turn":
        if lang != "en":
            return "in_language", {"line": _turn_line(moment, state, asker, lang)}
        if moment.intervention == Intervention.INVITE_QUIET:
            return "give_turn", {"names": names(state, moment.to)}
        named = [n for n in facts.get("named", "").split(",") if n]
        return f"give_turn_{mode}", {"asker": asker, "names": names(state, named),
                                     "be": "isn't" if len(named) == 1 else "aren't"}
    also = facts.get("also") == "decisions"  # asked what was decided, as the lexicon reads it
    if also and mode in ("none", "objection", "unclear", "support"):
        return _decisions_and_what_lacks(moment, state)
    key, fields = _note_fields(moment, state, asker)
    # The reply to a note request is a fixed line in the asker's language, like a decline.
    return "in_language", {"line": line(key, facts.get("lang", "en"), **fields)}


def _turn_line(moment: Moment, state: RoomState, asker: str, lang: str) -> str:
    """The reply to "give the others a turn" in the asker's language (the English one keeps
    its templates' variants): the invitation, or why nobody is called on."""
    if moment.intervention == Intervention.INVITE_QUIET:
        many = "many" if len(moment.to) > 1 else "one"
        return line(f"turn.invite_{many}", lang, names=names(state, moment.to, lang=lang))
    mode = moment.facts.get("mode", "")
    if mode == "away":
        named = [n for n in moment.facts.get("named", "").split(",") if n]
        many = "many" if len(named) > 1 else "one"
        return line(f"turn.away_{many}", lang, asker=asker,
                    names=names(state, named, lang=lang))
    return line(f"turn.{mode}", lang, asker=asker)


def _proposal_in_view(moment: Moment, state: RoomState) -> tuple[Proposal, bool, str]:
    """The proposal a note request is about, whether it is the request itself (one member's
    claim, "record that we agreed X" with nothing proposed: never quoted back to its author),
    and its quote ("" for a claim)."""
    p = next(p for p in state.proposals if p.id == moment.ref)
    claim = p.id == moment.facts.get("request")
    proposal = "" if claim else said(state, p.text, p.id, want="proposal", limit=MOVE_QUOTE_LIMIT)
    return p, claim, proposal


def _note_fields(moment: Moment, state: RoomState, asker: str) -> tuple[str, dict[str, str]]:
    """The catalogue key and fields of the reply to "note that as decided": recorded, recorded
    already, or what it lacks (no proposal in view, an objection standing, nobody but its
    author agreeing). Names and quotes come from the room; every other word from the
    catalogue (facilitator/locale), in the asker's language."""
    facts, mode = moment.facts, moment.facts.get("mode", "")
    lang = facts.get("lang", "en")

    def who(ids: list[str], words: dict[str, str] | None = None) -> str:
        return names(state, ids, and_word=line("and", lang), words=words)

    if mode == "none":
        return "note.none", {"asker": asker}
    p, claim, proposal = _proposal_in_view(moment, state)
    author = state.name_of(p.author)
    if not mode or mode == "done":  # agreed: recorded as the bot speaks (Engine._record)
        decision = next((d for d in state.decisions if d.proposal_id == p.id), None)
        backers = decision.supporters if mode and decision is not None else p.supporters
        key = "note.recorded" if not mode else "note.done"
        return key if proposal else f"{key}_open", {
            "asker": asker, "proposal": proposal, "author": author,
            "supporters": who(backers) or line("note.the_group", lang)}
    own = p.author == facts.get("asker")
    what = (f'"{proposal}"' if proposal
            else line("note.that", lang) if claim
            else line("note.your_proposal", lang) if own
            else line("note.whose_proposal", lang, author=author))
    if mode == "objection":
        return "note.objection", {"asker": asker, "what": what, "objectors": who(p.objectors)}
    if mode == "unclear":
        held = facts["unclear"].split(",")
        return "note.unclear", {"asker": asker, "what": what,
                                "members": who(held, their_words(state, p, held))}
    seen = read_as_yes(state, p)
    if seen:
        return "note.seen_yes", {"asker": asker, "what": what,
                                 "members": who(seen, their_words(state, p, seen))}
    if own:
        return "note.support_own", {"asker": asker, "what": what}
    return "note.support", {"asker": asker, "what": what, "proposer": author}


def _decisions_and_what_lacks(moment: Moment, state: RoomState) -> tuple[str, dict[str, str]]:
    """Asked what was decided, in words that also read as a note request: what was decided,
    and what the proposal in view lacks — an answer to both readings (the English readout)."""
    mode = moment.facts.get("mode", "")
    if mode == "none":
        return "decisions", {"decision_list": decisions_text(state)}
    p, _, proposal = _proposal_in_view(moment, state)
    author = state.name_of(p.author)
    what = f'"{proposal}"' if proposal else line("note.whose_proposal", "en", author=author)
    if mode == "objection":
        lacks = line("decisions.objected_" + ("one" if len(p.objectors) == 1 else "many"), "en",
                     objectors=names(state, p.objectors))
    elif mode == "unclear":
        held = moment.facts.get("unclear", "").split(",")
        lacks = line("decisions.unclear", "en",
                     members=names(state, held, words=their_words(state, p, held)))
    elif seen := read_as_yes(state, p):
        lacks = line("decisions.seen_yes", "en",
                     members=names(state, seen, words=their_words(state, p, seen)))
    else:
        lacks = line("decisions.nobody_besides", "en", author=author)
    undecided = line("decisions.undecided", "en", what=what[0].upper() + what[1:], lacks=lacks)
    return "decisions", {"decision_list": f"{decisions_text(state)} {undecided}"}


def compose(prompts: Prompts, moment: Moment, state: RoomState, event: ChatEvent,
            *, attempt: int = 0, signals: Signals | None = None) -> str:
    name, fields = compose_fields(moment, state, event, signals)
    return prompts.render(f"rules/{name}", fields, seed=event.id, skip=attempt)
