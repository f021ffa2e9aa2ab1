"""The room page over real HTTP: what it shows, to whom, and what it refuses."""

from __future__ import annotations

import json
import re
import time

import aiohttp
from web_harness import PageServer
from web_rooms import START, lively_room, ref

from facilitator.web.links import LinkSigner
from facilitator.web.page import render_page


async def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.text(), dict(resp.headers)


def visible_text(html: str) -> str:
    body = re.sub(r"<style>.*?</style>|<title[^>]*>.*?</title>|<desc[^>]*>.*?</desc>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


async def test_a_signed_link_opens_its_room_with_every_section(page_server: PageServer) -> None:
    room = ref("C0GARDEN01")
    await lively_room(page_server.store, room)
    status, html, headers = await fetch(page_server.signer.page_url(room.key))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    for heading in ("Right now", "Heat over time", "Balance of voices over time", "Open questions",
                    "Proposals awaiting a second", "Decisions", "Action items", "Common ground",
                    "When I spoke, and why", "The room&#x27;s charter"):
        assert heading in html, heading
    # The room's own records, with who they wait on.
    assert "can you check the playground grant deadline" in html and "waiting on Greg" in html
    assert "I propose we hold the vote on the 14th" in html
    assert "We vote at the next meeting" in html and "owner: Ana" in html
    assert "agreed by Rosa and Greg" in html
    # The bot's turn with its reason, in words.
    assert "why: the exchange was heating up" in html
    # Charts are inline SVG with a text alternative; the bot's turn is marked on the heat chart.
    assert html.count('role="img"') == 3 and 'class="bot-mark"' in html  # two charts, one gauge
    assert "Right now the talk is shared evenly, among 4 voices." in html
    assert "The facilitator spoke in 1 of those minutes" in html


async def test_the_page_speaks_plain_words(page_server: PageServer) -> None:
    room = ref("C0GARDEN01")
    await lively_room(page_server.store, room)
    _, html, _ = await fetch(page_server.signer.page_url(room.key))
    text = visible_text(html)
    assert "Gini" not in text and "1 people" not in text and "tension" not in text.lower()
    assert "%" not in text  # no percentage about anyone, nor about the room
    assert "4 people have spoken" in text


async def test_no_script_and_no_outside_requests(page_server: PageServer) -> None:
    room = ref("C0GARDEN01")
    await lively_room(page_server.store, room)
    _, html, headers = await fetch(page_server.signer.page_url(room.key))
    assert "<script" not in html and "http://" not in html.replace(page_server.url, "") \
        .replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"


async def test_a_link_for_one_room_never_shows_another(page_server: PageServer) -> None:
    a, b = ref("C0ROOMA001"), ref("C0ROOMB001")
    await lively_room(page_server.store, a)

    def secret_b(state: object) -> None:
        from facilitator.memory.state import RoomState
        assert isinstance(state, RoomState)
        state.charter.goal = "the private goal of room B"

    await page_server.store.update(b.key, secret_b)
    _, html_a, _ = await fetch(page_server.signer.page_url(a.key))
    assert "the private goal of room B" not in html_a and b.channel not in html_a
    _, html_b, _ = await fetch(page_server.signer.page_url(b.key))
    assert "the private goal of room B" in html_b and "playground" not in html_b
    # Swapping the room inside a token breaks its signature.
    token = page_server.signer.token(a.key)
    _, mac = token.split(".")
    forged_head = page_server.signer.token(b.key).split(".")[0]
    status, _, _ = await fetch(f"{page_server.url}/room/{forged_head}.{mac}")
    assert status == 403


async def test_expired_forged_and_wrong_scope_links_get_403(page_server: PageServer) -> None:
    room = ref("C0GARDEN01")
    await lively_room(page_server.store, room)
    signer = page_server.signer
    expired = signer.token(room.key, now=time.time() - 2 * 86400)
    other_secret = LinkSigner(b"some-other-secret-0123456789", page_server.url).token(room.key)
    export_as_page = signer.token(room.key, "export")
    for token in (expired, other_secret, export_as_page, "garbage", "a.b", "%00", "x" * 500):
        status, html, _ = await fetch(f"{page_server.url}/room/{token}")
        assert status == 403, token
        assert "playground" not in html


async def test_admin_export_is_json_of_that_room_only(page_server: PageServer) -> None:
    room, other = ref("C0GARDEN01"), ref("C0OTHER001")
    await lively_room(page_server.store, room)
    await lively_room(page_server.store, other, start=START + 10_000)
    status, body, headers = await fetch(page_server.signer.export_url(room.key))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["room"] == room.key and len(data["window"]) > 0
    assert other.channel not in body
    # A page link is not an export link.
    page_token = page_server.signer.token(room.key, "page")
    status, _, _ = await fetch(f"{page_server.url}/room/{page_token}/export.json")
    assert status == 403


async def test_an_unknown_room_renders_empty_not_an_error(page_server: PageServer) -> None:
    status, html, _ = await fetch(page_server.signer.page_url("slack:T0:C0NEVER001"))
    assert status == 200 and "Nothing decided yet." in html and "No messages yet." in html


def test_render_escapes_member_text() -> None:
    from facilitator.memory.state import Question, RoomState
    state = RoomState(room="local:x")
    state.questions.append(Question(id="q", asker="mallory", text="<script>alert(1)</script>?",
                                    ts=1.0, turn=1))
    html = render_page(state, expires=2.0)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_string_forges_a_link() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    signer = LinkSigner(b"property-secret-0123456789abcdef", "http://x")
    real = signer.token("slack:T:C")

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=200) | st.binary(max_size=120).map(lambda b: b.hex()))
    def check(token: str) -> None:
        if token != real:
            assert signer.verify(token, "page") is None  # never raises, never opens a room

    check()
    assert signer.verify(real, "page") is not None
