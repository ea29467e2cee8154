"""Regular-expression rules: validated on save, run with a time limit, and skipped without running when the
text cannot match.

The skip is what keeps the matching cost flat as rules are added: every literal a regex requires (one of
"leak", "leaked" in `(leak|leaked) of`) is read from its parsed form and goes into the same Aho-Corasick
automaton as the phrases; a regex runs only on texts where one of its required literals was found. A regex
with no required literal of three characters or more runs on every text (the editor says so)."""

from __future__ import annotations

import re._constants as sre_constants
import re._parser as sre_parse

import regex

FLAGS = regex.IGNORECASE | regex.UNICODE | regex.V0
TIMEOUT = 0.05  # seconds, per regex and text
MIN_LITERAL = 3
MAX_LENGTH = 500

LITERAL = sre_constants.LITERAL
SUBPATTERN = sre_constants.SUBPATTERN
BRANCH = sre_constants.BRANCH
MAX_REPEAT = sre_constants.MAX_REPEAT
MIN_REPEAT = sre_constants.MIN_REPEAT
POSSESSIVE_REPEAT = getattr(sre_constants, "POSSESSIVE_REPEAT", MAX_REPEAT)
ATOMIC_GROUP = getattr(sre_constants, "ATOMIC_GROUP", SUBPATTERN)


class InvalidPattern(ValueError):
    pass


def compile_pattern(pattern: str) -> regex.Pattern:
    """The compiled expression, or InvalidPattern with a message a person can act on."""
    if not pattern.strip():
        raise InvalidPattern("Enter a regular expression.")
    if len(pattern) > MAX_LENGTH:
        raise InvalidPattern(f"Keep the expression under {MAX_LENGTH} characters.")
    try:
        compiled = regex.compile(pattern, FLAGS)
    except regex.error as error:
        raise InvalidPattern(f"This is not a valid regular expression: {error}.") from None
    try:
        if compiled.search("", timeout=TIMEOUT) is not None:
            raise InvalidPattern("This expression matches empty text, so it would match every post.")
    except TimeoutError:
        raise InvalidPattern("This expression takes too long to run.") from None
    return compiled


# --- required literals --------------------------------------------------------------------------------------


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """Of several sets of alternatives (each set: one of them must appear), the most selective: the one whose
    shortest literal is longest."""
    usable = [o for o in options if o and min(len(s) for s in o) >= MIN_LITERAL]
    if not usable:
        return None
    return max(usable, key=lambda o: (min(len(s) for s in o), -len(o)))


def _sequence(items) -> frozenset[str] | None:
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op == LITERAL:
            run.append(chr(arg))
            continue
        if run:
            options.append(frozenset({"".join(run).lower()}))
            run = []
        found = _item(op, arg)
        if found:
            options.append(found)
    if run:
        options.append(frozenset({"".join(run).lower()}))
    return _best(options)


def _item(op, arg) -> frozenset[str] | None:
    if op in (SUBPATTERN, ATOMIC_GROUP):
        return _sequence(arg[-1] if op == SUBPATTERN else arg)
    if op == BRANCH:
        branches = [_sequence(branch) for branch in arg[1]]
        if any(b is None for b in branches):
            return None
        return frozenset().union(*branches)
    if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT) and arg[0] >= 1:
        return _sequence(arg[2])
    return None


def required_literals(pattern: str) -> frozenset[str] | None:
    """Lower-case literals one of which every match contains, or None when none can be told (then the regex
    runs on every text). Read with Python's own parser; a pattern it cannot read (syntax only the `regex`
    package knows) has none."""
    try:
        parsed = sre_parse.parse(pattern, 0)
    except Exception:  # noqa: BLE001 - any parse failure: no prefilter, the regex runs on every text
        return None
    return _sequence(list(parsed))
