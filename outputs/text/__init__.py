"""The one Chinese/English text catalogue of the app, the report, the maps and the explanations.

Every string a planner reads is defined once, as ``key -> (zh, en)``, in one of the part
modules beside this file (``app``, ``report``, ``maps``, ``explain``, ``model``, ``export``,
``notes``, ``errors``), which only
keeps the catalogue short enough to read; :data:`CATALOGUE` merges them and refuses a key
defined twice. Look a string up with :func:`tr`; widget values stay ids and only their
labels go through the catalogue, so switching language loses no choice.

Examples
--------
>>> tr("lang.name", "zh"), tr("lang.name", "en")
('中文', 'English')
"""
from __future__ import annotations

from collections.abc import Mapping

from geo.errors import UnknownNameError
from outputs.text import app, errors, explain, export, maps, model, notes, report

__all__ = ["CATALOGUE", "LANGS", "check_lang", "tr", "pick"]

#: Languages, in the order the app offers them (Chinese is the default).
LANGS: tuple[str, ...] = ("zh", "en")

_PARTS: dict[str, Mapping[str, tuple[str, str]]] = {
    "app": app.TEXT, "explain": explain.TEXT, "maps": maps.TEXT, "model": model.TEXT, "report": report.TEXT,
    "export": export.TEXT, "notes": notes.TEXT, "errors": errors.TEXT,
}


def _merge(parts: Mapping[str, Mapping[str, tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    where: dict[str, str] = {}
    for part, text in parts.items():
        for key, pair in text.items():
            if key in merged:
                msg = f"text key {key!r} is defined twice (outputs/text/{where[key]}.py and {part}.py); keep one"
                raise ValueError(msg)
            if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(s, str) for s in pair)):
                msg = f"text key {key!r} in outputs/text/{part}.py must be a (zh, en) pair of strings, got {pair!r}"
                raise ValueError(msg)
            merged[key], where[key] = pair, part
    return merged


#: key -> (zh, en) for every string a planner reads.
CATALOGUE: dict[str, tuple[str, str]] = _merge(_PARTS)
#: The catalogue per language, for lookups without a language check each time.
_BY_LANG: dict[str, dict[str, str]] = {lang: {k: v[i] for k, v in CATALOGUE.items()} for i, lang in enumerate(LANGS)}


def check_lang(lang: str) -> int:
    """Position of ``lang`` in a ``(zh, en)`` pair; raise a clear error for anything else.

    Examples
    --------
    >>> check_lang("en")
    1
    """
    if lang not in LANGS:
        msg = f"`lang` must be one of {list(LANGS)}, got {lang!r}"
        raise UnknownNameError(msg)
    return LANGS.index(lang)


def pick(pair: tuple[str, str], lang: str) -> str:
    """The ``lang`` half of a ``(zh, en)`` pair (e.g. a place's names).

    Examples
    --------
    >>> pick(("增城区", "Zengcheng"), "en")
    'Zengcheng'
    """
    return pair[check_lang(lang)]


def tr(key: str, lang: str, /, **fields: object) -> str:
    """The catalogue's text for ``key`` in ``lang``, with ``{name}`` fields filled in.

    Examples
    --------
    >>> tr("lang.name", "en")
    'English'
    """
    try:
        text = _BY_LANG[lang][key]
    except KeyError:
        check_lang(lang)
        msg = f"no text {key!r} in the catalogue (outputs/text/); add it to one of its part modules"
        raise UnknownNameError(msg) from None
    return text.format(**fields) if fields else text
