"""Use cases of tracking: commands, queries and the handlers that run them."""
