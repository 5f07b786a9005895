"""The pure domain of afiliaciones: standard library only, no framework, no contracts.

``model`` holds the ``Campana`` aggregate; ``values``, ``rules``, ``saga``, ``events`` and
``errors`` hold what it is made of.
"""
