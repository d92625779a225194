"""Normalised records ⇄ pandas DataFrames ⇄ Parquet, with one fixed Arrow schema per record kind.

Why a fixed schema: every snapshot of every source must have the same columns and types, so a diff
or a union across sources never trips over a column that one parser left out or typed differently.
The schema is derived from the pydantic models, so the models stay the single definition.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
from pydantic import BaseModel

from exportcheck.model import ControlEntry, Entity

if TYPE_CHECKING:  # imported where used: a screening of a stored index reads no table
    import pandas as pd

ENTITY_TABLE = "entities"
CONTROL_TABLE = "controls"


def _arrow_type(annotation: typing.Any) -> pa.DataType:
    origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        return pa.list_(_arrow_type(inner))
    if origin is typing.Literal:
        return pa.string()
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _arrow_type(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([(name, _arrow_type(f.annotation)) for name, f in annotation.model_fields.items()])
    return {str: pa.string(), int: pa.int64(), bool: pa.bool_(), float: pa.float64()}.get(annotation, pa.string())


@cache
def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """The Arrow schema of a record model; column names are the models' aliases (``schema``, not ``schema_``)."""
    fields = []
    for name, info in model.model_fields.items():
        fields.append(pa.field(info.alias or name, _arrow_type(info.annotation)))
    return pa.schema(fields)


def records_to_arrow(records: Iterable[BaseModel], model: type[BaseModel]) -> pa.Table:
    """Records as an Arrow table in the model's fixed schema."""
    rows = [r.model_dump(by_alias=True) for r in records]
    return pa.Table.from_pylist(rows, schema=arrow_schema(model))


def records_to_frame(records: Sequence[BaseModel], model: type[BaseModel]) -> pd.DataFrame:
    """Records as a DataFrame: nested fields (aliases, addresses) become lists of dicts."""
    return records_to_arrow(records, model).to_pandas()


def model_for(table: str) -> type[BaseModel]:
    models: dict[str, type[BaseModel]] = {ENTITY_TABLE: Entity, CONTROL_TABLE: ControlEntry}
    return models[table]


def write_parquet(table: pa.Table, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path, compression="zstd")


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=columns).to_pandas()


def empty_frame(model: type[BaseModel]) -> pd.DataFrame:
    return arrow_schema(model).empty_table().to_pandas()
