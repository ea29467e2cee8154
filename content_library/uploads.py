"""Pictures kept between tries of a form. When a content form comes back with errors, a valid picture the
member already chose is stored aside and the form carries a signed reference to it (the browser cannot
keep a chosen file across pages), so the page shows it as chosen and the next try uses it without
picking it again. Kept files live under pending/<organization id>/ and are dropped after a day (each new
one clears that organization's stale ones), or as soon as the form is saved.

The reference is signed for the organization and the member: someone else's, another organization's or
a forged one is ignored, as if no picture were kept."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps

from .validation import check_image

SALT = "content_library.kept-upload"
MAX_AGE = 24 * 3600
THUMBNAIL = (320, 180)


@dataclass(frozen=True)
class KeptUpload:
    token: str
    path: str  # in the default storage
    name: str  # the file's name as the member chose it
    width: int
    height: int
    thumbnail: str  # a data: URL, shown where the file input says what is chosen

    def open(self) -> File:
        """The kept file, to hand to a service as the upload."""
        return File(default_storage.open(self.path, "rb"), name=self.name)


def _folder(organization) -> str:
    return f"pending/{organization.pk}/"


def _describe(data: bytes) -> tuple[int, int, str]:
    with Image.open(BytesIO(data)) as image:
        width, height = image.size
        thumb = ImageOps.exif_transpose(image).convert("RGB")
        thumb.thumbnail(THUMBNAIL)
        out = BytesIO()
        thumb.save(out, format="JPEG", quality=80)
    return width, height, "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def keep(upload, *, organization, user) -> KeptUpload:
    """Store a valid upload aside (check_image passed) and return its signed reference."""
    ext = check_image(upload)
    _drop_stale(organization)
    data = upload.read()
    upload.seek(0)
    path = default_storage.save(f"{_folder(organization)}{uuid.uuid4().hex}.{ext}", upload)
    name = (getattr(upload, "name", "") or f"picture.{ext}").rsplit("/", 1)[-1][:200]
    token = signing.dumps({"p": path, "n": name, "o": organization.pk, "u": user.pk}, salt=SALT, compress=True)
    return KeptUpload(token, path, name, *_describe(data))


def resolve(token: str, *, organization, user) -> KeptUpload | None:
    """The kept upload this reference names, if it is this member's in this organization and still there."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    path = data.get("p", "")
    if (data.get("o"), data.get("u")) != (organization.pk, user.pk) or not path.startswith(_folder(organization)):
        return None
    if ".." in path or not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as f:
        described = _describe(f.read())
    return KeptUpload(token, path, data.get("n") or "picture", *described)


def discard(kept: KeptUpload | None) -> None:
    if kept is not None:
        default_storage.delete(kept.path)


def _drop_stale(organization) -> None:
    folder = _folder(organization)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - timedelta(seconds=MAX_AGE)
    for name in files:
        if default_storage.get_modified_time(folder + name) < cutoff:
            default_storage.delete(folder + name)
