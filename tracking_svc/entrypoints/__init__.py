"""Entry points of tracking: HTTP and the broker; they only translate."""
