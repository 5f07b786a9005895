"""Use cases of influencer: commands, queries, and the handlers that run them."""
