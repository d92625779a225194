"""Control data derived once per set of control snapshots, at refresh: the tables and the criteria trees.

Why: the first ``verify`` or ``classify`` after a refresh used to read every control snapshot's
Parquet tables, concatenate them and parse every entry of every version it touched into criteria
trees (about a second per Annex I version), in every new process. Those are pure functions of the
snapshots and of the code that reads them, so a refresh writes them once:

    <lists dir>/.cache/controls/<key>/manifest.json      what the folder was built from (written last)
    <lists dir>/.cache/controls/<key>/<table>.arrow      Arrow IPC, read by memory map
    <lists dir>/.cache/controls/<key>/criteria-<id>.json one version's criteria trees

``<key>`` digests the format, every control snapshot version and the source of the modules that
build criteria trees, so a new snapshot or a changed parser of criteria gives a new folder, and a
reader never takes trees built by other code. The folder is written under a temporary name and
renamed into place, so a reader sees all of it or none of it; a reader that finds none (a folder
refreshed by an older version, a read-only copy) reads the snapshots as before, with the same result.

Only data formats are written (Arrow IPC, JSON validated by the pydantic models), never pickle: a
lists folder written by a scheduled job must not be able to run code in the process that reads it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pyarrow as pa
from pydantic import BaseModel, Field, ValidationError

from exportcheck.controls.criteria import Node
from exportcheck.controls.data import ControlData, control_versions, from_tables, snapshot_tables
from exportcheck.store import DIR_MODE, FILE_MODE, SnapshotStore

#: Bump when the layout or meaning of the files changes: older folders are then ignored.
FORMAT = 1
CACHE_DIR = Path(".cache") / "controls"
MANIFEST = "manifest.json"
#: The modules whose code decides what a criteria tree is (their source is part of the key).
TREE_MODULES = ("criteria.py", "criteria_parse.py", "criteria_read.py", "units.py")

log = logging.getLogger(__name__)


class Manifest(BaseModel):
    """What a precomputed folder holds and what it was built from."""

    format: int
    snapshots: list[str]
    code: str
    tables: list[str]
    warnings: dict[str, list[str]] = Field(default_factory=dict)
    criteria: dict[str, str] = Field(default_factory=dict)  # "regime@version" -> file name


class TreeFile(BaseModel):
    """One version's criteria nodes without their children, and each node's children codes in order."""

    nodes: list[Node]
    children: dict[str, list[str]] = Field(default_factory=dict)


@cache
def code_digest() -> str:
    """Digest of the source of :data:`TREE_MODULES` (a changed reader of criteria invalidates the trees)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in TREE_MODULES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    return digest.hexdigest()


def _key(snapshots: list[str]) -> str:
    text = json.dumps({"format": FORMAT, "snapshots": snapshots, "code": code_digest()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def precomputed_dir(lists_dir: Path | str) -> Path:
    """The folder a refresh writes for the control snapshots held now (it may not exist)."""
    root = Path(lists_dir)
    return root / CACHE_DIR / _key(control_versions(SnapshotStore(root)))


def _tree_file(regime: str, version: str) -> str:
    return f"criteria-{hashlib.sha256(f'{regime}@{version}'.encode()).hexdigest()[:16]}.json"


def dump_trees(nodes: dict[str, Node]) -> str:
    """One version's trees as JSON: nodes in build order, children by code (shared formulas are copied)."""
    tree = {"nodes": [n.model_dump(mode="json", exclude={"children"}) for n in nodes.values()],
            "children": {code: [c.code for c in n.children] for code, n in nodes.items() if n.children}}
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":"))


def parse_trees(text: str | bytes) -> dict[str, Node]:
    """The inverse of :func:`dump_trees`: the same nodes, linked to their children in the same order."""
    tree = TreeFile.model_validate_json(text)
    nodes = {n.code: n for n in tree.nodes}
    for code, kids in tree.children.items():
        nodes[code].children = [nodes[k] for k in kids]
    return nodes


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    os.chmod(path, FILE_MODE)


