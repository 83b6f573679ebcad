"""A linear probe on query vectors: how likely a question asks for something outside the guidelines.

``SemanticScope`` compares a question with a few dozen example asks, nearest neighbour against
nearest neighbour; e5-small puts every question that says "PKH" close to the guidelines' own
questions, so "duit pkh mending diputer di crypto?" or "formasi cpns kemensos kapan?" look in scope.
A logistic regression fitted on many labelled questions (the dev and core suites, the guidelines'
headings as in-scope asks, the out-of-scope family examples) weighs every direction of the vector
space instead, and learns which ones mark a task outside the assistant's role.

The probe reads the question through two encoders trained on different data, e5 and a second
sentence encoder (Google's USE, ``assistant.adapters.use_encoder``): its input is the two vectors
side by side. Each encoder misplaces some asks the other places well; together they flag about half
again as many out-of-scope asks at the same rate of false flags (bench/results/answer_quality_issue9.md).

The fitted weights are data (``scope_probe.json`` beside this module, written by
``bench/fit_scope_probe.py``) and belong to one pair of models (``probe_model_id``): with another
model the probe is off.
Fitting is Newton's method on the L2-regularised log-loss, in numpy: 896 weights (384 from e5, 512 from USE) need no library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROBE_PATH = Path(__file__).with_name("scope_probe.json")
# the probe of requests to misuse the aid system (someone else's data, hidden assets, bribes)
MISUSE_PROBE_PATH = Path(__file__).with_name("misuse_probe.json")


@dataclass(frozen=True)
class ScopeProbe:
    """Weights of a fitted probe, the centre its inputs are taken from, and its decision threshold."""

    model_id: str
    weights: np.ndarray
    bias: float
    centre: np.ndarray
    threshold: float

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """For each row of ``vectors``, the probability that it asks something out of scope."""
        logits = (np.asarray(vectors, dtype=np.float64) - self.centre) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def to_json(self) -> str:
        return json.dumps({
            "model_id": self.model_id, "threshold": self.threshold, "bias": self.bias,
            "weights": [round(float(w), 6) for w in self.weights],
            "centre": [round(float(c), 6) for c in self.centre],
        })

    @classmethod
    def from_json(cls, text: str) -> ScopeProbe:
        data = json.loads(text)
        return cls(data["model_id"], np.asarray(data["weights"], dtype=np.float64), float(data["bias"]),
                   np.asarray(data["centre"], dtype=np.float64), float(data["threshold"]))


def probe_model_id(embedder_id: str, encoder_id: str | None) -> str:
    """The id of the models a probe reads: the embedder's, and the second encoder's when there is one."""
    return embedder_id if encoder_id is None else f"{embedder_id}+{encoder_id}"


def probe_features(query_vectors: np.ndarray, encoded: np.ndarray | None) -> np.ndarray:
    """The probe's input rows: each question's query vector, then its second encoder's vector."""
    rows = np.asarray(query_vectors, dtype=np.float64)
    return rows if encoded is None else np.hstack([rows, np.asarray(encoded, dtype=np.float64)])


def load_probe(model_id: str, path: Path = PROBE_PATH) -> ScopeProbe | None:
    """The shipped probe when it was fitted for ``model_id``; None otherwise (the probe is then off)."""
    if not path.exists():
        return None
    probe = ScopeProbe.from_json(path.read_text(encoding="utf-8"))
    return probe if probe.model_id == model_id else None


def fit_weights(
    vectors: np.ndarray, labels: np.ndarray, l2: float, sample_weights: np.ndarray | None = None,
    iterations: int = 50,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Logistic-regression weights, bias and input centre by Newton's method (the bias is not penalised)."""
    x = np.asarray(vectors, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    centre = x.mean(axis=0)
    design = np.hstack([x - centre, np.ones((len(x), 1))])
    weights = np.ones(len(x)) if sample_weights is None else np.asarray(sample_weights, dtype=np.float64)
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    theta = np.zeros(design.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(design @ theta)))
        gradient = design.T @ (weights * (p - y)) + penalty * theta
        hessian = (design * (weights * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(theta)), gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1]), centre
