"""Family-welfare assistant core: grounded answers, registry lookups, eligibility, channels, evaluation."""

__version__ = "0.1.0"
