"""Markdown -> clean HTML (nh3), the SHA-256 of what employees see, the quiz format, and version diffs."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_MARKDOWN = 200_000


def render_markdown(source: str) -> str:
    """The HTML employees see: Markdown rendered, then cleaned by nh3 (no scripts, no handlers, no styles,
    only http/https/mailto links). Deterministic, so the same source always gives the same bytes.
    Headings start at h2 (the page title is the h1); `#` in the source becomes h2."""
    source = (source or "").replace("\r\n", "\n")
    html = markdown.markdown(source, extensions=["extra", "sane_lists"], output_format="html")
    html = re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
    return _clean(html)


def _clean(html: str) -> str:
    # The same settings for rendering and for the way out, so cleaning HTML that came out of here again
    # changes no byte (the page shows exactly what the SHA-256 covers).
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def hash_code(code: str) -> str:
    """The stored form of an anonymous asker's follow-up code (the code itself is never stored)."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def sha256_of(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def safe_html(html: str) -> SafeString:
    """Mark HTML safe for templates. Only for HTML that came out of `render_markdown` (cleaned by nh3),
    or frozen at publish from it; cleaned once more on the way out, so a row written any other way
    still cannot carry script."""
    return mark_safe(_clean(html))  # noqa: S308 - cleaned by nh3 just now


# --- quiz ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizQuestion:
    prompt: str
    choices: tuple[str, ...]
    correct: int


MAX_QUESTIONS = 20


def parse_quiz(source: str) -> list[QuizQuestion]:
    """The quiz format HR types:

        Q: What must you add when you post about our products?
        - Nothing
        * A disclosure that you work here
        - A link to the careers page

    `Q:` starts a question; `-` is a wrong choice, `*` the one right choice. Blank lines are ignored."""
    questions: list[QuizQuestion] = []
    errors: list[str] = []
    prompt, choices, correct, start = None, [], [], 0

    def finish():
        if prompt is None:
            return
        if len(choices) < 2:
            errors.append(f"Line {start}: the question “{prompt[:60]}” needs at least two choices.")
        elif len(correct) != 1:
            errors.append(f"Line {start}: mark exactly one right choice with “*” in “{prompt[:60]}”.")
        else:
            questions.append(QuizQuestion(prompt, tuple(choices), correct[0]))

    for number, raw in enumerate((source or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line[:2].lower() == "q:":
            finish()
            prompt, choices, correct, start = line[2:].strip(), [], [], number
            if not prompt:
                errors.append(f"Line {number}: the question text is empty.")
        elif line[0] in "-*" and prompt is not None:
            text = line[1:].strip()
            if not text:
                errors.append(f"Line {number}: the choice is empty.")
                continue
            if line[0] == "*":
                correct.append(len(choices))
            choices.append(text)
        else:
            errors.append(
                f"Line {number}: start a question with “Q:” and each choice with “-” (or “*” for the right one)."
            )
    finish()
    if len(questions) > MAX_QUESTIONS:
        errors.append(f"A quiz has at most {MAX_QUESTIONS} questions.")
    if errors:
        raise ValidationError({"quiz_source": errors})
    return questions


def grade_quiz(questions: list[QuizQuestion], answers) -> tuple[int, list[int | None]]:
    """Percent of right answers, and the answers as recorded (None for unanswered / out of range)."""
    recorded: list[int | None] = []
    right = 0
    answers = list(answers or [])
    for index, question in enumerate(questions):
        try:
            choice = int(answers[index])
        except (IndexError, TypeError, ValueError):
            choice = None
        if choice is not None and not 0 <= choice < len(question.choices):
            choice = None
        recorded.append(choice)
        right += choice == question.correct
    return (round(100 * right / len(questions)) if questions else 100), recorded


# --- diff ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    kind: str  # equal / replace / delete / insert
    left_no: int | None
    left: SafeString
    right_no: int | None
    right: SafeString


def _words(line: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", line)


def _highlight_pair(a: str, b: str) -> tuple[SafeString, SafeString]:
    """Escape both lines and wrap the changed words in <del>/<ins>. Built only from escaped pieces."""
    wa, wb = _words(a), _words(b)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        piece_a, piece_b = escape("".join(wa[i1:i2])), escape("".join(wb[j1:j2]))
        if tag == "equal":
            left.append(piece_a)
            right.append(piece_b)
        else:
            if piece_a:
                left.append(f"<del>{piece_a}</del>")
            if piece_b:
                right.append(f"<ins>{piece_b}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - every piece escaped above


def side_by_side(old: str, new: str) -> list[DiffRow]:
    a, b = (old or "").replace("\r\n", "\n").split("\n"), (new or "").replace("\r\n", "\n").split("\n")
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                rows.append(DiffRow("equal", i1 + k + 1, escape(a[i1 + k]), j1 + k + 1, escape(b[j1 + k])))
        elif tag == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                ia, jb = i1 + k, j1 + k
                if ia < i2 and jb < j2:
                    left, right = _highlight_pair(a[ia], b[jb])
                    rows.append(DiffRow("replace", ia + 1, left, jb + 1, right))
                elif ia < i2:
                    rows.append(DiffRow("delete", ia + 1, escape(a[ia]), None, mark_safe("")))
                else:
                    rows.append(DiffRow("insert", None, mark_safe(""), jb + 1, escape(b[jb])))
        elif tag == "delete":
            for k in range(i1, i2):
                rows.append(DiffRow("delete", k + 1, escape(a[k]), None, mark_safe("")))
        else:
            for k in range(j1, j2):
                rows.append(DiffRow("insert", None, mark_safe(""), k + 1, escape(b[k])))
    return rows


def diff_stats(rows: list[DiffRow]) -> dict:
    return {
        "added": sum(r.kind == "insert" for r in rows),
        "removed": sum(r.kind == "delete" for r in rows),
        "changed": sum(r.kind == "replace" for r in rows),
    }
