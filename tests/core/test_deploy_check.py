"""Production settings pass `manage.py check --deploy` with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean():
    env = {
        k: v
        for k, v in os.environ.items()
        # the browser tests' Playwright loop needs DJANGO_ALLOW_ASYNC_UNSAFE; production never sets it
        if k not in {"DJANGO_DEBUG", "DJANGO_TESTING", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        SECRET_KEY="a-production-like-secret-key-" + "x9Lq2vR7mT4wZ8pK3nB6cF1hJ5sD0gY" * 2,
        ALLOWED_HOSTS="advocacy.example.com",
        DJANGO_TESTING="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
