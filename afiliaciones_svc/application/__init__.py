"""Use cases of afiliaciones: commands, queries and the handlers that run them."""
