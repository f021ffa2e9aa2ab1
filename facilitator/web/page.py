"""The room's own page: the bot's read of one room, the same for every member who opens it.

Served by the bot's process through a signed, expiring link (see links.py); the token decides
the room, so a page can only ever show the room its link was made for. Server-rendered HTML
with inline SVG charts: no script at all, no outside requests, a strict CSP.

Mount with `app.add_routes(page_routes(store, signer))` on any aiohttp application.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from aiohttp import web
from redis.exceptions import RedisError

from facilitator.memory.state import BotTurn, RoomState
from facilitator.memory.store import RoomStore
from facilitator.policies.defaults import read_rows
from facilitator.policies.readout import balance_text, heat_word, messages_phrase, names
from facilitator.policies.signals import compute_signals
from facilitator.web.charts import BANDS, BOT_COLOUR, balance_chart, balance_gauge, heat_chart
from facilitator.web.links import Claims, LinkSigner

log = logging.getLogger(__name__)

PAGE_PATH = "/room/{token}"
EXPORT_PATH = "/room/{token}/export.json"
HEADERS = {
    # No script, no outside request of any kind; styles and SVG are inline.
    "Content-Security-Policy": ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token must not leak through a clicked link
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
}

# What each of the bot's moves is for, in words a member reads (the gate's own reasons
# carry figures and names that do not belong on a shared page).
WHY = {
    "answer": "someone asked me directly",
    "invite_quiet": "some voices had not been heard for a while",
    "common_ground": "a point drew agreement from people who had disagreed",
    "name_crux": "the same disagreement kept coming back",
    "translate_terms": "people were using different words for the same thing",
    "deescalate": "the exchange was heating up",
    "summarize": "a summary looked useful",
    "refocus": "the talk had drifted from the room's goal",
    "propose_process": "several proposals were competing",
    "record_decision": "a proposal had support and no objection",
    "decline_capture": "I was asked to act for one member against the room",
    "surface_question": "a question had been waiting without an answer",
}

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1a1a1a; background: #fafaf9; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; border-bottom: 2px solid #e7e5e4; }
p.meta { color: #44403c; margin: 0; font-size: 0.9rem; }
section { background: #fff; border: 1px solid #e7e5e4; border-radius: 8px; padding: 0.25rem 1rem 1rem;
          margin-top: 1rem; }
ul { padding-left: 1.2rem; margin: 0.25rem 0; }
li { margin: 0.35rem 0; }
.quote { font-style: italic; }
.who { color: #44403c; font-size: 0.9rem; }
.empty { color: #57534e; }
.chart { width: 100%; max-width: 34rem; height: auto; display: block; margin: 0 auto; }
.chart.gauge { max-width: 24rem; margin: 0.25rem 0 0.75rem; }
.chart .tick { font: 14px system-ui, sans-serif; fill: #292524; }
.chart-note { font-size: 0.85rem; color: #44403c; margin: 0.25rem 0 0; }
.legend { font-size: 0.9rem; color: #292524; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; vertical-align: -1px; }
.now { font-size: 1.05rem; }
footer { color: #44403c; font-size: 0.85rem; margin: 2rem 0 1rem; }
"""


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%d %b %H:%M UTC") if ts else ""


def _items(rows: list[str], empty: str) -> str:
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'
    return "<ul>" + "".join(f"<li>{row}</li>" for row in rows) + "</ul>"


def _q(text: str) -> str:
    return f'<span class="quote">“{escape(text)}”</span>'


def _who(text: str) -> str:
    return f'<span class="who">{escape(text)}</span>'


def _bot_turn(turn: BotTurn) -> str:
    why = WHY.get(turn.intervention, "")
    raw = turn.reason if not any(ch.isdigit() for ch in turn.reason) else ""
    reason = why if not raw else (f"{why} ({raw})" if why else raw)
    return (f"{_q(turn.text)}<br>{_who(f'{_when(turn.ts)} — why: {reason or turn.intervention}')}")


def _section(key: str, heading: str, content: str) -> str:
    return (f'<section aria-labelledby="{key}-h"><h2 id="{key}-h">{escape(heading)}</h2>'
            f"{content}</section>")


