"""Build data/names/pinyin.csv: the pinyin of every Chinese name the map's search box knows.

The search box finds a place by its Chinese name, English name, adcode or town; this table
adds pinyin without tones (``guangxiu`` for 广绣, ``zengchengqu`` for 增城区) and initials
(``gx``), so a planner typing pinyin finds names whose English form is a translation. Written
once here with pypinyin (pinned in requirements-build.txt) and committed; nothing is looked up
at run time.

    pip install -r requirements-build.txt   # pypinyin only is needed
    python scripts/build_pinyin.py
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import pandas as pd
from pypinyin import Style, lazy_pinyin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.data import get_path  # noqa: E402
from layers.boundaries import load_boundaries  # noqa: E402
from layers.registry import LAYERS  # noqa: E402

log = logging.getLogger("build_pinyin")


def names() -> list[str]:
    """Every Chinese name of the boundaries (county, city) and of the registry's point layers, sorted."""
    out: set[str] = set()
    for level in ("county", "city"):
        out |= set(load_boundaries(level)["name_zh"].astype(str))
    for spec in LAYERS:
        if spec.geom == "point":
            out |= set(spec.loader()["name_zh"].astype(str))
    return sorted(n for n in out if n.strip())


def build() -> pd.DataFrame:
    """name_zh, pinyin (lower case, no tones, no spaces) and initials, one row per name."""
    rows = [{"name_zh": n,
             "pinyin": "".join(p for p in lazy_pinyin(n, errors="ignore") if p.isascii() and p.isalpha()).lower(),
             "initials": "".join(p for p in lazy_pinyin(n, style=Style.FIRST_LETTER, errors="ignore")
                                 if p.isascii() and p.isalpha()).lower()}
            for n in names()]
    return pd.DataFrame(rows)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    table = build()
    path = get_path("pinyin")
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    log.info("wrote %d names to %s", len(table), path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