def precompute_controls(lists_dir: Path | str) -> Path | None:
    """Write the precomputed folder for the control snapshots held now, unless it exists; its path (None: none held).

    Called by ``exportcheck refresh`` after publishing; also safe to call by hand or concurrently
    (the second writer's folder is discarded). Older folders of this lists folder are removed.
    """
    from exportcheck.controls.criteria_parse import build_version

    root = Path(lists_dir)
    store = SnapshotStore(root)
    snapshots = control_versions(store)
    if not snapshots:
        return None
    target = root / CACHE_DIR / _key(snapshots)
    if (target / MANIFEST).exists():
        return target
    tables, warnings = snapshot_tables(store)
    data = from_tables(tables, warnings)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        for name, table in tables.items():
            sink = pa.BufferOutputStream()
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            _write(work / f"{name}.arrow", sink.getvalue().to_pybytes())
        criteria = {}
        for regime, version in sorted(set(zip(data.entries.regime, data.entries.version, strict=True))):
            nodes = build_version(data.entries, str(regime), str(version), data.table("definitions"))
            criteria[f"{regime}@{version}"] = _tree_file(str(regime), str(version))
            _write(work / criteria[f"{regime}@{version}"], dump_trees(nodes).encode())
        manifest = Manifest(format=FORMAT, snapshots=snapshots, code=code_digest(), tables=sorted(tables),
                            warnings=warnings, criteria=criteria)
        _write(work / MANIFEST, manifest.model_dump_json(indent=1).encode())
        os.chmod(work, DIR_MODE)
        try:
            work.rename(target)
        except OSError:  # another process published the same folder first: theirs is as good
            if not (target / MANIFEST).exists():
                raise
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for old in target.parent.iterdir():  # folders of earlier snapshot sets; a reader of one falls back
        if old.is_dir() and old.name != target.name and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return target


def load_precomputed(lists_dir: Path | str) -> ControlData | None:
    """The control data from the precomputed folder of the snapshots held now, or None where there is none."""
    root = Path(lists_dir)
    store = SnapshotStore(root)
    snapshots = control_versions(store)
    path = root / CACHE_DIR / _key(snapshots)
    try:
        manifest = Manifest.model_validate_json((path / MANIFEST).read_bytes())
        if manifest.format != FORMAT or manifest.snapshots != snapshots or manifest.code != code_digest():
            return None
        tables = {}
        for name in manifest.tables:
            with pa.memory_map(str(path / f"{name}.arrow")) as source:
                tables[name] = pa.ipc.open_file(source).read_all()
    except (OSError, ValueError, pa.ArrowException) as exc:  # absent, removed meanwhile or damaged: read snapshots
        if not isinstance(exc, FileNotFoundError):
            log.warning("ignoring precomputed control data in %s: %s", path, exc)
        return None
    return from_tables(tables, manifest.warnings, derived=path)


def criteria_trees(data: ControlData, regime: str, version: str) -> dict[str, Node]:
    """The criteria nodes of one version by code: precomputed where the data came with them, else built.

    Memoised on ``data`` (one build or read per version and process).
    """
    key = f"criteria:{regime}:{version}"
    if key not in data.cache:
        data.cache[key] = _read_trees(data.derived, regime, version) if data.derived else None
        if data.cache[key] is None:
            from exportcheck.controls.criteria_parse import build_version

            data.cache[key] = build_version(data.entries, regime, version, data.table("definitions"))
    nodes: dict[str, Node] = data.cache[key]
    return nodes


def _read_trees(folder: Path, regime: str, version: str) -> dict[str, Node] | None:
    try:
        return parse_trees((folder / _tree_file(regime, version)).read_bytes())
    except (OSError, ValidationError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("ignoring precomputed criteria in %s: %s", folder, exc)
        return None
