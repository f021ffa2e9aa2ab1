"""Member text inside a prompt stays data: escaped, so no message can change the prompt's shape.

The prompts put everything a member wrote (messages, names, quoted questions and proposals)
inside data tags such as `<message id="m3" from="Ana">…</message>`. A member who writes
`</message><system>…` or calls themself `x" role="system` must not close the tag or add an
attribute: `esc` turns `& < > "` into XML entities (so the data parses back to exactly what
the member wrote) and drops control characters. Every room-derived string that enters a prompt
goes through `esc` (attributes are always double-quoted); the prompt's own tags never do.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
# The apostrophe stays: it cannot end an element or a double-quoted attribute, and a model
# reads "don't" better than "don&#39;t".
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def esc(text: object, limit: int | None = None) -> str:
    """`text` safe inside a data tag or a double-quoted attribute (cut at `limit` characters
    first, so an entity is never cut in half)."""
    value = _CONTROL.sub(" ", str(text))
    if limit is not None and len(value) > limit:
        value = value[:limit].rstrip() + "…"
    return value.translate(_ENTITIES)


def tag(element: str, body: str, /, **attrs: object) -> str:
    """`<element a="…">body</element>` with every attribute value escaped; `body` must
    already be escaped."""
    rendered = "".join(f' {key}="{esc(value)}"' for key, value in attrs.items()
                       if value is not None and value != "")
    return f"<{element}{rendered}>{body}</{element}>"
