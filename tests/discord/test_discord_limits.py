"""Discord's 2,000-character limit: split or shorten where a reader pauses."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.adapters.discord.limits import (
    ELLIPSIS,
    MAX_MESSAGE_CHARS,
    fit_message,
    shorten,
    split_text,
)

SENTENCE = "The east beds get the tomatoes and the west beds get the beans this year. "


def test_short_text_is_one_part_unchanged() -> None:
    assert split_text("  Hello there.  ") == ["Hello there."]
    assert fit_message("Hello there.") == ["Hello there."]
    assert fit_message("   ") == []


def test_split_prefers_paragraphs_then_sentences() -> None:
    para = (SENTENCE * 20).strip()  # ~1,480 characters
    text = para + "\n\n" + para
    parts = split_text(text)
    assert parts == [para, para]
    long = (SENTENCE * 60).strip()  # ~4,400 characters, no line breaks
    parts = split_text(long)
    assert len(parts) == 3
    assert all(len(p) <= MAX_MESSAGE_CHARS for p in parts)
    assert all(p.endswith("year.") for p in parts)  # each cut falls after a sentence
    assert " ".join(parts) == long


def test_unbroken_run_is_cut_hard() -> None:
    blob = "x" * 4500
    assert [len(p) for p in split_text(blob)] == [2000, 2000, 500]


def test_shorten_keeps_whole_sentences() -> None:
    text = (SENTENCE * 40).strip()
    out = shorten(text)
    assert len(out) <= MAX_MESSAGE_CHARS
    assert out.endswith("year. " + ELLIPSIS)
    assert text.startswith(out.removesuffix(" " + ELLIPSIS))


def test_fit_message_splits_then_shortens_the_last_part() -> None:
    text = (SENTENCE * 100).strip()  # ~7,400 characters
    parts = fit_message(text, max_parts=2)
    assert len(parts) == 2
    assert all(len(p) <= MAX_MESSAGE_CHARS for p in parts)
    assert parts[1].endswith(ELLIPSIS)
    assert text.startswith(parts[0])
    with pytest.raises(ValueError):
        fit_message(text, max_parts=0)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .!?\n\n—é🌱"), max_size=700),
       st.integers(min_value=2, max_value=120))
def test_split_never_exceeds_the_limit_and_loses_nothing(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in parts)
    squash = re.compile(r"\s+")
    assert squash.sub("", "".join(parts)) == squash.sub("", text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .!?\n—🌱"), max_size=700),
       st.integers(min_value=4, max_value=120), st.integers(min_value=1, max_value=4))
def test_fit_message_bounds(text: str, limit: int, max_parts: int) -> None:
    parts = fit_message(text, limit=limit, max_parts=max_parts)
    assert len(parts) <= max_parts
    assert all(len(p) <= limit for p in parts)
