"""The scope probe: a logistic regression on query vectors that flags out-of-scope questions."""

from __future__ import annotations

import numpy as np

from assistant.rag.scope import SemanticScope
from assistant.rag.scope_probe import (
    MISUSE_PROBE_PATH,
    PROBE_PATH,
    ScopeProbe,
    fit_weights,
    load_probe,
    probe_features,
    probe_model_id,
)
from tests.test_scope import FAMILIES, AxisEmbedder


def _two_clouds(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    inside = rng.normal(0.0, 0.3, (60, 4)) + [1, 0, 0, 0]
    outside = rng.normal(0.0, 0.3, (40, 4)) + [0, 1, 0, 0]
    return np.vstack([inside, outside]), np.array([0] * 60 + [1] * 40)


def test_fitting_separates_two_clouds_and_scores_new_points() -> None:
    vectors, labels = _two_clouds()
    weights, bias, centre = fit_weights(vectors, labels, l2=0.1)
    probe = ScopeProbe("m", weights, bias, centre, 0.5)
    assert ((probe.probabilities(vectors) >= 0.5) == labels.astype(bool)).mean() > 0.95
    fresh, fresh_labels = _two_clouds(seed=1)
    assert ((probe.probabilities(fresh) >= 0.5) == fresh_labels.astype(bool)).mean() > 0.9


def test_a_stronger_penalty_gives_smaller_weights() -> None:
    vectors, labels = _two_clouds()
    loose, _, _ = fit_weights(vectors, labels, l2=0.01)
    tight, _, _ = fit_weights(vectors, labels, l2=10.0)
    assert np.linalg.norm(tight) < np.linalg.norm(loose)


def test_the_probe_round_trips_and_belongs_to_one_model(tmp_path) -> None:
    probe = ScopeProbe("model-a", np.array([0.5, -1.0]), 0.25, np.array([0.1, 0.2]), 0.8)
    path = tmp_path / "probe.json"
    path.write_text(probe.to_json(), encoding="utf-8")
    loaded = load_probe("model-a", path)
    assert loaded is not None and loaded.threshold == 0.8
    assert np.allclose(loaded.probabilities(np.array([[1.0, 1.0]])), probe.probabilities(np.array([[1.0, 1.0]])))
    assert load_probe("model-b", path) is None  # fitted for another embedding model: off
    assert load_probe("model-a", tmp_path / "missing.json") is None


def test_the_shipped_probe_is_for_the_default_model_and_the_second_encoder() -> None:
    from assistant.adapters.use_encoder import DIMENSION, UniversalSentenceEncoder
    from assistant.settings import Settings

    probe = ScopeProbe.from_json(PROBE_PATH.read_text(encoding="utf-8"))
    assert probe.model_id.startswith(Settings().embedding.model)
    assert probe.model_id.endswith("+" + UniversalSentenceEncoder().model_id)
    assert 0.5 <= probe.threshold < 1 and probe.weights.shape == probe.centre.shape == (384 + DIMENSION,)


def test_the_shipped_misuse_probe_reads_the_same_two_encoders() -> None:
    scope = ScopeProbe.from_json(PROBE_PATH.read_text(encoding="utf-8"))
    misuse = ScopeProbe.from_json(MISUSE_PROBE_PATH.read_text(encoding="utf-8"))
    assert misuse.model_id == scope.model_id and misuse.weights.shape == scope.weights.shape
    assert 0.5 <= misuse.threshold < 1


def test_a_question_the_misuse_probe_flags_is_declined_as_misuse_and_the_scope_probe_comes_first() -> None:
    embedder = AxisEmbedder()
    encoded: list[str] = []

    def second(texts):  # one axis: whether the text asks for a neighbour's record
        encoded.extend(texts)
        return np.array([[float("tetangga" in t)] for t in texts])

    def probe_on(index: int) -> ScopeProbe:
        weights = np.zeros(9)
        weights[index] = 20.0
        return ScopeProbe("m+s", weights, -5.0, np.zeros(9), 0.9)

    judge = SemanticScope(embedder, ["syarat pkh?", "pkh anak?"], margin=1.5, families=FAMILIES,
                          probe=probe_on(5), probe_encoder=second, misuse_probe=probe_on(8))
    assert judge.judge("syarat pkh anak").family is None
    assert judge.judge("pkh anak tetangga").family == "misuse"
    assert judge.judge("pkh tentara tetangga").family in {"jobs", "general"}  # out of scope first
    # both probes read one pass of the second encoder per question
    assert encoded == ["syarat pkh anak", "pkh anak tetangga", "pkh tentara tetangga"]
    alone = SemanticScope(embedder, ["syarat pkh?"], margin=1.5, families=FAMILIES, probe_encoder=second,
                          misuse_probe=probe_on(8))
    assert alone.judge("pkh anak tetangga").family == "misuse"


def test_the_probe_reads_both_encoders_side_by_side() -> None:
    assert probe_model_id("e5", None) == "e5" and probe_model_id("e5", "use") == "e5+use"
    both = probe_features(np.array([[1.0, 0.0]]), np.array([[0.0, 0.5, 0.5]]))
    assert both.tolist() == [[1.0, 0.0, 0.0, 0.5, 0.5]]
    assert probe_features(np.array([[1.0, 0.0]]), None).tolist() == [[1.0, 0.0]]


def test_a_question_the_probe_flags_is_declined_with_the_nearest_family_or_the_general_one() -> None:
    embedder = AxisEmbedder()
    # a probe that flags any question on the "tentara" axis (index 5 of the toy space)
    weights = np.zeros(8)
    weights[5] = 20.0
    probe = ScopeProbe("m", weights, -5.0, np.zeros(8), 0.9)
    judge = SemanticScope(embedder, ["syarat pkh?", "pkh anak?"], margin=1.5, families=FAMILIES, probe=probe)
    assert judge.judge("syarat pkh").family is None
    flagged = judge.judge("pkh tentara")
    assert flagged.family in {"jobs", "general"} and flagged.ask == "pkh tentara"
    without = SemanticScope(embedder, ["syarat pkh?", "pkh anak?"], margin=1.5, families=FAMILIES)
    assert without.judge("pkh tentara").family is None


def test_a_probe_fitted_with_a_second_encoder_reads_the_whole_question_through_it() -> None:
    embedder = AxisEmbedder()
    encoded: list[str] = []

    def second(texts):  # one axis: whether the text mentions a loan
        encoded.extend(texts)
        return np.array([[float("pinjaman" in t)] for t in texts])

    weights = np.zeros(9)
    weights[8] = 20.0  # only the second encoder's feature counts
    probe = ScopeProbe("m+s", weights, -5.0, np.zeros(9), 0.9)
    judge = SemanticScope(embedder, ["syarat pkh?", "pkh anak?"], margin=1.5, families=FAMILIES, probe=probe,
                          probe_encoder=second)
    assert judge.judge("syarat pkh anak").family is None
    assert judge.judge("pinjaman pkh anak, syarat?").family is not None
    assert encoded == ["syarat pkh anak", "pinjaman pkh anak, syarat?"]  # the whole question, once each
