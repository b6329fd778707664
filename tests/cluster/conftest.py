"""The cluster suite's inputs and processes: the corpus (TRACKPRINT_CORPUS, set by scripts/test),
the CLI (TRACKPRINT_BIN, set by ctest), and a real Dask scheduler and workers started as
processes of their own. Run by ctest's `cluster` entry through tests/python/run. Under CI=true a
missing input fails the suite instead of skipping it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DASK = Path(sys.executable).with_name("dask")  # the venv's own command line


def needed(name, what):
    value = os.environ.get(name)
    if not value or not Path(value).exists():
        message = f"{what}: set {name} (scripts/test and ctest do)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return Path(value)


@pytest.fixture(scope="session")
def corpus():
    return needed("TRACKPRINT_CORPUS", "needs the ci corpus")


@pytest.fixture(scope="session")
def cli():
    return needed("TRACKPRINT_BIN", "needs the trackprint CLI")


@pytest.fixture()
def cli_env():
    """The CLI's Parquet commands run this interpreter, which has the module and pyarrow."""
    return dict(os.environ, TRACKPRINT_PYTHON=sys.executable)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class Cluster:
    """A Dask scheduler and workers on 127.0.0.1, each a process with its log in `folder`."""

    def __init__(self, folder):
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.processes = {}

    def _start(self, name, args):
        log = open(self.folder / f"{name}.log", "wb")
        self.processes[name] = subprocess.Popen([str(DASK), *args], stdout=log, stderr=log,
                                                start_new_session=True)  # fmt: skip
        return self.processes[name]

    def start_scheduler(self):
        self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(self.scheduler_file)])  # fmt: skip
        wait_for(self.scheduler_file.exists, 60, "the scheduler file")

    def start_worker(self, name):
        # No nanny: a worker killed stays dead, so its batch must be finished by another.
        self._start(name, ["worker", "--scheduler-file", str(self.scheduler_file), "--name", name,
                           "--nthreads", "1", "--no-nanny", "--no-dashboard",
                           "--host", "127.0.0.1"])  # fmt: skip
        wait_for(lambda: b"Registered to" in self.log(name), 60, f"worker {name} to register")

    def log(self, name):
        return (self.folder / f"{name}.log").read_bytes()

    def kill(self, name):
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait()

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture()
def cluster(tmp_path):
    c = Cluster(tmp_path)
    c.start_scheduler()
    yield c
    c.stop()
