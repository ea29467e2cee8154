"""The organization's rules compiled into one matcher.

Every literal term — phrases and their word forms, hashtags, competitor names, brand terms and designated
hashtags, and the literals regular expressions require — is a key of one Aho-Corasick automaton
(pyahocorasick), so a text is read once whatever the number of rules. Phrases match on word boundaries,
ignoring case. A regular expression runs (with a time limit) only on texts where one of its required
literals was found; link domains are looked up in a table by the host of each address in the post and its
parent domains. A rule with a sentiment condition matches only when the text carries that sentiment; the
missing-disclosure rule needs to know whether the post shares the employer's content (the caller says).

A compiled set is kept in this process per (organization, rules version): `compiled(key, build)`."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import ahocorasick

from . import regexes
from .wordforms import forms

MAX_MATCHES_PER_RULE = 20
URL_PATTERN = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


@dataclass(frozen=True)
class RuleSpec:
    """What the engine needs of a rule (monitoring.models.Rule, or a rule being edited in the test box)."""

    id: int
    kind: str  # phrase, regex, hashtag, domain, competitor, missing_disclosure
    pattern: str = ""
    sentiment_condition: str = "any"  # any, negative, positive
    name: str = ""


@dataclass(frozen=True)
class Target:
    """The text to check and what is known about it."""

    text: str
    links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    sentiment: str = ""  # positive, negative, neutral; "" when not scored
    member_post: bool = False  # a member's own post (not a mention by someone else)
    employer_link: str = ""  # the address that makes it a share of the employer's content ("" if none)


@dataclass(frozen=True)
class Match:
    rule_id: int
    start: int  # characters of the text, end exclusive; 0, 0 when the match is not in the text (a card link)
    end: int
    text: str
    via: str  # phrase, word_form, hashtag, regex, domain, competitor, missing_disclosure
    term: str = ""  # the rule's term that matched (the phrase, tag, domain or expression)


@dataclass
class Checked:
    matches: list[Match] = field(default_factory=list)
    held_back: list[Match] = field(default_factory=list)  # found, but the sentiment condition is not met
    timed_out: list[int] = field(default_factory=list)  # rules whose regex ran out of time
    brand_terms: list[str] = field(default_factory=list)  # brand terms and designated hashtags found


def split_terms(pattern: str) -> list[str]:
    """A rule's terms: one per line (commas also separate), blank lines ignored."""
    return [t.strip() for line in pattern.splitlines() for t in line.split(",") if t.strip()]


def fold(text: str) -> str:
    """Lower case with every character in its place (a character whose lower case is longer stays)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _bounded(low: str, start: int, end: int, key: str) -> bool:
    """Word boundaries around low[start:end] where the key begins or ends with a word character."""
    if _is_word(key[0]) and start > 0 and _is_word(low[start - 1]):
        return False
    return not (_is_word(key[-1]) and end < len(low) and _is_word(low[end]))


def normalize_tag(tag: str) -> str:
    return tag.strip().lstrip("#").lower()


def normalize_domain(domain: str) -> str:
    domain = domain.strip().lower()
    if "://" in domain:
        domain = urlsplit(domain).hostname or ""
    return domain.strip(".").removeprefix("www.")


_HOST = re.compile(r"^\s*[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)", re.IGNORECASE)


def _host(link: str) -> str:
    """The host of an address, lower case ("" if none): a regular expression, a fifth of urlsplit's cost."""
    m = _HOST.match(link)
    return m.group(1).lower().rstrip(".") if m else ""


