"""Markdown -> clean HTML (nh3), the SHA-256 of what employees see, the quiz format, and version diffs."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

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
    return _clean(_markdown_html(source))


def _markdown_html(source: str) -> str:
    source = (source or "").replace("\r\n", "\n")
    html = markdown.markdown(source, extensions=["extra", "sane_lists"], output_format="html")
    return re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


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


# --- what cleaning removed, in words ---------------------------------------------------------------------

# Why each kind of markup is removed. The groups are named in the notice in this order.
SCRIPT, STYLE, PAGE, EMBED, IMAGE, FORM, LINK, TAG = "script", "style", "page", "embed", "image", "form", "link", "tag"
REASONS = {
    SCRIPT: "scripts and event handlers cannot run in policies",
    STYLE: "policies use the site's own styles, so they read the same everywhere",
    PAGE: "a policy cannot change how the page behaves (redirects, base addresses, linked files)",
    EMBED: "policies cannot embed other pages, media or drawings",
    IMAGE: "policies show no images; describe the picture in words or link to it",
    FORM: "policies cannot ask for input; people ask questions from the policy page",
    LINK: "links can only go to http, https or mailto addresses",
    TAG: "policies keep Markdown formatting only",
}
_ELEMENT_GROUPS = {
    **dict.fromkeys(("script", "noscript", "template"), SCRIPT),
    "style": STYLE,
    **dict.fromkeys(
        (
            "iframe",
            "frame",
            "frameset",
            "object",
            "embed",
            "applet",
            "video",
            "audio",
            "source",
            "track",
            "svg",
            "math",
            "canvas",
            "portal",
        ),
        EMBED,
    ),  # fmt: skip
    **dict.fromkeys(("meta", "base", "link"), PAGE),
    **dict.fromkeys(("img", "picture"), IMAGE),
    **dict.fromkeys(("form", "input", "button", "select", "textarea", "option", "label", "fieldset"), FORM),
}
# Content and all: the elements nh3 drops with what is inside them (its clean_content_tags default).
_DROPPED_WITH_CONTENT = {"script", "style"}
# Wrappers Markdown itself writes (footnotes) or that mean nothing: removed quietly, their text kept.
_QUIET_TAGS = {"div", "span", "html", "head", "body"}
_ALIGNMENT = re.compile(r"^\s*text-align:\s*(left|right|center)\s*;?\s*$")  # Markdown's table alignment


@dataclass(frozen=True)
class Removal:
    group: str  # SCRIPT, STYLE, ...
    what: str  # "element", "tag", "attribute", "link", "image"
    name: str  # script, onclick, javascript:, ...
    count: int

    @property
    def words(self) -> str:
        label = {
            "element": f"<{self.name}> element",
            "tag": f"<{self.name}> tag",
            "attribute": f"{self.name} attribute",
            "link": f"{self.name} link",
            "image": "image",
        }[self.what]
        if self.count > 1:
            return f"{self.count} {label}s"
        article = "an" if label.lstrip("<")[:1] in ("a", "e", "i", "o") else "a"
        return f"{article} {label}"


class _Audit(HTMLParser):
    """Walks the HTML Markdown produced (before nh3) and notes what nh3 will take out that changes what
    people would see or could do: elements outside ALLOWED_TAGS, event handlers, styles, links and
    sources outside URL_SCHEMES. Attributes with no visible effect (class, id) are not reported."""

    VOID = {"img", "input", "embed", "source", "track", "meta", "base", "link", "frame"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: dict[tuple[str, str, str], int] = {}
        self.open: list[str] = []  # removed containers we are inside (an <svg>'s shapes are not news)

    def note(self, group, what, name):
        key = (group, what, name)
        self.found[key] = self.found.get(key, 0) + 1

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS and tag not in _QUIET_TAGS:
            group = _ELEMENT_GROUPS.get(tag, TAG)
            if group == IMAGE:
                self.note(IMAGE, "image", tag)
            elif group == TAG:
                if not self.open:
                    self.note(TAG, "tag", tag)
            else:
                self.note(group, "element", tag)
                if tag not in self.VOID:
                    self.open.append(tag)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.note(SCRIPT, "attribute", name)
            elif name == "style" and not (tag in ("th", "td") and _ALIGNMENT.match(value)):
                self.note(STYLE, "attribute", "style")
            elif name in ("href", "src", "action", "formaction", "xlink:href") and tag in ALLOWED_TAGS:
                scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", re.sub(r"[\x00-\x20]", "", value))
                if scheme and scheme.group(1).lower() not in URL_SCHEMES:
                    kind = scheme.group(1).lower()
                    self.note(SCRIPT if kind in ("javascript", "vbscript") else LINK, "link", f"{kind}:")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def removed_markup(source: str) -> list[Removal]:
    """What `render_markdown` takes out of this Markdown, grouped by reason (REASONS), most serious first."""
    audit = _Audit()
    audit.feed(_markdown_html(source))
    audit.close()
    order = list(REASONS)
    removals = [Removal(group, what, name, count) for (group, what, name), count in audit.found.items()]
    return sorted(removals, key=lambda r: (order.index(r.group), r.what != "element", r.name))


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def removal_notice(source: str) -> str:
    """The author's explanation, one sentence per reason: "Removed a <script> element and an onclick
    attribute: scripts and event handlers cannot run in policies." Empty when nothing was removed."""
    removals = removed_markup(source)
    sentences = []
    for group in REASONS:
        mine = [r for r in removals if r.group == group]
        if not mine:
            continue
        words = [r.words + (" (its text is kept)" if r.what == "tag" and r.count == 1 else "") for r in mine]
        words = [w.replace("tags", "tags (their text is kept)") if w.endswith("tags") else w for w in words]
        sentences.append(f"Removed {_join(words)}: {REASONS[group]}.")
    return " ".join(sentences)


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
    why: str = ""  # the reason behind the right answer, shown after an attempt (scenario questions)


