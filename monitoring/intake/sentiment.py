"""Sentiment with vaderSentiment, adjusted by the organization's lexicon (its product names, its jargon).

An analyzer is built once per (organization, lexicon version) and kept in this process (a small LRU): the
base lexicon is read from disk once, and an adjusted analyzer shares everything with it but its word table.
Only English text is scored (`language.is_scored`); the caller stores anything else as "not scored"."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass
from importlib.metadata import version

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

MODEL = f"vaderSentiment {version('vaderSentiment')}"
# VADER's own thresholds for the compound score
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05
VALENCE_RANGE = (-4.0, 4.0)
_KEEP = 64  # analyzers kept per process (one per organization and lexicon version)


@dataclass(frozen=True)
class Scores:
    compound: float
    positive: float
    neutral: float
    negative: float

    @property
    def label(self) -> str:
        return label_of(self.compound)


def label_of(compound: float | None) -> str:
    """ "positive", "negative", "neutral"; "" for text that was not scored."""
    if compound is None:
        return ""
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


_lock = threading.Lock()
_base: SentimentIntensityAnalyzer | None = None
_analyzers: OrderedDict[tuple, SentimentIntensityAnalyzer] = OrderedDict()


def _base_analyzer() -> SentimentIntensityAnalyzer:
    global _base
    if _base is None:
        _base = SentimentIntensityAnalyzer()
    return _base


def clean_lexicon(lexicon: dict) -> dict[str, float]:
    """The adjustments VADER can use: single lower-case words with a valence inside its range."""
    low, high = VALENCE_RANGE
    cleaned = {}
    for word, valence in (lexicon or {}).items():
        word = str(word).strip().lower()
        if word and " " not in word:
            cleaned[word] = max(low, min(high, float(valence)))
    return cleaned


def analyzer(key: tuple | None = None, lexicon: dict | None = None) -> SentimentIntensityAnalyzer:
    """The analyzer for `key` (e.g. (organization_id, lexicon_version)) with `lexicon`'s adjustments; built
    on the first call for that key only."""
    with _lock:
        base = _base_analyzer()
        if not lexicon:
            return base
        if key is not None and key in _analyzers:
            _analyzers.move_to_end(key)
            return _analyzers[key]
        adjusted = copy.copy(base)
        adjusted.lexicon = {**base.lexicon, **clean_lexicon(lexicon)}
        if key is not None:
            _analyzers[key] = adjusted
            while len(_analyzers) > _KEEP:
                _analyzers.popitem(last=False)
        return adjusted


def score(text: str, scorer: SentimentIntensityAnalyzer | None = None) -> Scores:
    result = (scorer or _base_analyzer()).polarity_scores(text)
    return Scores(result["compound"], result["pos"], result["neu"], result["neg"])
