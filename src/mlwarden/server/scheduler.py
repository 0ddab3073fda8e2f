"""One pending check per document, debounced, off the event loop.

``request(key, delay)`` says "this document changed". Each document has at
most one driver task: it waits until ``delay`` has passed since the last
request, takes a snapshot, runs the check on the worker executor and hands
the result to ``publish``. A request that arrives while a check runs makes
that check's result stale: it is dropped and the driver checks again with
the newest text. Checks never run on the event loop, so the editor's
requests (hover, code actions, new edits) are answered meanwhile.

The engine runs on one worker thread: checks are CPU-bound Python (a second
thread would only share the GIL), and detect-secrets keeps process-global
settings that two concurrent scans would trample.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from typing import Any, Callable, Dict, Optional, Set


class Scheduler:
    def __init__(
        self,
        executor: Executor,
        job_for: Callable[[str], Optional[Callable[[], Any]]],
        publish: Callable[[str, Any], None],
        on_drop: Optional[Callable[[str], None]] = None,
        on_start: Optional[Callable[[str], None]] = None,
    ) -> None:
        """``job_for(key)``: the check to run for the document's current
        state (a callable for the executor), or None once it is closed.
        ``publish(key, result)`` runs on the event loop with a fresh result."""
        self._executor = executor
        self._job_for = job_for
        self._publish = publish
        self._on_drop = on_drop
        self._on_start = on_start
        self._generation: Dict[str, int] = {}
        self._due: Dict[str, float] = {}
        self._tasks: Dict[str, "asyncio.Task[None]"] = {}
        #: driver tasks whose check runs on the executor (the others only wait)
        self._checking: Set["asyncio.Task[None]"] = set()

    def request(self, key: str, delay: float = 0.0) -> None:
        """Check ``key`` once ``delay`` seconds pass without another request."""
        loop = asyncio.get_running_loop()
        self._generation[key] = self._generation.get(key, 0) + 1
        due = loop.time() + max(delay, 0.0)
        self._due[key] = due
        task = self._tasks.get(key)
        if task is not None and not task.done():
            if task not in self._checking:
                task.cancel()  # still debouncing: restart the wait (a save does not wait for a keystroke's delay)
            else:
                return  # checking: its result is stale now, the driver goes round again
        self._tasks[key] = loop.create_task(self._drive(key))

    def forget(self, key: str) -> None:
        """The document closed: a running check's result is dropped."""
        self._generation[key] = self._generation.get(key, 0) + 1
        task = self._tasks.pop(key, None)
        if task is not None and task not in self._checking:
            task.cancel()
        self._due.pop(key, None)

    def pending(self, key: str) -> bool:
        task = self._tasks.get(key)
        return task is not None and not task.done()

    async def run_job(self, job: Callable[[], Any]) -> Any:
        """Run another engine job (fix all) on the worker, in turn with checks."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, job)

    async def _drive(self, key: str) -> None:
        loop = asyncio.get_running_loop()
        me = asyncio.current_task()
        while True:
            while True:
                wait = self._due.get(key, 0.0) - loop.time()
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            generation = self._generation.get(key)
            job = self._job_for(key)
            if job is None:
                return
            if self._on_start is not None:
                self._on_start(key)
            self._checking.add(me)  # type: ignore[arg-type]
            try:
                result = await loop.run_in_executor(self._executor, job)
            finally:
                self._checking.discard(me)  # type: ignore[arg-type]
            if self._generation.get(key) != generation:
                if self._on_drop is not None:
                    self._on_drop(key)
                if key not in self._due:  # closed meanwhile
                    return
                continue
            self._publish(key, result)
            return
