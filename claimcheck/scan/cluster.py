"""``claimcheck scan --dask ADDRESS|local[:N]``: the chunks of a scan checked on a Dask cluster.

Only the executor changes (``scanner._run_pool`` takes this in place of the
process pool): the client reads the inputs, skips unchanged pages and is the
one writer of the store, as with ``--workers``; each chunk goes to
``claimcheck.scan.worker.check_pages`` on a Dask worker, so a page gets the
same findings wherever it runs. A worker plugin builds the rule pack and the
pipeline once per worker process, with the client's rule folders and learned
model, as the pool's initializer does; ``check_chunk`` checks that the worker
was built for this scan (another scan on the same cluster may have asked for
other rules) before it checks anything.

This module imports ``distributed``; nothing imports it unless ``--dask`` is given.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib.util
import logging
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from distributed import Client, LocalCluster, WorkerPlugin, as_completed
from distributed.scheduler import KilledWorker

from claimcheck.extract.learned import SHIPPED_MODEL
from claimcheck.pack.rulepack import PackChoice
from claimcheck.scan.scanner import ClusterError, dask_target
from claimcheck.scan.partitioned import TaskResult, scan_task, task_failure
from claimcheck.scan.tasks import InputTask
from claimcheck.scan.worker import PageOutcome, PageTask, check_pages, init_worker

PLUGIN_NAME = "claimcheck-scan"
# The model shipped inside claimcheck: each worker uses its own installed copy, which
# need not be at the client's path.
SHIPPED = "(shipped)"
START_TIMEOUT = 60  # seconds to reach a scheduler, and for a first worker to join it

_lock = threading.RLock()
_built_for: tuple | None = None  # (pack choice, model) of the pipeline this process holds
builds = 0  # pipelines this process has built (one per worker per scan setup; a test reads it)


def prepare(setup: tuple) -> None:
    """Build the pipeline for ``setup`` unless this worker process already holds it."""
    global _built_for, builds
    with _lock:
        if _built_for != setup:
            pack_choice, model = setup
            init_worker(pack_choice, str(SHIPPED_MODEL) if model == SHIPPED else model)
            _built_for = setup
            builds += 1


def check_chunk(tasks: list[PageTask], setup: tuple) -> list[PageOutcome]:
    """The Dask task: ``check_pages`` on a worker built for ``setup``. One chunk at a
    time per process, should the worker run several threads (the pipeline is shared)."""
    prepare(setup)
    with _lock:
        return check_pages(tasks)


def check_input_task(task: InputTask, arguments: tuple, setup: tuple) -> TaskResult:
    """The Dask task of a partitioned scan (``--out``): read, check and write one input task."""
    prepare(setup)
    with _lock:
        return scan_task(task, *arguments)


class ScanPlugin(WorkerPlugin):
    """Builds the pipeline when a worker starts (or joins later), off the event loop."""

    def __init__(self, setup: tuple):
        self.pipeline = setup

    async def setup(self, worker) -> None:
        await asyncio.get_running_loop().run_in_executor(None, prepare, self.pipeline)


@contextlib.contextmanager
def _forked_workers(setup: tuple):
    """A local cluster's workers forked from this process once it holds the pipeline, where
    processes can be forked: each then starts with spaCy imported and the pipeline built (the
    plugin finds it built), instead of a fresh interpreter importing and building everything,
    seconds of each worker's start on every scan. Elsewhere Dask's default (spawn) stays."""
    import dask

    from claimcheck.project.parallel import can_fork

    if not can_fork():
        yield
        return
    prepare(setup)
    # The pipeline lives as long as the workers: out of the collector's sight, a worker's
    # collections walk only what its tasks make (runtime/collector.py does the same in check).
    gc.freeze()
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        yield


class DaskWorkers:
    """The interface of ``scanner._Workers`` (submit, restart, close, slots, broken) on Dask."""

    # A chunk whose workers died ``distributed.scheduler.allowed-failures`` times (3).
    broken = (KilledWorker,)

    def __init__(self, target: str, pack_choice: PackChoice, model: str | None, workers: int | None = None,
                 on_message: Callable[[str], None] = lambda line: None):
        kind, value = dask_target(target, workers)
        if model is not None and Path(model).resolve() == SHIPPED_MODEL.resolve():
            model = SHIPPED
        self.setup = (pack_choice, model)
        self.cluster = self.client = None
        self.local = kind == "local"
        try:
            if self.local:
                # A free port: two scans (or a scan and a notebook) must not fight over 8787. Its
                # logs are silenced up to ERROR: a worker whose heartbeat meets the scheduler
                # closing at the end logs a traceback; a task's own errors come back through its future.
                with _forked_workers(self.setup):
                    self.cluster = LocalCluster(n_workers=value, threads_per_worker=1, processes=True,
                                                host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                                silence_logs=logging.CRITICAL)
                self.client = Client(self.cluster)
            else:
                self.client = Client(value, timeout=START_TIMEOUT)
                self.client.wait_for_workers(1, timeout=START_TIMEOUT)
            self.client.register_plugin(ScanPlugin(self.setup), name=PLUGIN_NAME)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = f"a local cluster of {value} workers" if self.local else f"the Dask scheduler at {value}"
            raise ClusterError(f"claimcheck scan: cannot use {where}: {exc or type(exc).__name__}") from None
        nthreads = self.client.nthreads()
        self.slots = max(1, sum(nthreads.values()))
        plural = "s" if len(nthreads) != 1 else ""
        on_message(f"claimcheck scan: Dask, {len(nthreads)} worker{plural} ({self.slots} threads) at "
                   f"{self.client.scheduler.address}; dashboard: {self.dashboard()}")

    def dashboard(self) -> str:
        services = self.client.scheduler_info().get("services", {})
        if "dashboard" not in services:
            return "off"
        if self.local and importlib.util.find_spec("bokeh") is None:
            return f"{self.client.dashboard_link} (its pages need bokeh: pip install bokeh)"
        return self.client.dashboard_link

    def submit(self, tasks: list[PageTask]):
        return self.client.submit(check_chunk, tasks, self.setup, pure=False)

    def restart(self) -> None:
        """Nothing to do: Dask replaces dead workers itself."""

    def run_tasks(self, tasks: list[InputTask], arguments: tuple, finished: Callable[[TaskResult], None],
                  failed: Callable[[InputTask, str], None]) -> None:
        """Input tasks of a partitioned scan, all submitted at once (a task is a few names and
        numbers; Dask schedules them), results as they come. A task whose worker died is
        rerun by Dask; one that killed ``allowed-failures`` workers, or raised, fails alone."""
        futures = {self.client.submit(check_input_task, task, arguments, self.setup, pure=False,
                                      key=f"claimcheck-{task.name}-{uuid.uuid4().hex[:8]}"): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                finished(future.result())
            except KilledWorker:
                failed(task, "the workers checking it died (a crash in native code, or out of memory)")
            except Exception as exc:  # noqa: BLE001 - one task fails, not the scan
                failed(task, task_failure(exc))
            finally:
                future.release()

    def close(self) -> None:
        if self.client is not None:
            if not self.local:
                try:  # workers joining the scheduler later need not build this scan's pipeline
                    self.client.unregister_worker_plugin(PLUGIN_NAME)
                except Exception:  # noqa: BLE001 - a scheduler gone already has no plugins to drop
                    pass
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
