"""Adapters of influencer: tables, repositories, and the anti-corruption layer."""
