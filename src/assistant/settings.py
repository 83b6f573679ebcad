"""Typed settings: ASSISTANT_ prefix, nested sections with the ``__`` delimiter, optional ``.env``.

Settings are read only at entry points (the CLI, ``create_app`` factories); the core receives them
explicitly, so tests never depend on the process environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "intfloat/multilingual-e5-small"


class EmbeddingSettings(BaseModel):
    model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description=(
            "sentence-transformers model name or local path. The default e5-small is used from the local "
            "Hugging Face cache when present, otherwise from the copy `assistant models prepare` builds."
        ),
    )
    device: str = Field("cpu", description="torch device for the embedding model.")
    backend: Literal["auto", "onnx", "torch"] = Field(
        "auto",
        description="auto: the ONNX export made by `assistant models prepare` when present, else PyTorch.",
    )
    threads: int = Field(
        0, ge=0, description="CPU threads for one ONNX model pass (0: the cores divided among the lanes)."
    )
    lanes: int = Field(
        0, ge=0,
        description=(
            "ONNX query batches encoded at the same time, each on its own threads (0: one per CPU core). "
            "Ingest spreads each batch over the lanes too."
        ),
    )
    batch_size: int = Field(32, ge=1, description="Batch size when embedding passages at ingest.")
    query_cache_size: int = Field(2048, ge=0, description="How many query embeddings to keep in memory.")
    batch_wait_ms: float = Field(
        2.0, ge=0, description="How long a query waits for concurrent ones to share a model pass (0: no batching)."
    )
    query_batch_max: int = Field(
        16, ge=1,
        description=(
            "Most query texts in one batch of a lane. A pass costs about the same per text from 4 texts up, "
            "and smaller batches keep every lane busy under load (measured with bench/load_bench.py)."
        ),
    )


class IndexSettings(BaseModel):
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (e.g. http://127.0.0.1:8000). Empty: embedded store."
    )
    collection: str = Field("assistant", description="Name prefix of the Chroma collections.")
    knowledge_dir: Path = Field(Path("knowledge"), description="Default folder that `assistant ingest` reads.")
    chunk_words: int = Field(180, ge=40, description="Target chunk size in words.")
    chroma_timeout_seconds: float = Field(
        5.0, gt=0, description="Per-request timeout towards a Chroma server (connect and read)."
    )


class RetrievalSettings(BaseModel):
    top_k: int = Field(6, ge=1, description="Chunks handed to the answerer.")
    candidates: int = Field(30, ge=1, description="Candidates taken from each ranking before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    lexical_weight: float = Field(
        1.5, ge=0, description="Weight of the BM25 ranking against the dense one in fusion (measured: 1.5 best)."
    )
    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="Retrieval strategy.")


class AnswerSettings(BaseModel):
    min_confidence: float = Field(
        0.33, ge=0, le=1, description="Below this grounding score the assistant declines instead of guessing."
    )
    program_min_confidence: float = Field(
        0.2, ge=0, le=1,
        description="The lower bar for a question that names a program, agency or data system (PKH, DTSEN, KKS ...).",
    )
    off_topic_min_confidence: float = Field(
        0.5, ge=0, le=1, description="The higher bar for a question that names no program, group or channel."
    )
    scope_margin: float | None = Field(
        0.024, ge=0, le=1,
        description=(
            "An ask this much closer (e5 cosine) to an out-of-scope task family (diagnosis, jobs, loans, politics "
            "...) than to any question the guidelines answer is declined with that family's channel. Measured "
            "on the dev and core suites for e5-small; empty turns the semantic scope check off."
        ),
    )
    scope_probe: bool = Field(
        True,
        description="Also decline what the fitted scope probe (assistant/rag/scope_probe.json, made by "
                    "bench/fit_scope_probe.py) flags as out of scope, and what the misuse probe "
                    "(misuse_probe.json, --task misuse) flags as a request to misuse the aid system; each is "
                    "off when it was fitted for another model.",
    )
    clear_ask_margin: float = Field(
        0.03, ge=0, le=1,
        description="A question naming a program that stands this much closer to a question the guidelines answer "
                    "than to any out-of-scope task is held to clear_ask_min_confidence.",
    )
    clear_ask_min_confidence: float = Field(
        0.1, ge=0, le=1,
        description="The bar for a question that names a program and clearly asks what the guidelines answer.",
    )
    cache_size: int = Field(1024, ge=0, description="How many answers to popular questions to keep in memory.")
    max_sentences_citizen: int = Field(
        4, ge=1,
        description="Sentences in a citizen answer (lists and procedures take up to 6). The first one answers; "
                    "4 rather than 3 added about 60 characters to the mean answer and covered more of what was asked.",
    )
    max_sentences_facilitator: int = Field(6, ge=1, description="Sentences in a facilitator answer.")


class RegistrySettings(BaseModel):
    url: str | None = Field(
        None,
        description=(
            "Registry backend: empty for the embedded SQLite file in the data directory, "
            "postgresql://… for PostgreSQL, http(s)://… for an external registry service."
        ),
    )
    token: SecretStr | None = Field(None, description="Bearer token for the HTTP registry adapter.")
    verify_window_seconds: int = Field(
        86400, ge=60, description="How long failed status-check verifications are remembered (per NIK, per user)."
    )
    verify_free_failures: int = Field(
        3, ge=0, description="Wrong NIK + KK tries one user may make on one NIK before each try must wait."
    )
    verify_base_delay_seconds: int = Field(
        30, ge=1, description="First wait after the free tries; it doubles with every further wrong try."
    )
    verify_max_delay_seconds: int = Field(3600, ge=1, description="Longest wait one user gets for one NIK.")
    verify_user_free_failures: int = Field(
        10, ge=0, description="Wrong tries one user may make across all NIKs before each try must wait."
    )
    verify_nik_free_failures: int = Field(
        10, ge=0, description="Wrong tries on one NIK from everyone before that NIK is slowed down for new devices."
    )
    verify_nik_max_delay_seconds: int = Field(
        60, ge=1, description="Longest pause between tries on one NIK under attack (a slow-down, never a lockout)."
    )
    eligibility_parameters: Path | None = Field(
        None,
        description=(
            "Optional YAML file overriding the packaged eligibility parameters (same shape as "
            "assistant/eligibility/parameters/default.yaml; dated values are merged in)."
        ),
    )
    http_timeout_seconds: float = Field(5.0, gt=0, description="Per-request timeout of the HTTP registry adapter.")
    connect_timeout_seconds: float = Field(
        3.0, gt=0, description="PostgreSQL: longest wait for a connection (new or from the pool)."
    )
    statement_timeout_seconds: float = Field(
        5.0, gt=0, description="PostgreSQL: longest run of one statement before the server cancels it."
    )


class StoreSettings(BaseModel):
    url: str | None = Field(
        None,
        description=(
            "Database for the conversation journal, feedback and API keys: empty for the embedded SQLite "
            "files in the data directory (one host), postgresql://… to share them between workers and hosts "
            "(the registry's PostgreSQL URL may be reused; the tables do not clash)."
        ),
    )


class LLMSettings(BaseModel):
    provider: Literal["openai", "ollama"] = Field(
        "openai", description="openai: any OpenAI-compatible base URL (vLLM, llama.cpp, hosted); ollama: an Ollama server."
    )
    base_url: str | None = Field(
        None, description="Endpoint: e.g. http://127.0.0.1:8080/v1 (openai) or http://127.0.0.1:11434 (ollama)."
    )
    model: str = Field("gpt-4o-mini", description="Model name at that endpoint (e.g. qwen2.5:7b-instruct).")
    api_key: SecretStr | None = Field(None, description="API key for the LLM endpoint.")
    timeout_seconds: float = Field(30.0, gt=0, description="Per-request timeout.")
    max_retries: int = Field(1, ge=0, description="Retries on connection errors, 429 and 5xx.")
    mode: Literal["generate", "rephrase"] = Field(
        "generate",
        description=(
            "generate: the model answers from the passages; rephrase: it only rewords the extractive "
            "answer's sentences (safer for small local models). Both are post-checked."
        ),
    )
    rewrite_follow_ups: bool = Field(
        True, description="Let the model make follow-up questions self-contained (rule-based otherwise)."
    )
    breaker_failures: int = Field(3, ge=1, description="Consecutive endpoint failures that open the circuit.")
    breaker_cooldown_seconds: float = Field(
        30.0, gt=0, description="While the circuit is open, answers are extractive without calling the model."
    )
    min_lexical_support: float = Field(
        0.6, ge=0, le=1, description="Share of a sentence's content words its cited passages must contain."
    )
    min_lexical_floor: float = Field(
        0.3, ge=0, le=1, description="Lower share accepted when the embedding similarity is high enough."
    )
    min_dense_support: float = Field(
        0.86, ge=0, le=1, description="Cosine similarity (e5) to a cited passage that backs a paraphrase."
    )


class TelegramSettings(BaseModel):
    token: SecretStr | None = Field(None, description="Bot token from @BotFather.")
    base_url: str | None = Field(
        None,
        description=(
            "Bot API base URL as python-telegram-bot takes it (the token is appended, or put where {token} "
            "stands), e.g. http://127.0.0.1:8081/bot for a local Bot API server. Empty: Telegram's."
        ),
    )
    api_url: str | None = Field(
        None, description="URL of a running assistant API to talk to instead of the in-process service."
    )
    api_key: SecretStr | None = Field(None, description="API key (role bot) for api_url.")
    webhook_url: str | None = Field(
        None,
        description=(
            "Public HTTPS URL Telegram posts updates to. Set: webhook mode, served by `assistant serve` "
            "at webhook_path; empty: `assistant bot` long-polls."
        ),
    )
    webhook_path: str = Field("/telegram/webhook", description="Path of the webhook route in the API.")
    webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends with every webhook update (1-256 of A-Z a-z 0-9 _ -); required."
    )
    worker_threads: int = Field(8, ge=1, description="Threads that run conversation calls for the bot.")
    draft_edit_seconds: float = Field(
        1.0, ge=0,
        description=(
            "With ASSISTANT_GENERATOR=llm: show the answer while the model writes it, editing the message at "
            "most this often (Telegram allows about one edit a second); the checked answer then replaces it. "
            "0: send only the checked answer."
        ),
    )
    concurrent_updates: int = Field(
        128, ge=1, description="Updates handled at once (one chat's updates always run in order)."
    )
    connection_pool_size: int = Field(32, ge=2, description="Open connections to the Bot API for replies.")
    reply_timeout_seconds: float = Field(
        30.0, gt=0, description="A conversation call taking longer gets the short 'try again later' reply."
    )


class ApiSettings(BaseModel):
    require_key: bool = Field(False, description="Refuse anonymous citizen requests when true.")
    max_message_chars: int = Field(2000, ge=1, description="Longest accepted chat message.")
    anonymous_rate_per_minute: int = Field(30, ge=1, description="Requests per minute per anonymous client.")
    key_rate_per_minute: int = Field(600, ge=1, description="Requests per minute per API key.")
    worker_threads: int = Field(
        8, ge=1,
        description="Threads that run requests in one API process (keep it small: the CPU has 2 cores).",
    )
    ready_timeout_seconds: float = Field(
        3.0, gt=0, description="Longest wait for the /readyz dependency checks; a slower dependency is reported down."
    )
    host: str = Field("127.0.0.1", description="Default host for `assistant serve`.")
    port: int = Field(8000, ge=1, le=65535, description="Default port for `assistant serve`.")


class PrivacySettings(BaseModel):
    secret: SecretStr | None = Field(
        None,
        description=(
            "Key for the keyed hashes (HMAC-SHA256) of user ids and NIKs in the state store and the journal. "
            "Empty: generated at first start into <data_dir>/privacy.key (mode 0600). Set the same value on "
            "every host when workers run on several machines."
        ),
    )


class Settings(BaseSettings):
    """All settings of the assistant. Every field can be set as ASSISTANT_<SECTION>__<FIELD>."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(Path(".assistant"), description="Folder that holds every embedded store.")
    generator: Literal["extractive", "llm"] = Field(
        "extractive", description="Answer generator: grounded extractive (no LLM) or an LLM endpoint."
    )
    redis_url: str | None = Field(
        None, description="Redis URL for shared session and rate-limit state; empty keeps it in-process."
    )
    redis_timeout_seconds: float = Field(
        1.0, gt=0, description="Redis connect and socket timeout; a slower Redis counts as down."
    )
    outage_retry_seconds: float = Field(
        10.0, gt=0,
        description=(
            "How often a dependency that went down (Redis, the Chroma server) is tried again; meanwhile "
            "requests use the fallback (per-process state, lexical search) at once."
        ),
    )
    memory_ttl_seconds: int = Field(86400, ge=1, description="How long conversation memory is kept.")
    log_level: str = Field("INFO", description="Root log level.")
    redis_key_prefix: str = Field(
        "assistant:", description="Prefix of every Redis key, so several deployments can share one Redis."
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    registry: RegistrySettings = Field(default_factory=RegistrySettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "registry.sqlite3"
