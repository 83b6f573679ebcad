"""The household registry's domain (modelled on DTSEN): records, NIKs, regions, access and audit, seeding.

The backends (SQLAlchemy, HTTP client and server, migrations) are adapters in ``assistant.adapters``;
``assistant.adapters.registries.build_registry`` picks one from the settings.
"""
