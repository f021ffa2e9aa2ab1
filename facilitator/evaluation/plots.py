"""PNG plots of an evaluation run (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from facilitator.sim.simulate import SimulationResult

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#17becf"]
BOT_COLOUR = "#6a1b9a"


def _cumulative_shares(result: SimulationResult) -> tuple[list[int], dict[str, list[float]]]:
    members = [m.id for m in result.scenario.participants]
    counts = dict.fromkeys(members, 0)
    xs: list[int] = []
    shares: dict[str, list[float]] = {m: [] for m in members}
    n = 0
    for t in result.turns:
        if t.bot or t.kind != "message":
            continue
        n += 1
        counts[t.who] = counts.get(t.who, 0) + 1
        xs.append(n)
        for m in members:
            shares[m].append(counts[m] / n)
    return xs, shares


def _spread(values: dict[str, float], gap: float) -> dict[str, float]:
    """Label positions near `values`, nudged apart so no two are closer than `gap`."""
    order = sorted(values, key=lambda k: values[k])
    placed: dict[str, float] = {}
    last = -1.0
    for key in order:
        y = max(values[key], last + gap)
        placed[key] = y
        last = y
    return placed


def _bot_marks(result: SimulationResult) -> list[tuple[int, str, list[str]]]:
    """(human messages so far, intervention, to) for each bot message."""
    n = 0
    marks = []
    for t in result.turns:
        if t.bot:
            marks.append((n, t.intervention or "?", list(t.to)))
        elif t.kind == "message":
            n += 1
    return marks


def participation_plot(with_bot: SimulationResult, without: SimulationResult,
                       path: Path) -> Path:
    """Each member's cumulative share of the conversation, without and with the bot."""
    scenario = with_bot.scenario
    labels = {m.id: m.label for m in scenario.participants}
    colour = {m.id: COLOURS[i % len(COLOURS)] for i, m in enumerate(scenario.participants)}
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), sharey=True)
    for ax, result, title in ((axes[0], without, "Without the bot"),
                              (axes[1], with_bot, "With the facilitator")):
        xs, shares = _cumulative_shares(result)
        gini = result.metrics()["gini"]
        for member, ys in shares.items():
            ax.plot(xs, ys, color=colour[member], lw=2.2, label=labels[member])
        ends = _spread({m: ys[-1] for m, ys in shares.items() if ys}, gap=0.045)
        for member, y in ends.items():
            ax.annotate(f"{labels[member]} {shares[member][-1]:.0%}", (xs[-1], y),
                        xytext=(6, 0), textcoords="offset points", va="center",
                        fontsize=9, color=colour[member], fontweight="bold")
        ax.axhline(1 / len(shares), color="grey", ls=":", lw=1)
        ax.text(0.99, 1 / len(shares) + 0.012, "equal share", color="grey", fontsize=8,
                ha="right", transform=ax.get_yaxis_transform())
        if result.bot:
            for x, intervention, to in _bot_marks(result):
                ax.axvline(x + 0.5, color=BOT_COLOUR, ls="--", lw=1.2, alpha=0.8)
                who = ", ".join(labels.get(p, p) for p in to)
                ax.text(x + 0.7, 0.97, f"bot: {intervention}" + (f"\n→ {who}" if who else ""),
                        color=BOT_COLOUR, fontsize=8, va="top", rotation=0,
                        transform=ax.get_xaxis_transform())
        ax.set_title(f"{title}  ·  participation Gini {gini:.2f}", fontsize=12)
        ax.set_xlabel("member messages so far")
        ax.set_xlim(1, max(xs[-1] if xs else 1, 2) * 1.18)
        ax.set_ylim(0, 1.05)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.grid(alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_ylabel("share of member messages so far")
    axes[0].legend(loc="upper right", fontsize=9, frameon=False)
    fig.suptitle(f"Who gets to speak: “{scenario.title}”", fontsize=14)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def tension_plot(result: SimulationResult, path: Path, *, threshold: float | None = None) -> Path:
    """Room tension after each member message, with the bot's interventions marked."""
    scenario = result.scenario
    labels = {m.id: m.label for m in scenario.participants}
    colour = {m.id: COLOURS[i % len(COLOURS)] for i, m in enumerate(scenario.participants)}
    xs, ys, who, texts = [], [], [], []
    n = 0
    for t in result.turns:
        if t.bot or t.kind != "message":
            continue
        n += 1
        xs.append(n)
        ys.append(t.tension)
        who.append(t.who)
        texts.append(t.text)
    fig, ax = plt.subplots(figsize=(12, 4.8))
    ax.fill_between(xs, ys, color="#d62728", alpha=0.12, step=None)
    ax.plot(xs, ys, color="#b71c1c", lw=2.2, zorder=2)
    ax.scatter(xs, ys, c=[colour[w] for w in who], s=42, zorder=3, edgecolor="white")
    for member in dict.fromkeys(who):
        ax.scatter([], [], c=colour[member], s=42, label=labels[member])
    if ys and max(ys) > 0:
        peak = max(range(len(ys)), key=lambda i: ys[i])
        words = texts[peak] if len(texts[peak]) <= 60 else texts[peak][:57] + "…"
        ax.annotate(f"{labels[who[peak]]}: “{words}”", (xs[peak], ys[peak]),
                    xytext=(0, 14), textcoords="offset points", ha="center", fontsize=8.5,
                    color="#444444", style="italic",
                    bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#dddddd"})
    if threshold is not None:
        ax.axhline(threshold, color="grey", ls=":", lw=1.2)
        ax.text(xs[0] if xs else 0, threshold + 0.015, "bot's heat threshold", color="grey",
                fontsize=8)
    for x, intervention, to in _bot_marks(result):
        ax.axvline(x + 0.5, color=BOT_COLOUR, ls="--", lw=1.4)
        names = ", ".join(labels.get(p, p) for p in to)
        ax.annotate(f"{intervention}" + (f"\n({names})" if names else ""),
                    (x + 0.5, 0.98), xycoords=("data", "axes fraction"), xytext=(4, 0),
                    textcoords="offset points", va="top", fontsize=9, color=BOT_COLOUR,
                    fontweight="bold")
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlim(0.5, (xs[-1] if xs else 1) + 1)
    ax.set_xlabel("member messages")
    ax.set_ylabel("tension (0 calm … 1 hostile)")
    ax.set_title(f"Heat over time, and when the bot stepped in: “{scenario.title}”", fontsize=13)
    ax.legend(loc="upper left", fontsize=9, frameon=False, title="who spoke", ncols=2)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def comparison_plot(metrics: dict[str, dict[str, Any]], path: Path) -> Path:
    """The main figures side by side for each policy that ran."""
    keys = [("speak_precision", "precision"), ("speak_recall", "recall"), ("speak_f1", "F1"),
            ("capture_resistance", "capture\nresistance"),
            ("wrongful_interruption_rate", "wrongful\ninterruptions"), ("bot_share", "bot share")]
    names = list(metrics)
    fig, ax = plt.subplots(figsize=(12, 4.8))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        vals = [float(metrics[name].get(k, 0.0)) for k, _ in keys]
        xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(keys))]
        bars = ax.bar(xs, vals, width * 0.92, label=name, color=COLOURS[i % len(COLOURS)])
        for bar, v in zip(bars, vals, strict=True):
            ax.text(bar.get_x() + bar.get_width() / 2, v + 0.015, f"{v:.2f}", ha="center",
                    fontsize=8)
    ax.set_xticks(range(len(keys)), [label for _, label in keys])
    ax.set_ylim(0, 1.12)
    ax.set_title("Policies side by side on the scenario suite (higher is better, except the "
                 "last two)", fontsize=12)
    ax.legend(frameon=False, ncols=len(names))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.25)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
