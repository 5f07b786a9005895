"""Typed errors of the tracking domain; HTTP maps them to 4xx."""


class ErrorDominio(Exception):
    """Base of every business error of tracking."""


class TipoEventoDesconocido(ErrorDominio):
    """Not one of vista, clic, conversion, engagement, compartir, comentario (-> 422)."""

    def __init__(self, tipo: str) -> None:
        super().__init__(f"tipo de evento desconocido: {tipo!r}")
        self.tipo = tipo


class CampanaNoActiva(ErrorDominio):
    """The campaign's tracking is disabled, finished or was cancelled (-> 409)."""

    def __init__(self, id_campana: str, estado: str) -> None:
        super().__init__(f"la campana {id_campana} no acepta eventos: {estado}")
        self.id_campana = id_campana
        self.estado = estado


class CodigoDesconocido(ErrorDominio):
    """The tracking code is not one of this campaign's (-> 422)."""

    def __init__(self, id_campana: str, codigo: str) -> None:
        super().__init__(f"codigo de tracking desconocido en la campana {id_campana}: {codigo}")
        self.id_campana = id_campana
        self.codigo = codigo


class CodigoRepetido(ErrorDominio):
    """The random source keeps producing codes already used (a broken source)."""


class ValorFueraDeRango(ErrorDominio):
    """A conversion's value is larger than any purchase tracking counts (-> 422)."""

    def __init__(self, valor: object, maximo: object) -> None:
        super().__init__(f"valor de conversion fuera de rango: {valor} (maximo {maximo})")
        self.valor = valor
        self.maximo = maximo
