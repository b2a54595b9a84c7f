"""Text from a model, a store or AWS, made safe to show inside Markdown (Prefect artifacts).

A Bedrock error message is whatever the service (or a model) wrote; a product id or a
reason may quote store data. Shown in an artifact, ``[click](http://…)``, ``<img …>`` or
``**`` would become a link, markup or formatting. ``escaped`` makes every such
character literal and keeps the text on one line.
"""

from __future__ import annotations

import html
import re

# what makes a link or an image ([…](…), ![…]), emphasis, code, a table cell or strikethrough mid-line
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def escaped(text: str) -> str:
    """``text`` as literal Markdown inside a line: HTML entities for ``<``, ``>``, ``&``, a backslash
    before every character that would start a link, markup or formatting there, line breaks as spaces."""
    return _MARKDOWN.sub(r"\\\1", html.escape(_LINE_BREAKS.sub(" ", text), quote=False))