MAX_QUESTIONS = 20


@dataclass
class _QuizDraft:
    """The question being read, until the next `Q:` line or the end."""

    prompt: str
    start: int
    choices: list[str] = field(default_factory=list)
    correct: list[int] = field(default_factory=list)
    why: list[str] = field(default_factory=list)

    def finish(self, questions: list[QuizQuestion], errors: list[str]) -> None:
        if len(self.choices) < 2:
            errors.append(f"Line {self.start}: the question “{self.prompt[:60]}” needs at least two choices.")
        elif len(self.correct) != 1:
            errors.append(f"Line {self.start}: mark exactly one right choice with “*” in “{self.prompt[:60]}”.")
        else:
            questions.append(QuizQuestion(self.prompt, tuple(self.choices), self.correct[0], " ".join(self.why)))

    def add(self, line: str, number: int, errors: list[str]) -> None:
        """A `Why:` line or a choice (`-` wrong, `*` right) of this question."""
        if line[:4].lower() == "why:":
            self.why.append(line[4:].strip())
            return
        text = line[1:].strip()
        if not text:
            errors.append(f"Line {number}: the choice is empty.")
            return
        if line[0] == "*":
            self.correct.append(len(self.choices))
        self.choices.append(text)


def parse_quiz(source: str) -> list[QuizQuestion]:
    """The quiz format HR types:

        Q: What must you add when you post about our products?
        - Nothing
        * A disclosure that you work here
        - A link to the careers page
        Why: people who read it must know you speak for the company.

    `Q:` starts a question; `-` is a wrong choice, `*` the one right choice; an optional `Why:` line gives the
    reason behind the answer. Blank lines are ignored."""
    questions: list[QuizQuestion] = []
    errors: list[str] = []
    draft: _QuizDraft | None = None
    for number, raw in enumerate((source or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line[:2].lower() == "q:":
            if draft is not None:
                draft.finish(questions, errors)
            draft = _QuizDraft(line[2:].strip(), number)
            if not draft.prompt:
                errors.append(f"Line {number}: the question text is empty.")
        elif draft is not None and (line[0] in "-*" or line[:4].lower() == "why:"):
            draft.add(line, number, errors)
        else:
            errors.append(
                f"Line {number}: start a question with “Q:” and each choice with “-” (or “*” for the right one)."
            )
    if draft is not None:
        draft.finish(questions, errors)
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


# --- course lessons ------------------------------------------------------------------------------------

MAX_LESSONS = 30
CASE_STUDY_PREFIX = "case study:"
_LESSON_HEADING = re.compile(r"^#[ \t]+(?P<title>\S.*?)[ \t#]*$")


@dataclass(frozen=True)
class Lesson:
    title: str
    kind: str  # "lesson" or "case_study"
    markdown: str

    @property
    def html(self) -> str:
        return render_markdown(self.markdown)


def _lesson_sections(source: str) -> tuple[list[tuple[str, int, list[str]]], list[str]]:
    """(title, line number, body lines) of each `# Title` section, and the text before the first title."""
    sections: list[tuple[str, int, list[str]]] = []
    before: list[str] = []
    in_code = False
    for number, raw in enumerate((source or "").replace("\r\n", "\n").split("\n"), start=1):
        if raw.lstrip().startswith("```"):
            in_code = not in_code
        heading = None if in_code else _LESSON_HEADING.match(raw)
        if heading:
            sections.append((heading["title"].strip(), number, []))
        elif sections:
            sections[-1][2].append(raw)
        elif raw.strip():
            before.append(f"Line {number}: start the first lesson with a title line, for example “# Why it matters”.")
    return sections, before[:1]


def parse_lessons(source: str) -> list[Lesson]:
    """A course's lessons as HR types them: each lesson starts with a line `# Its title` (one `#`); a lesson
    titled `# Case study: ...` is a case study (what happened, what it cost, what to do instead). Inside a
    lesson, Markdown as in policies (`##` for its own headings). Text before the first title is an error."""
    sections, errors = _lesson_sections(source)
    lessons = []
    for title, start, lines in sections:
        body = "\n".join(lines).strip()
        if not body:
            errors.append(f"Line {start}: the lesson “{title[:60]}” has no text.")
        kind = "case_study" if title.lower().startswith(CASE_STUDY_PREFIX) else "lesson"
        lessons.append(Lesson(title[:160], kind, body))
    if not lessons and not errors:
        errors.append("Write at least one lesson: a title line “# Why it matters”, then its text.")
    if len(lessons) > MAX_LESSONS:
        errors.append(f"A course has at most {MAX_LESSONS} lessons (this one has {len(lessons)}).")
    if len(source or "") > MAX_MARKDOWN:
        errors.append(f"Keep the lessons under {MAX_MARKDOWN:,} characters.")
    if errors:
        raise ValidationError({"lessons_markdown": errors})
    return lessons