def _lists(state: RoomState) -> dict[str, list[str]]:
    n = state.name_of
    questions = []
    for q in reversed(state.open_questions()):
        waits = n(q.addressee) if q.addressee else "anyone who knows"
        questions.append(f"{_q(q.text)}<br>{_who(f'asked by {n(q.asker)}; waiting on {waits}')}")
    awaiting, supported = [], []
    for p in reversed(state.open_proposals()):
        if not p.supporters:
            awaiting.append(f"{_q(p.text)}<br>{_who(f'proposed by {n(p.author)}')}")
            continue
        who = f"proposed by {n(p.author)}; seconded by {names(state, p.supporters)}"
        if p.objectors:
            who += f"; objections from {names(state, p.objectors)}"
        if p.unclear:
            who += f"; a reply not clear to the bot from {names(state, p.unclear)}"
        supported.append(f"{_q(p.text)}<br>{_who(who)}")
    decisions = []
    for d in reversed(state.decisions):
        owner = f"owner: {names(state, d.owners)}" if d.owners else "no owner yet"
        decisions.append(f"{_q(d.text)}<br>{_who(f'{_when(d.ts)}; {owner}')}")
    common = [f"{_q(b.text)}<br>{_who(f'said by {n(b.author)}; agreed by {names(state, b.approvers)}')}"
              for b in reversed(state.bridging)]
    return {
        "questions": questions, "awaiting": awaiting, "supported": supported,
        "decisions": decisions, "common": common,
        "actions": [f"{_q(a.text)}<br>{_who('owner: ' + n(a.owner))}" for a in reversed(state.actions)],
        "turns": [_bot_turn(t) for t in reversed(state.bot_log)],
    }


def _charter_rows(state: RoomState) -> list[str]:
    charter = state.charter
    rows = [
        f"Goal: {escape(charter.goal) if charter.goal else 'not set'}",
        f"How often I step in: {escape(charter.activity.value)}",
        "Digest: " + ("off" if charter.digest == "off" else escape(charter.digest)),
        "Paused: " + ("yes — I stay silent until the room resumes me" if charter.paused else "no"),
        "Settings: " + ("locked — only an admin can change them" if charter.locked
                        else "an admin, or one member asking and another seconding"),
    ]
    rows += [escape(row) for row in read_rows(state)]
    rows += [f"Norm: {escape(norm)}" for norm in charter.norms]
    if charter.changed_ts:
        who = escape(state.name_of(charter.changed_by or ""))
        rows.append(f"Last changed {_when(charter.changed_ts)} by {who}")
    if charter.pending is not None:
        pend = charter.pending
        rows.append(f"Waiting for a second: {escape(pend.by_name or pend.by)} asked to set "
                    f"{escape(pend.field)} to {escape(pend.value)}")
    return rows


