"""Load benchmark of POST /v1/chat: prints figures, asserts nothing (speed is measured here, never in tests).

Starts ``assistant serve`` (the real services from build_services, default offline configuration) on a
free 127.0.0.1 port, warms it up, then runs a bounded number of requests at 1, 8 and 32 concurrent
clients with a realistic mix: popular questions asked again and again (Zipf-like) and unique ones
that no cache has seen. Prints requests/s, p50/p95/p99 latency and errors per level, split by
popular/unique so the effect of the query cache shows; ``--server-env`` runs the same load with other
settings (e.g. the cache off) for a side-by-side comparison.

It first measures the embedding limit (the query embedding alone, in batches) in the same run and
prints, per level, the rate of unique answers and its ratio to that limit.

Usage:
  python bench/load_bench.py [--requests 400] [--levels 1,8,32] [--unique-share 0.3]
  python bench/load_bench.py --unique-share 1 --levels 8,32   # unique questions only: the ratio target
  python bench/load_bench.py --compare-cache     # second run with ASSISTANT_EMBEDDING__QUERY_CACHE_SIZE=0
  python bench/load_bench.py --url http://127.0.0.1:8000   # an already running server (loopback only)
  python bench/load_bench.py --soak 600 --no-limit   # 10-minute soak: resident memory of the server over time
  python bench/load_bench.py --baseline /tmp/base --rounds 2   # another checkout first, alternating, with ratios
  python bench/load_bench.py --compare-server-args "--workers 2" --compare-server-env \
      ASSISTANT_REDIS_URL=redis://127.0.0.1:6379/0 --compare-server-env ASSISTANT_EMBEDDING__LANES=1   # 1 vs 2 workers

On a machine shared with other work the rates follow the neighbours' load: compare setups within one run
(``--baseline``, ``--compare-*``, ``--rounds``) and read the ``cpu/ans`` column, the server's CPU time per
answer (every process of it), which moves much less.

The soak mode starts its own loopback server, runs the popular/unique mix at ``--soak-clients`` for the
given seconds (at most ``--soak-requests`` requests), samples the server's resident memory (VmRSS)
every ``--rss-every`` seconds and prints start, end and maximum RSS and the slope (MB per minute,
least squares) over the whole run and over its second half, when the bounded caches are full.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
from stats import percentiles

REPO = Path(__file__).resolve().parents[1]

# Popular questions, most frequent first (weights follow 1/rank).
POPULAR = [
    "Berapa bantuan PKH untuk anak SD?",
    "Kapan jadwal pencairan PKH?",
    "Apa syarat menjadi peserta PKH?",
    "Bagaimana cara cek status bansos?",
    "Apa itu DTSEN?",
    "Berapa bantuan PKH untuk ibu hamil?",
    "Apa itu Tamasya dari BKKBN?",
    "Berapa bantuan PKH untuk lansia?",
    "Kenapa nama saya hilang dari daftar penerima bansos?",
    "Petugas minta kode OTP supaya bantuan cair, benar tidak?",
    "Apa saja faktor risiko keluarga berisiko stunting?",
    "Bagaimana cara mendaftar bansos kalau belum terdata?",
]
TEMPLATES = [
    "Anak saya kelas {n} {school}, apakah dapat bantuan PKH di {place}?",
    "Ibu saya umur {age} tahun tinggal di {place}, bisa ikut program lansia apa saja?",
    "Saya hamil {n} bulan dan tinggal di {place}, bantuan apa yang bisa saya dapat?",
    "Kenapa bantuan PKH tahap {stage} belum cair di {place}?",
    "Bagaimana cara daftar DTSEN di {place} kalau KK baru dibuat {n} bulan lalu?",
    "Balita saya umur {n} bulan beratnya kurang, apakah termasuk risiko stunting di {place}?",
    "Apakah day care Tamasya ada di {place} untuk anak umur {n} tahun?",
]
PLACES = ["Bandung", "Garut", "Cirebon", "Tasikmalaya", "Bogor", "Sukabumi", "Cianjur", "Bekasi", "Depok",
          "Karawang", "Subang", "Indramayu", "Kuningan", "Majalengka", "Sumedang", "Purwakarta"]


def question_stream(rng: random.Random, unique_share: float):
    weights = [1 / (rank + 1) for rank in range(len(POPULAR))]
    serial = 0
    while True:
        if rng.random() < unique_share:
            serial += 1
            text = rng.choice(TEMPLATES).format(
                n=rng.randint(1, 9), school=rng.choice(["SD", "SMP", "SMA"]), age=rng.randint(60, 90),
                stage=rng.randint(1, 4), place=f"{rng.choice(PLACES)} RT {serial % 20 + 1}/{rng.randint(1, 15)}",
            )
            yield "unique", text
        else:
            yield "popular", rng.choices(POPULAR, weights)[0]


@dataclass
class LevelResult:
    concurrency: int
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"popular": [], "unique": []})
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def summary(self) -> dict[str, object]:
        every = self.latencies["popular"] + self.latencies["unique"]
        qs = (50, 95, 99)
        return {
            "concurrency": self.concurrency,
            "requests": self.ok + sum(self.errors.values()),
            "answers_per_s": round(self.ok / self.seconds, 1) if self.seconds else 0.0,
            "latency_ms": percentiles(every, qs, digits=1),
            "popular_ms": percentiles(self.latencies["popular"], qs, digits=1),
            "unique_ms": percentiles(self.latencies["unique"], qs, digits=1),
            "errors": dict(self.errors),
        }


async def run_level(url: str, concurrency: int, requests: int, max_seconds: float, unique_share: float,
                    seed: int) -> LevelResult:
    """One concurrency level. aiohttp drives the load: httpx's async client costs about 4 ms of CPU a
    request at 32 connections (measured here), which would compete with the server for the two cores."""
    rng = random.Random(seed)
    questions = question_stream(rng, unique_share)
    result = LevelResult(concurrency)
    remaining = requests
    deadline = time.monotonic() + max_seconds

    def count_error(name: str) -> None:
        result.errors[name] = result.errors.get(name, 0) + 1

    async def client_loop(post, worker: int) -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            kind, text = next(questions)
            body = {"message": text, "user_id": f"bench-{seed}-{worker}-{rng.randint(0, 49)}"}
            started = time.perf_counter()
            try:
                status, payload = await post(body)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, by type
                count_error(type(exc).__name__)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if status == 200 and "answer" in payload:
                result.latencies[kind].append(elapsed)
            else:
                count_error(str(status))

    try:
        import aiohttp
    except ImportError:  # pragma: no cover - fall back to httpx (heavier client)
        aiohttp = None
    started = time.perf_counter()
    if aiohttp is not None:
        connector = aiohttp.TCPConnector(limit=concurrency)
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(url, connector=connector, timeout=timeout) as session:

            async def post(body):
                async with session.post("/v1/chat", json=body) as r:
                    return r.status, await r.json(content_type=None)

            started = time.perf_counter()
            await asyncio.gather(*(client_loop(post, w) for w in range(concurrency)))
    else:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

            async def post(body):
                r = await client.post("/v1/chat", json=body)
                return r.status_code, r.json()

            started = time.perf_counter()
            await asyncio.gather(*(client_loop(post, w) for w in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(extra_env: dict[str, str], log_path: Path, server_args: list[str] | None = None,
                 tree: Path = REPO) -> tuple[subprocess.Popen, str]:
    """``assistant serve`` from the checkout ``tree`` (its src/ first on the path) on a free loopback port."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tree / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]),
        # The bench is one client address with many users; lift the per-client limits for it.
        "ASSISTANT_API__ANONYMOUS_RATE_PER_MINUTE": "100000000",
        "ASSISTANT_API__KEY_RATE_PER_MINUTE": "100000000",
        "ASSISTANT_LOG_LEVEL": "WARNING",
        **extra_env,
    }
    log = open(log_path, "w")  # noqa: SIM115 - the child writes to it until stopped
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         *(server_args or [])],
        cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600  # first start may build the index
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}; see {log_path}")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"server not ready after 600 s; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def warm_up(url: str) -> None:
    for text in POPULAR[:4] + ["Apa itu program lansia di Garut?"]:
        r = httpx.post(url + "/v1/chat", json={"message": text, "user_id": "bench-warmup"}, timeout=120)
        r.raise_for_status()


