"""The supply-chain graph over the stages: edge k -> s weighted by s's input share from k.

The default weights in ``data/model/chain_edges.csv`` are an editable ASSUMPTION of this
project, grounded in the chain the policy spells out in §5 (fibre -> spinning -> weaving
-> dyeing -> apparel / home textiles / industrial textiles, plus textile machinery,
accessories and dyeing auxiliaries) and the stages §3 adds (silk; washing counted in
dyeing). Every weight carries a one-line note with its reasoning. For each customer stage
the weights over its suppliers sum to 1; stages drawing only on inputs from outside the
chain (fibre, silk, down, auxiliaries, machinery) have no suppliers.
"""
from __future__ import annotations

import io
import logging
import os

import networkx as nx
import numpy as np
import pandas as pd

from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError
from geo.messages import Note
from layers.stages import STAGES, _stage_or_none, load_stages, read_commented_csv

__all__ = ["SHARE_TOLERANCE", "read_chain_edges", "load_chain_graph", "chain_weight_matrix"]

log = logging.getLogger(__name__)

#: How far a customer's shares may stray from 1.
SHARE_TOLERANCE: float = 1e-6
_COLUMNS = ("supplier", "customer", "weight", "note")


def read_chain_edges(path_or_buffer: str | os.PathLike | io.IOBase | pd.DataFrame) -> pd.DataFrame:
    """Read and check a chain-weights table (supplier, customer, weight, note).

    Stage names may be ids or English or Chinese names; they come back as ids. Lines
    starting with ``#`` are comments.

    Parameters
    ----------
    path_or_buffer : path, file-like or DataFrame
        The table; a DataFrame is not modified.

    Returns
    -------
    pandas.DataFrame
        Columns ``supplier``, ``customer`` (stage ids), ``weight`` (float), ``note``.

    Raises
    ------
    LayerValidationError
        One error listing every problem: missing columns, unknown stages, weights that are
        not numbers or negative, duplicated or self edges, empty notes, and customers whose
        shares do not sum to 1 (within :data:`SHARE_TOLERANCE`).

    Examples
    --------
    >>> csv = "supplier,customer,weight,note\\nfibre,spinning,1.0,only input\\n"
    >>> read_chain_edges(io.StringIO(csv))["weight"].tolist()
    [1.0]
    """
    if isinstance(path_or_buffer, pd.DataFrame):
        raw = path_or_buffer.copy().astype(str)
    else:
        raw = read_commented_csv(path_or_buffer, dtype=str, keep_default_na=False)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in _COLUMNS if c not in raw.columns]
    if missing:
        msg = Note("error.chain.columns", columns=list(_COLUMNS), missing=missing, found=list(raw.columns))
        raise LayerValidationError([msg], layer=Note("error.word.chain"))
    problems: list[Note] = []
    df = raw[list(_COLUMNS)].copy()
    for col in ("supplier", "customer"):
        ids = df[col].map(_stage_or_none)
        bad = ids.isna()
        if bad.any():
            names = sorted(set(df.loc[bad, col]))
            problems.append(Note("error.chain.stages", col=col, stages=names, rows=_rows(bad), valid=list(STAGES)))
        df[col] = ids.where(~bad, df[col])
    w = pd.to_numeric(df["weight"].astype(str).str.strip(), errors="coerce").astype(float)
    nan = pd.Series(~np.isfinite(w.to_numpy()), index=w.index)
    if nan.any():
        problems.append(Note("error.chain.nonnumeric", rows=_rows(nan), values=list(df.loc[nan, "weight"])[:5]))
    neg = w < 0
    if neg.any():
        problems.append(Note("error.chain.negative", rows=_rows(neg), values=w[neg].tolist()[:5]))
    df["weight"] = w.astype(float)
    self_loop = df["supplier"] == df["customer"]
    if self_loop.any():
        problems.append(Note("error.chain.self", rows=_rows(self_loop)))
    dup = df.duplicated(["supplier", "customer"], keep=False)
    if dup.any():
        pairs = sorted({f"{a}->{b}" for a, b in df.loc[dup, ["supplier", "customer"]].itertuples(index=False)})
        problems.append(Note("error.chain.dups", pairs=pairs))
    empty = df["note"].astype(str).str.strip() == ""
    if empty.any():
        problems.append(Note("error.chain.no_note", rows=_rows(empty)))
    if not nan.any():
        sums = df.groupby("customer", sort=False)["weight"].sum()
        off = sums[(sums - 1.0).abs() > SHARE_TOLERANCE]
        if len(off):
            detail = ", ".join(f"{k}: {v:.6g}" for k, v in off.items())
            problems.append(Note("error.chain.sums", tolerance=SHARE_TOLERANCE, detail=detail))
    if problems:
        raise LayerValidationError(problems, layer=Note("error.word.chain"))
    df["note"] = df["note"].astype(str).str.strip()
    return df.reset_index(drop=True)


