"""Atomic writes of files and folders, scratch folders, and the cleaning of what a killed run left behind.

Every output goes to a hidden part file (or folder) beside its target, named
``.<stem>.part-<pid>@<host>-<random><suffix>``, and is renamed onto the target only when
complete. A run killed half-way (SIGKILL, a power cut) leaves its part behind; the next
write beside the same target removes the parts whose process no longer runs on this host,
so nothing piles up and a concurrent writer's part is never touched. Scratch folders in the
system's temporary folder (:func:`scratch_dir`) are named and cleaned the same way.

Errors name the target the planner asked for, never the hidden part file.
"""
from __future__ import annotations

import contextlib
import glob
import hashlib
import logging
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

from geo.errors import PlannerError

__all__ = ["atomic_folder", "atomic_path", "clean_stale_parts", "scratch_dir"]

log = logging.getLogger(__name__)

#: Tag of this machine in part names, so a process id is only judged on the host that owns it.
_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def _tag() -> str:
    return f"part-{os.getpid()}@{_HOST}-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a number we cannot judge: leave it
    return True


def clean_stale_parts(folder: str | os.PathLike, *, prefix: str) -> list[Path]:
    """Remove part files and folders ``<prefix>part-<pid>@<this host>-*`` whose process has ended.

    Parameters
    ----------
    folder : path
        Where to look (not recursive).
    prefix : str
        What the names start with before ``part-``, e.g. ``".x."`` for the parts of ``x.gpkg``.

    Returns
    -------
    list of Path
        What was removed.

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / f".x.part-{2**22 + 1}@{_HOST}-abc.gpkg").write_bytes(b"half")
    >>> [p.name.split("@")[0] for p in clean_stale_parts(d, prefix=".x.")]
    ['.x.part-4194305']
    """
    pattern = re.compile(rf"^{re.escape(prefix)}part-(\d+)@{_HOST}-")
    removed: list[Path] = []
    try:
        candidates = list(Path(folder).glob(f"{glob.escape(prefix)}part-*"))
    except OSError:
        return removed
    for p in candidates:
        m = pattern.match(p.name)
        if not m or _alive(int(m.group(1))):
            continue
        try:
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
        except OSError as exc:  # another cleaner got there first, or no permission: not this run's business
            log.debug("could not remove stale part %s: %s", p, exc)
            continue
        removed.append(p)
        log.info("removed %s, left behind by an interrupted run", p)
    return removed


def _write_error(target: Path, exc: BaseException) -> str:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return (f"could not write {str(target)!r}: {reason}; check that its folder exists and is writable, "
            "that the name is not a folder and that the disk has space")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a hidden part path beside ``target``; rename it onto ``target`` on success.

    On any exception the part is removed and ``target`` is untouched; an OS error (no
    space, no permission, a folder where the file should go) becomes one
    :class:`geo.errors.PlannerError` naming ``target``, and so does a target that is a
    device, pipe or socket (a rename would replace it). Parts left by killed runs beside
    ``target`` are removed first (:func:`clean_stale_parts`).

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("ok")
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('ok', ['a.txt'])
    """
    target = Path(target)
    if target.is_dir():
        msg = f"could not write {str(target)!r}: it is a folder; give a file name inside it or another name"
        raise PlannerError(msg)
    if target.exists() and not target.is_file():  # a rename would put a file where a device or pipe was
        msg = (f"could not write {str(target)!r}: it is not a regular file (a device, pipe or socket); "
               "give the name of a file to write")
        raise PlannerError(msg)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_parts(target.parent, prefix=f".{target.stem}.")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.{_tag()}", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise PlannerError(_write_error(target, exc)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it fresh (GDAL refuses some existing files)
    try:
        try:
            yield tmp
            os.replace(tmp, target)
        except OSError as exc:
            raise PlannerError(_write_error(target, exc)) from None
        except PlannerError:
            raise
        except Exception as exc:
            if str(tmp) in str(exc) or tmp.name in str(exc):  # a GDAL message naming the part: name the target
                msg = str(exc).replace(str(tmp), str(target)).replace(tmp.name, target.name)
                raise PlannerError(f"could not write {str(target)!r}: {msg}") from exc
            raise
    finally:
        if tmp.is_dir() and not tmp.is_symlink():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists() or tmp.is_symlink():
            tmp.unlink()


@contextlib.contextmanager
def atomic_folder(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a hidden part folder beside ``target``; on success its files appear in ``target``.

    A new ``target`` appears at once (one rename). Into an existing folder the files are
    moved one by one, each with an atomic rename, and files already there that the export
    does not write stay as they were. On any exception the part folder is removed and
    ``target`` is untouched.

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> with atomic_folder(d / "out") as tmp:
    ...     _ = (tmp / "a.geojson").write_text("{}")
    ...     (d / "out").exists()
    False
    >>> sorted(p.name for p in (d / "out").iterdir()), sorted(p.name for p in d.iterdir())
    (['a.geojson'], ['out'])
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        msg = f"could not write the folder {str(target)!r}: a file of that name is there; give a folder name"
        raise PlannerError(msg)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_parts(target.parent, prefix=f".{target.name}.")
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{_tag()}", dir=target.parent))
    except OSError as exc:
        raise PlannerError(_write_error(target, exc)) from None
    try:
        yield tmp
        try:
            if target.exists():
                _merge(tmp, target)
            else:
                os.replace(tmp, target)
        except OSError as exc:
            raise PlannerError(_write_error(target, exc)) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _merge(src: Path, dst: Path) -> None:
    for p in sorted(src.rglob("*")):
        if p.is_dir():
            continue
        out = dst / p.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        os.replace(p, out)


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A private scratch folder in the system's temporary folder, removed afterwards.

    Named ``<prefix>-part-<pid>@<host>-<random>``; scratch folders of the same prefix left by
    killed runs are removed first.

    Examples
    --------
    >>> with scratch_dir(".doc") as d:
    ...     d.is_dir()
    True
    >>> d.exists()
    False
    """
    base = Path(tempfile.gettempdir())
    clean_stale_parts(base, prefix=f"{prefix}-")
    d = Path(tempfile.mkdtemp(prefix=f"{prefix}-{_tag()}", dir=base))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)
