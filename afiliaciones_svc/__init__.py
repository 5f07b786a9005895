"""afiliaciones: campaigns (the ``Campana`` aggregate) and the saga timeline, as one service."""
