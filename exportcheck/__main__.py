"""``python -m exportcheck`` runs the CLI (useful where the console script is not on PATH)."""

from exportcheck.cli import main

main()
