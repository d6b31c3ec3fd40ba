"""The scenario store: named scenarios in one SQLite file, safe for several sessions at once.

One file (standard-library :mod:`sqlite3`) holds every scenario a planner saved: settings,
the planner's own tables and rasters (content-addressed blobs, so a duplicate costs nothing),
exclusion polygons as WKB with their CRS, author, times and data versions.

Safety
    The file is opened in WAL mode with a busy timeout and foreign keys on; every write is one
    ``BEGIN IMMEDIATE`` transaction, so two app sessions or processes saving at once lose
    nothing and a writer killed mid-save leaves the store as it was before that save. A new
    store is built in a temporary file and linked into place, so no half-made store is ever
    seen. On opening, a file that is not SQLite, belongs to another program, has a newer
    schema than this code, or fails ``PRAGMA quick_check`` is refused with a
    :class:`~geo.errors.ScenarioStoreError` naming the path and what to do, and is left byte
    for byte as it was: the store never replaces or overwrites a file it cannot read.
Schema (:mod:`scenario.schema`)
    ``PRAGMA user_version`` is the schema version; every new store is built by running the
    migrations from version 0, so the path an old store takes is the one every store takes.
    Version 1: scenarios, tables stored inline, exclusion areas. Version 2: author and data
    versions per scenario, content-addressed blobs shared by tables and rasters (rasters may
    also be kept by path and sha256), an index on the update time.
Where
    ``path`` argument, else the ``GD_TEXTILE_STORE`` environment variable, else the user's
    data folder (``$XDG_DATA_HOME`` or ``~/.local/share``, ``%LOCALAPPDATA%`` on Windows)
    ``/gd-textile-planner/scenarios.sqlite``.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with open_store(folder / "s.sqlite") as store:
...     _ = store.save(Scenario(name="dyeing to Jieyang", settings={"stage": "dyeing", "origin": "440118"}))
...     _ = store.duplicate("dyeing to Jieyang", "dyeing to Jieyang, 45 km")
...     [s.name for s in store.list_scenarios()]
['dyeing to Jieyang', 'dyeing to Jieyang, 45 km']
"""
from __future__ import annotations

import contextlib
import difflib
import json
import logging
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from geo.errors import ScenarioError, ScenarioStoreError
from geo.messages import Note
from scenario.differences import check_data_versions, compare_settings
from scenario.exchange import read_scenario_file, write_scenario_file
from scenario.record import (
    AreaLayer,
    RasterFile,
    Scenario,
    TableFile,
    areas_sha256,
    check_name,
    check_scenario,
    now_utc,
    sha256_of,
)
from scenario.schema import (
    BUSY_TIMEOUT_S,
    FILE_NAME,
    SCHEMA_VERSION,
    STORE_ENV,
    check_store,
    check_store_file,
    connect_store,
    create_store_file,
    damaged_error,
    migrate,
    store_error,
    transaction,
)

__all__ = [
    "SCHEMA_VERSION",
    "STORE_ENV",
    "Scenario",
    "ScenarioError",
    "ScenarioStore",
    "ScenarioStoreError",
    "ScenarioSummary",
    "check_data_versions",
    "compare_settings",
    "default_store_path",
    "open_store",
]

log = logging.getLogger(__name__)

_APP_DIR = "gd-textile-planner"


