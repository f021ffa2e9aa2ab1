"""The room page in a real browser: Debian's Chromium driven by Playwright, against the real
aiohttp server on 127.0.0.1. Screenshots land in build/screenshots/ for a person to look at."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import struct
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from web_harness import PageServer
from web_rooms import lively_room, ref

from tests.conftest import FACILITATOR, REPO, cli_env

CHROMIUM = Path("/usr/bin/chromium")
SCENARIOS = REPO / "facilitator" / "sim" / "scenarios"
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed (.ci/run installs it: "
                                       "apt-get install -y chromium)")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        # Playwright's own browser download cannot work offline: use the system Chromium.
        launched = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class Watch:
    """Console errors, page errors and every request the page makes."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


async def test_the_page_loads_and_its_charts_render_on_a_phone(browser: Browser,
                                                               page_server: PageServer) -> None:
    room = ref("C0GARDEN01")
    await lively_room(page_server.store, room)
    state = await page_server.store.get(room.key)
    assert state is not None
    context = await browser.new_context(viewport={"width": 390, "height": 844},
                                        device_scale_factor=2, is_mobile=True)
    page = await context.new_page()
    watch = Watch(page)
    url = page_server.signer.page_url(room.key)
    response = await page.goto(url)
    assert response is not None and response.status == 200
    assert await page.title() == f"The room's read — {room.key}"
    # Both charts are drawn, at a readable size, one bar per minute with messages.
    for chart in ("#heat-chart", "#balance-chart"):
        box = await page.locator(chart).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 120, chart
    assert await page.locator("#heat-chart rect.bar").count() == len(state.history)
    bars = await page.locator("#heat-chart rect.bar").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)")
    assert max(bars) > 3 * min(bars)  # the heated minutes stand out
    assert await page.locator("#heat-chart .bot-mark").count() == sum(1 for m in state.history if m.bot)
    assert await page.locator("#balance-chart polyline").count() == 1
    # Accessible names for the charts, and nothing wider than the phone.
    assert await page.get_by_role("img", name="Heat per minute").count() == 1
    assert await page.get_by_role("img", name="Balance of voices over time").count() == 1
    assert await page.get_by_role("img", name="Balance of voices now").is_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    assert await page.get_by_role("heading", name="Open questions").is_visible()
    # No console errors, and the page asked for nothing but itself.
    assert watch.errors == []
    assert watch.requests == [url]
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "room-page-phone.png"
    await page.screenshot(path=str(shot), full_page=True)
    width, height = png_size(shot)
    assert width == 390 * 2 and height > 844 * 2
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.screenshot(path=str(SHOTS / "room-page-desktop.png"), full_page=True)
    await context.close()


async def test_a_link_for_room_a_never_opens_room_b(browser: Browser, page_server: PageServer) -> None:
    a, b = ref("C0ROOMA001"), ref("C0ROOMB001")
    await lively_room(page_server.store, a)
    page = await browser.new_page()
    await page.goto(page_server.signer.page_url(a.key))
    assert a.key in await page.title()
    text = await page.locator("main").inner_text()
    assert b.channel not in text
    # Put room B's payload in front of room A's signature: refused, and nothing of A leaks.
    token_a = page_server.signer.token(a.key)
    head_b = page_server.signer.token(b.key).split(".")[0]
    response = await page.goto(f"{page_server.url}/room/{head_b}.{token_a.split('.')[1]}")
    assert response is not None and response.status == 403
    body = await page.locator("body").inner_text()
    assert "does not open a room" in body and "playground" not in body
    await page.close()


async def test_expired_and_forged_links_get_403_in_the_browser(browser: Browser,
                                                               page_server: PageServer) -> None:
    room = ref("C0GARDEN01")
    await lively_room(page_server.store, room)
    page = await browser.new_page()
    watch = Watch(page)
    expired = page_server.signer.page_url(room.key, now=time.time() - 3 * 86400)
    token = page_server.signer.token(room.key)
    forged = f"{page_server.url}/room/{token[:-4]}AAAA"
    for url in (expired, forged):
        response = await page.goto(url)
        assert response is not None and response.status == 403, url
        assert "playground" not in await page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / "room-page-403.png"))
    # The only "errors" are the 403 responses themselves, reported by the browser.
    assert all("403" in e for e in watch.errors)
    await page.close()


