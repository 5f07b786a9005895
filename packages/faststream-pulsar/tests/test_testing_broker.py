"""The behaviour-level subset of the conformance suite, in memory with TestPulsarBroker."""

from __future__ import annotations

from pydantic import BaseModel

from faststream_pulsar import PulsarBroker, PulsarRouter, TestPulsarBroker

TOPIC = "persistent://public/default/orders"


class Order(BaseModel):
    id: int


async def test_handler_gets_the_decoded_model_and_its_headers() -> None:
    broker = PulsarBroker()

    @broker.subscriber(TOPIC, subscription="s")
    async def handle(order: Order) -> None: ...

    async with TestPulsarBroker(broker) as br:
        await br.publish(Order(id=1), TOPIC, key="k", headers={"h": "v"}, correlation_id="c")
        handle.mock.assert_called_once_with({"id": 1})


async def test_each_subscription_gets_a_copy_and_one_subscription_shares() -> None:
    broker = PulsarBroker()
    calls: list[str] = []

    @broker.subscriber(TOPIC, subscription="a")
    async def first(n: int) -> None:
        calls.append("a")

    @broker.subscriber(TOPIC, subscription="b")
    async def second(n: int) -> None:
        calls.append("b1")

    @broker.subscriber(TOPIC, subscription="b")
    async def third(n: int) -> None:
        calls.append("b2")

    async with TestPulsarBroker(broker) as br:
        for n in range(4):
            await br.publish(n, TOPIC)

    assert calls.count("a") == 4
    assert calls.count("b1") == 2
    assert calls.count("b2") == 2


async def test_publisher_decorator_and_router_prefix() -> None:
    broker = PulsarBroker()
    router = PulsarRouter(prefix="persistent://public/default/")

    @router.subscriber("in", subscription="s")
    @router.publisher("out")
    async def shout(text: str) -> str:
        return text.upper()

    @broker.subscriber("persistent://public/default/out", subscription="s")
    async def collect(text: str) -> None: ...

    broker.include_router(router)
    async with TestPulsarBroker(broker) as br:
        await br.publish("hola", "persistent://public/default/in")
        collect.mock.assert_called_once_with("HOLA")
