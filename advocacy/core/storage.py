"""Static files storage for production: WhiteNoise's compressed manifest storage, whose URLs are
looked up once per process (the manifest is read once at start and never changes while it runs;
Django's lookup costs tens of microseconds per `{% static %}` tag on every page)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
