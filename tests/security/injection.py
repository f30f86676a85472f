"""A corpus of script-injection payloads, and a scanner that finds one that survived.

Every payload tries to set ``window.__xss``; the browser test checks the flag, the
scanner checks the HTML (parsed with the standard library's HTML parser) for any
place the payload could run: a script or style element, an event handler, a
javascript: or data: URL, an embedding element."""

import re
from html.parser import HTMLParser

FLAG = "__xss"

PAYLOADS = [
    # Script tags, plain and breaking out of attributes, textareas and titles.
    "<script>window.__xss=1</script>",
    '"><script>window.__xss=1</script>',
    "'><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    # Event handlers.
    '<img src=x onerror="window.__xss=1">',
    "<img src=x onerror=window.__xss=1//",
    "<details open ontoggle=window.__xss=1>",
    '<body onload="window.__xss=1">',
    '" autofocus onfocus="window.__xss=1" x="',
    # SVG and MathML.
    "<svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    # javascript: and data: URLs, raw and through Markdown.
    '<a href="javascript:window.__xss=1">raw link</a>',
    "[click](javascript:window.__xss=1)",
    "[case](JaVaScRiPt:window.__xss=1)",
    "[tab](jav&#x09;ascript:window.__xss=1)",
    "[entity](&#106;avascript:window.__xss=1)",
    "<javascript:window.__xss=1>",
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    '![img](x" onerror="window.__xss=1)',
    "![svg](data:image/svg+xml,<svg onload=window.__xss=1>)",
    '[ref][r]\n\n[r]: javascript:window.__xss=1 "title"',
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<object data="javascript:window.__xss=1"></object>',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    # CSS.
    '<div style="background:url(javascript:window.__xss=1)">css</div>',
    "<style>@import 'javascript:window.__xss=1';</style>",
    # Unicode tricks: zero-width, right-to-left override, full-width brackets.
    "[zw](java\u200bscript:window.__xss=1)",
    "\u202e<script>window.__xss=1</script>",
    "\uff1cscript\uff1ewindow.__xss=1\uff1c/script\uff1e",
    "<scr<script>ipt>window.__xss=1</script>",
    # Template syntax must stay text.
    "{{ 7|add:7 }} {% csrf_token %} ${window.__xss=1}",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}
EMBEDDING = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "math"}
_CONTROL = re.compile(r"[\x00-\x20\u200b-\u200f\u2028-\u202e\ufeff]")


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inside: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in EMBEDDING:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            plain = _CONTROL.sub("", value).lower()
            if name.startswith("on") and FLAG in value:
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES and (
                plain.startswith(("javascript:", "vbscript:"))
                or (plain.startswith("data:") and tag != "img")
            ):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and FLAG in value:
                self.problems.append(f"<{tag} style=...> with the payload")
        if tag in ("script", "style"):
            self._inside.append(tag)

    def handle_endtag(self, tag):
        if self._inside and self._inside[-1] == tag:
            self._inside.pop()

    def handle_data(self, data):
        if self._inside and FLAG in data:
            self.problems.append(f"payload inside <{self._inside[-1]}>")


def runnable(html: str) -> list[str]:
    """Where in this HTML a payload could run; empty when nowhere."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems
