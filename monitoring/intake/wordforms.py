"""Word forms of a phrase's last word, so "leak" also finds "leaked", "leaks" and "leaking", and "share" finds
"shared" and "sharing". A small, predictable set of English inflections (not a stemmer: a stemmer would also
make "leak" match "leakage" and "general" match "generous"); every form is a literal key of the automaton."""

from __future__ import annotations

VOWELS = frozenset("aeiou")


def _doubles(word: str) -> bool:
    """Short consonant-vowel-consonant words double their last letter: ship -> shipped, chat -> chatting."""
    return (
        len(word) >= 3
        and len(word) <= 4
        and word[-1] not in VOWELS | {"w", "x", "y"}
        and word[-2] in VOWELS
        and word[-3] not in VOWELS
    )


def _last_word_forms(word: str) -> set[str]:
    forms = {word, word + "s", word + "es", word + "ed", word + "ing", word + "er", word + "ers"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing", word + "r", word + "rs"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if _doubles(word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing", word + word[-1] + "er"}
    return forms


def forms(phrase: str, *, inflect: bool = True) -> set[str]:
    """Every written form of `phrase` (lower case): its last word inflected when it is a word of letters
    (at least three). A possessive needs no form of its own: the apostrophe ends the word ("leak's" holds
    "leak")."""
    phrase = " ".join(phrase.lower().split())
    if not phrase:
        return set()
    head, _, last = phrase.rpartition(" ")
    found = {phrase}
    if inflect and last.isalpha() and len(last) >= 3:
        found = {f"{head} {form}" if head else form for form in _last_word_forms(last)}
    return found
