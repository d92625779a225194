"""Benchmarks: speed, memory and quality figures printed by ``make bench`` (never timed tests).

Each module here with a ``run() -> None`` function is one benchmark; ``python -m exportcheck.bench``
runs them all in name order, or only those named on the command line (``python -m exportcheck.bench parse``).
"""
