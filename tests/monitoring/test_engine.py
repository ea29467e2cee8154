"""The intake's pure functions: language, sentiment with a lexicon, and the rules engine (word forms, word
boundaries, case, hashtags, domains, regexes with their time limit and prefilter, sentiment combinations,
missing disclosure, brand terms). No database."""

import time

import pytest

from monitoring.intake import regexes, sentiment
from monitoring.intake.language import detect_language, is_scored
from monitoring.intake.rules import RuleSet, RuleSpec, Target, compiled
from monitoring.intake.wordforms import forms


def check(rules, text, **target):
    return RuleSet(rules, **target.pop("settings", {})).check(Target(text=text, **target))


def found(rules, text, **target):
    return [(m.rule_id, m.text, m.start, m.end) for m in check(rules, text, **target).matches]


LEAK = RuleSpec(1, "phrase", "leak")


@pytest.mark.parametrize("text", ["We leaked it", "Two leaks", "Stop leaking", "LEAK!", "the leak's size", "A leak."])
def test_a_phrase_matches_its_word_forms_in_any_case(text):
    assert len(found([LEAK], text)) == 1


@pytest.mark.parametrize("text", ["leakage", "unleak", "bleak news", "leak_report", "leak2"])
def test_a_phrase_matches_whole_words_only(text):
    assert found([LEAK], text) == []


def test_word_forms_of_common_endings():
    assert {"shared", "sharing", "shares"} <= forms("share")
    assert {"shipped", "shipping"} <= forms("ship")
    assert {"companies"} <= forms("company")
    assert forms("Project Falcon") >= {"project falcon", "project falcons"}
    assert forms("Q3", inflect=True) == {"q3"}  # not a word of letters: as written


def test_multi_word_phrases_and_positions_in_the_original_text():
    rule = RuleSpec(7, "phrase", "project  falcon\nroadmap")
    text = "İstanbul: the PROJECT FALCON roadmaps"
    assert found([rule], text) == [(7, "PROJECT FALCON", 14, 28), (7, "roadmaps", 29, 37)]
    assert text[14:28] == "PROJECT FALCON"


def test_hashtags_match_the_tag_not_a_longer_one():
    rule = RuleSpec(2, "hashtag", "#layoffs\nleaked")
    assert found([rule], "Rumours #Layoffs #layoffsnews #leaked") == [(2, "#Layoffs", 8, 16), (2, "#leaked", 30, 37)]


def test_domains_from_links_and_text_including_subdomains():
    rule = RuleSpec(3, "domain", "pastebin.com\nhttps://www.ghostbin.co/")
    matches = check(
        [rule], "See https://pastebin.com/abc and more", links=("https://eu.ghostbin.co/x", "https://notpastebin.com/")
    ).matches
    assert [(m.text, m.term, m.start) for m in matches] == [
        ("https://eu.ghostbin.co/x", "ghostbin.co", 0),  # a card link: not in the text
        ("https://pastebin.com/abc", "pastebin.com", 4),
    ]


def test_regex_with_required_literals_runs_only_where_they_appear():
    assert regexes.required_literals(r"\bq[1-4] (revenue|earnings)\b") == {"revenue", "earnings"}
    assert regexes.required_literals(r"\d{3}-\d{4}") is None
    rule = RuleSpec(4, "regex", r"\bq[1-4] (revenue|earnings)\b")
    rule_set = RuleSet([rule])
    assert rule_set._unfiltered == []  # prefiltered by the automaton
    assert found([rule], "Our Q3 earnings beat estimates") == [(4, "Q3 earnings", 4, 15)]
    assert found([rule], "q3 was great") == []


def test_regex_time_limit_stops_a_catastrophic_pattern():
    rule = RuleSpec(5, "regex", r"(a|aa)+$")
    started = time.monotonic()
    checked = check([rule, LEAK], "a" * 40 + "! leak")
    assert checked.timed_out == [5]
    assert [m.rule_id for m in checked.matches] == [1]  # the other rules still ran
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("(", "not a valid regular expression"), ("", "Enter"), ("a*", "matches empty text"), ("x" * 600, "under")],
)
def test_regexes_are_validated(pattern, message):
    with pytest.raises(regexes.InvalidPattern, match=message):
        regexes.compile_pattern(pattern)


