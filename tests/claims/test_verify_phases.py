"""The claims benchmark's breakdown by phase must keep finding the functions it times."""

from __future__ import annotations

import subprocess
import sys

from exportcheck.settings import CHECKOUT_ROOT


def test_every_phase_of_the_first_verify_breakdown_is_found() -> None:
    """A renamed function would silently move its seconds into "the rest"; the bench must be told instead."""
    code = "from exportcheck.bench._verify_phases import _install; print(_install())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=CHECKOUT_ROOT)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
