"""Fast bulk reads and writes of (token, day) rows straight from and into NumPy arrays.

On PostgreSQL rows travel in COPY's binary format, which for fixed-width columns is a
plain array of records that NumPy packs and unpacks without a Python loop: writes go
into a temporary table and from there into the real one with INSERT ... ON CONFLICT
(an upsert, so a re-run replaces rather than duplicates); reads come back the same way.
NaN stands for NULL on the way in and out. Other databases (SQLite in development) use
executemany with the same upsert statement.
"""

import datetime
import struct

import numpy as np
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

PG_EPOCH = np.datetime64("2000-01-01", "D")
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
COPY_TRAILER = struct.pack(">h", -1)
# column kind -> (PostgreSQL type, big-endian NumPy type)
KINDS = {
    "id": ("bigint", ">i8"),
    "smallint": ("smallint", ">i2"),
    "date": ("date", ">i4"),
    "float": ("double precision", ">f8"),
}
# Above this many rows, PostgreSQL foreign keys are dropped for the load and re-added
# (validated in one pass) before commit, as pg_restore does: checking millions of rows
# one trigger call at a time costs more than the load itself.
BULK_LOAD_ROWS = 100_000


def to_days(dates):
    """A list of datetime.date (or datetime64) as datetime64[D]."""
    return np.asarray(dates, dtype="datetime64[D]")


def _record_dtype(kinds, present=None):
    """The fixed layout of one COPY row; fields not `present` are NULL (length -1, no value)."""
    fields = [("count", ">i2")]
    for index, kind in enumerate(kinds):
        fields.append((f"size{index}", ">i4"))
        if present is None or present[index]:
            fields.append((f"value{index}", KINDS[kind][1]))
    return np.dtype(fields)


def binary_copy_payload(columns, nullable=()):
    return b"".join(binary_copy_chunks(columns, nullable))


def binary_copy_chunks(columns, nullable=(), rows_per_chunk=250_000):
    """COPY ... (FORMAT BINARY) data for columns given as [(kind, 1-D array), ...].

    With fixed-width types a row is a NumPy record. NULLs (NaN in a column whose index
    is in `nullable`) change the width, so rows are grouped by which columns are NULL,
    each group packed as records of its own layout; COPY does not care about row order.
    """
    kinds = [kind for kind, _ in columns]
    values, missing = [], []
    for index, (kind, column) in enumerate(columns):
        if index in nullable:
            column = np.asarray(column, dtype=float)
            missing.append(np.isnan(column))
            column = np.where(missing[-1], 0, column)
        else:
            missing.append(np.zeros(len(column), dtype=bool))
        if kind == "date":
            column = (to_days(column) - PG_EPOCH).astype(np.int32)
        elif kind in ("id", "smallint"):
            column = np.rint(column)
        # Converting to the big-endian type first makes the record writes plain copies.
        values.append(np.ascontiguousarray(column, dtype=KINDS[kind][1]))
    bits = 1 << np.arange(len(kinds), dtype=np.int64)
    patterns = np.zeros(len(values[0]), dtype=np.int64)
    for index in nullable:
        patterns |= missing[index] * bits[index]
    pattern_ids = np.unique(patterns)
    yield COPY_HEADER
    for pattern in pattern_ids:
        group = np.flatnonzero(patterns == pattern)
        null = (pattern & bits) > 0
        dtype = _record_dtype(kinds, ~null)
        # Chunks let the server store one part while the next is packed.
        for start in range(0, len(group), rows_per_chunk):
            rows = group[start : start + rows_per_chunk]
            records = np.empty(len(rows), dtype=dtype)
            records["count"] = len(kinds)
            for index, kind in enumerate(kinds):
                if null[index]:
                    records[f"size{index}"] = -1
                else:
                    records[f"size{index}"] = np.dtype(KINDS[kind][1]).itemsize
                    records[f"value{index}"] = values[index][rows]
            yield records.tobytes()
    yield COPY_TRAILER


