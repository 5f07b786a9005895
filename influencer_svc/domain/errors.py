"""Typed errors of the influencer domain; HTTP maps them to 4xx."""


class ErrorDominio(Exception):
    """Base of every business error of influencer."""


class DatosInfluencerInvalidos(ErrorDominio):
    """An influencer's name, platform, followers or category is not acceptable."""


class InfluencerInactivo(ErrorDominio):
    """The influencer was deactivated: no new campaigns."""

    def __init__(self, id_influencer: str, nombre: str) -> None:
        super().__init__(f"influencer inactivo: {nombre} ({id_influencer})")
        self.id_influencer = id_influencer


class CapacidadExcedida(ErrorDominio):
    """The influencer already has the maximum number of concurrent campaigns."""

    def __init__(self, id_influencer: str, nombre: str, max_campanas: int) -> None:
        super().__init__(
            f"capacidad excedida: {nombre} ({id_influencer}) ya tiene {max_campanas} "
            "campanas activas"
        )
        self.id_influencer = id_influencer
        self.max_campanas = max_campanas


class InfluencerDesconocido(ErrorDominio):
    """An assignment names an influencer the caller did not load (a caller's mistake)."""


class SinCampanasActivas(ErrorDominio):
    """Freeing capacity of an influencer with no active campaign (a bug or corrupted data)."""
