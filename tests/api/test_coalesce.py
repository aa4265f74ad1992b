"""App: the coalescer runs the requests that arrive in one event-loop turn as one batch."""

from __future__ import annotations

import asyncio

import pytest

from mockserver.api.coalesce import Coalescer


def test_requests_of_one_turn_form_one_batch_per_key_and_get_their_own_answers() -> None:
    seen: list[tuple[str, list[int]]] = []

    def run(key: str, items: list[int]) -> list[int | BaseException]:
        seen.append((key, items))
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]

    coalescer: Coalescer[int, int] = Coalescer(run)

    async def main() -> list[int | BaseException]:
        tasks = [coalescer.submit("q", i) for i in range(4)] + [coalescer.submit("other", 8)]
        return await asyncio.gather(*tasks, return_exceptions=True)

    answers = asyncio.run(main())
    assert seen == [("q", [0, 1, 2, 3]), ("other", [8])]
    assert answers[0] == 0 and answers[2] == 20 and answers[4] == 80
    assert [str(a) for a in (answers[1], answers[3])] == ["odd 1", "odd 3"]
    assert (coalescer.batches, coalescer.items) == (2, 5)


def test_a_lone_request_is_answered_in_the_next_turn_and_later_ones_form_new_batches() -> None:
    seen: list[list[int]] = []
    coalescer: Coalescer[int, int] = Coalescer(lambda key, items: seen.append(items) or list(items))

    async def main() -> None:
        assert await coalescer.submit("q", 1) == 1
        assert await coalescer.submit("q", 2) == 2

    asyncio.run(main())
    assert seen == [[1], [2]]


def test_a_full_batch_runs_at_once() -> None:
    seen: list[list[int]] = []
    coalescer: Coalescer[int, int] = Coalescer(lambda key, items: seen.append(items) or list(items), max_batch=3)

    async def main() -> list[int]:
        return await asyncio.gather(*(coalescer.submit("q", i) for i in range(7)))

    assert asyncio.run(main()) == list(range(7))
    assert seen == [[0, 1, 2], [3, 4, 5], [6]]


@pytest.mark.parametrize("runner_bug", ["raises", "short"])
def test_a_broken_runner_fails_every_request_of_its_batch(runner_bug: str) -> None:
    def run(key: str, items: list[int]) -> list[int | BaseException]:
        if runner_bug == "raises":
            raise KeyError("boom")
        return list(items[:-1])

    coalescer: Coalescer[int, int] = Coalescer(run)

    async def main() -> list[int | BaseException]:
        return await asyncio.gather(*(coalescer.submit("q", i) for i in range(3)), return_exceptions=True)

    answers = asyncio.run(main())
    assert all(isinstance(a, (KeyError, RuntimeError)) for a in answers), answers


def test_an_item_that_breaks_its_batch_fails_alone() -> None:
    runs: list[list[int]] = []

    def run(key: str, items: list[int]) -> list[int | BaseException]:
        runs.append(items)
        if 13 in items:
            raise RecursionError("deep")  # a bug of ours, raised for one item
        return [i * 10 for i in items]

    coalescer: Coalescer[int, int] = Coalescer(run)

    async def main() -> list[int | BaseException]:
        return await asyncio.gather(*(coalescer.submit("q", i) for i in range(17)), return_exceptions=True)

    answers = asyncio.run(main())
    assert isinstance(answers[13], RecursionError)
    assert [a for i, a in enumerate(answers) if i != 13] == [i * 10 for i in range(17) if i != 13]
    assert runs[0] == list(range(17)) and len(runs) == 18  # the batch, then each item alone


def test_heavy_batches_run_in_a_worker_thread_and_light_ones_inline() -> None:
    import threading

    threads: dict[str, str] = {}

    def run(key: str, items: list[int]) -> list[int | BaseException]:
        threads[key] = threading.current_thread().name
        return list(items)

    coalescer: Coalescer[int, int] = Coalescer(run, heavy=lambda key, items: key == "heavy")

    async def main() -> list[int]:
        return await asyncio.gather(coalescer.submit("heavy", 1), coalescer.submit("light", 2))

    assert asyncio.run(main()) == [1, 2]
    assert threads["light"] == threading.current_thread().name != threads["heavy"]
