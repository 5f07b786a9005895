"""Adapters of marca: tables, repositories and the translation to and from the contracts."""
