"""Joining a room: learn who is already there (without a word about them) and say, once,
what the bot does, what it keeps, who else sees messages, and how to pause or leave it.

Platform-neutral: adapters fetch the member list their way and send it in the JOIN event that
says the bot was added (`ChatEvent.roster`); the engine hands that event to `on_joined`.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlparse

from facilitator.config import Settings
from facilitator.events import Author, ChatEvent
from facilitator.memory.state import CAP_PARTICIPANTS, Participant, RoomState
from facilitator.policies.decision import BotDecision
from facilitator.policies.prompts import Prompts


def provider_words(llm: str, base_url: str | None = None) -> str:
    """Which outside service sees messages, said plainly (or that none does)."""
    kind, _, model = llm.partition(":")
    if kind == "openai":
        where = "OpenAI"
        if base_url:
            host = urlparse(base_url).hostname or base_url
            where = f"the OpenAI-compatible service at {host}"
        return (f"When I consider speaking, I send this room's recent messages to {where} "
                f"(model {model or 'default'}) to word my reply.")
    if kind == "anthropic":
        return (f"When I consider speaking, I send this room's recent messages to Anthropic "
                f"(model {model or 'default'}) to word my reply.")
    return "No AI service outside this server sees your messages: I work from built-in rules."


def welcome_text(settings: Settings, *, page_available: bool, base_url: str | None = None,
                 prompts: Prompts | None = None) -> str:
    page = ("`/facilitator page` sends you a private link; every member sees the same page."
            if page_available else "not served by this installation; `/facilitator status` shows "
            "my read of the room to everyone.")
    fields = {
        "bot_name": settings.bot_name,
        "retention_days": f"{settings.retention_days:g}",
        "provider": provider_words(settings.llm, base_url),
        "page": page,
    }
    return (prompts or Prompts()).render("rules/welcome", fields, seed="welcome")


def learn_members(state: RoomState, members: Iterable[Author], *, bot_ids: set[str]) -> int:
    """Add members who are in the room but have not spoken; returns how many were new.

    They join as present, silent participants at the current turn, so nothing counts them
    as quiet until the room has talked for a while without them.
    """
    added = 0
    for member in members:
        if member.is_bot or member.id in bot_ids:
            continue
        person = state.participants.get(member.id)
        if person is not None:
            person.present = True
            if member.name and not person.name:
                person.name = member.name
            continue
        if len(state.participants) >= CAP_PARTICIPANTS:
            break  # a huge channel: the rest become known when they speak
        state.participants[member.id] = Participant(id=member.id, name=member.name,
                                                    first_turn=state.human_messages)
        added += 1
    return added


def name_members(state: RoomState, names: dict[str, Author]) -> None:
    """Fill in names looked up later; a member found to be a bot is dropped again."""
    for pid, who in names.items():
        person = state.participants.get(pid)
        if person is None:
            continue
        if who.is_bot and person.messages == 0:
            del state.participants[pid]
        elif who.name and not person.name:
            person.name = who.name


def on_joined(state: RoomState, event: ChatEvent, *, welcome: str | None) -> BotDecision:
    """The bot was added to the room (`event.joined_room`): learn who the adapter found there
    and the room's name, and owe the welcome if this room never had one.

    The welcome flag is set in the engine's compare-and-set save together with the members,
    so with several workers (or a repeated join event) exactly one welcome is decided; the
    one delivery path posts it. Without a welcome text the members are still learned.
    """
    roster = event.roster or ()
    learn_members(state, roster, bot_ids={event.author.id})
    # The same join may come again with the names looked up since (Slack lists ids only).
    name_members(state, {member.id: member for member in roster})
    if event.title:
        state.title = event.title[:80]
    if welcome is None:
        return BotDecision.silence("joined the room; no welcome to post")
    first = not state.welcomed
    state.welcomed = True
    if not first:
        return BotDecision.silence("joined the room; welcomed before")
    return BotDecision(speak=True, text=welcome, reason="joined the room: welcome")
