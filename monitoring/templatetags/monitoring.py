"""Template helpers of the monitoring pages: a text cut into pieces around its rule matches (for <mark>), and
the sentiment label of a stored score."""

from django import template

from monitoring.intake.sentiment import label_of

register = template.Library()


@register.simple_tag
def match_parts(text: str, matches) -> list[tuple[str, bool]]:
    """The text in pieces, True for a piece some match covers (overlaps merged)."""
    spans = sorted((m.start, m.end) for m in matches if m.end > m.start and m.end <= len(text))
    parts, at = [], 0
    for start, end in spans:
        start = max(start, at)
        if start >= end:
            continue
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


@register.filter
def sentiment_of(row) -> str:
    """positive / neutral / negative for a scored row; not_scored otherwise."""
    if row.sentiment_state != "scored":
        return "not_scored"
    return label_of(row.sentiment_compound)


@register.filter
def get_rule(rules: dict, rule_id):
    return rules.get(rule_id)


@register.simple_tag
def rules_of(matches) -> list[tuple[object, list[str]]]:
    """Each matched rule once, with the texts it matched (for the badges under a post)."""
    found: dict[int, tuple[object, list[str]]] = {}
    for match in matches:
        rule, texts = found.setdefault(match.rule_id, (match.rule, []))
        if match.matched_text not in texts:
            texts.append(match.matched_text)
    return list(found.values())
