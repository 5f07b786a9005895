"""What every Alpes service shares: settings, database, outbox, inbox, app factory, CLI."""
