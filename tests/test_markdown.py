"""Markdown is rendered to HTML that cannot run anything, wherever it is shown.

Every payload below goes through ``render_markdown`` and, end to end, through the
services, the pages and the API. A real HTML parser walks the result: if a browser
could run it, a test here fails.
"""

import json
import re
from html.parser import HTMLParser

import pytest

from frankly.feedback import services
from frankly.feedback.models import Post
from frankly.markdown import render_markdown
from tests.conftest import make_post

XSS_PAYLOADS = [
    # Raw HTML: script, event handlers, active content.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    "<div onmouseover=alert(1)>hover</div>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<p style="width: expression(alert(1))">x</p>',
    "<p style=\"background:url('javascript:alert(1)')\">x</p>",
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)"></style></math>',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    '<input autofocus onfocus="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Markdown links and images.
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav\tascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#x3A;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](%6A%61vascript:alert(1))",
    "[x](\\u006aavascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://example.com/x.png"onerror="alert(1))',
    '[x](https://example.com "title" onclick=alert(1))',
    '[x](https://example.com "\\" onclick=\\"alert(1)")',
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[x][evil2]\n\n[evil2]: <javascript:alert(1)> 'title'",
    "![x][img]\n\n[img]: javascript:alert(1)",
    "```onclick=alert(1)\ncode\n```",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    # Unicode tricks.
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\u202e[x](javascript:alert(1))\u202c",
    "[\u202egnp.exe](javascript:alert(1))",
    "[x](java\u200bscript:alert(1))",
    "[x](\u0000javascript:alert(1))",
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "style", "svg", "math", "form", "input",
    "meta", "base", "link", "frame", "frameset", "applet", "template", "textarea", "button",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "background", "poster",
    "srcset", "ping", "cite", "longdesc", "dynsrc", "lowsrc",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


C0_CONTROLS_AND_SPACE = "".join(chr(i) for i in range(0x21))


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see, after the URL parser's clean-up, or None."""
    value = re.sub(r"[\t\n\r]", "", value).strip(C0_CONTROLS_AND_SPACE)
    match = SCHEME.match(value)
    return match.group(1).lower() if match else None


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], in_prose: bool):
        self.tag = tag
        self.attrs = [(name.lower(), value or "") for name, value in attrs]
        self.in_prose = in_prose

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class Collector(HTMLParser):
    """Every element of a document, each marked if it sits inside user content.

    User content is what the pages put in ``<div class="prose">``; for a bare
    fragment (``everything_is_user_content``) that is the whole input.
    """

    def __init__(self, *, everything_is_user_content: bool):
        super().__init__(convert_charrefs=True)
        self.everything = everything_is_user_content
        self.elements: list[Element] = []
        self.prose_depth = 0  # open <div>s since entering a prose block
        self.prose_blocks = 0
        self.prose_text: list[str] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    @property
    def in_prose(self) -> bool:
        return self.everything or self.prose_depth > 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div":
            if self.prose_depth:
                self.prose_depth += 1
            elif "prose" in classes:
                self.prose_depth = 1
                self.prose_blocks += 1
        self.elements.append(Element(tag, attrs, self.in_prose))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, attrs, self.in_prose))

    def handle_endtag(self, tag):
        if tag == "div" and self.prose_depth:
            self.prose_depth -= 1
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_bodies.append(data)
        if self.in_prose:
            self.prose_text.append(data)


def collect(html: str, *, everything_is_user_content: bool = True) -> Collector:
    collector = Collector(everything_is_user_content=everything_is_user_content)
    collector.feed(html)
    collector.close()
    return collector


def problems_in_user_content(collector: Collector) -> list[str]:
    """What would be unsafe in user content: any active tag, handler, style or bad URL."""
    found = []
    for element in collector.elements:
        if not element.in_prose:
            continue
        if element.tag in FORBIDDEN_TAGS:
            found.append(f"tag {element!r}")
        for name, value in element.attrs:
            if name.startswith("on"):
                found.append(f"event handler {element!r}")
            if name == "style":
                found.append(f"style attribute {element!r}")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{scheme}: URL {element!r}")
    return found


