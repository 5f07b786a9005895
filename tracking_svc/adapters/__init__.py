"""Adapters of tracking: tables, the repository, and the anti-corruption layer."""
