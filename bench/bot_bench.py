"""Telegram bot benchmark: prints figures, asserts nothing (speed is measured here, never in tests).

Runs the real python-telegram-bot Application (long polling) over the real in-process services (default
offline configuration: e5 ONNX, Chroma, SQLite registry) against the fake Bot API server on loopback.
1,000 distinct users: 10 % do a status check (/cek, NIK, then what the verification asks for), the
others ask one question, 70 % of them popular and 30 % unique. Users run ``--concurrency`` at a time;
each waits for the bot's reply before its next message, as a person does.

Prints updates handled per second, p50/p95/p99 from the update entering the Bot API queue to the
bot's sendMessage for it, per kind, and checks that no update was lost or answered twice.

Usage:
  python bench/bot_bench.py [--users 1000] [--concurrency 64] [--status-share 0.1] [--unique-share 0.3]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from bench.load_bench import question_stream  # noqa: E402

from tests.support.fake_telegram import Call, fake_bot_api  # noqa: E402
from tests.support.telegram_bot import TOKEN  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def prepare_data_dir(data: Path, households: int) -> list[tuple[str, str, str]]:
    """Model link, a copy of the built index, and a seeded registry; returns (NIK, KK) pairs to check."""
    from assistant.adapters.sql_registry import SqlRegistry
    from assistant.registry.seed import generate

    models = Path(os.environ.get("ASSISTANT_TEST_MODELS_DIR") or REPO / ".assistant" / "models").resolve()
    (data / "models").symlink_to(models, target_is_directory=True)
    built = REPO / ".assistant" / "chroma"
    if built.is_dir():
        shutil.copytree(built, data / "chroma")
    seeded = list(generate(households, seed=7))
    registry = SqlRegistry.sqlite(data / "registry.sqlite3")
    registry.add_households(seeded)
    registry.close()
    people = []
    for h in seeded:
        for m in h.members:
            if m.relation == "kepala_keluarga":
                people.append((m.nik, h.kk))
    return people


def plan_users(n: int, status_share: float, unique_share: float, people: list, seed: int) -> list[tuple[str, list]]:
    """Each user: a kind and the messages they send, one after the other."""
    rng = random.Random(seed)
    questions = question_stream(rng, unique_share)
    users = []
    for i in range(n):
        if rng.random() < status_share:
            nik, kk = people[i % len(people)]
            users.append(("status", ["/cek", nik, kk]))
        else:
            kind, text = next(questions)
            users.append((kind, [text]))
    return users


async def drive(api, users: list[tuple[str, list]], concurrency: int, timeout: float, base: int = 10_000_000) -> dict:
    loop = asyncio.get_running_loop()
    waiting: dict[int, asyncio.Future] = {}
    unexpected: list[int] = []
    latencies: dict[str, list[float]] = defaultdict(list)
    timeouts: Counter = Counter()
    verified: Counter = Counter()

    def arrived(call: Call) -> None:
        if call.method != "sendMessage":
            return
        chat_id = call.params["chat_id"]

        def resolve() -> None:
            future = waiting.pop(chat_id, None)
            if future is None or future.done():
                unexpected.append(chat_id)
            else:
                future.set_result((call.at, call.params.get("text", "")))

        loop.call_soon_threadsafe(resolve)

    api.on_call = arrived
    queue: asyncio.Queue = asyncio.Queue()
    for index, user in enumerate(users):
        queue.put_nowait((base + index, user))

    async def worker() -> None:
        while not queue.empty():
            chat_id, (kind, script) = queue.get_nowait()
            previous = ""
            for step, message in enumerate(script):
                text = message
                future = loop.create_future()
                waiting[chat_id] = future
                sent = time.perf_counter()
                api.send_text(chat_id, text)
                try:
                    at, previous = await asyncio.wait_for(future, timeout)
                except TimeoutError:
                    timeouts[kind] += 1
                    waiting.pop(chat_id, None)
                    break
                label = kind if kind != "status" else ("status_cek", "status_nik", "status_verify")[step]
                if label == "status_verify":
                    verified["verified" if "Hasil pemeriksaan" in previous else "other"] += 1
                latencies[label].append((at - sent) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await asyncio.sleep(1.0)  # late duplicates would arrive now
    return {"latencies": latencies, "elapsed": elapsed, "unexpected": unexpected, "timeouts": timeouts,
            "verified": verified}


def fake_side(conn, users: list[tuple[str, list]], concurrency: int, timeout: float) -> None:
    """The child process: the fake Bot API and the simulated users (so they do not share the bot's GIL)."""
    with fake_bot_api(TOKEN) as api:
        conn.send(api.base_url)
        conn.recv()  # the bot is polling
        asyncio.run(drive(api, [("warm", ["Apa itu PKH?"])] * 4, 4, timeout, base=90_000_000))
        with api._lock:
            api.calls.clear()
        result = asyncio.run(drive(api, users, concurrency, timeout))
        sent = Counter(c.params["chat_id"] for c in api.calls if c.method == "sendMessage")
        result["twice"] = sum(1 for chat_id, n in sent.items() if n > _expected_for(chat_id, users))
        result["deletes"] = len([c for c in api.calls if c.method == "deleteMessage"])
        result["get_updates"] = len([c for c in api.calls if c.method == "getUpdates"])
        result["latencies"] = dict(result["latencies"])
        conn.send(result)
        conn.recv()  # keep serving until the bot has stopped polling


class TimedConversation:
    """The service, with the wall time of each reply() kept (to split service time from bot overhead)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.reply_ms: list[float] = []

    def reply(self, **kwargs):
        started = time.perf_counter()
        try:
            return self.inner.reply(**kwargs)
        finally:
            self.reply_ms.append((time.perf_counter() - started) * 1000)

    def feedback(self, *args, **kwargs):
        return self.inner.feedback(*args, **kwargs)

    def forget(self, user_id: str) -> int:
        return self.inner.forget(user_id)


async def run_bot(services, conn, workers: int, pool: int) -> dict:
    """The bot in this process, long-polling the fake until the child reports its figures."""
    from assistant.settings import TelegramSettings
    from assistant.telegram.app import build_application, run_polling

    base_url = conn.recv()
    settings = TelegramSettings(token=TOKEN, base_url=base_url, worker_threads=workers, connection_pool_size=pool)
    timed = TimedConversation(services.conversation)
    application = build_application(services, settings, conversation=timed)
    stop = asyncio.Event()
    polling = asyncio.create_task(run_polling(application, stop))
    while not (application.updater and application.updater.running):
        await asyncio.sleep(0.05)
    conn.send("go")
    result = await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    stop.set()
    await polling
    conn.send("stopped")
    result["service_ms"] = timed.reply_ms[4:]  # without the warm-up questions
    return result


def main() -> None:
    from assistant.settings import TelegramSettings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16, help="Users in flight at once.")
    parser.add_argument("--status-share", type=float, default=0.1)
    parser.add_argument("--unique-share", type=float, default=0.3)
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds to wait for one reply.")
    parser.add_argument("--workers", type=int, default=TelegramSettings().worker_threads,
                        help="telegram.worker_threads (threads running conversation calls).")
    parser.add_argument("--pool", type=int, default=TelegramSettings().connection_pool_size,
                        help="telegram.connection_pool_size.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bot-bench-") as tmp:
        data = Path(tmp)
        people = prepare_data_dir(data, args.households)
        users = plan_users(args.users, args.status_share, args.unique_share, people, seed=1)
        # Fork the Bot API side before the model loads, so it starts small and shares nothing with the bot.
        ours, theirs = multiprocessing.get_context("fork").Pipe()
        child = multiprocessing.get_context("fork").Process(
            target=fake_side, args=(theirs, users, args.concurrency, args.timeout), daemon=True)
        child.start()
        load = os.getloadavg()[0]

        from assistant.services import build_services
        from assistant.settings import Settings

        services = build_services(Settings(_env_file=None, data_dir=data))
        services.ensure_index()
        services.warm_up()
        result = asyncio.run(run_bot(services, ours, args.workers, args.pool))
        result["load"] = load
        child.join(30)
        close = getattr(services, "close", None)
        if callable(close):
            close()
    report(args, users, result)


def report(args: argparse.Namespace, users: list[tuple[str, list]], result: dict) -> None:
    expected = sum(len(script) for _, script in users)
    answered = sum(len(v) for v in result["latencies"].values())
    all_latencies = [x for values in result["latencies"].values() for x in values]
    kinds = Counter(kind for kind, _ in users)
    print(f"bot_bench {datetime.now(UTC).isoformat(timespec='seconds')} on {os.cpu_count()} cores "
          f"({platform.processor() or platform.machine()}): real python-telegram-bot Application and services "
          "in one process, fake Bot API and users in another; load average before the run "
          f"{result['load']:.2f}")
    print(f"worker threads {args.workers}, Bot API connection pool {args.pool}")
    print(f"users {args.users} (popular {kinds['popular']}, unique {kinds['unique']}, status {kinds['status']}), "
          f"concurrency {args.concurrency}, updates sent {expected}")
    print(f"updates handled {answered} in {result['elapsed']:.1f} s = {answered / result['elapsed']:.1f} updates/s "
          f"(getUpdates calls {result['get_updates']})")
    print(f"update -> sendMessage  all: p50 {percentile(all_latencies, 50):.0f} ms, "
          f"p95 {percentile(all_latencies, 95):.0f} ms, p99 {percentile(all_latencies, 99):.0f} ms")
    service = result["service_ms"]
    print(f"  of which ConversationService.reply (in the bot's worker threads): p50 "
          f"{percentile(service, 50):.0f} ms, p95 {percentile(service, 95):.0f} ms")
    for label, values in sorted(result["latencies"].items()):
        print(f"  {label:<14} n={len(values):<5} p50 {statistics.median(values):.0f} ms, "
              f"p95 {percentile(values, 95):.0f} ms")
    print(f"lost (no reply within {args.timeout:.0f} s): {sum(result['timeouts'].values())}; "
          f"answered twice: {result['twice']}; unexpected sends: {len(result['unexpected'])}; "
          f"messages holding a NIK or KK deleted: {result['deletes']} (status checks send two); status checks completed with an "
          f"outcome: {result['verified']['verified']} of {kinds['status']}")


def _expected_for(chat_id: int, users: list[tuple[str, list]]) -> int:
    return len(users[chat_id - 10_000_000][1])


if __name__ == "__main__":
    main()
