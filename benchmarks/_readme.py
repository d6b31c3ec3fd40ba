"""Write a benchmark table into README.md between ``<!-- NAME -->`` and ``<!-- /NAME -->``."""
from __future__ import annotations

import logging
import platform
import re
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)


def replace_block(readme: Path, name: str, table: str) -> bool:
    """Replace the block ``name`` in ``readme``; return False (and log) when markers are absent."""
    text = readme.read_text(encoding="utf-8")
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    if start not in text or end not in text:
        log.warning("markers %s ... %s not in %s; table not written", start, end, readme)
        return False
    stamp = f"_Measured {date.today().isoformat()} on {platform.machine()}, Python {platform.python_version()}._\n\n"
    new = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: f"{start}\n{stamp}{table}\n{end}", text, flags=re.S)
    readme.write_text(new, encoding="utf-8")
    return True


def publish_table(rows: list[tuple[str, str, str]], *, block: str, header: tuple[str, str, str], write: bool) -> str:
    """Print the rows as a Markdown table and, when ``write``, put it into README.md's ``block``."""
    table = (f"| {' | '.join(header)} |\n|---|---|---|\n"
             + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows))
    print(table)  # the benchmark's answer on the console
    if write:
        replace_block(Path(__file__).resolve().parent.parent / "README.md", block, table)
    return table


def time_median(fn: Callable[[], object], repeats: int = 5) -> float:
    """Median wall time of ``repeats`` calls of ``fn``, in seconds."""
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)