def problems_in_page(collector: Collector) -> list[str]:
    """What could run anywhere on a page: only the site's own external scripts may."""
    found = problems_in_user_content(collector)
    for element in collector.elements:
        if element.in_prose:
            continue
        attrs = dict(element.attrs)
        if element.tag == "script":
            if not attrs.get("src", "").startswith("/static/"):
                found.append(f"script that is not the site's own {element!r}")
        elif element.tag in {"iframe", "object", "embed", "svg", "math", "base", "frame"}:
            found.append(f"tag {element!r}")
        for name, value in element.attrs:
            if name.startswith("on"):
                found.append(f"event handler {element!r}")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{scheme}: URL {element!r}")
    found += [f"inline script {body[:60]!r}" for body in collector.script_bodies]
    return found


# The checker itself: it must see what it is meant to catch.


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<p style="color: red">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" &#x01;JAVASCRIPT:alert(1)">x</a>',
        '<img src="data:image/png;base64,AAAA">',
        "<svg></svg>",
        "<form><input></form>",
    ],
)
def test_the_checker_catches_unsafe_html(html):
    assert problems_in_user_content(collect(html))


def test_the_checker_lets_relative_and_web_links_pass():
    html = (
        '<a href="/posts/1/">a</a><a href="#c-2">b</a><a href="?q=x">c</a>'
        '<a href="https://example.com/a:b">d</a><a href="mailto:a@example.com">e</a>'
        '<img src="http://example.com/x.png" alt="">'
    )
    assert problems_in_user_content(collect(html)) == []


def test_the_checker_only_allows_the_sites_own_external_script():
    page = collect(
        '<script src="/static/frankly/frankly.js" defer></script><div class="prose"><p>x</p></div>',
        everything_is_user_content=False,
    )
    assert problems_in_page(page) == []
    inline = collect("<script>alert(1)</script>", everything_is_user_content=False)
    assert problems_in_page(inline)


def test_the_corpus_is_big_enough():
    assert len(XSS_PAYLOADS) >= 30
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


# render_markdown on its own.


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_rendered_markdown_cannot_run_anything(payload):
    html = render_markdown(payload)
    assert problems_in_user_content(collect(html)) == [], html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_rendered_markdown_cannot_run_anything_inside_a_document(payload):
    # The same payload amid ordinary Markdown, so block context cannot help it.
    html = render_markdown(f"# Title\n\nSome *text* first.\n\n{payload}\n\n- a list\n- after")
    assert problems_in_user_content(collect(html)) == [], html
    assert "<em>text</em>" in html


def test_links_in_text_are_kept_but_only_with_safe_schemes():
    html = render_markdown("[docs](https://example.com/docs) and [bad](javascript:alert(1))")
    hrefs = [v for e in collect(html).elements for n, v in e.attrs if n == "href"]
    assert hrefs == ["https://example.com/docs"]


def test_a_data_image_loses_its_source():
    html = render_markdown("![pixel](data:image/png;base64,iVBORw0KGgo=)")
    sources = [v for e in collect(html).elements for n, v in e.attrs if n == "src"]
    assert sources == []


def test_bold_and_emphasis():
    assert render_markdown("**bold** and _soft_") == (
        "<p><strong>bold</strong> and <em>soft</em></p>\n"
    )


def test_lists_keep_their_items_and_start_number():
    html = render_markdown("- one\n- two\n\n3. three\n4. four")
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' in html


def test_code_blocks_keep_the_language_and_escape_the_code():
    html = render_markdown("```python\nif a < b and c > d:\n    print('&')\n```")
    assert html == (
        '<pre><code class="language-python">if a &lt; b and c &gt; d:\n'
        "    print('&amp;')\n</code></pre>\n"
    )