def parse_binary_copy(payload, kinds):
    """The inverse of binary_copy_payload, for rows without NULLs: one array per column."""
    records = np.frombuffer(
        payload[len(COPY_HEADER) : len(payload) - len(COPY_TRAILER)], _record_dtype(kinds)
    )
    out = []
    for index, kind in enumerate(kinds):
        values = records[f"value{index}"]
        out.append(
            values.astype(np.int64) + PG_EPOCH if kind == "date" else values.astype(KINDS[kind][1][1:])
        )
    return out


def upsert(table, key, columns, *, nullable=()):
    """Insert or replace rows of `table`, matched on the `key` column names.

    `columns` maps column name -> (kind, 1-D array); all arrays have one entry per row.
    Columns in `nullable` store NaN as NULL.
    """
    if not len(next(iter(columns.values()))[1]):
        return
    if connection.vendor == "postgresql":
        _upsert_postgresql(table, key, columns, nullable)
    else:
        _upsert_generic(table, key, columns, nullable)


def _upsert_sql(table, key, names, values_sql):
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names if name not in key)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) {values_sql} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


def _upsert_postgresql(table, key, columns, nullable):
    names = list(columns)
    null_indexes = {index for index, name in enumerate(names) if name in nullable}
    chunks = binary_copy_chunks(list(columns.values()), null_indexes)
    rows = len(next(iter(columns.values()))[1])
    copy_into = f"COPY {{}} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor:
        foreign_keys = _drop_foreign_keys(cursor, table) if rows > BULK_LOAD_ROWS else []
        if _any_stored(cursor, table, columns):
            temp = f"incoming_{table}"
            definitions = ", ".join(f"{name} {KINDS[kind][0]}" for name, (kind, _) in columns.items())
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} ({definitions}) ON COMMIT DROP")
            _copy(cursor, copy_into.format(temp), chunks)
            cursor.execute(_upsert_sql(table, key, names, f"SELECT {', '.join(names)} FROM {temp}"))  # noqa: S608
            cursor.execute(f"DROP TABLE {temp}")
        else:
            # Nothing to replace (a first load): straight into the table, no second pass.
            _copy(cursor, copy_into.format(table), chunks)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        if rows > BULK_LOAD_ROWS:
            # As after pg_restore: without statistics for the new rows the planner would
            # take the reads that follow (the reports, tomorrow's refresh) for tiny ones.
            cursor.execute(f"ANALYZE {table}")


def _copy(cursor, statement, chunks):
    # The queued writer sends from its own thread, so packing and sending overlap. Straight
    # on psycopg's cursor: Django's debug wrapper (DEBUG=True) takes no writer argument.
    raw = cursor.cursor
    with raw.copy(statement, writer=QueuedLibpqWriter(raw)) as copy:
        for chunk in chunks:
            copy.write(chunk)


def _any_stored(cursor, table, columns):
    """Whether any (token, date) row in this batch's range is already stored (via the key index)."""
    token_ids = np.unique(columns["token_id"][1]).tolist()
    dates = to_days(columns["date"][1])
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table} WHERE token_id = ANY(%s) AND date BETWEEN %s AND %s)",  # noqa: S608
        [token_ids, dates.min().item(), dates.max().item()],
    )
    return cursor.fetchone()[0]


def _drop_foreign_keys(cursor, table):
    """Drop `table`'s foreign keys; return (name, definition) pairs to re-create them.
    Must run inside the load's transaction so no one ever sees the table without them."""
    if connection.get_autocommit():
        raise RuntimeError("Bulk loads must run inside a transaction.")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    foreign_keys = cursor.fetchall()
    for name, _ in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    return foreign_keys


def _python_values(kind, values, is_nullable):
    if kind == "date":
        return to_days(values).astype(str).tolist()
    if kind == "id":
        return np.asarray(values, dtype=np.int64).tolist()
    values = np.asarray(values, dtype=float)
    if is_nullable:
        return np.where(np.isnan(values), None, values).tolist()
    return values.tolist()


