"""The one read of a message: whom it speaks to, whether it asks, and the room's shape."""

from __future__ import annotations

import json

from facilitator.events import EventKind
from facilitator.memory.state import RoomState
from facilitator.memory.trackers import apply_event
from facilitator.reading.clauses import key_phrases, may_hold_phrases_of
from facilitator.reading.message import read_message, read_text
from facilitator.reading.tokens import base_nick
from tests.conftest import SHARED_DATA
from tests.helpers import msg

BOT = "facilitator"


def room_with(*lines: tuple[str, str]) -> RoomState:
    state = RoomState(room="r")
    for who, text in lines:
        apply_event(state, msg("r", who, text), bot_id=BOT)
    return state


def test_nick_prefix_addresses_a_member_and_its_reconnect_variant() -> None:
    state = room_with(("seb128", "hello"), ("ann", "my wifi drops every ten minutes"))
    read = read_message(state, msg("r", "bob", "seb128_: did you try the backports kernel?"),
                        bot_id=BOT)
    assert read.addressees == ("seb128",)
    assert base_nick("Seb128|away") == base_nick("seb128_") == "seb128"


def test_a_comma_word_is_not_an_address_and_a_name_in_passing_is() -> None:
    state = room_with(("joe", "fine by me"), ("martha", "the hall is free on the 14th"))
    assert read_message(state, msg("r", "steve", "Yes, 10 works."), bot_id=BOT).addressees == ()
    read = read_message(state, msg("r", "ann", "does that clash with your shift, martha?"),
                        bot_id=BOT)
    assert read.addressees == ("martha",)


def test_requests_count_as_questions_without_a_question_mark() -> None:
    for text in ("who can tell me how to use it", "can someone help me with grub",
                 "any idea why my sound stopped after the upgrade", "I need some help with samba",
                 "how do I mount an iso"):
        assert read_text(text).question, text
    for text in ("I fixed it by reinstalling grub", "thanks, that worked", "brb"):
        assert not read_text(text).question, text


def test_the_addressee_of_a_question_is_never_the_asker() -> None:
    state = room_with(("ann", "hi"), ("bob", "hello"))
    event = msg("r", "bob", "ann: which driver are you on?")
    read = read_message(state, event, bot_id=BOT)
    apply_event(state, event, bot_id=BOT, read=read)
    q = state.questions[-1]
    assert (q.asker, q.addressee) == ("bob", "ann")
    self_named = msg("r", "bob", "bob: is this thing on?")
    apply_event(state, self_named, bot_id=BOT)
    assert state.questions[-1].addressee is None


def test_a_question_is_taken_up_by_a_word_to_the_asker_or_by_its_addressee() -> None:
    state = room_with(*[(f"user{i}", "hello there") for i in range(9)])
    apply_event(state, msg("r", "newbie", "how do I install the nvidia driver on 22.04",
                           id="q1"), bot_id=BOT)
    apply_event(state, msg("r", "user3", "someone else: unrelated chatter"), bot_id=BOT)
    assert state.questions[-1].answered_by is None
    apply_event(state, msg("r", "user4", "newbie: use ubuntu-drivers autoinstall"), bot_id=BOT)
    assert state.questions[-1].answered_by == "user4"
    apply_event(state, msg("r", "ann", "user4: can you check my paste please?", id="q2"),
                bot_id=BOT)
    q2 = next(q for q in state.questions if q.id == "q2")
    assert q2.addressee == "user4"
    apply_event(state, msg("r", "user4", "looks like the disk is full"), bot_id=BOT)
    assert q2.answered_by == "user4"


def test_agreement_never_heats_the_room() -> None:
    state = room_with(("ann", "I agree, good point"), ("bob", "exactly, sounds good to me"),
                      ("cy", "+1 works for me"))
    assert state.rolling.heat == 0.0


