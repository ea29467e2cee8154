"""The steps of `manage.py generate_scale_data`, as the benchmark sees them.

Steps are declared by the apps (`AppRegistration.scale_steps`, advocacy/core/registry.py) and
written in each app's `scale.py` with the decorator of advocacy/core/scale.py; nothing is listed
here. Bench code imports the apps' steps and the shared names through this module.
"""

from collections.abc import Callable

from advocacy.core.registry import scale_steps
from advocacy.core.scale import MEMBER_PREFIX, SMALL_ORG_PREFIX, SMALL_ORG_SIZE, ScaleContext, option, scale_step

__all__ = ["MEMBER_PREFIX", "SMALL_ORG_PREFIX", "SMALL_ORG_SIZE", "ScaleContext", "generators", "option", "scale_step"]


def generators() -> list[tuple[str, Callable]]:
    """(dotted path, step) of every installed app, in the order the command runs them."""
    return list(scale_steps())
