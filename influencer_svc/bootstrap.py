"""influencer, described (``SERVICE``): what ``alpes.service`` assembles into the running service.

Nothing here does I/O: the database, broker and relay connect when the app starts.
"""

from __future__ import annotations

from alpes.service import ServiceDescription
from influencer_svc.adapters.orm import LAPIDAS
from influencer_svc.adapters.unit_of_work import SqlInfluencerUnitOfWork
from influencer_svc.application.errors import (
    InfluencerNoEncontrado,
    InfluencerYaRegistrado,
    ReactivacionNoSoportada,
)
from influencer_svc.domain import DatosInfluencerInvalidos, ErrorDominio
from influencer_svc.entrypoints import http, subscribers

SERVICE = ServiceDescription(
    name="influencer",
    unit_of_work=SqlInfluencerUnitOfWork,
    routers=[http.router],
    reactions=subscribers.reactions,
    domain_errors={
        InfluencerNoEncontrado: 404,
        InfluencerYaRegistrado: 409,
        ReactivacionNoSoportada: 409,
        DatosInfluencerInvalidos: 422,
        ErrorDominio: 409,
    },
    retention=[LAPIDAS],
)
