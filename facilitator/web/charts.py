"""Charts as inline SVG, drawn on the server: no script, no CDN, readable by screen readers.

Each chart carries a <title> and <desc> (referenced by aria-labelledby) that say in words
what the picture shows, so nothing is only visible as colour or shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from facilitator.memory.state import Minute

# Narrow on purpose: the SVG scales to the screen, and on a phone its labels must stay legible.
WIDTH, HEIGHT = 420, 230
PAD_L, PAD_R, PAD_T, PAD_B = 80, 10, 24, 30
# Heat bands, in the same words the status uses; colours keep 3:1 contrast on white.
BANDS = ((0.6, "heated", "#b91c1c"), (0.35, "tense", "#c2410c"), (0.15, "lively", "#a16207"),
         (0.0, "calm", "#15803d"))
BOT_COLOUR = "#1d4ed8"


def band(heat: float) -> tuple[str, str]:
    for floor, word, colour in BANDS:
        if heat >= floor:
            return word, colour
    return BANDS[-1][1], BANDS[-1][2]


def clock(minute: int) -> str:
    return datetime.fromtimestamp(minute * 60, UTC).strftime("%H:%M")


def _frame(chart_id: str, title: str, desc: str, body: list[str]) -> str:
    return (f'<svg id="{chart_id}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-t">{escape(title)}</title>'
            f'<desc id="{chart_id}-d">{escape(desc)}</desc>' + "".join(body) + "</svg>")


def _x_axis(minutes: list[Minute], x_of: dict[int, float]) -> list[str]:
    base = HEIGHT - PAD_B
    out = [f'<line x1="{PAD_L}" y1="{base}" x2="{WIDTH - PAD_R}" y2="{base}" stroke="#444"/>']
    first, last = minutes[0].t, minutes[-1].t
    ticks = [first] if first == last else [first, (first + last) // 2, last]
    for i, t in enumerate(ticks):
        x = x_of.get(t, _scale_x(t, first, last))
        anchor = "middle" if len(ticks) == 1 else ("start", "middle", "end")[i]
        out.append(f'<text x="{x:.1f}" y="{base + 20}" text-anchor="{anchor}" class="tick">'
                   f'{clock(t)}</text>')
    return out


def _scale_x(t: int, first: int, last: int) -> float:
    span = max(1, last - first)
    return PAD_L + (WIDTH - PAD_L - PAD_R) * (t - first) / span


def heat_chart(minutes: list[Minute]) -> str:
    """Heat per minute as bars coloured by band; the bot's turns marked with a triangle above."""
    if not minutes:
        return ""
    first, last = minutes[0].t, minutes[-1].t
    inner_w = WIDTH - PAD_L - PAD_R
    inner_h = HEIGHT - PAD_T - PAD_B
    bar_w = max(2.0, min(18.0, inner_w / max(1, last - first + 1) * 0.8))
    base = HEIGHT - PAD_B
    body: list[str] = []
    for floor, word, _ in BANDS[:-1]:
        y = base - inner_h * floor
        body.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{WIDTH - PAD_R}" y2="{y:.1f}" '
                    f'stroke="#d4d4d4" stroke-dasharray="4 3"/>'
                    f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{word}</text>')
    x_of: dict[int, float] = {}
    bot_minutes = 0
    for m in minutes:
        x = _scale_x(m.t, first, last) if last > first else PAD_L + inner_w / 2
        x_of[m.t] = x
        h = max(2.0, inner_h * min(1.0, m.heat))
        word, colour = band(m.heat)
        body.append(f'<rect class="bar" x="{x - bar_w / 2:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{clock(m.t)} UTC: {word}, '
                    f'{m.messages} message{"s" if m.messages != 1 else ""}</title></rect>')
        if m.bot:
            bot_minutes += 1
            y = base - h - 6
            body.append(f'<path class="bot-mark" d="M{x - 6:.1f},{y - 10:.1f} L{x + 6:.1f},{y - 10:.1f} '
                        f'L{x:.1f},{y:.1f} Z" fill="{BOT_COLOUR}"><title>{clock(m.t)} UTC: '
                        f'the facilitator spoke</title></path>')
    body += _x_axis(minutes, x_of)
    peak = max(minutes, key=lambda m: m.heat)
    desc = (f"Heat of the conversation for {len(minutes)} minutes with messages, from "
            f"{clock(first)} to {clock(last)} UTC. It peaked at {band(peak.heat)[0]} around "
            f"{clock(peak.t)} and is {band(minutes[-1].heat)[0]} in the latest minute. "
            f"The facilitator spoke in {bot_minutes} of those minutes, marked with blue triangles.")
    return _frame("heat-chart", "Heat per minute", desc, body)


