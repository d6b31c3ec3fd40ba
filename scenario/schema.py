"""The scenario store's file: schema, migrations, safe creation, checks before use, error messages.

``PRAGMA user_version`` is the schema version and ``PRAGMA application_id`` marks the file
as a scenario store. Every new store is built by running the migrations from version 0, so
the path an old store takes is the one every store takes. Nothing here writes to a file
before :func:`check_store_file` and :func:`check_store` have accepted it.

Examples
--------
>>> import sqlite3
>>> c = sqlite3.connect(":memory:", isolation_level=None)
>>> migrate(c), c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
(0, True)
"""
from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from geo.errors import ScenarioStoreError
from geo.messages import Note

__all__ = ["APPLICATION_ID", "BUSY_TIMEOUT_S", "SCHEMA_VERSION", "STORE_ENV", "check_store", "check_store_file",
           "connect_store", "create_store_file", "damaged_error", "migrate", "store_error", "transaction"]

log = logging.getLogger(__name__)

#: Schema version this code writes (``PRAGMA user_version``).
SCHEMA_VERSION = 2
#: ``PRAGMA application_id`` of a scenario store ("GDTP").
APPLICATION_ID = 0x47445450
#: Environment variable naming the store file.
STORE_ENV = "GD_TEXTILE_STORE"
#: Seconds a writer waits for another to finish before giving up.
BUSY_TIMEOUT_S = 15.0
#: File name of the store in the user's data folder.
FILE_NAME = "scenarios.sqlite"
_SQLITE_MAGIC = b"SQLite format 3\x00"


# ----------------------------------------------------------------------------- schema and migrations

def _migrate_to_1(c: sqlite3.Connection) -> None:
    """Version 1: scenarios, their tables inline, their exclusion areas."""
    c.execute("""CREATE TABLE scenario (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        stage TEXT NOT NULL,
        origins TEXT NOT NULL,
        settings TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL)""")
    c.execute("""CREATE TABLE attachment (
        scenario_id INTEGER NOT NULL REFERENCES scenario(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (scenario_id, role))""")
    c.execute("""CREATE TABLE area (
        scenario_id INTEGER NOT NULL REFERENCES scenario(id) ON DELETE CASCADE,
        layer TEXT NOT NULL,
        position INTEGER NOT NULL,
        crs TEXT NOT NULL,
        wkb BLOB NOT NULL,
        PRIMARY KEY (scenario_id, layer, position))""")
    c.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _migrate_to_2(c: sqlite3.Connection) -> None:
    """Version 2: author and data versions; blobs shared by content (tables and rasters); rasters by path."""
    c.execute("ALTER TABLE scenario ADD COLUMN author TEXT NOT NULL DEFAULT ''")
    c.execute("ALTER TABLE scenario ADD COLUMN data_versions TEXT NOT NULL DEFAULT '{}'")
    c.execute("CREATE INDEX scenario_updated ON scenario(updated)")
    c.execute("CREATE TABLE blob (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL)")
    c.execute("""CREATE TABLE file (
        scenario_id INTEGER NOT NULL REFERENCES scenario(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('table', 'raster')),
        role TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        blob TEXT REFERENCES blob(sha256),
        path TEXT,
        PRIMARY KEY (scenario_id, kind, role),
        CHECK (blob IS NOT NULL OR path IS NOT NULL))""")
    c.execute("CREATE INDEX file_blob ON file(blob)")
    c.execute("INSERT OR IGNORE INTO blob (sha256, size, data) SELECT sha256, length(data), data FROM attachment")
    c.execute("""INSERT INTO file (scenario_id, kind, role, file_name, sha256, blob)
                 SELECT scenario_id, 'table', role, file_name, sha256, sha256 FROM attachment ORDER BY rowid""")
    c.execute("DROP TABLE attachment")


#: Migration to each version from the one before; a new store runs them all from 0.
_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_to_1, 2: _migrate_to_2}


