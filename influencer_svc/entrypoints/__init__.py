"""How the world reaches influencer: HTTP and the saga's events."""
