"""Run every benchmark module of :mod:`exportcheck.bench` (or those named as arguments).

Options after the names go to the one benchmark named, where it takes any (``batch --n 100000``).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import exportcheck.bench as package


def main(argv: list[str]) -> int:
    first_option = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    argv, options = argv[:first_option], argv[first_option:]
    wanted = set(argv)
    if options and len(wanted) != 1:
        print("options need exactly one benchmark named before them (e.g. batch --n 100000)", file=sys.stderr)
        return 2
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
        if options and hasattr(module, "main"):
            module.main(options)
        else:
            module.run()
        print(f"--- {name} took {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
