"""Measure the LLM post-check's support thresholds on an eval suite (prints figures; not a test).

    PYTHONPATH=src python bench/grounding_thresholds.py evals/core.jsonl [--limit N]

There is no language model here, so the claims are the extractive answers' sentences (what a
faithful model would say), each scored three ways with the post-check's own measures (share of
content words found in the passage, and e5 cosine of the sentence as a query to the passage):

- own: against the passage it quotes (a verbatim claim; the ceiling);
- other source: against the most similar passage of another document the suite lists as an expected
  source for the case (the same topic told by another document in other words; a proxy for a model's
  paraphrase that cites a different but valid passage; noisy, as that document may not state the fact);
- wrong: against the best-ranked retrieved passage from a document outside the expected sources (a
  plausible citation that does not back the claim).

For candidate thresholds it prints the share of "other source" claims kept and of "wrong" citations
rejected. Figures are from the checked-in index and the local e5 model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from assistant.rag.grounding import (
    GroundingThresholds,
    embedding_similarity,
    lexical_support,
    reply_sentences,
)
from assistant.rag.prompts import evidence
from assistant.services import build_services
from assistant.settings import Settings


def _percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    qs = statistics.quantiles(values, n=20, method="inclusive") if len(values) > 1 else [values[0]] * 19
    return (f"n={len(values):4d}  p5={qs[0]:.3f}  p25={qs[4]:.3f}  median={statistics.median(values):.3f}  "
            f"p75={qs[14]:.3f}  p95={qs[18]:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suite", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="Only the first N answerable cases.")
    args = parser.parse_args()
    services = build_services(Settings())
    knowledge = services.knowledge
    similarity = embedding_similarity(lambda: services.embedder)
    by_doc: dict[str, list] = {}
    for chunk in knowledge.retriever().chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    groups: dict[str, list[tuple[float, float]]] = {"own": [], "other source": [], "wrong": []}
    cases = [json.loads(line) for line in args.suite.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [c for c in cases if "question" in c and not c.get("should_refuse")]  # single-turn, answerable
    if args.limit:
        cases = cases[: args.limit]
    started = time.perf_counter()
    for case in cases:
        expected = set(case.get("expected_sources") or ())
        answer = knowledge.ask(case["question"], audience=case.get("audience", "citizen"))
        if answer.refused:
            continue
        cited = {c.n: knowledge.chunk(c.chunk_id) for c in answer.citations}
        hits = knowledge.search(case["question"], k=10)
        wrong = next((h.chunk for h in hits if h.chunk.doc_id not in expected), None)
        for sentence in reply_sentences(answer.text.split("\n\nCatatan:")[0]):
            numbers = [n for n in cited if f"[{n}]" in sentence]
            own = cited.get(numbers[0]) if numbers else None
            if own is None:
                continue
            claim = sentence.split(" [")[0]
            pairs = [("own", own)]
            others = [c for doc in expected - {own.doc_id} for c in by_doc.get(doc, [])]
            if others:
                best = max(others, key=lambda c: lexical_support(claim, [evidence(c)]))
                pairs.append(("other source", best))
            if wrong is not None:
                pairs.append(("wrong", wrong))
            for group, chunk in pairs:
                source = evidence(chunk)
                groups[group].append((lexical_support(claim, [source]), similarity(claim, [source])))
    elapsed = time.perf_counter() - started
    print(f"{len(cases)} answerable cases of {args.suite} in {elapsed:.0f} s")
    for group, values in groups.items():
        print(f"{group:13s} lexical  {_percentiles([v[0] for v in values])}")
        print(f"{'':13s} dense    {_percentiles([v[1] for v in values])}")
    default = GroundingThresholds()
    print("\nlexical  lex_floor  dense   other-source kept   wrong rejected")
    for lexical in (0.5, 0.6, 0.7):
        for floor in (0.2, 0.3, 0.4):
            for dense in (0.84, 0.86, 0.88):
                def passes(v: tuple[float, float], lexical=lexical, floor=floor, dense=dense) -> bool:
                    return v[0] >= lexical or (v[0] >= floor and v[1] >= dense)
                kept = sum(passes(v) for v in groups["other source"]) / max(1, len(groups["other source"]))
                rejected = sum(not passes(v) for v in groups["wrong"]) / max(1, len(groups["wrong"]))
                mark = "  <- default" if (lexical, floor, dense) == (default.lexical, default.lexical_floor,
                                                                      default.dense) else ""
                print(f"{lexical:7.2f}  {floor:9.2f}  {dense:5.2f}   {kept:17.3f}   {rejected:14.3f}{mark}")
    own_kept = sum(v[0] >= default.lexical for v in groups["own"]) / max(1, len(groups["own"]))
    print(f"\nverbatim claims kept at the default lexical threshold: {own_kept:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