# -- the page without a workspace: `simulate --page`, `replay --page ROOM` -------------------------

async def _page_url(proc: asyncio.subprocess.Process) -> str:
    """The address the command announces on stderr once the room's page is served."""
    assert proc.stderr is not None
    seen = []
    while True:
        line = (await asyncio.wait_for(proc.stderr.readline(), 90)).decode()
        assert line, f"exited before serving the page: {''.join(seen)}"
        seen.append(line)
        found = re.search(r"the room's page: (http://127\.0\.0\.1:\d+/room/\S+)", line)
        if found:
            return found.group(1)


async def test_simulate_page_serves_the_room_on_loopback_without_a_workspace(
        browser: Browser, tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        # A scenario where a member asks the bot directly: it answers whatever the room's defaults.
        *FACILITATOR, "simulate", str(SCENARIOS / "eval" / "answer_sprint_summary.yaml"), "--quiet",
        "--page",
        env=cli_env(tmp_path), cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        url = await _page_url(proc)
        context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = await context.new_page()
        watch = Watch(page)
        response = await page.goto(url)
        assert response is not None and response.status == 200
        assert (await page.title()).startswith("The room's read — ")
        for chart in ("#heat-chart", "#balance-chart"):
            box = await page.locator(chart).bounding_box()
            assert box is not None and box["width"] > 300, chart
        assert await page.locator("#heat-chart .bot-mark").count() >= 1  # the bot spoke
        spoke = await page.locator("section[aria-labelledby=b-h]").inner_text()
        assert "someone asked me directly" in spoke
        assert watch.errors == [] and watch.requests == [url]
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SHOTS / "simulate-page.png"), full_page=True)
        await context.close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0
    assert b"participation Gini" in out  # the usual metrics came first


async def test_replay_page_writes_one_html_file_that_opens_offline(browser: Browser,
                                                                  tmp_path: Path) -> None:
    transcript = tmp_path / "chat.jsonl"
    lines = [{"id": f"m{i}", "room": "garden", "author": ["ann", "bob", "cy"][i % 3 if i < 9 else 0],
              "text": f"point {i} about the compost rota", "ts": 1_700_000_000.0 + 30 * i}
             for i in range(14)]
    lines.append({"id": "q", "room": "garden", "author": "bob",
                  "text": "@facilitator where are we?", "ts": 1_700_000_600.0})
    lines.append({"id": "x", "room": "other", "author": "zed", "text": "elsewhere", "ts": 1.0})
    transcript.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "pages" / "garden.html"
    proc = await asyncio.create_subprocess_exec(
        *FACILITATOR, "replay", str(transcript), "--json", "--page", "garden", "--page-file", str(out),
        env=cli_env(tmp_path), cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode == 0, stderr.decode()
    assert json.loads(stdout)["summary"]["events"] == 16  # the report is unchanged on stdout
    page = await browser.new_page()
    watch = Watch(page)
    await page.goto(out.as_uri())
    assert await page.title() == "The room's read — local:garden"
    assert await page.locator("#heat-chart rect.bar").count() >= 1
    assert "elsewhere" not in await page.locator("main").inner_text()  # one room only
    assert "this link works until" not in await page.locator("header").inner_text()
    assert watch.errors == [] and watch.requests == [out.as_uri()]
    await page.close()
    missing = await asyncio.create_subprocess_exec(
        *FACILITATOR, "replay", str(transcript), "--page", "nope", "--page-file", str(out),
        env=cli_env(tmp_path), cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(missing.communicate(), 90)
    assert missing.returncode == 1 and b"no room 'local:nope'" in err
