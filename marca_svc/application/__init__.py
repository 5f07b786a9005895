"""Use cases of marca: commands from users and reactions to the saga."""
