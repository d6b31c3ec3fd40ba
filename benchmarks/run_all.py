"""Run every benchmark and write its table into README.md.

Run: ``.venv/bin/python benchmarks/run_all.py``
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    rc = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"## {script.name}", flush=True)
        rc |= subprocess.call([sys.executable, str(script), "--write-readme"], cwd=HERE.parent)
    sys.exit(rc)