def test_sentiment_combinations_hold_back_matches_of_the_wrong_sentiment():
    rule = RuleSpec(6, "competitor", "", sentiment_condition="negative")
    settings = {"competitors": ["Globex", "Initech Corp"]}
    negative = check([rule], "Globex is awful", sentiment="negative", settings=settings)
    assert [m.text for m in negative.matches] == ["Globex"]
    positive = check([rule], "Globex is great", sentiment="positive", settings=settings)
    assert positive.matches == [] and [m.text for m in positive.held_back] == ["Globex"]
    not_scored = check([rule], "Initech Corp est nul", sentiment="", settings=settings)
    assert not_scored.matches == []  # unknown sentiment never meets a condition


def test_missing_disclosure_needs_an_employer_link_and_no_tag():
    rule = RuleSpec(8, "missing_disclosure")
    settings = {"disclosure_tags": ["#Employee", "ad"]}
    link = "https://acme.example/l/abc"
    base = {"member_post": True, "employer_link": link, "settings": settings}
    flagged = check([rule], f"Great read {link}", **base).matches
    assert [(m.via, m.text, m.start) for m in flagged] == [("missing_disclosure", link, 11)]
    assert check([rule], f"Great read {link} #employee", **base).matches == []
    assert check([rule], f"Great read {link}", hashtags=("AD",), **base).matches == []
    assert check([rule], f"Great read {link} #employees", **base).matches != []  # another tag
    assert check([rule], "Great read", **{**base, "employer_link": ""}).matches == []
    assert check([rule], f"Great read {link}", **{**base, "member_post": False}).matches == []


def test_brand_terms_and_hashtags_are_found_for_mentions():
    checked = check(
        [], "Love #AcmeLife and acme's new app", settings={"brand_terms": ["Acme"], "brand_hashtags": ["acmelife"]}
    )
    assert checked.brand_terms == ["#acmelife", "Acme"]


def test_matching_cost_does_not_grow_with_the_number_of_phrase_rules():
    text = "An ordinary post about our week, nothing confidential here at all. " * 4

    def cost(n):
        rule_set = RuleSet([RuleSpec(i, "phrase", f"secretterm{i}\nproject{i}") for i in range(n)])
        target = Target(text=text)
        started = time.perf_counter()
        for _ in range(300):
            rule_set.check(target)
        return time.perf_counter() - started

    cost(10)
    assert cost(2000) < cost(10) * 3  # generous for a shared machine; the bench measures it properly


def test_compiled_sets_are_kept_per_key():
    built = []

    def build():
        built.append(1)
        return RuleSet([LEAK])

    first = compiled(("test", 1), build)
    assert compiled(("test", 1), build) is first and len(built) == 1
    assert compiled(("test", 2), build) is not first and len(built) == 2


def test_non_english_is_not_scored():
    assert detect_language("Nos chiffres trimestriels ont fuité hier soir") == "fr"
    assert not is_scored("fr") and is_scored(detect_language("Our numbers leaked last night"))
    assert detect_language("🎉 🎉 https://example.com @someone") == ""


def test_lexicon_adjustments_and_one_analyzer_per_version():
    plain = sentiment.score("The release is a bugfest")
    adjusted_analyzer = sentiment.analyzer(("org", 1), {"Bugfest": -3, "two words": 2, "huge": 99})
    assert sentiment.analyzer(("org", 1), {"Bugfest": -3}) is adjusted_analyzer
    assert adjusted_analyzer.lexicon["huge"] == 4.0 and "two words" not in adjusted_analyzer.lexicon
    adjusted = sentiment.score("The release is a bugfest", adjusted_analyzer)
    assert plain.label == "neutral" and adjusted.label == "negative"
    assert sentiment.score("The release is a bugfest").label == "neutral"  # the base analyzer is untouched
