"""Checks on what people type or upload: URLs, hashtags, captions, images."""

import re
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from PIL import Image, UnidentifiedImageError

from .networks import RULES, SPACE, URL_PATTERN, Network, compose, text_length

_url_validator = URLValidator(schemes=["http", "https"])

# The search highlighter uses these private-use characters as markers; they never appear in stored text.
SENTINELS = ("\ue000", "\ue001")

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MIN_SIDE = 100
IMAGE_MAX_SIDE = 8000
HASHTAG_RE = re.compile(r"^[^\W_][\w]{0,98}$", re.UNICODE)
LINK_CODE_LENGTH = 8  # models.new_link_code()


def placeholder_link() -> str:
    """A tracked link as long as the real ones on this site, for caption limits before its code exists."""
    return f"{settings.SITE_URL}/l/{'X' * LINK_CODE_LENGTH}"


def clean_text(value: str) -> str:
    value = (value or "").replace("\r\n", "\n")
    for sentinel in SENTINELS:
        value = value.replace(sentinel, "")
    return value.strip()


def clean_url(value: str, *, field: str = "url", required: bool = False) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError({field: "Enter the address of the page to share."})
        return ""
    try:
        _url_validator(value)
    except ValidationError:
        raise ValidationError({field: "Enter a full web address starting with http:// or https://."})
    return value


def clean_hashtag(value: str) -> str:
    """'#Acme_Launch ' -> 'Acme_Launch'; raises for anything that is not one hashtag."""
    value = (value or "").strip().lstrip("#").strip()
    if not value or not HASHTAG_RE.match(value):
        raise ValidationError(
            {"name": "A hashtag is one word of letters, digits or underscores (no spaces or punctuation)."}
        )
    return value


def caption_length(network: str, caption: str, *, has_link: bool) -> int:
    """How long a post with this caption is as `network` counts it: the caption as it is stored
    (clean_text), then the tracked link on its own line. The one counting rule: the live counter runs the
    same steps with `counting_rule()` (static/js/content.js), and both are tested on the same strings."""
    return text_length(network, compose(clean_text(caption), placeholder_link() if has_link else None))


def counting_rule() -> dict:
    """What the live caption counter needs of the server's rule (rendered with json_script)."""
    return {
        "networks": {
            network: {"limit": rule.limit, "unit": rule.unit, "urls_as": rule.urls_as or 0}
            for network, rule in RULES.items()
        },
        "link": placeholder_link(),
        "space": SPACE,
        "url": URL_PATTERN,
        "removed": "".join(SENTINELS),
    }


def clean_captions(captions: dict, *, has_link: bool) -> dict:
    """Keep only known networks with text; enforce each network's length, counting the link."""
    cleaned, errors = {}, {}
    for network in Network.values:
        text = clean_text((captions or {}).get(network, ""))
        if not text:
            continue
        length, limit = caption_length(network, text, has_link=has_link), RULES[network].limit
        if length > limit:
            unit = RULES[network].unit
            errors[f"caption_{network}"] = (
                f"Too long for {Network(network).label}: {length} of {limit} {unit}"
                + (" (the link included)" if has_link else "")
                + "."
            )
        cleaned[network] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_image(upload) -> str:
    """Validate an uploaded image (type, size, dimensions) and return the extension to store it with."""
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError({"image": f"The image is larger than {IMAGE_MAX_BYTES // (1024 * 1024)} MB."})
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"image": "That file is not an image we can read (use JPEG, PNG, GIF or WebP)."})
    if image_format not in IMAGE_FORMATS:
        raise ValidationError({"image": "Use a JPEG, PNG, GIF or WebP image."})
    if min(width, height) < IMAGE_MIN_SIDE:
        raise ValidationError({"image": f"The image is too small ({width}×{height}); use at least 100 pixels a side."})
    if max(width, height) > IMAGE_MAX_SIDE:
        raise ValidationError({"image": f"The image is too large ({width}×{height}); at most 8000 pixels a side."})
    return IMAGE_FORMATS[image_format]
