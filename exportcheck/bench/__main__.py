"""Run every benchmark module of :mod:`exportcheck.bench` (or those named as arguments)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import exportcheck.bench as package


def main(argv: list[str]) -> int:
    wanted = set(argv)
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    unknown = wanted - set(names)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(names)}", file=sys.stderr)
        return 2
    for name in names:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"{package.__name__}.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"\n=== benchmark: {name} ===", flush=True)
        started = time.perf_counter()
        module.run()
        print(f"--- {name} took {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
