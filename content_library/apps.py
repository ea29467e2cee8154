from django.apps import AppConfig


class ContentLibraryConfig(AppConfig):
    name = "content_library"
    verbose_name = "Content library"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from advocacy.tenancy.caching import ORG_REQUEST_KEYS

        from .feed_cache import request_keys

        if request_keys not in ORG_REQUEST_KEYS:
            ORG_REQUEST_KEYS.append(request_keys)