class RuleSet:
    """A compiled rule set. Build it with `RuleSet(rules, competitors=..., ...)`; it is read-only afterwards
    and safe to share between threads."""

    def __init__(
        self,
        rules: Iterable[RuleSpec],
        *,
        competitors: Iterable[str] = (),
        disclosure_tags: Iterable[str] = (),
        brand_terms: Iterable[str] = (),
        brand_hashtags: Iterable[str] = (),
    ):
        self.rules = {rule.id: rule for rule in rules}
        self.disclosure_tags = frozenset(normalize_tag(t) for t in disclosure_tags if normalize_tag(t))
        self._keys: dict[str, list[tuple]] = {}
        self._domains: dict[str, list[int]] = {}
        self._regexes: dict[int, regexes.regex.Pattern] = {}
        self._unfiltered: list[int] = []  # regex rules with no required literal: run on every text
        self._disclosure_rules: list[int] = []
        for rule in self.rules.values():
            self._add_rule(rule, competitors)
        for term in brand_terms:
            self._add_terms([term], ("brand", term.strip()), inflect=False)
        for tag in brand_hashtags:
            if normalize_tag(tag):
                self._add_key("#" + normalize_tag(tag), ("brand", "#" + normalize_tag(tag)))
        self._automaton = ahocorasick.Automaton()
        for key, entries in self._keys.items():
            self._automaton.add_word(key, (key, tuple(entries)))
        if self._keys:
            self._automaton.make_automaton()

    # --- compiling ---------------------------------------------------------------------------------------

    def _add_key(self, key: str, entry: tuple) -> None:
        if key:
            self._keys.setdefault(key, []).append(entry)

    def _add_terms(self, terms: Iterable[str], entry: tuple, *, inflect: bool) -> None:
        for term in terms:
            base = " ".join(term.lower().split())
            for form in forms(term, inflect=inflect):
                self._add_key(form, (*entry, base, form != base))

    def _add_rule(self, rule: RuleSpec, competitors: Iterable[str]) -> None:
        kind = rule.kind
        if kind == "phrase":
            self._add_terms(split_terms(rule.pattern), ("rule", rule.id, "phrase"), inflect=True)
        elif kind == "competitor":
            self._add_terms([c for c in competitors if c.strip()], ("rule", rule.id, "competitor"), inflect=False)
        elif kind == "hashtag":
            for tag in {normalize_tag(t) for t in split_terms(rule.pattern)} - {""}:
                self._add_key("#" + tag, ("rule", rule.id, "hashtag", "#" + tag, False))
        elif kind == "domain":
            for domain in {normalize_domain(d) for d in split_terms(rule.pattern)} - {""}:
                self._domains.setdefault(domain, []).append(rule.id)
        elif kind == "regex":
            self._add_regex(rule)
        elif kind == "missing_disclosure":
            self._disclosure_rules.append(rule.id)

    def _add_regex(self, rule: RuleSpec) -> None:
        try:
            self._regexes[rule.id] = regexes.compile_pattern(rule.pattern)
        except regexes.InvalidPattern:
            return  # validated on save; an old invalid one is skipped, never fatal
        literals = regexes.required_literals(rule.pattern)
        if literals is None:
            self._unfiltered.append(rule.id)
        else:
            for literal in literals:
                self._add_key(literal, ("regex", rule.id))

    # --- matching ----------------------------------------------------------------------------------------

    def check(self, target: Target) -> Checked:
        checked = Checked()
        found: list[Match] = []
        regex_candidates = set(self._unfiltered)
        low = fold(target.text)
        if self._keys:
            found += self._literal_matches(low, target.text, regex_candidates, checked)
        found += self._regex_matches(target.text, regex_candidates, checked)
        found += self._domain_matches(target)
        found += self._disclosure_matches(target, low)
        self._apply_sentiment(found, target.sentiment, checked)
        return checked

    def _literal_matches(self, low: str, text: str, regex_candidates: set[int], checked: Checked) -> list[Match]:
        found = []
        brands = set()
        for end_index, (key, entries) in self._automaton.iter(low):
            end = end_index + 1
            start = end - len(key)
            bounded = None
            for entry in entries:
                if entry[0] == "regex":
                    regex_candidates.add(entry[1])
                    continue
                if bounded is None:
                    bounded = _bounded(low, start, end, key)
                if not bounded:
                    continue
                if entry[0] == "brand":
                    brands.add(entry[1])
                    continue
                _, rule_id, via, base, inflected = entry
                found.append(Match(rule_id, start, end, text[start:end], "word_form" if inflected else via, base))
        checked.brand_terms = sorted(brands)
        return found

    def _regex_matches(self, text: str, candidates: set[int], checked: Checked) -> list[Match]:
        found = []
        for rule_id in sorted(candidates):
            compiled = self._regexes.get(rule_id)
            if compiled is None:
                continue
            try:
                for n, m in enumerate(compiled.finditer(text, timeout=regexes.TIMEOUT)):
                    if n >= MAX_MATCHES_PER_RULE:
                        break
                    if m.end() > m.start():
                        found.append(Match(rule_id, m.start(), m.end(), m.group(0)[:500], "regex", compiled.pattern))
            except TimeoutError:
                checked.timed_out.append(rule_id)
        return found

    def _links(self, target: Target) -> list[str]:
        in_text = (m.group(0).rstrip(".,;:!?") for m in URL_PATTERN.finditer(target.text))
        return list(dict.fromkeys([*target.links, *in_text]))

    def _domain_matches(self, target: Target) -> list[Match]:
        if not self._domains:
            return []
        found = []
        for link in self._links(target):
            host = _host(link)
            labels = host.split(".")
            for i in range(len(labels) - 1):
                domain = ".".join(labels[i:])
                for rule_id in self._domains.get(domain, ()):
                    start, end = _locate(target.text, link, host)
                    found.append(Match(rule_id, start, end, target.text[start:end] or link[:500], "domain", domain))
        return found

    def has_disclosure(self, target: Target, low: str | None = None) -> bool:
        if {normalize_tag(t) for t in target.hashtags} & self.disclosure_tags:
            return True
        low = fold(target.text) if low is None else low
        for tag in self.disclosure_tags:
            key = "#" + tag
            for m in re.finditer(re.escape(key), low):
                if _bounded(low, m.start(), m.end(), key):
                    return True
        return False

    def _disclosure_matches(self, target: Target, low: str) -> list[Match]:
        if not (self._disclosure_rules and target.member_post and target.employer_link):
            return []
        if self.has_disclosure(target, low):
            return []
        start, end = _locate(target.text, target.employer_link, _host(target.employer_link))
        text = target.text[start:end] or target.employer_link[:500]
        return [Match(rule_id, start, end, text, "missing_disclosure") for rule_id in self._disclosure_rules]

    def _apply_sentiment(self, found: list[Match], sentiment: str, checked: Checked) -> None:
        seen = set()
        for match in sorted(found, key=lambda m: (m.start, m.end, m.rule_id)):
            key = (match.rule_id, match.start, match.end)
            if key in seen:
                continue
            seen.add(key)
            condition = self.rules[match.rule_id].sentiment_condition
            if condition in ("", "any") or condition == sentiment:
                checked.matches.append(match)
            else:
                checked.held_back.append(match)


def _locate(text: str, link: str, host: str) -> tuple[int, int]:
    """Where a link (or failing that its host) is written in the text; (0, 0) when it is not (a card)."""
    for needle in (link, link.rstrip("/"), host):
        if needle:
            at = text.find(needle)
            if at >= 0:
                return at, at + len(needle)
    return 0, 0


# --- compiled sets kept in this process ---------------------------------------------------------------------

_KEEP = 32
_lock = threading.Lock()
_compiled: OrderedDict[tuple, RuleSet] = OrderedDict()


def compiled(key: tuple, build: Callable[[], RuleSet]) -> RuleSet:
    """The rule set for `key` ((organization id, rules version)): built by `build` the first time in this
    process, then kept (the few most recent). A new version is a new key: nothing is invalidated by hand."""
    with _lock:
        if key in _compiled:
            _compiled.move_to_end(key)
            return _compiled[key]
    rule_set = build()
    with _lock:
        _compiled[key] = rule_set
        while len(_compiled) > _KEEP:
            _compiled.popitem(last=False)
    return rule_set
