"""The Alembic environment every service shares (``env.py``, ``script.py.mako``); each service
keeps only its revisions, in ``<service>/migrations/versions`` (see ``alpes.migrations``)."""