def default_store_path() -> Path:
    """Where the store lives when no path is given: ``$GD_TEXTILE_STORE``, else the user's data folder.

    Examples
    --------
    >>> default_store_path().name
    'scenarios.sqlite'
    """
    env = os.environ.get(STORE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / _APP_DIR / FILE_NAME


def open_store(path: str | os.PathLike | None = None, *, timeout: float = BUSY_TIMEOUT_S) -> ScenarioStore:
    """Open the scenario store at ``path`` (see :func:`default_store_path`), creating it if absent.

    Parameters
    ----------
    path : path, optional
        The store file; None = ``$GD_TEXTILE_STORE`` or the user's data folder.
    timeout : float
        Seconds to wait for another writer before giving up.

    Raises
    ------
    ScenarioStoreError
        The file is not a scenario store, is damaged, has a newer schema or cannot be
        written; the file is left byte for byte as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = bad.write_text("my notes")
    >>> open_store(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.ScenarioStoreError: .../notes.txt is not an SQLite file, so it is not a scenario store; it was left as it is. ...
    """
    target = Path(path).expanduser() if path is not None else default_store_path()
    if target.exists() or target.is_symlink():
        check_store_file(target)
    else:
        create_store_file(target)
    c = connect_store(target, timeout=timeout)
    try:
        version = check_store(c, target)
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA journal_mode = WAL")
        c.execute("PRAGMA synchronous = FULL")
        if version < SCHEMA_VERSION:
            migrate(c)
    except sqlite3.Error as exc:
        c.close()
        raise store_error(exc, target, Note("error.doing.opening")) from exc
    except BaseException:
        c.close()
        raise
    return ScenarioStore(c, target)


# ----------------------------------------------------------------------------- the store

@dataclass(frozen=True)
class ScenarioSummary:
    """One line of :meth:`ScenarioStore.list_scenarios`."""

    name: str
    stage: str
    origins: tuple[str, ...]
    author: str
    created: str
    updated: str

    def to_dict(self) -> dict[str, Any]:
        """As a JSON-able dict (``list --json``)."""
        return {**asdict(self), "origins": list(self.origins)}


class ScenarioStore:
    """An open scenario store; use :func:`open_store`. Safe to share between threads."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._c: sqlite3.Connection | None = connection
        self._path = path
        self._lock = threading.RLock()

    @property
    def path(self) -> Path:
        """The store file."""
        return self._path

    def __repr__(self) -> str:
        return f"ScenarioStore({str(self._path)!r})"

    def __enter__(self) -> ScenarioStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the store (the WAL is checkpointed into the file). Closing twice is harmless."""
        with self._lock:
            if self._c is not None:
                self._c.close()
                self._c = None

    # -- plumbing
    @contextlib.contextmanager
    def _session(self, doing: str, *, write: bool) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._c is None:
                msg = Note("error.store.closed", path=str(self._path))
                raise ScenarioStoreError(msg)
            c = self._c
            try:
                if write:
                    with transaction(c):
                        yield c
                else:  # one read transaction: a consistent view across the statements
                    c.execute("BEGIN")
                    try:
                        yield c
                    finally:
                        if c.in_transaction:
                            c.execute("COMMIT")
            except sqlite3.Error as exc:
                raise store_error(exc, self._path, doing) from exc

    def _id(self, c: sqlite3.Connection, name: str) -> int:
        row = c.execute("SELECT id FROM scenario WHERE name = ?", (name,)).fetchone()
        if row is None:
            names = [r[0] for r in c.execute("SELECT name FROM scenario")]
            close = difflib.get_close_matches(name, names, n=3)
            hint = (Note("error.store.did_you_mean", names=", ".join(map(repr, close))) if close
                    else Note("error.store.list_names"))
            msg = Note("error.store.no_such", name=name, path=str(self._path), hint=hint)
            raise ScenarioError(msg)
        return int(row[0])

    def _refuse_taken(self, c: sqlite3.Connection, name: str) -> None:
        if c.execute("SELECT 1 FROM scenario WHERE name = ?", (name,)).fetchone():
            msg = Note("error.store.taken", name=name, path=str(self._path))
            raise ScenarioError(msg)

    @staticmethod
    def _blobs(c: sqlite3.Connection, sid: int) -> list[str]:
        return [r[0] for r in c.execute("SELECT blob FROM file WHERE scenario_id = ? AND blob IS NOT NULL", (sid,))]

    @staticmethod
    def _drop_unused(c: sqlite3.Connection, blobs: list[str]) -> None:
        c.executemany("DELETE FROM blob WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM file WHERE blob = ?)",
                      [(b, b) for b in set(blobs)])

    @staticmethod
    def _insert_parts(c: sqlite3.Connection, sid: int, rec: Scenario) -> None:
        blobs = [(t.sha256, len(t.data), t.data) for t in rec.tables]
        blobs += [(r.sha256, len(r.data), r.data) for r in rec.rasters if r.data is not None]
        c.executemany("INSERT OR IGNORE INTO blob (sha256, size, data) VALUES (?, ?, ?)", blobs)
        files = [(sid, "table", t.role, t.file_name, t.sha256, t.sha256, None) for t in rec.tables]
        files += [(sid, "raster", r.role, r.file_name, r.sha256, r.sha256 if r.data is not None else None, r.path)
                  for r in rec.rasters]
        c.executemany("INSERT INTO file (scenario_id, kind, role, file_name, sha256, blob, path) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)", files)
        c.executemany("INSERT INTO area (scenario_id, layer, position, crs, wkb) VALUES (?, ?, ?, ?, ?)",
                      [(sid, a.name, i, a.crs, g) for a in rec.areas for i, g in enumerate(a.geometries)])

    # -- public
    def save(self, record: Scenario, *, overwrite: bool = False) -> Scenario:
        """Save a scenario in one transaction; returns it as stored (times and sha256s filled in).

        A name already taken is refused unless ``overwrite`` (which keeps the first ``created``).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
        ...     rec = store.save(Scenario(name="a", settings={"stage": "dyeing"}))
        ...     store.save(rec)
        Traceback (most recent call last):
        geo.errors.ScenarioError: a scenario named 'a' already exists in ...; choose another name, or replace it (overwrite)
        """
        rec = check_scenario(record)
        now = now_utc()
        settings = json.dumps(rec.settings, ensure_ascii=False)
        with self._session(Note("error.doing.saving", name=rec.name), write=True) as c:
            row = c.execute("SELECT id, created FROM scenario WHERE name = ?", (rec.name,)).fetchone()
            if row is not None and not overwrite:
                self._refuse_taken(c, rec.name)
            created = row[1] if row is not None else (rec.created or now)
            values = (rec.stage, json.dumps(list(rec.origins), ensure_ascii=False), settings, rec.author,
                      json.dumps(dict(rec.data_versions), ensure_ascii=False), created, now)
            if row is None:
                sid = c.execute("INSERT INTO scenario (stage, origins, settings, author, data_versions, created, updated, "
                                "name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (*values, rec.name)).lastrowid
                old: list[str] = []
            else:
                sid = row[0]
                old = self._blobs(c, sid)
                c.execute("UPDATE scenario SET stage = ?, origins = ?, settings = ?, author = ?, data_versions = ?, "
                          "created = ?, updated = ? WHERE id = ?", (*values, sid))
                c.execute("DELETE FROM file WHERE scenario_id = ?", (sid,))
                c.execute("DELETE FROM area WHERE scenario_id = ?", (sid,))
            self._insert_parts(c, int(sid), rec)  # type: ignore[arg-type]
            self._drop_unused(c, old)
        return replace(rec, created=created, updated=now)

    def list_scenarios(self, *, order: Literal["name", "updated"] = "name") -> list[ScenarioSummary]:
        """Every scenario: name, stage, origins, author, created, updated; by name or newest first.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
        ...     _ = store.save(Scenario(name="b", settings={"stage": "dyeing", "origins": ["440118", "440606"]}))
        ...     _ = store.save(Scenario(name="a", settings={"stage": "apparel"}, author="Li Hua"))
        ...     [(s.name, s.stage, s.origins, s.author) for s in store.list_scenarios()]
        [('a', 'apparel', (), 'Li Hua'), ('b', 'dyeing', ('440118', '440606'), '')]
        """
        if order not in ("name", "updated"):
            msg = Note("error.store.order", got=repr(order))
            raise ScenarioError(msg)
        sql = ("SELECT name, stage, origins, author, created, updated FROM scenario ORDER BY "
               + ("name" if order == "name" else "updated DESC, name"))
        with self._session(Note("error.doing.listing"), write=False) as c:
            rows = c.execute(sql).fetchall()
        return [ScenarioSummary(n, s, tuple(json.loads(o)), a, cr, u) for n, s, o, a, cr, u in rows]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        with self._session(Note("error.doing.looking_up"), write=False) as c:
            return c.execute("SELECT 1 FROM scenario WHERE name = ?", (_nfc(name),)).fetchone() is not None

    def get(self, name: str) -> Scenario:
        """The scenario called ``name``, every blob checked against its sha256.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
        ...     saved = store.save(Scenario(name="a", settings={"stage": "dyeing"},
        ...                                 tables=(TableFile("site", "site.csv", b"adcode,site\\n"),)))
        ...     store.get("a") == saved
        True
        """
        name = _nfc(name)
        with self._session(Note("error.doing.reading", name=name), write=False) as c:
            sid = self._id(c, name)
            row = c.execute("SELECT settings, author, data_versions, created, updated FROM scenario WHERE id = ?",
                            (sid,)).fetchone()
            files = c.execute("SELECT f.kind, f.role, f.file_name, f.sha256, f.path, b.data FROM file f "
                              "LEFT JOIN blob b ON b.sha256 = f.blob WHERE f.scenario_id = ? ORDER BY f.rowid",
                              (sid,)).fetchall()
            areas = c.execute("SELECT layer, crs, wkb FROM area WHERE scenario_id = ? ORDER BY rowid", (sid,)).fetchall()
        tables, rasters = [], []
        for kind, role, file_name, sha, path, data in files:
            if data is not None and sha256_of(data) != sha:
                raise damaged_error(self._path, Note("error.store.blob_sha", kind=kind, role=role, name=name))
            if kind == "table":
                tables.append(TableFile(role, file_name, data, sha))
            else:
                rasters.append(RasterFile(role, file_name, data, path, sha))
        layers: dict[str, tuple[str, list[bytes]]] = {}
        for layer, crs, wkb in areas:
            layers.setdefault(layer, (crs, []))[1].append(wkb)
        return Scenario(name=name, settings=json.loads(row[0]), tables=tuple(tables),
                        areas=tuple(AreaLayer(n, crs, tuple(g), areas_sha256(g)) for n, (crs, g) in layers.items()),
                        rasters=tuple(rasters), data_versions=json.loads(row[2]), author=row[1],
                        created=row[3], updated=row[4])

    def rename(self, old: str, new: str) -> None:
        """Rename a scenario (the new name must be free).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
        ...     _ = store.save(Scenario(name="a", settings={"stage": "dyeing"}))
        ...     store.rename("a", "b")
        ...     "a" in store, "b" in store
        (False, True)
        """
        old, new = _nfc(old), check_name(new)
        with self._session(Note("error.doing.renaming", name=old), write=True) as c:
            sid = self._id(c, old)
            if new == old:
                return
            self._refuse_taken(c, new)
            c.execute("UPDATE scenario SET name = ?, updated = ? WHERE id = ?", (new, now_utc(), sid))

    def duplicate(self, name: str, new: str) -> Scenario:
        """Copy a scenario under a new name (blobs are shared, not copied); returns the copy.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
        ...     a = store.save(Scenario(name="a", settings={"stage": "dyeing"}))
        ...     b = store.duplicate("a", "a (copy)")
        ...     b.settings == a.settings, b.name
        (True, 'a (copy)')
        """
        name, new = _nfc(name), check_name(new)
        now = now_utc()
        with self._session(Note("error.doing.duplicating", name=name), write=True) as c:
            sid = self._id(c, name)
            self._refuse_taken(c, new)
            nid = c.execute("INSERT INTO scenario (name, stage, origins, settings, author, data_versions, created, "
                            "updated) SELECT ?, stage, origins, settings, author, data_versions, ?, ? FROM scenario "
                            "WHERE id = ?", (new, now, now, sid)).lastrowid
            c.execute("INSERT INTO file (scenario_id, kind, role, file_name, sha256, blob, path) SELECT ?, kind, role, "
                      "file_name, sha256, blob, path FROM file WHERE scenario_id = ? ORDER BY rowid", (nid, sid))
            c.execute("INSERT INTO area (scenario_id, layer, position, crs, wkb) SELECT ?, layer, position, crs, wkb "
                      "FROM area WHERE scenario_id = ? ORDER BY rowid", (nid, sid))
        return self.get(new)

    def delete(self, name: str) -> None:
        """Delete a scenario (and the blobs no other scenario uses).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
        ...     _ = store.save(Scenario(name="a", settings={"stage": "dyeing"}))
        ...     store.delete("a")
        ...     store.list_scenarios()
        []
        """
        name = _nfc(name)
        with self._session(Note("error.doing.deleting", name=name), write=True) as c:
            sid = self._id(c, name)
            blobs = self._blobs(c, sid)
            c.execute("DELETE FROM scenario WHERE id = ?", (sid,))
            self._drop_unused(c, blobs)

    def export_scenario(self, name: str, path: str | os.PathLike, *, embed_files: bool = True) -> Path:
        """Write one scenario to a JSON file (see :mod:`scenario.exchange`), atomically.

        With ``embed_files``, rasters kept by path are embedded when the file is still there
        and unchanged (so a colleague gets them); otherwise the path and sha256 travel alone.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> with open_store(folder / "s.sqlite") as store:
        ...     _ = store.save(Scenario(name="a", settings={"stage": "dyeing"}))
        ...     store.export_scenario("a", folder / "a.json").name
        'a.json'
        """
        rec = self.get(name)
        if embed_files:
            rasters = []
            for r in rec.rasters:
                if r.data is None and r.path is not None and Path(r.path).is_file():
                    data = Path(r.path).read_bytes()
                    if sha256_of(data) == r.sha256:
                        r = replace(r, data=data)
                    else:
                        log.warning("raster %r at %s changed since it was saved; exported by path only", r.role, r.path)
                rasters.append(r)
            rec = replace(rec, rasters=tuple(rasters))
        return write_scenario_file(rec, path)

    def import_scenario(self, path: str | os.PathLike | bytes, *, name: str | None = None,
                        overwrite: bool = False) -> Scenario:
        """Check a scenario file completely, then save it (as ``name`` if given); returns it as stored.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> with open_store(folder / "s.sqlite") as store:
        ...     _ = store.save(Scenario(name="a", settings={"stage": "dyeing"}))
        ...     f = store.export_scenario("a", folder / "a.json")
        ...     store.import_scenario(f, name="a from Li").name
        'a from Li'
        """
        rec = read_scenario_file(path)
        if name is not None:
            rec = replace(rec, name=check_name(name))
        return self.save(rec, overwrite=overwrite)

    def check_integrity(self) -> None:
        """Run ``PRAGMA integrity_check`` and ``foreign_key_check``; raise ScenarioStoreError on any problem."""
        with self._session(Note("error.doing.checking"), write=False) as c:
            rows = c.execute("PRAGMA integrity_check").fetchall()
            orphans = c.execute("PRAGMA foreign_key_check").fetchall()
        if rows != [("ok",)] or orphans:
            raise damaged_error(self._path, "; ".join([str(r[0]) for r in rows[:3] if r[0] != "ok"]
                                                 + [f"{len(orphans)} dangling reference(s)"] * bool(orphans)))


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name) if isinstance(name, str) else name