def _rows(mask: pd.Series) -> list[int]:
    """First few row numbers (1-based, header excluded) where ``mask`` holds."""
    return [int(i) + 1 for i in np.flatnonzero(mask.to_numpy())[:8]]


def load_chain_graph(path: str | os.PathLike | io.IOBase | None = None) -> nx.DiGraph:
    """The chain as a directed graph over all :data:`STAGES` (edges supplier -> customer).

    Parameters
    ----------
    path : path or file-like, optional
        A chain-weights CSV (see :func:`read_chain_edges`); the default is the shipped
        ``data/model/chain_edges.csv`` (weights are an assumption, see the module docstring).

    Returns
    -------
    networkx.DiGraph
        Nodes: every stage id, attributes ``name_zh``, ``name_en``. Edges: attributes
        ``weight`` (share of the customer's inputs from the supplier) and ``note``.

    Examples
    --------
    >>> g = load_chain_graph()
    >>> g["fibre"]["spinning"]["weight"]
    0.85
    >>> round(sum(w for _, _, w in g.in_edges("apparel", data="weight")), 9)
    1.0
    """
    edges = read_chain_edges(get_path("chain_edges") if path is None else path)
    stages = load_stages()
    g = nx.DiGraph()
    g.add_nodes_from(
        (i, {"name_zh": zh, "name_en": en}) for i, zh, en in stages[["id", "name_zh", "name_en"]].itertuples(index=False)
    )
    g.add_edges_from(
        (k, s, {"weight": float(w), "note": n}) for k, s, w, n in edges[list(_COLUMNS)].itertuples(index=False)
    )
    log.debug("chain graph: %d stages, %d edges", g.number_of_nodes(), g.number_of_edges())
    return g


def chain_weight_matrix(graph: nx.DiGraph) -> pd.DataFrame:
    """The weights as a matrix W[k, s] = w(k -> s), stages in :data:`STAGES` order.

    Parameters
    ----------
    graph : networkx.DiGraph
        A chain graph such as :func:`load_chain_graph` returns; its nodes must be stage ids.

    Returns
    -------
    pandas.DataFrame
        Index ``supplier`` (k), columns ``customer`` (s); zeros where there is no edge.
        Each non-empty column sums to 1.

    Examples
    --------
    >>> W = chain_weight_matrix(load_chain_graph())
    >>> float(W.loc["fibre", "spinning"]), float(W.loc["apparel", "fibre"])
    (0.85, 0.0)
    """
    unknown = sorted(str(n) for n in graph.nodes if n not in STAGES)
    if unknown:
        msg = f"`graph` has node(s) {unknown} that are not stage ids; expected a subset of {', '.join(STAGES)}"
        raise PlannerError(msg)
    # nx.to_numpy_array fills in nodelist order and leaves absent stages as zero rows.
    sub = nx.DiGraph()
    sub.add_nodes_from(STAGES)
    sub.add_edges_from(graph.edges(data=True))
    mat = nx.to_numpy_array(sub, nodelist=list(STAGES), weight="weight", dtype=float)
    out = pd.DataFrame(mat, index=pd.Index(STAGES, name="supplier"), columns=pd.Index(STAGES, name="customer"))
    return out