def render_page(state: RoomState, *, expires: float | None,
                retention_days: float | None = None) -> str:
    """The page's HTML. `expires` None: a page with no link behind it (a file, a local preview)."""
    signals = compute_signals(state)
    lists = _lists(state)
    legend = " ".join(f'<span class="swatch" style="background:{c}"></span> {w}'
                      for _, w, c in reversed(BANDS))
    keep = (f"I keep this room's recent messages and my read of it for {retention_days:g} days "
            "after the last activity. " if retention_days else "")
    title = escape(f"#{state.title}" if state.title else state.room)
    until = f" ·\nthis link works until {_when(expires)}" if expires is not None else ""
    supported = lists["supported"]
    sections = [
        _section("now", "Right now",
                 f'<p class="now" id="now-voices">Voices: {escape(balance_text(state, signals))}.</p>'
                 + balance_gauge(1.0 - signals.participation_gini, signals.humans)
                 + f'<p class="now" id="now-mood">Mood: {escape(heat_word(signals.tension))}. '
                 f"{escape(messages_phrase(state.human_messages))} so far.</p>"),
        _section("heat", "Heat over time",
                 (heat_chart(state.history) or '<p class="empty">No messages yet.</p>')
                 + '<p class="chart-note">Each bar is one minute with messages (times in UTC).</p>'
                 + f'<p class="legend">{legend} · <span class="swatch" style="background:{BOT_COLOUR}">'
                 "</span> the facilitator spoke</p>"),
        _section("balance", "Balance of voices over time",
                 (balance_chart(state.history)
                  or '<p class="empty">Not enough voices yet to show a balance.</p>')
                 + '<p class="legend">The line shows how evenly the talk is shared across everyone '
                 "who has spoken: the room as a whole, never a score for anyone.</p>"),
        _section("q", "Open questions", _items(lists["questions"], "No open questions.")),
        _section("p", "Proposals awaiting a second", _items(lists["awaiting"], "None right now.")
                 + (f"<h3>Open, with support</h3>{_items(supported, '')}" if supported else "")),
        _section("d", "Decisions", _items(lists["decisions"], "Nothing decided yet.")),
        _section("a", "Action items", _items(lists["actions"], "No action items yet.")),
        _section("c", "Common ground, across sides",
                 _items(lists["common"], "No point has drawn agreement across sides yet.")),
        _section("b", "When I spoke, and why", _items(lists["turns"], "I have not spoken here yet.")),
        _section("ch", "The room's charter", _items(_charter_rows(state), "")),
    ]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>The room's read — {title}</title>
<style>{STYLE}</style></head>
<body><main>
<header><h1>How this room is going</h1>
<p class="meta">{title} · updated {_when(state.last_ts) or "never"}{until}</p>
<p class="meta">Every member sees this same page: what I, the room's facilitator, see.</p></header>
{"".join(sections)}
<footer>{escape(keep)}Anyone can ask me to forget them with <code>/facilitator forget-me</code>.
Ask for a fresh link with <code>/facilitator page</code>.</footer>
</main></body></html>"""


def _denied(reason: str) -> web.Response:
    body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>Link not valid</title>'
            f'<style>{STYLE}</style></head><body>'
            f'<main><h1>This link does not open a room</h1><p>{escape(reason)} Ask for a fresh one with '
            f'<code>/facilitator page</code> in the room.</p></main></body></html>')
    return web.Response(status=403, text=body, content_type="text/html", headers=HEADERS)


def page_routes(store: RoomStore, signer: LinkSigner, *, retention_days: float | None = None,
                clock: Callable[[], float] = time.time) -> list[web.RouteDef]:
    """The page and the admin export, as routes to add to any aiohttp application."""

    async def load(request: web.Request, purpose: str,
                   what: str) -> tuple[Claims, RoomState | None] | web.Response:
        """The signed link's room and its stored state, or the refusal to send instead."""
        claims = signer.verify(request.match_info["token"], purpose, now=clock())
        if claims is None:
            return _denied(f"The {what} is not valid or has expired.")
        try:
            return claims, await store.get(claims.room_key)
        except (RedisError, OSError) as exc:
            log.error("room %s %s: store unavailable: %s", purpose, claims.room_key, exc)
            return web.Response(status=503, text="The bot's memory is not reachable right now.",
                                headers=HEADERS)

    async def page(request: web.Request) -> web.StreamResponse:
        loaded = await load(request, "page", "link")
        if isinstance(loaded, web.Response):
            return loaded
        claims, state = loaded
        # Forgotten or deleted: an empty read.
        html = render_page(state or RoomState(room=claims.room_key), expires=claims.expires,
                           retention_days=retention_days)
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=HEADERS)

    async def export(request: web.Request) -> web.StreamResponse:
        loaded = await load(request, "export", "export link")
        if isinstance(loaded, web.Response):
            return loaded
        claims, state = loaded
        body = json.dumps(state.model_dump(mode="json") if state else {"room": claims.room_key},
                          indent=2, ensure_ascii=False)
        headers = {**HEADERS, "Content-Disposition": 'attachment; filename="room.json"'}
        return web.Response(text=body, content_type="application/json", headers=headers)

    return [web.get(PAGE_PATH, page), web.get(EXPORT_PATH, export)]