def _upsert_generic(table, key, columns, nullable):
    names = list(columns)
    placeholders = ", ".join(["%s"] * len(names))
    lists = [_python_values(kind, values, name in nullable) for name, (kind, values) in columns.items()]
    rows = list(zip(*lists, strict=True))
    sql = _upsert_sql(table, key, names, f"VALUES ({placeholders})")
    # SQLite needs a WHERE to tell its upsert clause from a join in INSERT ... SELECT; VALUES is fine.
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])


def raise_column(table, column, ids, values):
    """Set table.column to the value where that is higher than what is stored (or nothing is)."""
    if not len(ids):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET {column} = v.x "  # noqa: S608
                "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::float8[]) AS x) AS v "
                f"WHERE t.id = v.id AND (t.{column} IS NULL OR t.{column} < v.x)",
                [np.asarray(ids, dtype=np.int64).tolist(), np.asarray(values, dtype=float).tolist()],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE id = %s AND ({column} IS NULL OR {column} < %s)",  # noqa: S608
                [
                    (x, i, x)
                    for i, x in zip(np.asarray(ids).tolist(), np.asarray(values).tolist(), strict=True)
                ],
            )


def read_days(table, columns, token_ids, since, until):
    """Rows of `table` for these tokens with since <= date <= until, as arrays: token ids,
    dates and each float column (NaN for NULL)."""
    token_ids = [int(i) for i in token_ids]
    if connection.vendor == "postgresql":
        return _read_days_postgresql(table, columns, token_ids, since, until)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token_id, date, {', '.join(columns)} FROM {table} WHERE date BETWEEN %s AND %s",  # noqa: S608
            [since, until],
        )
        wanted = set(token_ids)
        rows = [row for row in cursor.fetchall() if row[0] in wanted]
    if not rows:
        return [np.empty(0, np.int64), np.empty(0, "datetime64[D]")] + [np.empty(0) for _ in columns]
    token_ids, dates, *values = zip(*rows, strict=True)
    dates = [d if isinstance(d, datetime.date) else datetime.date.fromisoformat(d) for d in dates]
    return [np.array(token_ids, dtype=np.int64), to_days(dates)] + [
        np.array([np.nan if v is None else v for v in column], dtype=float) for column in values
    ]


def _read_days_postgresql(table, columns, token_ids, since, until):
    """COPY out sends one message per row, and psycopg hands them over one Python call each:
    two million rows cost seconds of interpreter time. So the server packs each token's rows
    into one bytea of fixed-width big-endian records (token id, days since 2000-01-01, the
    columns), NumPy reads them in one call, and a few thousand messages carry them."""
    packed = " || ".join(
        ["int8send(token_id)", "int4send(date - DATE '2000-01-01')"]
        + [f"float8send(COALESCE({name}, 'NaN'::float8))" for name in columns]
    )
    # COPY takes no parameters; every value inlined here is an int or a date.
    query = (
        f"COPY (SELECT string_agg({packed}, ''::bytea) FROM {table} "  # noqa: S608
        f"WHERE token_id = ANY('{{{','.join(map(str, token_ids))}}}'::bigint[]) "
        f"AND date BETWEEN '{since.isoformat()}' AND '{until.isoformat()}' GROUP BY token_id) "
        "TO STDOUT (FORMAT BINARY)"
    )
    with connection.cursor() as cursor, cursor.copy(query) as copy:
        payload = b"".join(bytes(block) for block in copy)
    pieces, offset, end = [], len(COPY_HEADER), len(payload) - len(COPY_TRAILER)
    while offset < end:
        # A row: its field count (always 1 here), the field's length, the field.
        (size,) = struct.unpack_from(">i", payload, offset + 2)
        pieces.append(payload[offset + 6 : offset + 6 + size])
        offset += 6 + size
    record = np.dtype([("token_id", ">i8"), ("date", ">i4")] + [(name, ">f8") for name in columns])
    records = np.frombuffer(b"".join(pieces), record)
    return [records["token_id"].astype(np.int64), records["date"].astype(np.int64) + PG_EPOCH] + [
        records[name].astype(float) for name in columns
    ]