def test_a_busy_channel_reads_as_a_channel_and_a_meeting_as_a_meeting() -> None:
    meeting = room_with(*[(who, "the budget draft needs a second look")
                          for who in ("ann", "bob", "cy", "dee", "eve") * 4])
    assert meeting.rolling.shape == "meeting"
    channel = RoomState(room="c")
    for i in range(40):
        apply_event(channel, msg("c", f"nick{i % 13}", f"nick{(i + 1) % 13}: try apt {i}"),
                    bot_id=BOT)
        apply_event(channel, msg("c", f"guest{i}", "", kind=EventKind.JOIN), bot_id=BOT)
    assert channel.rolling.shape == "channel"


def test_key_phrases_are_members_words_never_nicks_filler_or_the_bot() -> None:
    texts = ["delphiki: thank you julian", "hmm facilitator hmm ok",
             "the nvidia driver fails to load after the upgrade, nvidia driver again"]
    phrases = key_phrases(texts, exclude=["delphiki", "julian", "facilitator"])
    assert phrases and "nvidia driver" in phrases[0].lower()
    banned = {"delphiki", "julian", "facilitator", "thank", "hmm"}
    assert not any(w in p.lower().split() for p in phrases for w in banned)
    assert key_phrases(["thanks farai", "hmm ok lol"], exclude=["farai"]) == []


def test_teasing_with_a_laugh_is_not_an_attack_and_a_channel_never_guesses_the_target() -> None:
    state = room_with(("maria", "I moved the standup to 10"), ("tom", "fine"))
    teasing = read_message(state, msg("r", "tom", "maria: don't be such an idiot, haha"), bot_id=BOT)
    assert not teasing.attack
    state.rolling.shape = "channel"
    read = read_message(state, msg("r", "tom", "You are an idiot and a liar."), bot_id=BOT)
    assert read.attack and read.attack_target is None
    named = read_message(state, msg("r", "tom", "maria: you are an idiot and a liar."), bot_id=BOT)
    assert named.attack and named.attack_target == "maria"


REAL_IRC = SHARED_DATA / "ubuntu-irc-train.jsonl"
CRAFTED = ["idiot, in nautilus   smb://windows_IP/c$", "mount -t smbfs //IP/c$ -o username=login_Windows",
           "I write c++ and c# at work", "the a.b.c release notes", "Dépôt cassé après la mise à jour",
           "sudo apt-get install build-essential", "WiFi card (rt2500) drops every 5 min",
           "the postgres_fdw extension crashes on arm64 builds after the upgrade",
           "node.js 18 breaks our webpack config in the ci pipeline",
           "La configuración del proxy inverso falla con certificados autofirmados"]


def test_the_phrase_prefilter_never_hides_a_phrase_that_is_there() -> None:
    """`may_hold_phrases_of` lets the bot skip key phrases of messages its words cannot quote;
    whenever one of a message's key phrases is in the bot's text, it must say so. Checked on
    crafted tokens (underscores, c++, dotted names, accents) and on real IRC messages."""
    texts = list(CRAFTED)
    if REAL_IRC.exists():
        with REAL_IRC.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line, _ in zip(f, range(3000), strict=False)]
    checked = 0
    for text in texts:
        for phrase in key_phrases([text], n=3):
            bot = f"Still open from ana: \"{phrase}\" — worth a reply.".lower()
            assert may_hold_phrases_of(bot, text), (text, phrase)
            checked += 1
    assert checked >= (1000 if REAL_IRC.exists() else 10)
    assert not may_hold_phrases_of("let's hear from everyone on the budget.", CRAFTED[0])


def test_every_word_pattern_lives_in_the_tokens_module() -> None:
    """A module that cuts text into words with a copy of a pattern of reading/tokens.py has
    started its own tokenisation: the copies drift apart and two reads disagree on a word."""
    import re
    from pathlib import Path

    from facilitator.reading import tokens

    patterns = [p.pattern for p in vars(tokens).values() if isinstance(p, re.Pattern)]
    assert len(patterns) >= 10
    package = Path(tokens.__file__).parents[1]
    copies = [(str(path.relative_to(package)), pattern)
              for path in package.rglob("*.py") if path != Path(tokens.__file__)
              for pattern in patterns if pattern in path.read_text(encoding="utf-8")]
    assert copies == []
