"""Pairing a catalogue part's Chinese templates with the English the lower rooms own (notes, errors)."""
from __future__ import annotations

from collections.abc import Mapping

__all__ = ["pair_with_english"]


def pair_with_english(zh: Mapping[str, str], en: Mapping[str, str], *, prefix: str = "",
                      part: str, source: str) -> dict[str, tuple[str, str]]:
    """``prefix + code -> (zh, en)`` for every English template, refusing a code without Chinese or Chinese without a code.

    Examples
    --------
    >>> pair_with_english({"a": "甲"}, {"a": "A"}, prefix="x.", part="p.py", source="T")
    {'x.a': ('甲', 'A')}
    >>> pair_with_english({}, {"a": "A"}, part="p.py", source="T")
    Traceback (most recent call last):
    ...
    ValueError: p.py must give Chinese for every code of T: missing ['a'], unknown []
    """
    missing = sorted(set(en) - set(zh))
    extra = sorted(set(zh) - set(en))
    if missing or extra:
        msg = f"{part} must give Chinese for every code of {source}: missing {missing}, unknown {extra}"
        raise ValueError(msg)
    return {f"{prefix}{code}": (zh[code], text) for code, text in en.items()}
