"""``python -m analysis``: the command line's entry point (planners have it in scripts).

The commands live in the top-level :mod:`cli` package, which imports the rooms below it;
nothing imports this file, so the arrows still run one way.
"""
from __future__ import annotations

from cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
