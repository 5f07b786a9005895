"""What the other services hear of influencer's domain events: the saga's, in the cause's saga."""

from __future__ import annotations

import pytest

import contracts as c
from influencer_svc.adapters import translators
from influencer_svc.domain import (
    AsignacionInfluencersRechazada,
    InfluencerAsignado,
    InfluencerDesactivado,
    InfluencerRegistrado,
    InfluencersAsignados,
    InfluencersLiberados,
)
from tests.helpers import envoltura

CAUSA = c.CampanaCancelada(
    **envoltura("c-1", id_saga="saga-1", id_correlacion="corr-1"),
    motivo="usuario",
    origen="usuario",
)


def test_the_saga_events_reply_in_the_saga_of_their_cause() -> None:
    asignados = translators.a_contrato(
        InfluencersAsignados(
            id_campana="c-1",
            asignaciones=(InfluencerAsignado(id_influencer="i-1", nombre="Ana", plataforma="IG"),),
        ),
        CAUSA,
    )
    rechazo = translators.a_contrato(
        AsignacionInfluencersRechazada(id_campana="c-1", motivo="lleno", tecnico=False), CAUSA
    )
    liberados = translators.a_contrato(
        InfluencersLiberados(id_campana="c-1", ids_influencer=("i-1",), motivo="usuario"), CAUSA
    )

    assert isinstance(asignados, c.InfluencersAsignados)
    assert [a.id_influencer for a in asignados.asignaciones] == ["i-1"]
    assert isinstance(rechazo, c.AsignacionInfluencersRechazada) and rechazo.motivo == "lleno"
    assert isinstance(liberados, c.InfluencersLiberados) and liberados.ids_influencer == ["i-1"]
    for contrato in (asignados, rechazo, liberados):
        assert (contrato.id_campana, contrato.id_saga, contrato.id_correlacion) == (
            "c-1",
            "saga-1",
            "corr-1",
        )
        assert contrato.id_evento != CAUSA.id_evento


def test_an_influencer_registered_or_deactivated_is_not_published() -> None:
    registrado = InfluencerRegistrado(
        id_influencer="i-1", nombre="Ana", plataforma="IG", seguidores=1, categoria="x"
    )

    assert translators.a_contrato(registrado, None) is None
    assert translators.a_contrato(InfluencerDesactivado(id_influencer="i-1"), None) is None


def test_a_saga_event_without_the_event_it_answers_is_refused() -> None:
    with pytest.raises(ValueError, match="c-1"):
        translators.a_contrato(
            InfluencersLiberados(id_campana="c-1", ids_influencer=(), motivo="x"), None
        )
