"""trackprint.cluster: fingerprint a whole catalogue on a Dask cluster into a Parquet dataset.

    python -m trackprint.cluster --scheduler tcp://head:8786 --out /shared/fp /shared/music
    python -m trackprint.cluster --local 8 --out fp/ /music          # a cluster on this machine

    from trackprint.cluster import DaskExecutor, run
    with DaskExecutor("tcp://head:8786") as executor:
        summary = run(executor, ["/shared/music"], "/shared/fp")

Every worker needs this package (the same wheel as the driver), pyarrow and distributed, and
reads the files and the output folder at the same paths as the driver. docs/cluster.md has the
details; `trackprint import DIR` brings the dataset into a store.
"""

from .driver import RunError, Summary, run
from .executor import DaskExecutor, Executor
from .plan import InputError, read_manifest

__all__ = ["DaskExecutor", "Executor", "InputError", "RunError", "Summary", "read_manifest", "run"]
