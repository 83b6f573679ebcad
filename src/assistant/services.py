"""The one composition root: ``build_services(settings) -> Services``.

Parts are built lazily on first use, so a command that only touches the registry never loads the
embedding model. Tests pass their own settings and may hand in any part (a fake from
``assistant.adapters.fakes``) to the constructor. ``close()`` releases what was built.
"""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.eligibility.parameters import Parameters
from assistant.errors import AssistantError
from assistant.models import DocumentInfo, IngestReport
from assistant.ports import (
    AnswerGenerator,
    Conversation,
    Embedder,
    HouseholdLookup,
    Journal,
    KeyStore,
    KnowledgeBase,
    ProgressFactory,
    Registry,
    SentenceEncoder,
    StateStore,
    VectorIndex,
)
from assistant.privacy import KeyedHasher, load_or_create_secret
from assistant.rag.llm_stats import LlmStats
from assistant.settings import Settings
from assistant.worklists.access import WorklistAccess

log = logging.getLogger(__name__)

# The parts close() releases, in order: the channels' conversation first, the stores it writes to last.
_CLOSEABLE = ("journal", "key_store", "registry", "state", "index")


class Services:
    """Every part one process needs, each typed by its port. Build once per process; ``close()`` at exit."""

    settings: Settings

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        index: VectorIndex | None = None,
        knowledge: KnowledgeBase | None = None,
        state: StateStore | None = None,
        registry: Registry | None = None,
        household_lookup: HouseholdLookup | None = None,
        journal: Journal | None = None,
        key_store: KeyStore | None = None,
        conversation: Conversation | None = None,
        hasher: KeyedHasher | None = None,
        worklists: WorklistAccess | None = None,
    ) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        given = {"embedder": embedder, "index": index, "knowledge": knowledge, "state": state,
                 "registry": registry, "household_lookup": household_lookup, "journal": journal,
                 "key_store": key_store, "conversation": conversation,
                 "hasher": hasher, "worklists": worklists}
        # A given part takes the place of the lazily built one (cached_property reads the instance dict first).
        self.__dict__.update({name: part for name, part in given.items() if part is not None})

    @cached_property
    def embedder(self) -> Embedder:
        from assistant.adapters.st_embedder import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(self.settings.embedding, self.settings.models_dir)

    @cached_property
    def index(self) -> VectorIndex:
        from assistant.adapters.chroma_index import ChromaVectorIndex

        return ChromaVectorIndex(
            prefix=self.settings.index.collection,
            path=self.settings.chroma_dir,
            url=self.settings.index.chroma_url,
            timeout_seconds=self.settings.index.chroma_timeout_seconds,
        )

    @cached_property
    def generator(self) -> AnswerGenerator | None:
        if self.settings.generator == "llm":
            from assistant.adapters.langchain_generator import build_llm_generator
            from assistant.rag.grounding import embedding_similarity

            return build_llm_generator(self.settings.llm, similarity=embedding_similarity(lambda: self.embedder))
        return None  # the knowledge base builds the extractive answerer over its own index

    def llm_stats(self) -> LlmStats | None:
        """Counters of the LLM generator (None with the extractive default)."""
        from assistant.rag.llm_answer import GroundedLlmGenerator

        if self.settings.generator != "llm":
            return None
        generator = self.generator
        return generator.stats if isinstance(generator, GroundedLlmGenerator) else None

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        from assistant.rag.pipeline import RagKnowledgeBase
        from assistant.rag.sentences import SentenceVectors, store_path

        sentences = SentenceVectors(
            self.embedder, store_path(self.settings.data_dir / "sentence_vectors", self.settings.embedding.model)
        )
        return RagKnowledgeBase(
            self.embedder, self.index, self.settings.retrieval, self.settings.answer, self.generator,
            answer_cache_size=self.settings.answer.cache_size,
            chunk_words=self.settings.index.chunk_words, batch_size=self.settings.embedding.batch_size,
            outage_retry_seconds=self.settings.outage_retry_seconds,
            sentence_vectors=sentences, probe_encoder=self.probe_encoder,
        )

    @cached_property
    def probe_encoder(self) -> SentenceEncoder:
        """The second sentence encoder the scope probe reads questions with."""
        from assistant.adapters.use_encoder import UniversalSentenceEncoder

        return UniversalSentenceEncoder()

    @cached_property
    def state(self) -> StateStore:
        from assistant.adapters.state import InMemoryStateStore, RedisStateStore, ResilientStateStore

        if self.settings.redis_url:
            redis = RedisStateStore(
                self.settings.redis_url, prefix=self.settings.redis_key_prefix,
                timeout_seconds=self.settings.redis_timeout_seconds,
            )
            return ResilientStateStore(redis, retry_seconds=self.settings.outage_retry_seconds)
        return InMemoryStateStore()

    @cached_property
    def local_state(self) -> bool:
        """The state store lives in this process: reading or writing it never waits on a network."""
        from assistant.adapters.state import InMemoryStateStore

        return isinstance(self.state, InMemoryStateStore)

    @cached_property
    def registry(self) -> Registry:
        from assistant.adapters.registries import build_registry

        return build_registry(self.settings)

    @cached_property
    def eligibility_parameters(self) -> Parameters:
        return Parameters.load(self.settings.registry.eligibility_parameters)

    @cached_property
    def hasher(self) -> KeyedHasher:
        """Keyed hashes (and sealing) of user ids and NIKs, with the secret from settings or the data directory.

        Every worker that shares the state store must share this secret (the same data directory or setting).
        """
        secret = self.settings.privacy.secret
        return KeyedHasher(load_or_create_secret(
            self.settings.data_dir, secret.get_secret_value() if secret else None,
        ))

    @cached_property
    def household_lookup(self) -> HouseholdLookup:
        from assistant.registry.access import RegistryAccess, backoff_policy

        return RegistryAccess(
            self.registry,
            self.state,
            self.eligibility_parameters,
            hasher=self.hasher,
            backoff=backoff_policy(self.settings),
        )

    @cached_property
    def worklists(self) -> WorklistAccess:
        return WorklistAccess(self.registry, self.eligibility_parameters)

    @cached_property
    def journal(self) -> Journal:
        from assistant.adapters.journal_writer import BackgroundJournal
        from assistant.adapters.stores import build_journal

        # replies do not wait for their row: one thread writes them in batches (reads wait for it)
        return BackgroundJournal(build_journal(self.settings))

    @cached_property
    def key_store(self) -> KeyStore:
        from assistant.adapters.stores import build_key_store

        return build_key_store(self.settings)

    @cached_property
    def conversation(self) -> Conversation:
        return self.build_conversation()

    def build_conversation(self, *, journal: bool = True) -> Conversation:
        """A conversation service; evaluation runs pass journal=False so they leave no logs behind."""
        from assistant.dialogue.service import ConversationService

        return ConversationService(
            self.knowledge,
            self.household_lookup,
            self.state,
            journal=self.journal if journal else None,
            hasher=self.hasher,
            memory_ttl_seconds=self.settings.memory_ttl_seconds,
            **self._follow_up_rewriting(),
        )

    def _follow_up_rewriting(self) -> dict[str, Any]:
        """The LLM follow-up rewriter when an LLM generator is configured and allowed to rewrite."""
        from assistant.dialogue.llm_follow_up import LlmFollowUpRewriter
        from assistant.rag.llm_answer import GroundedLlmGenerator

        if self.settings.generator != "llm" or not self.settings.llm.rewrite_follow_ups:
            return {}
        generator = self.generator
        if not isinstance(generator, GroundedLlmGenerator):
            return {}
        return {"rewrite": LlmFollowUpRewriter(generator.chat, generator.breaker)}

    def warm_up(self) -> None:
        """Load the model, the stemmer and the index mirror now, so the first user does not wait."""
        from assistant.rag.text import warm_up as warm_text

        warm_text()
        self.embedder.warm_up()
        if self.settings.answer.scope_probe:
            self.probe_encoder.warm_up()
        try:
            self.knowledge.documents()  # loads the active generation's chunks and lexical index
        except AssistantError:
            log.warning("index not ready at warm-up; run `assistant ingest`")

    def ingest(
        self,
        path: Path | None = None,
        *,
        rebuild: bool = False,
        replace: bool = False,
        progress: ProgressFactory | None = None,
    ) -> IngestReport:
        """Index the knowledge folder (exactly its documents), or add/update the documents under ``path``.

        An explicit ``path`` keeps every other indexed document unless ``replace`` is set. Only one
        ingest runs per data directory at a time (IngestBusyError for the second).
        """
        from assistant.adapters.ingest_lock import ingest_lock

        with ingest_lock(self.settings.data_dir):
            return self.knowledge.ingest(
                Path(path or self.settings.index.knowledge_dir), rebuild=rebuild, progress=progress,
                keep_others=path is not None and not replace,
            )

    def ensure_index(self, progress: ProgressFactory | None = None) -> IngestReport | None:
        """Build the index from the default knowledge folder when none exists yet (first start)."""
        if self.index.active() is None:
            return self.ingest(progress=progress)
        return None

    def documents(self) -> list[DocumentInfo]:
        return self.knowledge.documents()

    def ready(self) -> dict[str, bool]:
        checks: dict[str, bool] = {}
        try:
            checks["index"] = self.index.active() is not None
        except AssistantError:
            checks["index"] = False
        except Exception:  # noqa: BLE001 - readiness must answer, whatever the backend raised
            log.warning("index readiness check failed", exc_info=True)
            checks["index"] = False
        try:
            self.registry.get_household_by_nik("0" * 16)  # a cheap round trip: reachable and migrated
            checks["registry"] = True
        except AssistantError as exc:  # an outage the adapter already named: no traceback
            log.warning("registry readiness check failed: %s", exc.code)
            checks["registry"] = False
        except Exception:  # noqa: BLE001
            log.warning("registry readiness check failed", exc_info=True)
            checks["registry"] = False
        if self.settings.redis_url:
            checks["redis"] = self._redis_answers()
        return checks

    def _redis_answers(self) -> bool:
        from assistant.adapters.state import RedisStateStore, ResilientStateStore

        state = self.state
        if not isinstance(state, RedisStateStore | ResilientStateStore):
            return True  # a state store handed in by a test or embedding app: not ours to check
        try:
            return state.ping()
        except Exception:  # noqa: BLE001 - readiness must answer; ResilientStateStore never raises here
            log.warning("redis readiness check failed", exc_info=True)
            return False

    def close(self) -> None:
        """Close the parts that were built or given (registry connections, journal, state store, index client)."""
        built = self.__dict__
        for name in _CLOSEABLE:
            part = built.pop(name, None)
            if part is None:
                continue
            try:
                part.close()
            except Exception:  # noqa: BLE001 - one failing close must not keep the others open
                log.warning("closing %s failed", name, exc_info=True)


def build_services(settings: Settings) -> Services:
    return Services(settings)
