"""Catalogue part: explain text, key -> (zh, en); merged by :mod:`outputs.text`."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
}
