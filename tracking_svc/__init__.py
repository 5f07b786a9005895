"""tracking: tracking codes, tracking events and campaign metrics (a participant of the saga)."""