@contextlib.contextmanager
def transaction(c: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; on any error ``ROLLBACK`` and re-raise."""
    c.execute("BEGIN IMMEDIATE")
    try:
        yield c
        c.execute("COMMIT")
    except BaseException:
        if c.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                c.execute("ROLLBACK")
        raise


def migrate(c: sqlite3.Connection) -> int:
    """Bring the store to :data:`SCHEMA_VERSION` in one transaction; returns the version it had."""
    with transaction(c):
        start = c.execute("PRAGMA user_version").fetchone()[0]  # again: another process may have migrated
        for version in range(start + 1, SCHEMA_VERSION + 1):
            _MIGRATIONS[version](c)
            c.execute(f"PRAGMA user_version = {version}")
    if start and start < SCHEMA_VERSION:
        log.info("scenario store migrated from schema %d to %d", start, SCHEMA_VERSION)
    return start


# ----------------------------------------------------------------------------- errors

def damaged_error(path: Path, detail: str) -> ScenarioStoreError:  # detail: SQLite's words or a Note
    """The error for a damaged store: what was found, that the file was left as it is, how to recover.

    Examples
    --------
    >>> print(damaged_error(Path("s.sqlite"), "page 3 is not a b-tree page"))  # doctest: +ELLIPSIS
    the scenario store s.sqlite is damaged (page 3 is not a b-tree page); it was left exactly as it is. ...
    """
    if not isinstance(detail, Note):
        detail = " ".join(detail.replace("*** in database main ***", "").split())  # one line
    msg = Note("error.store.damaged", path=str(path), detail=detail, env=STORE_ENV)
    return ScenarioStoreError(msg)


def store_error(exc: sqlite3.Error, path: Path, doing: str) -> ScenarioStoreError:
    """A clear message for an SQLite failure while ``doing`` something to the store at ``path``."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
        msg = Note("error.store.busy", path=str(path), timeout=BUSY_TIMEOUT_S, doing=doing)
    elif code in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return damaged_error(path, Note("error.store.while", err=str(exc), doing=doing))
    elif code == 13:  # SQLITE_FULL
        msg = Note("error.store.full", path=str(path), doing=doing)
    elif code == 8:  # SQLITE_READONLY
        msg = Note("error.store.read_only", path=str(path), doing=doing)
    elif code == 14:  # SQLITE_CANTOPEN
        msg = Note("error.store.cannot_open", path=str(path), err=str(exc))
    else:
        msg = Note("error.store.failed", path=str(path), doing=doing, err=str(exc))
    return ScenarioStoreError(msg)


def check_store_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a path that is not a file or not SQLite."""
    if path.is_dir():
        msg = Note("error.store.folder", path=str(path), example=str(path / FILE_NAME))
        raise ScenarioStoreError(msg)
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError as exc:
        msg = Note("error.store.unreadable", path=str(path), reason=str(exc.strerror))
        raise ScenarioStoreError(msg) from None
    if not head.startswith(_SQLITE_MAGIC):
        msg = Note("error.store.empty" if not head else "error.store.not_sqlite", path=str(path), env=STORE_ENV)
        raise ScenarioStoreError(msg)
    if len(head) < 100:
        raise damaged_error(path, Note("error.store.cut_header"))
    _check_length(path, head)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        msg = Note("error.store.folder_read_only", path=str(path))
        raise ScenarioStoreError(msg)


def _check_length(path: Path, head: bytes) -> None:
    """Refuse a file shorter than its header says (a cut-off copy), unless a WAL beside it still holds pages."""
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    header_valid = pages > 0 and head[24:28] == head[92:96]  # SQLite's rule for the in-header database size
    wal = Path(f"{path}-wal")
    if header_valid and not (wal.exists() and wal.stat().st_size > 0):
        size = path.stat().st_size
        if size < pages * page_size:
            raise damaged_error(path, Note("error.store.cut_short", pages=pages, page_size=page_size,
                                           total=pages * page_size, size=size))


def create_store_file(path: Path) -> None:
    """Build a new store in a temporary file and link it into place (never over an existing file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        msg = Note("error.store.cannot_create", path=str(path), reason=str(exc.strerror))
        raise ScenarioStoreError(msg) from None
    tmp = Path(tmp_name)
    try:
        c = sqlite3.connect(tmp, isolation_level=None)
        try:
            c.execute("PRAGMA journal_mode=WAL")
            migrate(c)
        finally:
            c.close()
        try:
            os.link(tmp, path)  # fails if the path exists: another process made it first, use that one
        except FileExistsError:
            log.info("scenario store %s was created by another process meanwhile", path)
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.replace(tmp, path)
    except sqlite3.Error as exc:
        raise store_error(exc, path, Note("error.doing.creating")) from exc
    except OSError as exc:
        msg = Note("error.store.cannot_create", path=str(path), reason=str(exc.strerror or exc))
        raise ScenarioStoreError(msg) from None
    finally:
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()


def connect_store(path: Path, *, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Connect to an existing store file (``mode=rw``: never creates one), autocommit, shareable between threads."""
    uri = path.resolve().as_uri() + "?mode=rw"  # never creates a file
    try:
        return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise store_error(exc, path, Note("error.doing.opening")) from exc


def check_store(c: sqlite3.Connection, path: Path) -> int:
    """Refuse another program's file, a newer schema or a damaged store; returns the schema version. Read only."""
    app_id = c.execute("PRAGMA application_id").fetchone()[0]
    version = c.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID or version < 1:
        msg = Note("error.store.other_program", path=str(path), env=STORE_ENV)
        raise ScenarioStoreError(msg)
    if version > SCHEMA_VERSION:
        msg = Note("error.store.newer", path=str(path), version=version, reads=SCHEMA_VERSION, env=STORE_ENV)
        raise ScenarioStoreError(msg)
    rows = c.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise damaged_error(path, "; ".join(str(r[0]) for r in rows[:3]))
    return version
