"""Entry points of marca: HTTP and the broker subscriptions; they only translate."""