def test_inline_code_is_escaped_not_run():
    html = render_markdown("Use `<b>` for bold")
    assert html == "<p>Use <code>&lt;b&gt;</code> for bold</p>\n"


def test_tables_render_and_keep_column_alignment_without_style():
    html = render_markdown("| Plan | Price |\n|:-----|------:|\n| Pro | 10 |")
    collector = collect(html)
    assert [e.tag for e in collector.elements] == [
        "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td",
    ]  # fmt: skip
    cells = [e.attrs for e in collector.elements if e.tag in ("th", "td")]
    assert cells == [[("align", "left")], [("align", "right")]] * 2
    assert "".join(collector.prose_text).split() == ["Plan", "Price", "Pro", "10"]


def test_links_get_rel_nofollow_and_ugc():
    html = render_markdown("[site](https://example.com) <https://example.org/a>")
    links = [dict(e.attrs) for e in collect(html).elements if e.tag == "a"]
    assert [link["href"] for link in links] == ["https://example.com", "https://example.org/a"]
    for link in links:
        assert {"nofollow", "ugc"} <= set(link["rel"].split())


def test_strikethrough_and_headings_and_quotes():
    html = render_markdown("## Plan\n\n> quoted\n\n~~gone~~")
    assert "<h2>Plan</h2>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<s>gone</s>" in html or "<del>gone</del>" in html


def test_text_with_angle_brackets_and_ampersands_is_escaped_not_lost():
    text = "1 < 2 && 3 > 2, AT&T <b>not bold</b> <3 & 'quotes' \"too\""
    html = render_markdown(text)
    assert "<b>" not in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "".join(collect(html).prose_text).strip() == text


def test_fullwidth_and_rtl_characters_are_kept_as_text():
    text = "\uff1cscript\uff1e \u202eevil\u202c"
    html = render_markdown(text)
    assert "".join(collect(html).prose_text).strip() == text
    assert all(e.tag == "p" for e in collect(html).elements)


def test_empty_input_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


# End to end: through the services, the pages and the API.

# PostgreSQL cannot store NUL, so the services refuse it (tested in the API tests).
STORABLE_PAYLOADS = [p for p in XSS_PAYLOADS if "\x00" not in p]
ALL_PAYLOADS = "\n\n".join(STORABLE_PAYLOADS)


@pytest.fixture
def booby_trapped_post(customer, other_customer, staff):
    post = make_post(customer, title="Everything nasty in one place", body=ALL_PAYLOADS)
    comment = services.add_comment(author=other_customer, post_id=post.pk, body=ALL_PAYLOADS)
    services.add_comment(author=customer, post_id=post.pk, body=ALL_PAYLOADS, parent_id=comment.pk)
    services.set_official_response(actor=staff, post_id=post.pk, body=ALL_PAYLOADS)
    services.change_status(actor=staff, post_id=post.pk, status="planned", note=ALL_PAYLOADS)
    for payload in STORABLE_PAYLOADS:
        make_post(customer, title=" ".join(payload.split())[:160], body=payload)
    return post


def test_the_post_page_shows_every_payload_harmlessly(
    booby_trapped_post, client_for, customer, staff
):
    # Staff also get the official response back in a form to edit it.
    for viewer in (None, customer, staff):
        response = client_for(viewer).get(f"/posts/{booby_trapped_post.pk}/")
        assert response.status_code == 200
        page = collect(response.content.decode(), everything_is_user_content=False)
        # Post body, official response, status note, comment and reply are all user content.
        assert page.prose_blocks >= 5
        assert problems_in_page(page) == []
        assert "alert(1)" in "".join(page.prose_text)


def next_page_link(html: str) -> str | None:
    links = [dict(e.attrs) for e in collect(html).elements if e.tag == "a"]
    return next((a["href"] for a in links if a.get("rel") == "next"), None)