def _limit_of(encode, streams: int, seconds: float, batch: int, seed: int) -> float:
    """Queries/s of ``streams`` threads each encoding batches of ``batch`` never-seen questions."""
    import threading

    rng = random.Random(seed)
    stream = (text for kind, text in question_stream(rng, 1.0))
    lock = threading.Lock()
    done = 0
    started = time.perf_counter()

    def loop() -> None:
        nonlocal done
        while time.perf_counter() - started < seconds:
            with lock:
                texts = [next(stream) for _ in range(batch)]
            encode(texts)
            with lock:
                done += batch

    threads = [threading.Thread(target=loop) for _ in range(streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / (time.perf_counter() - started)


def embedding_limit(seconds: float = 6.0, batch: int = 32, seed: int = 99) -> tuple[float, dict[str, float]]:
    """Queries/s of the query embedding alone (no cache, never-seen questions, batches of ``batch``): the
    ceiling the service's unique-question rate is compared with. The best of three ways to use the cores,
    so a change of threading can never raise the ratio by lowering the limit: the configured lanes each
    encoding its own batch, one pass over every core, and one pass over every core with onnxruntime's
    default spinning threads (how the limit was measured before lanes existed)."""
    from assistant.adapters.onnx_export import OnnxEncoder
    from assistant.adapters.st_embedder import SentenceTransformerEmbedder
    from assistant.settings import Settings

    settings = Settings()
    embedder = SentenceTransformerEmbedder(settings.embedding, settings.models_dir)
    prompt = embedder.resolved.query_prompt
    embedder.embed_passages(["pemanasan model"])  # load outside the timed part
    lanes = embedder.batcher._lanes
    ways: dict[str, float] = {
        f"{lanes} lanes": _limit_of(lambda texts: embedder._encode(texts, prompt, batch, split=False), lanes,
                                    seconds, batch, seed),
    }
    onnx_dir = embedder.resolved.onnx_dir(settings.models_dir)
    if embedder.backend == "onnx":
        for name, spinning in (("1 pass, every core", False), ("1 pass, every core, spinning", True)):
            encoder = OnnxEncoder(onnx_dir, threads=0, lanes=1, spinning=spinning)
            ways[name] = _limit_of(lambda texts, e=encoder: e.encode(texts, prompt), 1, seconds, batch, seed)
    return max(ways.values()), ways


def texts_per_unique_question(samples: int = 2000, seed: int = 99) -> float:
    """How many texts the service embeds for one never-seen question of this bench: the question, and
    each asking clause the scope check judges separately (``assistant.rag.scope.judged_asks``)."""
    from assistant.rag.scope import judged_asks

    stream = question_stream(random.Random(seed), 1.0)
    return sum(len(judged_asks(next(stream)[1])) for _ in range(samples)) / samples


def bench(url: str, args: argparse.Namespace, label: str, pid: int | None = None,
          round_no: int = 0) -> list[dict[str, object]]:
    """Every level against ``url``; with the server's ``pid``, also its CPU time per answer (all its processes):
    on a machine shared with other work the rates move with the neighbours' load, the CPU an answer costs
    much less."""
    warm_up(url)
    rows = []
    print(f"\n== {label}: {url}  ({args.requests} requests per level, unique share {args.unique_share:.0%}, "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"{'clients':>7} {'req':>5} {'ans/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}   "
          f"{'popular p50/p95':>16} {'unique p50/p95':>16} {'unique/s':>8} {'/limit':>6} {'cpu/ans':>7}  errors")
    for level in args.levels:
        cpu_before = cpu_seconds(pid) if pid else 0.0
        res = asyncio.run(run_level(url, level, args.requests, args.max_seconds, args.unique_share,
                                    seed=args.seed + level + 1000 * round_no))
        s = res.summary()
        s["label"] = label
        s["server_cpu_ms_per_answer"] = round((cpu_seconds(pid) - cpu_before) * 1000 / res.ok, 2) if pid and res.ok else None
        unique_rate = len(res.latencies["unique"]) / res.seconds if res.seconds else 0.0
        s["unique_answers_per_s"] = round(unique_rate, 1)
        s["unique_to_limit"] = round(unique_rate / args.limit, 2) if args.limit else None
        rows.append(s)
        lat, pop, uni = s["latency_ms"], s["popular_ms"], s["unique_ms"]
        ratio = f"{s['unique_to_limit']:>6.2f}" if args.limit else f"{'-':>6}"
        print(f"{level:>7} {s['requests']:>5} {s['answers_per_s']:>7.1f} {lat['p50']:>7.1f} {lat['p95']:>7.1f} "
              f"{lat['p99']:>7.1f}   {pop['p50']:>7.1f}/{pop['p95']:<8.1f} {uni['p50']:>7.1f}/{uni['p95']:<8.1f}"
              f" {unique_rate:>8.1f} {ratio} {s['server_cpu_ms_per_answer'] or '-':>7}  {s['errors'] or 'none'}")
    return rows


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (the worker processes of ``serve --workers N``), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its worker processes, from /proc (Linux)."""
    total, found = 0.0, False
    for member in process_tree(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
                found = True
    if not found:
        raise SystemExit(f"no VmRSS for process {pid}")
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its worker processes so far, from /proc (Linux)."""
    total = 0.0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def slope_mb_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB per minute."""
    if len(samples) < 2:
        return 0.0
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    cov = sum((t - mean_t) * (m - mean_m) for t, m in samples)
    return cov / var * 60 if var else 0.0


async def _soak_run(url: str, pid: int, args: argparse.Namespace) -> tuple[LevelResult, list[tuple[float, float]]]:
    samples: list[tuple[float, float]] = []
    started = time.monotonic()
    load = asyncio.ensure_future(run_level(url, args.soak_clients, args.soak_requests, args.soak,
                                           args.unique_share, seed=args.seed))
    next_print = 0.0
    while not load.done():
        elapsed = time.monotonic() - started
        samples.append((elapsed, rss_mb(pid)))
        if elapsed >= next_print:
            print(f"  {elapsed:6.0f} s  RSS {samples[-1][1]:7.1f} MB  (load average {os.getloadavg()[0]:.1f})",
                  flush=True)
            next_print += 60
        await asyncio.wait([load], timeout=args.rss_every)
    samples.append((time.monotonic() - started, rss_mb(pid)))
    return load.result(), samples


def soak(args: argparse.Namespace, extra_env: dict[str, str]) -> dict[str, object]:
    """Bounded soak on a loopback server this run starts: resident memory sampled while the mix runs."""
    log_path = Path(tempfile.mkdtemp(prefix="load-bench-soak-")) / "server.log"
    proc, url = start_server(extra_env, log_path, shlex.split(args.server_args))
    try:
        warm_up(url)
        print(f"\n== soak: {args.soak:.0f} s (at most {args.soak_requests} requests), {args.soak_clients} clients, "
              f"unique share {args.unique_share:.0%}, RSS every {args.rss_every:.0f} s; server pid {proc.pid}, "
              f"log {log_path}")
        result, samples = asyncio.run(_soak_run(url, proc.pid, args))
    finally:
        stop_server(proc)
    summary = result.summary()
    second_half = [(t, m) for t, m in samples if t >= samples[-1][0] / 2]
    figures = {
        "label": "soak", "seconds": round(result.seconds, 1), "requests": summary["requests"],
        "answers_per_s": summary["answers_per_s"], "errors": summary["errors"],
        "rss_start_mb": round(samples[0][1], 1), "rss_end_mb": round(samples[-1][1], 1),
        "rss_max_mb": round(max(m for _, m in samples), 1),
        "slope_mb_per_min": round(slope_mb_per_min(samples), 3),
        "second_half_slope_mb_per_min": round(slope_mb_per_min(second_half), 3),
        "samples": len(samples),
    }
    print(f"soak: {figures['requests']} requests in {figures['seconds']} s ({figures['answers_per_s']} answers/s), "
          f"errors {figures['errors'] or 'none'}")
    print(f"RSS start {figures['rss_start_mb']} MB, end {figures['rss_end_mb']} MB, max {figures['rss_max_mb']} MB; "
          f"slope {figures['slope_mb_per_min']:+.3f} MB/min overall, "
          f"{figures['second_half_slope_mb_per_min']:+.3f} MB/min over the second half ({len(samples)} samples)")
    return figures


def run_with_server(args: argparse.Namespace, label: str, extra_env: dict[str, str], server_args: list[str],
                    tree: Path = REPO, round_no: int = 0) -> list[dict[str, object]]:
    log_path = Path(tempfile.mkdtemp(prefix="load-bench-")) / "server.log"
    started = time.perf_counter()
    proc, url = start_server(extra_env, log_path, server_args, tree)
    print(f"server ready in {time.perf_counter() - started:.1f} s (log: {log_path})")
    try:
        return bench(url, args, label, proc.pid, round_no)
    finally:
        stop_server(proc)


def print_ratios(rows: list[dict[str, object]]) -> None:
    """Medians of every setup over the rounds, and their ratios to the first setup, level by level."""
    import statistics

    setups = list(dict.fromkeys(str(r["label"]) for r in rows))
    if len(setups) < 2 and len(rows) <= len({r["concurrency"] for r in rows}):
        return
    print("\n== medians over the rounds (ratio to the first setup)")
    first: dict[object, tuple[float, float, float]] = {}
    for setup in setups:
        for level in dict.fromkeys(r["concurrency"] for r in rows):
            mine = [r for r in rows if r["label"] == setup and r["concurrency"] == level]
            rate = statistics.median(float(r["answers_per_s"]) for r in mine)  # type: ignore[arg-type]
            p95 = statistics.median(float(r["latency_ms"]["p95"]) for r in mine)  # type: ignore[index]
            cpus = [float(r["server_cpu_ms_per_answer"]) for r in mine if r.get("server_cpu_ms_per_answer")]
            cpu = statistics.median(cpus) if cpus else float("nan")
            base = first.setdefault(level, (rate, p95, cpu))
            print(f"{setup[:48]:<48} {level:>3} clients: {rate:7.1f} answers/s (x{rate / base[0]:.2f}), "
                  f"p95 {p95:7.1f} ms (x{p95 / base[1]:.2f}), {cpu:5.2f} ms CPU an answer (x{cpu / base[2]:.2f}), "
                  f"{len(mine)} run(s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400, help="Requests per concurrency level.")
    parser.add_argument("--levels", default="1,8,32", help="Comma-separated numbers of concurrent clients.")
    parser.add_argument("--unique-share", type=float, default=0.3, help="Share of never-seen questions.")
    parser.add_argument("--max-seconds", type=float, default=120, help="Time cap per level.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--url", help="Bench an already running server on loopback instead of starting one.")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="Extra environment for the started server (repeatable).")
    parser.add_argument("--server-args", default="", metavar="ARGS",
                        help='Extra arguments for `assistant serve`, e.g. "--workers 2" (with ASSISTANT_REDIS_URL).')
    parser.add_argument("--compare-cache", action="store_true",
                        help="Run a second time with the query-embedding cache off.")
    parser.add_argument("--compare-server-args", metavar="ARGS",
                        help="Run a second setup with these `assistant serve` arguments instead (e.g. \"--workers 2\").")
    parser.add_argument("--compare-server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="Environment of that second setup, on top of --server-env (repeatable).")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="Run the same load first on a server from this checkout of another revision "
                             "(e.g. made with `git worktree add /tmp/base main`), then on this one.")
    parser.add_argument("--rounds", type=int, default=1,
                        help="Repeat the setups this many times, alternating, and print medians and ratios.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    parser.add_argument("--no-limit", action="store_true", help="Skip measuring the embedding limit first.")
    parser.add_argument("--soak", type=float, metavar="SECONDS",
                        help="Soak mode: run the mix this long on a started server and track its resident memory.")
    parser.add_argument("--soak-clients", type=int, default=8, help="Concurrent clients during the soak.")
    parser.add_argument("--soak-requests", type=int, default=500_000, help="Request bound of the soak.")
    parser.add_argument("--rss-every", type=float, default=5.0, help="Seconds between RSS samples in the soak.")
    args = parser.parse_args()
    args.levels = [int(x) for x in args.levels.split(",") if x.strip()]
    args.limit = 0.0
    if not args.no_limit and not args.soak:
        # Measured in this run, on this machine, before the server starts, so the ratio compares like with like.
        args.limit, ways = embedding_limit()
        shown = ", ".join(f"{name} {rate:.1f}" for name, rate in ways.items())
        print(f"embedding limit: {args.limit:.1f} unique queries/s (model pass alone, batches of 32, "
              f"{os.cpu_count()} cores, best of: {shown}); the last columns compare the unique-answer rate with it")
        texts = texts_per_unique_question()
        print(f"a unique question here is {texts:.2f} query texts to embed (the scope check embeds each asking "
              f"clause that names no program too): unique answers can reach about {texts and 1 / texts:.2f} of the limit "
              f"(a little more, as clauses are shorter than questions)")

    rows: list[dict[str, object]] = []
    if args.soak:
        rows.append(soak(args, dict(item.split("=", 1) for item in args.server_env)))
    elif args.url:
        if urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("--url must point at a loopback server")
        rows += bench(args.url.rstrip("/"), args, "running server")
    else:
        extra = dict(item.split("=", 1) for item in args.server_env)
        serve_args = shlex.split(args.server_args)
        label = "this checkout" + (f" + {extra}" if extra else "") + (f" {args.server_args}" if serve_args else "")
        setups: list[tuple[str, dict[str, str], list[str], Path]] = [(label, extra, serve_args, REPO)]
        if args.baseline:
            setups.insert(0, (f"baseline {args.baseline}" + (f" + {extra}" if extra else ""), extra, serve_args,
                              args.baseline.resolve()))
        if args.compare_cache:
            setups.append(("query cache off", {**extra, "ASSISTANT_EMBEDDING__QUERY_CACHE_SIZE": "0"}, serve_args, REPO))
        if args.compare_server_args is not None or args.compare_server_env:
            other_env = {**extra, **dict(item.split("=", 1) for item in args.compare_server_env)}
            other_args = shlex.split(args.compare_server_args or "")
            setups.append((f"{args.compare_server_args or ''} {other_env}".strip(), other_env, other_args, REPO))
        for round_no in range(args.rounds):
            for setup_label, env, serve, tree in setups:
                rows += run_with_server(args, setup_label, env, serve, tree, round_no)
        print_ratios(rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2))
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
