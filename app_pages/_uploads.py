"""A planner's uploads on the fit page, checked one by one. Not a page.

A file that cannot be used is named (which upload, which file), with what is wrong and what
to do, and is left out; the ranking, the map and the downloads go on with the other files and
the defaults instead of the whole page going blank.
"""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from app_pages._common import escape_markdown
from app_pages._fit_controls import UPLOADS
from app_pages._study import Uploads, cached_fit
from outputs.messages import render_error
from outputs.text import tr
from scenario.settings import StudySettings

_LABELS: dict[str, str] = {opt: key for opt, key, _types in UPLOADS}


def _alone(s: StudySettings, u: tuple[str, str, bytes]) -> StudySettings:
    return replace(s, files=tuple(f for f in s.files if f[0] == "--ahp" or f == (u[0], u[1])))


def usable_uploads(s: StudySettings, up: Uploads, lang: str) -> tuple[StudySettings, Uploads]:
    """The settings and uploads without the files that cannot be used, each of those named in an error.

    Every upload is tried alone with the defaults (cached, so an unchanged file costs nothing on
    the next run); a file refused that way is left out of the study and of its command.
    """
    good: list[tuple[str, str, bytes]] = []
    for u in up:
        try:
            cached_fit(_alone(s, u), (u,))
        except ValueError as exc:
            what = tr(_LABELS[u[0]], lang) if u[0] in _LABELS else u[0]
            st.error(tr("app.up_failed", lang, what=escape_markdown(what), file=escape_markdown(u[1]),
                        err=escape_markdown(render_error(exc, lang=lang))))
        else:
            good.append(u)
    if len(good) == len(up):
        return s, up
    kept = {(opt, name) for opt, name, _data in good}
    return replace(s, files=tuple(f for f in s.files if f[0] == "--ahp" or f in kept)), tuple(good)
