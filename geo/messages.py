"""Coded sentences: English text that carries a code and values, so any room's words can be said in Chinese.

A :class:`Note` *is* its English sentence (a ``str``: the command line, CSV/JSON outputs,
``str(exc)`` of an error and every ``in``/``startswith``/``match=`` read it unchanged), and it
carries a ``code`` and its ``params``, so that :mod:`outputs` can say the same from the
catalogue (:func:`outputs.messages.render_note`). Each room registers its own English
templates here, once (:func:`register_templates`; a code registered twice is refused): the
model's assumptions and sources in :mod:`analysis.notes`, the messages of every error a
planner can fix in :mod:`geo.error_texts` (codes ``error.*``, registered on import of this
module). Free text from a data file or a planner's upload (a file name, a column) is a
parameter and stays as given; a plain ``str`` in a record is such text.

Templates are :meth:`str.format` strings. A field spec starting with ``@`` says how ids
read: ``{stage:@stage}`` is one id of kind ``stage``, a list joins its ids, a mapping joins
``id value`` pairs with the number format after ``=`` (``{weights:@component=.2f}``). In
English ids stay ids, so the text is exactly what the room wrote before; a renderer in
another language passes a ``label`` function (kind, id -> words) and a list separator
(:class:`NoteFormatter`). The spec ``*`` lists items one per line (``\\n  - item``), as a
validator's problems are listed; ``[]`` writes a list as Python does (``['a', 'b']``), each item
(a Note too, or an id of the kind after ``[]``, e.g. ``{names:[]component}``) in the renderer's language. A parameter may itself be a Note (rendered in the same language).

Examples
--------
>>> n = Note("error.zip.members", name="red.zip", n=9000, limit=5000)
>>> n
"red.zip holds 9000 entries, more than the 5000 allowed; zip only the layer's files"
>>> n.code, dict(n.params)["n"]
('error.zip.members', 9000)
>>> note_from_json(note_to_json(n)) == n
True
"""
from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from geo.error_texts import ERRORS
from geo.errors import UnknownNameError, set_layer_message

__all__ = ["Note", "NoteFormatter", "fill_template", "note_codes", "note_from_data", "note_from_json", "note_to_data",
           "note_to_json", "notes_from_record", "notes_to_record", "register_templates", "template_of", "join_problems"]

#: Label function of a renderer: (kind of id, id) -> words.
Label = Callable[[str, object], str]

#: code -> English template of every room (filled by register_templates).
_TEMPLATES: dict[str, str] = {}
#: code -> the module that registered it (named when a code comes twice).
_OWNER: dict[str, str] = {}


def register_templates(templates: Mapping[str, str], *, owner: str) -> None:
    """Add one room's English templates to the registry; a code already registered is refused.

    Parameters
    ----------
    templates : mapping of str to str
        code -> English :meth:`str.format` template.
    owner : str
        The module that owns them (named in the message when a code comes twice).

    Raises
    ------
    ValueError
        A code is already registered (by another module, or twice by the same one).

    Examples
    --------
    >>> register_templates({"error.zip.members": "x"}, owner="elsewhere")
    Traceback (most recent call last):
    ...
    ValueError: template code 'error.zip.members' of elsewhere is already registered by geo.error_texts; give it another code
    """
    twice = sorted(set(templates) & set(_TEMPLATES))
    if twice:
        msg = (f"template code {twice[0]!r} of {owner} is already registered by {_OWNER[twice[0]]}; "
               "give it another code")
        raise ValueError(msg)
    bad = sorted(k for k, v in templates.items() if not (isinstance(k, str) and isinstance(v, str)))
    if bad:
        msg = f"templates of {owner} must map text codes to text templates; check {bad[:3]}"
        raise ValueError(msg)
    _TEMPLATES.update(templates)
    _OWNER.update(dict.fromkeys(templates, owner))


def template_of(code: str) -> str:
    """The English template registered for ``code``.

    Raises
    ------
    UnknownNameError
        No room registered ``code``.

    Examples
    --------
    >>> template_of("error.zip.members")[:16]
    '{name} holds {n}'
    """
    try:
        return _TEMPLATES[code]
    except KeyError:
        msg = (f"note code {code!r} is unknown; use a code a room registered (analysis.notes.TEMPLATES, "
               "geo.error_texts.ERRORS) or register it with geo.messages.register_templates")
        raise UnknownNameError(msg) from None


def _plain(kind: str, value: object) -> str:
    """English: an id reads as itself."""
    del kind
    return str(value)


