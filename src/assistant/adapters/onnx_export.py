"""Export a sentence-transformers model (BERT-like, mean pooling) to one ONNX graph, and run it.

Why: on a 2-core server the query embedding dominates the cost of an answer, and about half of a
PyTorch pass is Python overhead that holds the GIL, so concurrent requests queue behind it. The same
network in onnxruntime runs in native code (GIL released), about twice as fast for a short query,
and produces the same vectors (cosine > 0.9999, checked by the tests). The export is made once by
`assistant models prepare` and stored beside the model; without it the embedder uses PyTorch.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from assistant.adapters.folders import build_aside
from assistant.errors import ModelUnavailableError

ONNX_FILE = "model.onnx"
META_FILE = "assistant_onnx.json"
# What one more model pass costs, in padded token rows (e5-small on one thread, measured on the 2-core
# server: 8 queries of 9 tokens took 37 ms, of 22 tokens 88 ms, one of 9 tokens 10 ms: ~0.44 ms a row,
# ~6 ms a pass).
PASS_OVERHEAD_TOKENS = 14


def length_groups(lengths: Sequence[int], overhead: int = PASS_OVERHEAD_TOKENS) -> list[list[int]]:
    """Indices of a batch cut into passes of texts of similar length, at the least total cost.

    A pass pads every text to its longest one, and a padded row costs as much as a real one: a short
    clause in a pass of long questions costs as much as a question. Sorted by length, the batch is cut
    where the padding saved outweighs the cost of one more pass (``overhead`` token rows).
    """
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    best = [0] + [math.inf] * len(order)
    cut = [0] * (len(order) + 1)
    for end in range(1, len(order) + 1):
        width = lengths[order[end - 1]]
        for start in range(end):
            cost = best[start] + overhead + (end - start) * width
            if cost < best[end]:
                best[end], cut[end] = cost, start
    groups: list[list[int]] = []
    end = len(order)
    while end:
        groups.append(order[cut[end] : end])
        end = cut[end]
    return groups[::-1]


def _pooling(model_dir: Path) -> tuple[bool, int]:
    """(normalize?, max_seq_length) of a sentence-transformers folder; only mean pooling is exported."""
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"]:
        raise ModelUnavailableError(f"Model {model_dir.name} tidak bisa diekspor ke ONNX (modul: {kinds}).")
    pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    if not pooling.get("pooling_mode_mean_tokens"):
        raise ModelUnavailableError(f"Model {model_dir.name} tidak memakai mean pooling; ekspor ONNX dilewati.")
    config_path = model_dir / "sentence_bert_config.json"
    max_len = json.loads(config_path.read_text(encoding="utf-8")).get("max_seq_length", 512) if config_path.exists() else 512
    return "Normalize" in kinds, int(max_len)


def export_onnx(model_dir: Path, out_dir: Path) -> Path:
    """Write ``out_dir`` (model.onnx, tokenizer.json, metadata) atomically: built aside, then renamed."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    normalize, max_len = _pooling(model_dir)
    bert = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1) if normalize else pooled

    with build_aside(out_dir, prefix=".onnx-") as work:
        # A padded batch as the example, so the traced graph keeps the attention-mask path.
        ids = torch.tensor([[0, 10, 11, 12, 2], [0, 10, 2, 1, 1]])
        mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter about Python bools in transformers' masking code
            torch.onnx.export(
                MeanPooled().eval(), (ids, mask), str(work / ONNX_FILE),
                input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                              "embedding": {0: "batch"}},
                opset_version=17, dynamo=False,
            )
        shutil.copy(model_dir / "tokenizer.json", work / "tokenizer.json")
        (work / META_FILE).write_text(json.dumps({"source": str(model_dir), "max_seq_length": max_len}), "utf-8")
    return out_dir


class OnnxEncoder:
    """Tokenise with the model's own tokenizer.json and run the exported graph in onnxruntime.

    Args:
        onnx_dir: the folder ``export_onnx`` wrote.
        threads: threads of one model pass (0: the cores divided among the lanes).
        lanes: model passes meant to run at once (the session is shared; onnxruntime allows
            concurrent runs). ``encode_split`` spreads one large batch over them.
        spinning: let idle intra-op threads busy-wait (onnxruntime's default; benchmarks compare it).
    """

    def __init__(self, onnx_dir: Path, threads: int = 0, lanes: int = 1, *, spinning: bool = False) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        meta = json.loads((onnx_dir / META_FILE).read_text(encoding="utf-8"))
        self._tokenizer = Tokenizer.from_file(str(onnx_dir / "tokenizer.json"))
        pad_token = next((t for t in ("<pad>", "[PAD]") if self._tokenizer.token_to_id(t) is not None), None)
        self._pad_id = self._tokenizer.token_to_id(pad_token) if pad_token else 0
        self._tokenizer.no_padding()  # padded per pass, to the pass's longest text (see length_groups)
        self._tokenizer.enable_truncation(max_length=int(meta.get("max_seq_length", 512)))
        options = onnxruntime.SessionOptions()
        self.lanes = max(1, lanes)
        if threads or self.lanes > 1:
            options.intra_op_num_threads = threads or max(1, (os.cpu_count() or 1) // self.lanes)
        # By default idle intra-op threads busy-wait for the next operator. On a small server the
        # cores are shared with the request threads (and the neighbours): the spinning burnt about
        # a third of the CPU of a pass there (measured with bench/load_bench.py).
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        self._session = onnxruntime.InferenceSession(
            str(onnx_dir / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.dimension = int(self.encode(["dimensi"])[0].shape[0])

    def encode_split(self, texts: Sequence[str], prompt: str = "") -> np.ndarray:
        """``encode`` with the batch cut into one part per lane, run at once (ingest, large batches)."""
        size = -(-len(texts) // self.lanes)
        if self.lanes == 1 or size < 2:
            return self.encode(texts, prompt)
        parts = [texts[i : i + size] for i in range(0, len(texts), size)]
        with ThreadPoolExecutor(len(parts) - 1, thread_name_prefix="onnx-lane") as pool:
            later = [pool.submit(self.encode, part, prompt) for part in parts[1:]]
            first = self.encode(parts[0], prompt)
            return np.concatenate([first, *(f.result() for f in later)])

    def encode(self, texts: Sequence[str], prompt: str = "") -> np.ndarray:
        """Unit vectors of ``texts``, in order; texts of similar length share a pass (``length_groups``)."""
        encodings = self._tokenizer.encode_batch([prompt + t for t in texts])
        lengths = [len(e.ids) for e in encodings]
        out: np.ndarray | None = None
        for group in length_groups(lengths):
            width = max(lengths[i] for i in group)
            ids = np.full((len(group), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(group), width), dtype=np.int64)
            for row, i in enumerate(group):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = encodings[i].attention_mask
            vectors = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[group] = vectors
        return out if out is not None else np.zeros((0, self.dimension), dtype=np.float32)
