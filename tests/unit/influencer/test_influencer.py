"""The influencer: registration, identity by (nombre, plataforma), deactivation, capacity."""

import pytest

from influencer_svc.domain import (
    CapacidadExcedida,
    CarteraInfluencers,
    ClaveInfluencer,
    DatosInfluencerInvalidos,
    Influencer,
    InfluencerDesactivado,
    InfluencerDesconocido,
    InfluencerInactivo,
    InfluencerRegistrado,
    InfluencerSolicitado,
    SinCampanasActivas,
)


def test_registrar_creates_an_active_influencer_without_campaigns() -> None:
    influencer = Influencer.registrar(" Ana Garcia ", "Instagram", 150_000, "Fitness")

    assert influencer.id_influencer
    assert (influencer.nombre, influencer.activo, influencer.campanas_activas) == (
        "Ana Garcia",
        True,
        0,
    )
    assert influencer.eventos == [
        InfluencerRegistrado(
            id_influencer=influencer.id_influencer,
            nombre="Ana Garcia",
            plataforma="Instagram",
            seguidores=150_000,
            categoria="Fitness",
        )
    ]


def test_registrar_keeps_a_given_id() -> None:
    assert Influencer.registrar("Ana", "IG", 0, "", id_influencer="i-1").id_influencer == "i-1"


@pytest.mark.parametrize(
    ("nombre", "plataforma", "seguidores", "categoria"),
    [
        ("", "IG", 1, "x"),
        ("  ", "IG", 1, "x"),
        ("x" * 201, "IG", 1, "x"),
        ("Ana", "", 1, "x"),
        ("Ana", "IG", -1, "x"),
        ("Ana", "IG", True, "x"),
        ("Ana", "IG", 1.5, "x"),
        ("Ana", "IG", 1, "x" * 101),
    ],
)
def test_registrar_validates_its_data(
    nombre: str, plataforma: str, seguidores: int, categoria: str
) -> None:
    with pytest.raises(DatosInfluencerInvalidos):
        Influencer.registrar(nombre, plataforma, seguidores, categoria)


@pytest.mark.parametrize(
    ("nombre", "plataforma", "seguidores", "categoria"),
    [("x", "I", 0, ""), ("x" * 200, "p" * 100, 10**9, "c" * 100)],
    ids=["minimums", "maximums"],
)
def test_registrar_accepts_the_limits(
    nombre: str, plataforma: str, seguidores: int, categoria: str
) -> None:
    influencer = Influencer.registrar(nombre, plataforma, seguidores, categoria)

    assert (
        influencer.nombre,
        influencer.plataforma,
        influencer.seguidores,
        influencer.categoria,
    ) == (nombre, plataforma, seguidores, categoria)
    assert influencer.activo


def test_the_key_ignores_case_and_extra_spaces() -> None:
    influencer = Influencer.registrar("Ana  Garcia", "Instagram", 1, "x")

    assert influencer.clave == ClaveInfluencer.de(" ana garcia", "INSTAGRAM ")
    assert influencer.clave != ClaveInfluencer.de("Ana Garcia", "TikTok")


def test_desactivar_is_idempotent_and_emits_once() -> None:
    influencer = Influencer.registrar("Ana", "IG", 1, "x")
    influencer.eventos.clear()

    influencer.desactivar()
    influencer.desactivar()

    assert not influencer.activo
    assert influencer.eventos == [InfluencerDesactivado(id_influencer=influencer.id_influencer)]


def test_capacity_is_taken_up_to_the_maximum_and_freed() -> None:
    influencer = Influencer.registrar("Ana", "IG", 1, "x")
    influencer.ocupar_cupo(2)
    influencer.ocupar_cupo(2)

    with pytest.raises(CapacidadExcedida):
        influencer.ocupar_cupo(2)
    influencer.liberar_cupo()
    influencer.ocupar_cupo(2)
    assert influencer.campanas_activas == 2


def test_an_inactive_influencer_takes_no_campaign() -> None:
    influencer = Influencer.registrar("Ana", "IG", 1, "x")
    influencer.desactivar()

    with pytest.raises(InfluencerInactivo):
        influencer.ocupar_cupo(3)


def test_capacity_never_goes_below_zero() -> None:
    with pytest.raises(SinCampanasActivas):
        Influencer.registrar("Ana", "IG", 1, "x").liberar_cupo()


def test_cartera_finds_by_id_then_by_key_and_registers_the_unknown() -> None:
    ana = Influencer.registrar("Ana", "Instagram", 1, "x", id_influencer="i-1")
    cartera = CarteraInfluencers([ana])

    por_id = cartera.obtener_o_registrar(
        InfluencerSolicitado(
            id_influencer="i-1", nombre="Otro", plataforma="X", seguidores=1, categoria=""
        )
    )
    por_clave = cartera.obtener_o_registrar(
        InfluencerSolicitado(nombre="ANA", plataforma="instagram", seguidores=1, categoria="")
    )
    nuevo = cartera.obtener_o_registrar(
        InfluencerSolicitado(nombre="Carlos", plataforma="TikTok", seguidores=3, categoria="y")
    )

    assert por_id is ana
    assert por_clave is ana
    assert cartera.nuevos == [nuevo]
    assert cartera.obtener(nuevo.id_influencer) is nuevo


def test_cartera_registers_an_unknown_id_with_that_id() -> None:
    cartera = CarteraInfluencers()

    nuevo = cartera.obtener_o_registrar(
        InfluencerSolicitado(
            id_influencer="i-7", nombre="Eva", plataforma="YT", seguidores=1, categoria=""
        )
    )

    assert nuevo.id_influencer == "i-7"


def test_cartera_refuses_an_id_it_did_not_load() -> None:
    with pytest.raises(InfluencerDesconocido):
        CarteraInfluencers().obtener("i-1")