def test_the_board_shows_payload_titles_harmlessly(booby_trapped_post, client_for):
    client = client_for(None)
    for path in ("/?sort=new", "/?sort=top", "/search/?q=alert"):
        pages = 0
        while path and pages < 20:
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            assert problems_in_page(collect(html, everything_is_user_content=False)) == [], path
            next_link = next_page_link(html)
            path = f"/{next_link}" if next_link and next_link.startswith("?") else next_link
            pages += 1
        assert path is None
    board = client.get("/?sort=new").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in board


def test_every_payload_title_page_is_harmless(booby_trapped_post, client_for):
    client = client_for(None)
    for post in Post.objects.exclude(pk=booby_trapped_post.pk):
        response = client.get(f"/posts/{post.pk}/")
        assert response.status_code == 200
        page = collect(response.content.decode(), everything_is_user_content=False)
        assert problems_in_page(page) == [], post.title


def test_the_api_returns_the_source_verbatim_and_only_safe_html(booby_trapped_post, api_client):
    client = api_client(None)
    detail = client.get(f"/posts/{booby_trapped_post.pk}").json()
    assert detail["body"] == ALL_PAYLOADS
    assert detail["official_response"]["body"] == ALL_PAYLOADS
    for html in (detail["body_html"], detail["official_response"]["body_html"]):
        assert problems_in_user_content(collect(html)) == []
    comments = client.get(f"/posts/{booby_trapped_post.pk}/comments").json()["items"]
    assert len(comments) == 2
    for comment in comments:
        assert comment["body"] == ALL_PAYLOADS
        assert problems_in_user_content(collect(comment["body_html"])) == []
    listed = client.get("/posts?sort=new&limit=100").json()["items"]
    assert len(listed) == Post.objects.count()
    for post in listed:
        assert problems_in_user_content(collect(post["body_html"])) == []


def test_the_api_sends_json_not_html(booby_trapped_post, api_client):
    response = api_client(None).get(f"/posts/{booby_trapped_post.pk}")
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["id"] == booby_trapped_post.pk


# SQL-looking input is just text.

SQL_LOOKING = [
    "'; DROP TABLE feedback_post; --",
    '" OR 1=1 --',
    "1; SELECT * FROM accounts_user WHERE '1'='1",
    "Robert'); DROP TABLE Students;--",
    "%' OR '%'='",
    'title" MATCH "*',
    "NEAR(a b) OR c*",
]


@pytest.mark.parametrize("text", SQL_LOOKING)
def test_sql_looking_text_is_stored_and_returned_verbatim(text, customer, api_client):
    client = api_client(customer)
    created = client.post("/posts", {"title": text, "body": text})
    assert created.status_code == 201, created.content
    post_id = created.json()["id"]
    comment = client.post(f"/posts/{post_id}/comments", {"body": text})
    assert comment.status_code == 201
    detail = api_client(None).get(f"/posts/{post_id}").json()
    assert (detail["title"], detail["body"]) == (text, text)
    comments = api_client(None).get(f"/posts/{post_id}/comments").json()["items"]
    assert [c["body"] for c in comments] == [text]
    assert Post.objects.filter(pk=post_id, title=text, body=text).exists()


@pytest.mark.parametrize("text", SQL_LOOKING)
def test_searching_for_sql_looking_text_does_not_error(text, customer, api_client):
    make_post(customer, title="Drop shadow on the table view", body="Select one or more rows")
    before = Post.objects.count()
    for sort in ("", "new", "top", "relevance"):
        response = api_client(None).get("/posts", data={"q": text, "sort": sort})
        assert response.status_code == 200, (sort, response.content)
        assert set(response.json()) == {"items", "next"}
    assert Post.objects.count() == before


def test_search_finds_a_post_by_words_from_sql_looking_text(customer, api_client):
    post = make_post(customer, title="'; DROP TABLE feedback_post; --")
    response = api_client(None).get("/posts", data={"q": "DROP TABLE feedback_post"})
    assert [p["id"] for p in response.json()["items"]] == [post.pk]
