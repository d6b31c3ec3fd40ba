"""Coded sentences said in the reader's language: the model's notes and the planner's error messages.

A :class:`geo.messages.Note` is its English sentence with a code and values behind it. Here
it is said from the catalogue: ``note.<code>`` for the model's assumptions and sources
(:mod:`analysis.notes`), ``error.<code>`` for the messages of errors a planner can fix
(:mod:`geo.error_texts`, Chinese in ``outputs/text/errors.py``). In English the text is the
Note's own, word for word. Light on purpose (no model, no report): every page may show an error.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from geo.messages import Note, NoteFormatter, fill_template
from layers.boundaries import REGION_NAMES, load_boundaries
from layers.stages import stage_label
from outputs.text import CATALOGUE, check_lang, pick, tr

__all__ = ["render_error", "render_note", "render_notes"]


@lru_cache(maxsize=1)
def _unit_names() -> dict[str, tuple[str, str]]:
    """adcode -> (zh, en) of every city and county-level unit (a county-level unit wins)."""
    out: dict[str, tuple[str, str]] = {}
    for level in ("city", "county"):
        b = load_boundaries(level)
        out.update({str(a): (str(z), str(e)) for a, z, e in zip(b["adcode"], b["name_zh"], b["name_en"], strict=True)})
    return out


def _note_label(lang: str, kind: str, value: object) -> str:
    """An id of a note in words: a stage, component, kind of place, region, unit or ``note_label.<kind>.<id>``."""
    v = str(value)
    if kind == "stage":
        return stage_label(v, lang=lang)
    if kind == "region":
        return pick(REGION_NAMES[v], lang) if v in REGION_NAMES else v
    if kind == "unit":
        names = _unit_names().get(v)
        return tr("note_label.unit", lang, code=v, name=pick(names, lang)) if names else v
    key = {"component": f"component.{v}", "kind": f"explain.kind.{v}"}.get(kind, f"note_label.{kind}.{v}")
    return tr(key, lang) if key in CATALOGUE else v


def _formatter(lang: str) -> NoteFormatter:
    if lang == "en":  # ids as the model writes them: the English is word for word the model's record
        return NoteFormatter(render=lambda n: render_note(n, lang="en"))
    return NoteFormatter(label=lambda kind, v: _note_label(lang, kind, v), sep=tr("report.sep.list", lang),
                         render=lambda n: render_note(n, lang=lang))


def render_note(note: str, *, lang: str) -> str:
    """One sentence of a result's record in ``lang``: a Note from the catalogue, free text as given.

    Examples
    --------
    >>> render_note(Note("decay.user", half_life_h=3.0), lang="zh")
    '按通行时间衰减，衰减系数为 0.5 ** (小时 / 3)（半衰期由用户设定）'
    >>> render_note("a planner's note", lang="zh")
    "a planner's note"
    """
    if not isinstance(note, Note):
        return str(note)
    key = note.code if note.code.startswith("error.") else f"note.{note.code}"  # error.* keys are the codes
    return fill_template(tr(key, lang), note.params, formatter=_formatter(lang))


def render_error(exc: BaseException, *, lang: str) -> str:
    """What went wrong, in ``lang``: a coded message (``exc.args[0]`` a Note) from the catalogue, else ``str(exc)``.

    The errors a planner can fix build their message as a :class:`geo.messages.Note`
    (``error.<code>``, English in :mod:`geo.error_texts`, Chinese in ``outputs/text/errors.py``);
    nested Notes (a problem of a list, a label) are said in the same language. In English the
    text is ``str(exc)`` word for word. Any other exception (a library's own) is shown as it is.

    Examples
    --------
    >>> from geo.errors import LayerValidationError, PlannerError
    >>> from geo.messages import Note
    >>> exc = PlannerError(Note("error.file.folder", name="`--dem` 'dem'"))
    >>> render_error(exc, lang="zh")
    "`--dem` 'dem' 是文件夹，不是文件；请给出文件夹里的文件"
    >>> render_error(exc, lang="en") == str(exc)
    True
    >>> render_error(KeyError("x"), lang="zh")
    "'x'"
    """
    check_lang(lang)
    head = exc.args[0] if exc.args else None
    if isinstance(head, Note) and str(head) == str(exc):
        return render_note(head, lang=lang)
    return str(exc)


def render_notes(notes: Iterable[str], *, lang: str) -> list[str]:
    """A result's assumptions or sources in ``lang`` (``"zh"`` or ``"en"``).

    Each :class:`analysis.notes.Note` is said from the catalogue's ``note.<code>`` (in English
    exactly the model's own sentence); plain text (a data file's note, a file name) stays as given.

    Examples
    --------
    >>> from analysis.assumptions import DEFAULT_WEIGHTS_NOTE  # the model's notes (analysis.notes) registered
    >>> render_notes([DEFAULT_WEIGHTS_NOTE], lang="zh")[0][:29]
    '假设：默认分项权重为上游配套 0.15、下游市场 0.15'
    >>> render_notes([DEFAULT_WEIGHTS_NOTE], lang="en") == [str(DEFAULT_WEIGHTS_NOTE)]
    True
    """
    check_lang(lang)
    return [render_note(n, lang=lang) for n in notes]
