"""App: concurrent requests for a batchable read (`query`) coalesced into one store call.

A `query` is one pass over the collection's float32 matrix, and that pass is bound by memory
bandwidth: for 8 query vectors or more one BLAS matrix-matrix product costs about what 2-3
matrix-vector products do. So when several queries are in flight at once (a client pool, a
frontend firing requests in parallel), the app does not answer each at once: a request joins the
pending batch of its operation and waits; the batch is answered one event-loop turn later, by the
operation's batch handler, with whatever requests arrived in the meantime. Each request still gets
its own answer or error, computed as if it were alone; a single request waits only that one turn.
An exception that escapes the batch handler fails no one else: the batch is then run again one
request at a time, so only the request that raises gets the error. A batch the app calls heavy
(`heavy`: hundreds of query vectors over a large collection) runs in a worker thread, so the
event loop keeps answering other requests (heartbeats, journal, requests on other state) meanwhile;
small batches run inline, as a thread hop would cost a single query more than it saves.

Reads only: a batch holds the store lock for its whole run, so it sees one state, and a write
that arrived while a query waited is a concurrent request (either order is a valid answer).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Answer = TypeVar("Answer")

#: a batch runner: one answer (or the exception to raise) per item, in order
Runner = Callable[[str, list[Item]], list[Answer | BaseException]]


class Coalescer(Generic[Item, Answer]):
    """Collects items per key during one event-loop turn and runs them as one batch."""

    def __init__(
        self, run: Runner[Item, Answer], max_batch: int = 64, heavy: Callable[[str, list[Item]], bool] | None = None
    ) -> None:
        self._run = run
        self._max_batch = max_batch
        self._heavy = heavy  # whether a batch is worth a worker thread (the event loop stays free)
        self._pending: dict[str, list[tuple[Item, asyncio.Future[Answer]]]] = {}
        self.batches = 0  # batches run, and ...
        self.items = 0  # ... the items in them (items / batches: the mean batch size)

    async def submit(self, key: str, item: Item) -> Answer:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()
        pending = self._pending.setdefault(key, [])
        pending.append((item, future))
        if len(pending) == 1:
            loop.call_soon(self._flush, key)
        elif len(pending) >= self._max_batch:
            self._flush(key)
        return await future

    def _flush(self, key: str) -> None:
        batch = self._pending.pop(key, None)
        if not batch:
            return  # already run when it reached max_batch
        self.batches += 1
        self.items += len(batch)
        items = [item for item, _ in batch]
        if self._heavy is not None and self._heavy(key, items):
            try:
                work = asyncio.get_running_loop().run_in_executor(None, self._each_answered, key, items)
            except RuntimeError:  # the executor is shutting down: answer here
                self._settle(batch, self._each_answered(key, items))
                return
            work.add_done_callback(lambda done: self._settle(batch, _outcome(done, len(items))))
        else:
            self._settle(batch, self._each_answered(key, items))

    def _each_answered(self, key: str, items: list[Item]) -> list[Answer | BaseException]:
        try:
            return self._answers(key, items)
        except Exception:  # noqa: BLE001 - one item broke the batch: each item runs alone, so it fails alone
            return [self._alone(key, item) for item in items]

    @staticmethod
    def _settle(batch: list[tuple[Item, asyncio.Future[Answer]]], answers: list[Answer | BaseException]) -> None:
        for (_, future), answer in zip(batch, answers, strict=True):
            if future.cancelled():
                continue  # the client went away
            if isinstance(answer, BaseException):
                future.set_exception(answer)
            else:
                future.set_result(answer)

    def _answers(self, key: str, items: list[Item]) -> list[Answer | BaseException]:
        answers = self._run(key, items)
        if len(answers) != len(items):
            raise RuntimeError(f"batch runner for {key} gave {len(answers)} answers for {len(items)} items")
        return answers

    def _alone(self, key: str, item: Item) -> Answer | BaseException:
        try:
            return self._answers(key, [item])[0]
        except Exception as exc:  # noqa: BLE001 - a bug of ours: this request reports it
            return exc


def _outcome(done: asyncio.Future[list[Answer | BaseException]], count: int) -> list[Answer | BaseException]:
    """A worker thread's answers, or what stopped it as every item's answer (never left unanswered)."""
    if done.cancelled():
        return [asyncio.CancelledError()] * count
    error = done.exception()
    return [error] * count if error is not None else done.result()
