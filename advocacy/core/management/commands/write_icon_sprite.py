"""Write static/img/icons.svg from the icons in advocacy/core/templatetags/ui.py (run after changing them)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from advocacy.core.templatetags.ui import SPRITE, sprite_svg


class Command(BaseCommand):
    help = "Write the icon sprite (static/img/icons.svg) from the icon drawings in ui.py."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "static" / SPRITE
        path.write_text(sprite_svg())
        self.stdout.write(f"wrote {path}")
