"""Catalogue part: app text, key -> (zh, en); merged by :mod:`outputs.text`."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "lang.name": ("中文", "English"),
}
