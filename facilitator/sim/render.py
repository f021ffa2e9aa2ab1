"""Terminal rendering of a simulated chat (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from facilitator.events import EMOJI_CHARACTERS
from facilitator.sim.simulate import ChatLine

_COLOURS = ["cyan", "green", "yellow", "blue", "red", "bright_cyan", "bright_green", "orange3"]


class ChatPrinter:
    def __init__(self, console: Console) -> None:
        self.console = console
        self._colour: dict[str, str] = {}

    def __call__(self, turn: ChatLine) -> None:
        if turn.bot:
            line = Text(f"  {turn.name}", style="bold magenta")
            line.append(f" [{turn.intervention}: {turn.reason}]", style="dim magenta")
            self.console.print(line)
            if turn.react:
                mark = EMOJI_CHARACTERS.get(turn.react, f":{turn.react}:")
                self.console.print(Text(f"    reacted {mark} to {turn.react_to}", style="magenta"))
            if turn.text:
                self.console.print(Text(f"    {turn.text}", style="magenta"))
            return
        colour = self._colour.setdefault(turn.who, _COLOURS[len(self._colour) % len(_COLOURS)])
        line = Text(f"{turn.name:>10} ", style=f"bold {colour}")
        if turn.kind == "message":
            line.append(turn.text)
        else:
            line.append(f"({turn.kind}{': ' + turn.text if turn.text else ''})", style="dim")
        self.console.print(line)


def print_metrics(console: Console, title: str, metrics: dict[str, Any], bot: bool) -> None:
    table = Table(title=f"{title} — {'with' if bot else 'without'} the bot", show_header=True)
    table.add_column("member")
    table.add_column("share of human messages", justify="right")
    for member, share in metrics["participation_shares"].items():
        table.add_row(member, f"{share:.0%}")
    console.print(table)
    console.print(
        f"participation Gini {metrics['gini']:.3f} · bot messages {metrics['bot_messages']} "
        f"({metrics['bot_share']:.0%} of all) · human messages {metrics['human_messages']}"
    )
