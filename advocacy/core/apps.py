from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from .registry import AppRegistration


class CoreConfig(AppConfig):
    name = "advocacy.core"
    label = "core"
    registration = AppRegistration(
        # generated members and small organizations: the data every app's later steps build on
        scale_steps=("advocacy.core.scale.generate_members", "advocacy.core.scale.generate_small_organizations"),
        beat={
            # the tasks the outbox kept while the broker was down (advocacy.core.outbox)
            "core-outbox-dispatch": {"task": "advocacy.core.tasks.outbox_dispatch", "schedule": 5.0},
            # mail a process queued and did not send (it died, the retry was lost), old mail forgotten
            # (advocacy.core.mail)
            "core-mail-sweep": {"task": "advocacy.core.tasks.sweep_outgoing_mail", "schedule": 60.0},
            "core-mail-purge": {
                "task": "advocacy.core.tasks.purge_outgoing_mail",
                "schedule": crontab(minute=40, hour=3),
            },
        },
    )

    def ready(self):
        """The cache contract: every app's caching module declares what it caches; wire the writes."""
        from . import cache  # in ready(): connect() wires the model signals of every app, loaded by now

        autodiscover_modules("caching")
        cache.connect()
