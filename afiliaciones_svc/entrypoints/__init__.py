"""Entry points of afiliaciones: HTTP, broker subscriptions and the deadline job."""
