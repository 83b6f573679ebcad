"""Fit the scope probe or the misuse probe (``assistant.rag.scope_probe``) and write it beside the module.

    PYTHONPATH=src python bench/fit_scope_probe.py [--suites evals/dev.jsonl evals/core.jsonl]
    PYTHONPATH=src python bench/fit_scope_probe.py --task misuse

``--task misuse`` fits the misuse probe instead: the safety cases to decline (someone else's data or card,
help to hide assets or fake a document, a bribe) against every answerable question of dev, core and
dev_scope (scam and extortion reports among them, which must be answered), each read at its last turn;
no fixed examples. It may flag up to three answerable questions in cross-validation (of about 1,200,
the scope probe's one of 561 at the same rate).

Training data: every single-turn case of the tuning suites (dev and core; never test or test2)
except the safety cases (the dialogue layer's own checks decline those), labelled by ``should_refuse``; the guidelines' questions (the index headings that are questions) as
in-scope asks; the out-of-scope family examples as out-of-scope asks. Each is read by the configured
query encoder and by the second sentence encoder (``Services.probe_encoder``), side by side, so the
probe belongs to that pair of models. ``--single`` fits on the query encoder alone, for comparison.

The regularisation and the threshold are chosen by stratified 5-fold cross-validation on the suite
cases (headings and family examples stay in every training fold), over three shuffles: the
threshold is the lowest one at which the held-out folds wrongly flag at most ``--max-false`` of the
answerable questions per shuffle, so the probe adds declines without taking answers away.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

from assistant.evaluation.suite import load_suites
from assistant.rag.scope import question_headings
from assistant.rag.scope_families import OUT_OF_SCOPE_FAMILIES
from assistant.rag.scope_probe import (
    MISUSE_PROBE_PATH,
    PROBE_PATH,
    ScopeProbe,
    fit_weights,
    probe_features,
    probe_model_id,
)
from assistant.services import build_services
from assistant.settings import Settings

_L2 = (3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)  # unit vectors: their spread is small, so the penalty is too
_THRESHOLDS = (*(round(t, 2) for t in np.arange(0.5, 0.98, 0.01)), 0.98, 0.985, 0.99, 0.995)


def _folds(labels: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Stratified fold indices."""
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in (0, 1):
        members = [i for i, y in enumerate(labels) if y == label]
        rng.shuffle(members)
        for n, i in enumerate(members):
            folds[n % k].append(i)
    return [np.array(sorted(f)) for f in folds]


def _balanced(labels: np.ndarray) -> np.ndarray:
    positives = labels.sum()
    return np.where(labels == 1, len(labels) / (2 * positives), len(labels) / (2 * (len(labels) - positives)))


def _fit(vectors: np.ndarray, labels: np.ndarray, fixed: np.ndarray, fixed_labels: np.ndarray, l2: float):
    x = np.vstack([vectors, fixed])
    y = np.concatenate([labels, fixed_labels])
    return fit_weights(x, y, l2, _balanced(y))


def _cross_validated(vectors, labels, fixed, fixed_labels, l2: float, seed: int) -> np.ndarray:
    probabilities = np.zeros(len(labels))
    for held in _folds(labels, 5, seed):
        train = np.setdiff1d(np.arange(len(labels)), held)
        weights, bias, centre = _fit(vectors[train], labels[train], fixed, fixed_labels, l2)
        probabilities[held] = 1 / (1 + np.exp(-((vectors[held] - centre) @ weights + bias)))
    return probabilities


def _scope_data(suites: list[str], headings: list[str]) -> tuple[list, list[str], np.ndarray]:
    """Single-turn cases but safety ones, and the guidelines' headings and the family examples as fixed data.

    Safety cases (scams, injections, someone else's data) have their own checks (the dialogue layer's
    and the misuse probe); the scope probe learns what lies outside the assistant's role.
    """
    cases = [c for c in load_suites(suites) if len(c.turns) == 1 and c.question_type != "safety"]
    examples = [e for family in OUT_OF_SCOPE_FAMILIES for e in family.examples]
    return cases, [*headings, *examples], np.array([0] * len(headings) + [1] * len(examples))


def _misuse_data(suites: list[str]) -> tuple[list, list[str], np.ndarray]:
    """Safety cases to decline, and every answerable case; no fixed examples."""
    cases = [c for c in load_suites(suites) if not c.should_refuse or c.question_type == "safety"]
    return cases, [], np.zeros(0, dtype=int)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=("scope", "misuse"), default="scope")
    parser.add_argument("--suites", nargs="+")
    parser.add_argument("--max-false", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--single", action="store_true", help="the query encoder alone, without the second encoder")
    args = parser.parse_args()
    misuse = args.task == "misuse"
    args.suites = args.suites or ["evals/dev.jsonl", "evals/core.jsonl", *(["evals/dev_scope.jsonl"] if misuse else [])]
    args.max_false = args.max_false if args.max_false is not None else (3 if misuse else 1)
    args.out = args.out or (MISUSE_PROBE_PATH if misuse else PROBE_PATH)
    if any("test" in Path(s).name for s in args.suites):
        print("held-out suites (test, test2) are never fitted on", file=sys.stderr)
        return 2

    services = build_services(Settings())
    services.ensure_index()
    knowledge = services.knowledge
    encoder = None if args.single else services.probe_encoder

    def embed(texts: list[str]) -> np.ndarray:
        return probe_features(services.embedder.embed_queries(texts), None if encoder is None else encoder.encode(texts))

    if misuse:
        cases, fixed_texts, fixed_labels = _misuse_data(args.suites)
    else:
        cases, fixed_texts, fixed_labels = _scope_data(args.suites, question_headings(knowledge.retriever().chunks))
    labels = np.array([1 if c.should_refuse else 0 for c in cases])
    vectors = embed([c.turns[-1] for c in cases])
    fixed = embed(fixed_texts) if fixed_texts else np.zeros((0, vectors.shape[1]))
    print(f"{len(cases)} suite questions ({labels.sum()} to decline), {len(fixed_texts)} fixed examples "
          f"({fixed_labels.sum()} to decline); {vectors.shape[1]} features")

    best: tuple[int, float, float] | None = None  # (caught, l2, threshold)
    for l2 in _L2:
        runs = [_cross_validated(vectors, labels, fixed, fixed_labels, l2, seed) for seed in (0, 1, 2)]
        for threshold in _THRESHOLDS:
            false = max(int(((p >= threshold) & (labels == 0)).sum()) for p in runs)
            caught = min(int(((p >= threshold) & (labels == 1)).sum()) for p in runs)
            if false <= args.max_false:
                print(f"l2 {l2}: threshold {threshold:.3f} flags {caught}/{labels.sum()} to decline and "
                      f"{false}/{(labels == 0).sum()} answerable (worst of 3 shuffles, held-out folds)")
                if best is None or caught > best[0]:
                    best = (caught, l2, threshold)
                break
    if best is None:
        print("no threshold keeps the answerable questions", file=sys.stderr)
        return 1
    _, l2, threshold = best
    weights, bias, centre = _fit(vectors, labels, fixed, fixed_labels, l2)
    model_id = probe_model_id(services.embedder.model_id, None if encoder is None else encoder.model_id)
    probe = ScopeProbe(model_id, weights, bias, centre, threshold)
    args.out.write_text(probe.to_json() + "\n", encoding="utf-8")
    print(f"chosen: l2 {l2}, threshold {threshold:.3f}; models {model_id}; written to {args.out}")
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
