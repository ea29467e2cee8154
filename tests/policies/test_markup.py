"""Markdown is rendered inert: a corpus of XSS payloads; the diff escapes everything."""

import pytest

from policies.markup import parse_quiz, render_markdown, side_by_side

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    '<div onmouseover="alert(1)">hover</div>',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "[x](&#106;avascript:alert(1))",
    '<details open ontoggle="alert(1)">x</details>',
    '"><script>alert(1)</script>',
    "<!--<script>alert(1)</script>-->",
]

FORBIDDEN = [
    "<script",
    "javascript:",
    "onerror",
    "onclick",
    "onload",
    "onmouseover",
    "ontoggle",
    "<svg",
    "<iframe",
    "<object",
    "<embed",
    "style=",
    "<style",
    "<form",
    "<meta",
    "<base",
    "vbscript:",
    "data:text",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert(payload):
    html = render_markdown(f"Intro\n\n{payload}\n\nOutro").lower()
    for bad in FORBIDDEN:
        assert bad not in html, f"{bad!r} survived in {html!r}"


def test_safe_markdown_survives():
    html = render_markdown("# Purpose\n\n**Be kind** and [read more](https://example.com).\n\n- one\n- two")
    assert "<h2>Purpose</h2>" in html
    assert "<strong>Be kind</strong>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html


def test_rendering_is_deterministic():
    source = "# A\n\nText with *emphasis* and a | table |\n"
    assert render_markdown(source) == render_markdown(source)


def test_diff_escapes_and_highlights():
    rows = side_by_side("Hello <b>world</b>\nsame", "Hello <script>x</script>\nsame\nnew line")
    html = "".join(str(r.left) + str(r.right) for r in rows)
    assert "<script" not in html and "<b>" not in html and "&lt;" in html
    assert "<ins>" in html and "<del>" in html
    assert [r.kind for r in rows] == ["replace", "equal", "insert"]


def test_quiz_parse_errors_are_clear():
    with pytest.raises(Exception) as exc:
        parse_quiz("Q: one\n- a\n- b\nrandom text")
    messages = " ".join(exc.value.message_dict["quiz_source"])
    assert "Line 1" in messages and "Line 4" in messages
    assert len(parse_quiz("Q: one\n- a\n* b\n\nQ: two\n* c\n- d")) == 2
