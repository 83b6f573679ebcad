"""One small exception hierarchy, translated once at each boundary (CLI exit codes, HTTP, bot).

``message`` is what a person reads: Indonesian, saying what to do next. ``code`` is stable and
machine-readable. Never put a full NIK in either.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the assistant raises on purpose."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ConfigurationError(AssistantError):
    code = "configuration_error"
    exit_code = 2


class InputError(AssistantError):
    """The caller gave something we cannot use (empty question, unreadable file, bad field)."""

    code = "invalid_input"
    exit_code = 2


class IngestError(InputError):
    code = "ingest_error"


class IngestBusyError(AssistantError):
    """Another ingest holds the data directory's lock."""

    code = "ingest_busy"
    exit_code = 8


class IndexNotReadyError(AssistantError):
    code = "index_not_ready"
    exit_code = 3


class IndexUnavailableError(AssistantError):
    """The vector index (a Chroma server) did not answer in time or refused the connection."""

    code = "index_unavailable"
    exit_code = 3


class IndexMismatchError(AssistantError):
    """The index was built by another embedding model; mixing vectors would return nonsense."""

    code = "index_model_mismatch"
    exit_code = 3


class ModelUnavailableError(AssistantError):
    code = "model_unavailable"
    exit_code = 3


class GenerationError(AssistantError):
    code = "generation_error"
    exit_code = 4


class RegistryError(AssistantError):
    code = "registry_error"
    exit_code = 5


class RegistryUnavailableError(RegistryError):
    code = "registry_unavailable"


class NotFoundError(RegistryError):
    code = "not_found"


class EligibilityInputError(InputError):
    code = "eligibility_input_error"


class AccessDeniedError(AssistantError):
    code = "access_denied"
    exit_code = 6


class RateLimitedError(AssistantError):
    code = "rate_limited"
    exit_code = 7

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class StoreUnavailableError(AssistantError):
    """The database of the journal or the API keys cannot be reached (ASSISTANT_STORE__URL)."""

    code = "store_unavailable"
    exit_code = 5
