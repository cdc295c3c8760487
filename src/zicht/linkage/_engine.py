"""The one seam between linkage and its analytics engines: DuckDB (default) or Spark.

Everything else in `zicht.linkage` talks to Splink's `DatabaseAPI` and never asks
which engine is behind it.
"""

from __future__ import annotations

import tempfile
import warnings
from typing import Any, Literal

import pandas as pd

__all__ = [
    "BACKENDS",
    "Backend",
    "EngineError",
    "database_api",
    "query_frame",
    "register_table",
]

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")


class EngineError(RuntimeError):
    """The analytics engine could not be started."""


def _duckdb_api(*, threads: int | None, memory_limit: str | None) -> Any:
    import duckdb
    from splink.backends.duckdb import DuckDBAPI

    connection = duckdb.connect(":memory:")
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        connection.execute("SET memory_limit = ?", [memory_limit])
    # Spill to a private temporary folder rather than the working directory.
    connection.execute("SET temp_directory = ?", [tempfile.mkdtemp(prefix="zicht-duckdb-")])
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=connection)


def _spark_api(*, master: str | None, threads: int | None, driver_memory: str) -> Any:
    try:
        with warnings.catch_warnings():
            # pyspark 4.3 warns at import that it does not fully support pandas 3; Zicht
            # hands Spark Arrow tables and reads results as Arrow, never via pandas.
            warnings.filterwarnings(
                "ignore",
                message="PySpark does not yet fully support pandas",
                category=FutureWarning,
            )
            from pyspark.sql import SparkSession
            from pyspark.testing import utils as _pyspark_testing  # noqa: F401
            from splink.backends.spark import SparkAPI, similarity_jar_location
    except ImportError:
        raise EngineError("the spark backend needs pyspark: pip install 'zicht[spark]'") from None
    resolved = master or f"local[{threads or 2}]"
    partitions = str(max(2, (threads or 2) * 2))
    session = (
        SparkSession.builder.master(resolved)
        .appName("zicht-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.driver.memory", driver_memory)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    checkpoints = tempfile.mkdtemp(prefix="zicht-spark-")
    session.sparkContext.setCheckpointDir(checkpoints)
    return SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=session, break_lineage_method="persist"
    )


def database_api(
    backend: Backend = "duckdb",
    *,
    spark_master: str | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    spark_driver_memory: str = "2g",
) -> Any:
    """A fresh Splink DatabaseAPI for `backend`.

    Args:
        backend: "duckdb" (embedded, the default) or "spark".
        spark_master: Spark master URL (`local[2]`, `spark://host:7077`, `yarn`, ...);
            default local mode.
        threads: worker threads (DuckDB) or local cores (Spark); default all.
        memory_limit: DuckDB memory limit such as "8GB"; default DuckDB's own.
        spark_driver_memory: `spark.driver.memory` of a Spark session, e.g. "4g".
    """
    if backend == "duckdb":
        return _duckdb_api(threads=threads, memory_limit=memory_limit)
    if backend == "spark":
        return _spark_api(master=spark_master, threads=threads, driver_memory=spark_driver_memory)
    raise EngineError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def register_table(api: Any, table: pd.DataFrame, name: str) -> Any:
    """Register a linkage table with the engine; returns Splink's SplinkDataFrame.

    Tables travel as Arrow: it keeps nullable integers as integers, and Spark reads
    Arrow without going through its pandas conversion.
    """
    import pyarrow as pa

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    if api.sql_dialect.sql_dialect_str == "spark":
        return api.register(api.spark.createDataFrame(arrow), table_name=name)
    return api.register(arrow, table_name=name)


def query_frame(api: Any, sql: str) -> pd.DataFrame:
    """The result of `sql` on the engine as a pandas DataFrame (via Arrow)."""
    if api.sql_dialect.sql_dialect_str == "spark":
        frame: pd.DataFrame = api.spark.sql(sql).toArrow().to_pandas()
    else:
        frame = api.duckdb_con.sql(sql).arrow().read_all().to_pandas()
    return frame
