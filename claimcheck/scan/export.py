"""Export a results store's tables (pages, findings, the sites view) as CSV, JSONL or Parquet.

Rows are streamed from SQLite in a stable order (pages by site and URL,
findings by URL and offset, sites by name), so exports of the same store are
identical and memory stays flat whatever the size of the crawl. ``pages.raw``
(the whole page) is left out unless asked for. In JSONL the JSON columns
(``refs``, ``claim``) are nested values; in CSV and Parquet they stay JSON text.
Parquet needs ``pyarrow`` (the optional extra ``claimcheck[parquet]``).
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator

from claimcheck.report.csv_format import spreadsheet_safe

TABLES = ("pages", "findings", "sites")
FORMATS = ("csv", "jsonl", "parquet")
ORDER = {"pages": "site, url", "findings": "url, start_offset, code", "sites": "site"}
JSON_COLUMNS = {"refs", "claim"}
# Types of the sites view's columns (a view has no declared types).
VIEW_TYPES = {"site_score": "REAL", "site": "TEXT", "worst_grade": "TEXT", "site_grade": "TEXT"}
PARQUET_BATCH = 10_000


class ExportError(Exception):
    pass


def columns(db: sqlite3.Connection, table: str, with_raw: bool = False) -> list[tuple[str, str]]:
    """(name, SQLite type) of the exported columns."""
    found = []
    for _, name, declared, *_ in db.execute(f"PRAGMA table_info({table})"):
        if name == "raw" and not with_raw:
            continue
        kind = (declared or VIEW_TYPES.get(name, "INTEGER")).split()[0].upper()
        found.append((name, kind))
    if not found:
        raise ExportError(f"the store has no table {table!r}; was it written by claimcheck scan?")
    return found


def rows(db: sqlite3.Connection, table: str, names: list[str]) -> Iterator[tuple]:
    quoted = ", ".join(f'"{n}"' for n in names)
    yield from db.execute(f"SELECT {quoted} FROM {table} ORDER BY {ORDER[table]}")


def write_csv(db, table, out: io.TextIOBase, with_raw=False) -> int:
    names = [n for n, _ in columns(db, table, with_raw)]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    count = 0
    for row in rows(db, table, names):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        count += 1
    return count


def write_jsonl(db, table, out: io.TextIOBase, with_raw=False) -> int:
    names = [n for n, _ in columns(db, table, with_raw)]
    count = 0
    for row in rows(db, table, names):
        record = dict(zip(names, row))
        for name in JSON_COLUMNS.intersection(record):
            if record[name] is not None:
                record[name] = json.loads(record[name])
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_parquet(db, table, path: str, with_raw=False) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("Parquet export needs pyarrow: pip install 'claimcheck[parquet]'") from None
    described = columns(db, table, with_raw)
    types = {"INTEGER": pa.int64(), "REAL": pa.float64()}
    schema = pa.schema([(name, types.get(kind, pa.string())) for name, kind in described])
    names = [n for n, _ in described]
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[tuple] = []
        for row in rows(db, table, names):
            batch.append(row)
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(_table(pa, schema, names, batch))
                count += len(batch)
                batch = []
        if batch or not count:
            writer.write_table(_table(pa, schema, names, batch))
            count += len(batch)
    return count


def _table(pa, schema, names, batch):
    columns_ = list(zip(*batch)) if batch else [[] for _ in names]
    return pa.Table.from_arrays([pa.array(list(values), type=schema.field(i).type)
                                 for i, values in enumerate(columns_)], schema=schema)