def evenness_words(value: float) -> str:
    if value >= 0.75:
        return "shared evenly"
    if value >= 0.55:
        return "a few voices lead"
    return "one or two voices carry it"


def balance_chart(minutes: list[Minute]) -> str:
    """How evenly the talk was shared over time (the room as a whole, never one member)."""
    points = [m for m in minutes if m.voices >= 2]
    if not points:
        return ""
    first, last = points[0].t, points[-1].t
    inner_h = HEIGHT - PAD_T - PAD_B
    base = HEIGHT - PAD_B
    body: list[str] = []
    for level, word in ((1.0, "even"), (0.5, "uneven"), (0.05, "one voice")):
        y = base - inner_h * level
        body.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{WIDTH - PAD_R}" y2="{y:.1f}" '
                    f'stroke="#d4d4d4" stroke-dasharray="4 3"/>'
                    f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{word}</text>')
    x_of: dict[int, float] = {}
    coords = []
    for m in points:
        x = _scale_x(m.t, first, last) if last > first else (PAD_L + WIDTH - PAD_R) / 2
        x_of[m.t] = x
        coords.append(f"{x:.1f},{base - inner_h * m.evenness:.1f}")
    body.append(f'<polyline class="line" points="{" ".join(coords)}" fill="none" stroke="#1d4ed8" '
                f'stroke-width="2.5"/>')
    for m, xy in zip(points, coords, strict=True):
        x, y = xy.split(",")
        body.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#1d4ed8"><title>{clock(m.t)} UTC: '
                    f'{evenness_words(m.evenness)}, {m.voices} voices so far</title></circle>')
    body += _x_axis(points, x_of)
    desc = (f"How evenly the talk was shared, from {clock(first)} to {clock(last)} UTC: "
            f"it began {evenness_words(points[0].evenness)} and is now "
            f"{evenness_words(points[-1].evenness)}, with {points[-1].voices} voices heard.")
    return _frame("balance-chart", "Balance of voices over time", desc, body)


def balance_gauge(evenness: float, voices: int) -> str:
    """Balance now, for the room as a whole: one marker on a line from one voice to even."""
    if voices < 2:
        return ""
    w, h, left, right = WIDTH, 70, 16, WIDTH - 16
    x = left + (right - left) * max(0.0, min(1.0, evenness))
    body = [
        f'<rect x="{left}" y="26" width="{right - left}" height="10" rx="5" fill="#e7e5e4"/>',
        f'<rect x="{left}" y="26" width="{x - left:.1f}" height="10" rx="5" fill="{BOT_COLOUR}"/>',
        f'<circle class="marker" cx="{x:.1f}" cy="31" r="9" fill="#fff" stroke="{BOT_COLOUR}" '
        'stroke-width="4"/>',
        f'<text x="{left}" y="60" class="tick">one voice</text>',
        f'<text x="{right}" y="60" text-anchor="end" class="tick">shared evenly</text>',
    ]
    desc = f"Right now the talk is {evenness_words(evenness)}, among {voices} voices."
    return (f'<svg id="balance-now" class="chart gauge" viewBox="0 0 {w} {h}" role="img" '
            f'aria-labelledby="balance-now-t balance-now-d" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="balance-now-t">Balance of voices now</title>'
            f'<desc id="balance-now-d">{escape(desc)}</desc>' + "".join(body) + "</svg>")
