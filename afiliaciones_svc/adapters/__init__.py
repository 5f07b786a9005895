"""Adapters of afiliaciones: tables, the campaign repository, and the anti-corruption layer."""