class NoteFormatter(string.Formatter):
    """Fills a note template in one language: ``@`` specs through ``label`` and ``sep``, Notes through ``render``.

    Examples
    --------
    >>> f = NoteFormatter(label=lambda kind, v: str(v).upper(), sep=" / ")
    >>> f.format("{xs:@stage} {m:@=.1f}", xs=["a", "b"], m={"k": 0.25})
    'A / B K 0.2'
    """

    def __init__(self, *, label: Label = _plain, sep: str = ", ", render: Callable[[Note], str] = str) -> None:
        super().__init__()
        self.label, self.sep, self.render = label, sep, render

    def _item(self, kind: str, value: object) -> str:
        return self.render(value) if isinstance(value, Note) else self.label(kind, value)

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "*":  # one item per line, as a validator lists its problems
            return "".join(f"\n  - {self._item('', v)}" for v in value)
        if format_spec.startswith("[]"):  # a list as Python writes a list of text, each item (of kind ...) in this language
            return "[" + ", ".join(repr(self._item(format_spec[2:], v)) for v in value) + "]"
        if not format_spec.startswith("@"):
            return format(self.render(value) if isinstance(value, Note) else value, format_spec)
        kind, _, num = format_spec[1:].partition("=")
        if isinstance(value, Mapping):
            return self.sep.join(f"{self._item(kind, k)} {format(v, num)}" for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return self.sep.join(self._item(kind, v) for v in value)
        return self._item(kind, value)


_ENGLISH = NoteFormatter()


def fill_template(template: str, params: Mapping[str, object], *, formatter: NoteFormatter = _ENGLISH) -> str:
    """``template`` with ``params`` filled in by ``formatter`` (English ids as they are by default).

    Examples
    --------
    >>> fill_template("{n} unit(s): {codes:@}", {"n": 2, "codes": ["a", "b"]})
    '2 unit(s): a, b'
    """
    return formatter.vformat(template, (), dict(params))


def _restore(text: str, code: str, params: dict[str, object]) -> Note:
    return Note._make(text, code, params)


class Note(str):
    """One sentence of a result's record: the English text, with the ``code`` and ``params`` behind it.

    Parameters
    ----------
    code : str
        A code registered with :func:`register_templates`.
    **params
        The values the template names: numbers, ids, lists or mappings of them, Notes, and free
        text from data files or uploads (which stays as given in every language).

    Examples
    --------
    >>> Note("error.file.folder", name="`--dem` 'x'")
    "`--dem` 'x' is a folder, not a file; give the file inside it"
    >>> Note("error.zip.members", name="a.zip", n=2000, limit=1000).startswith("a.zip holds 2000")
    True
    """

    code: str
    params: Mapping[str, object]

    def __new__(cls, code: str, /, **params: object) -> Note:
        template = template_of(code)
        try:
            text = fill_template(template, params)
        except KeyError as exc:
            msg = f"note {code!r} needs the value {exc} (its template: {template[:60]!r}...); got {sorted(params)}"
            raise UnknownNameError(msg) from None
        return cls._make(text, code, params)

    @classmethod
    def _make(cls, text: str, code: str, params: Mapping[str, object]) -> Note:
        self = str.__new__(cls, text)
        self.__dict__.update(code=code, params=MappingProxyType(dict(params)))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        msg = f"a Note is read-only; build a new Note({self.code!r}, ...) instead of setting {name!r}"
        raise AttributeError(msg)

    def __reduce__(self) -> tuple[Callable[..., Note], tuple[str, str, dict[str, object]]]:
        return _restore, (str(self), self.code, dict(self.params))


def join_problems(items: list[str]) -> str:
    """Problems joined by ``"; "`` as one coded sentence (``error.join.semicolon``, nested), said in any language.

    Examples
    --------
    >>> j = join_problems([Note("error.keys.one", key="a"), "free text", Note("error.keys.one", key="b")])
    >>> j, j.code
    ("'a'; free text; 'b'", 'error.join.semicolon')
    >>> join_problems(["only one"])
    'only one'
    """
    out = items[0]
    for item in items[1:]:
        out = Note("error.join.semicolon", head=out, tail=item)
    return out


def note_codes(items: object) -> set[str]:
    """Every code in ``items`` (a Note, or a list of them and of plain text), nested Notes included.

    Examples
    --------
    >>> sorted(note_codes([Note("error.csv.empty", name="x", expected=Note("error.expected.od")), "free text"]))
    ['error.csv.empty', 'error.expected.od']
    """
    if isinstance(items, Note):
        out = {items.code}
        for v in items.params.values():
            out |= note_codes(v)
        return out
    if isinstance(items, Mapping):
        return set().union(*(note_codes(v) for v in items.values())) if items else set()
    if isinstance(items, (list, tuple)):
        return set().union(*(note_codes(v) for v in items)) if items else set()
    return set()


def note_to_data(value: object) -> object:
    """``value`` as plain JSON data: every Note in it (nested ones too) as ``{"__note__": code, **params}``.

    Tuples become lists, mapping keys text, numpy scalars Python numbers; anything else stays
    as it is. :func:`note_from_data` makes the Notes again.

    Examples
    --------
    >>> note_to_data([Note("error.csv.empty", name="x", expected=Note("error.expected.od")), "free text"])
    [{'__note__': 'error.csv.empty', 'name': 'x', 'expected': {'__note__': 'error.expected.od'}}, 'free text']
    """
    if isinstance(value, Note):
        return {"__note__": value.code, **{str(k): note_to_data(v) for k, v in value.params.items()}}
    if isinstance(value, Mapping):
        return {str(k): note_to_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [note_to_data(v) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()  # type: ignore[attr-defined]
    return value


def note_from_data(value: object) -> object:
    """The value :func:`note_to_data` wrote: each mapping with a ``__note__`` code a Note again (today's template).

    Raises
    ------
    UnknownNameError
        A code no room registered, or a value its template needs is missing.

    Examples
    --------
    >>> n = Note("error.csv.empty", name="x", expected=Note("error.expected.od"))
    >>> back = note_from_data(note_to_data(n))
    >>> back == n, back.params["expected"].code
    (True, 'error.expected.od')
    """
    if isinstance(value, Mapping):
        fields = {str(k): note_from_data(v) for k, v in value.items() if k != "__note__"}
        return Note(str(value["__note__"]), **fields) if "__note__" in value else fields
    if isinstance(value, list):
        return [note_from_data(v) for v in value]
    return value


def note_to_json(note: Note) -> str:
    """One line of JSON holding the code and parameters (nested Notes included), e.g. for a file's comments.

    Examples
    --------
    >>> note_to_json(Note("error.zip.members", name="a.zip", n=2000, limit=1000))
    '{"__note__": "error.zip.members", "name": "a.zip", "n": 2000, "limit": 1000}'
    """
    return json.dumps(note_to_data(note), ensure_ascii=False)


def note_from_json(text: str) -> Note:
    """The Note :func:`note_to_json` wrote, its text made again from today's template.

    Raises
    ------
    UnknownNameError
        The line names a code no room registered.
    ValueError
        The line is not JSON of a Note.
    """
    note = note_from_data(json.loads(text))
    if not isinstance(note, Note):
        msg = f"not a note: {text[:80]!r}; expected JSON with a '__note__' code as geo.messages.note_to_json writes"
        raise ValueError(msg)
    return note


#: Keys of one coded sentence in a saved record (:func:`notes_to_record`).
_RECORD_KEYS = {"text", "code", "params"}


def notes_to_record(notes: Iterable[object]) -> list[object]:
    """Notes as a saved record keeps them (plain JSON): each Note as ``{"text", "code", "params"}``, the rest as is.

    ``text`` is the English sentence (for people reading the file, and what is shown when the
    code no longer says it); ``params`` holds the values, nested Notes as :func:`note_to_data`
    writes them. :func:`notes_from_record` reads it back.

    Examples
    --------
    >>> saved = notes_to_record([Note("error.file.folder", name="x"), "agreed at the task force"])
    >>> saved[0]["code"], saved[0]["params"], saved[1]
    ('error.file.folder', {'name': 'x'}, 'agreed at the task force')
    >>> saved[0]["text"]
    'x is a folder, not a file; give the file inside it'
    """
    return [{"text": str(n), "code": n.code, "params": note_to_data(dict(n.params))} if isinstance(n, Note) else n
            for n in notes]


def notes_from_record(items: object) -> list[str]:
    """The notes :func:`notes_to_record` kept: a Note where its code and values still make the saved words.

    Plain text stays plain text (a scenario saved before notes were coded keeps its sentences).
    A sentence whose code this version lacks, whose values no longer fit, or whose words were
    edited by hand keeps the saved words as plain text, as a data file's ``# assumption:`` line does.

    Raises
    ------
    ValueError
        ``items`` is not a list of text and ``{"text", "code", "params"}`` entries.

    Examples
    --------
    >>> back = notes_from_record(notes_to_record([Note("error.file.folder", name="x"), "free"]))
    >>> [(type(n).__name__, getattr(n, "code", None)) for n in back]
    [('Note', 'error.file.folder'), ('str', None)]
    >>> notes_from_record([{"text": "an older sentence", "code": "gone.code", "params": {}}])
    ['an older sentence']
    """
    if not isinstance(items, (list, tuple)):
        msg = f"notes must be a list of sentences, got {type(items).__name__}"
        raise ValueError(msg)
    out: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(item)
            continue
        if not (isinstance(item, Mapping) and set(item) == _RECORD_KEYS and isinstance(item["text"], str)
                and isinstance(item["code"], str) and isinstance(item["params"], Mapping)):
            msg = (f"notes[{i}] must be text or {{text, code, params}} (text and code as text, params a mapping), "
                   f"got {str(item)[:80]!r}")
            raise ValueError(msg)
        out.append(_saved_note(item))
    return out


def _saved_note(item: Mapping[str, Any]) -> str:
    """The Note of one saved entry when it says the saved words; the words otherwise."""
    try:
        note = Note(item["code"], **note_from_data(item["params"]))  # type: ignore[arg-type]
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):  # a code or value this version lacks
        return item["text"]
    return note if str(note) == item["text"] else item["text"]


register_templates(ERRORS, owner="geo.error_texts")


def _layer_problems(layer: str, problems: list[str]) -> str:
    """A LayerValidationError's message, coded: ``error.layer`` with the problems (Notes or text) one per line."""
    return Note("error.layer", layer=layer, n=len(problems), problems=list(problems))


set_layer_message(_layer_problems)
