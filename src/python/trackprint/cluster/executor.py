"""Where batches run. The driver needs only what Executor names: submit a task under a key and
get a concurrent.futures.Future, how many tasks the cluster runs at once (for back-pressure),
whether a failure means the worker died (the batch is then split, see driver.py), and how many
batches of an earlier driver are still running. DaskExecutor is the one this package ships
(docs/cluster.md says why); another engine is a subclass of these few methods — for Ray,
`submit` is `ray.remote(fn).options(max_retries=3).remote(*args).future()`, `slots` the cluster's
CPU count, and a worker death `ray.exceptions.WorkerCrashedError`."""

import abc
import concurrent.futures


class Executor(abc.ABC):
    @abc.abstractmethod
    def submit(self, key, fn, *args) -> concurrent.futures.Future:
        """Runs fn(*args) on a worker; `key` names the task (unique within a run)."""

    @abc.abstractmethod
    def slots(self) -> int:
        """Tasks the cluster runs at once now (0 while it has no workers)."""

    @abc.abstractmethod
    def is_worker_death(self, error) -> bool:
        """True when `error`, raised by a future, means the task's workers kept dying."""

    def running_elsewhere(self, prefix) -> int:
        """Tasks whose key starts with `prefix` still running for a driver that is gone."""
        return 0

    def describe(self) -> str:
        return type(self).__name__

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _running_with_prefix(prefix, dask_worker=None):
    """Run on each Dask worker: keys of its tasks still executing, including those the scheduler
    has cancelled (a worker cannot interrupt a running task; it finishes it and drops the
    result, but a batch writes its part all the same)."""
    busy = ("executing", "long-running", "cancelled", "resumed")
    return [str(key) for key, ts in dask_worker.state.tasks.items()
            if ts.state in busy and str(key).startswith(prefix)]  # fmt: skip


class DaskExecutor(Executor):
    """Dask distributed: a scheduler at `address` (tcp://host:8786), one described by a
    scheduler file, or a local cluster of `local_workers` worker processes (one thread each)
    started here and stopped by close()."""

    def __init__(self, address=None, *, scheduler_file=None, local_workers=None):
        from distributed import Client, LocalCluster

        self._cluster = None
        if local_workers is not None:
            self._cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)  # fmt: skip
            self._client = Client(self._cluster)
        elif scheduler_file is not None:
            self._client = Client(scheduler_file=scheduler_file)
        else:
            self._client = Client(address)
        self._executor = self._client.get_executor(pure=False)

    def submit(self, key, fn, *args):
        return self._executor.submit(fn, *args, key=key)

    def slots(self):
        return sum(self._client.nthreads().values())

    def is_worker_death(self, error):
        from distributed import KilledWorker

        return isinstance(error, KilledWorker)

    def running_elsewhere(self, prefix):
        mine = {str(key) for key in self._client.futures}
        found = self._client.run(_running_with_prefix, prefix)
        return sum(1 for keys in found.values() for key in keys if key not in mine)

    def describe(self):
        return f"dask scheduler {self._client.scheduler.address}"

    def close(self):
        self._executor.shutdown(wait=False)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
