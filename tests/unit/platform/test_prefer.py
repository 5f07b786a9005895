"""RFC 7240 ``Prefer``: the wait a client asks for, and what is answered as applied."""

from __future__ import annotations

import pytest

from alpes.prefer import WaitPreference, wait_preference


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (None, WaitPreference(2)),
        ([], WaitPreference(2)),
        (["wait=5"], WaitPreference(5, "wait=5")),
        (["wait=0"], WaitPreference(0, "wait=0")),
        (["WAIT = 7"], WaitPreference(7, "wait=7")),
        (['wait="4"'], WaitPreference(4, "wait=4")),
        (["return=minimal, wait=3; foo=bar"], WaitPreference(3, "wait=3")),
        (["wait=3", "wait=9"], WaitPreference(3, "wait=3")),  # the first one counts
        (["wait=31"], WaitPreference(30, "wait=30")),  # capped
        (["wait=" + "9" * 5000], WaitPreference(30, "wait=30")),
        (["respond-async"], WaitPreference(0, "respond-async")),
        (["respond-async, wait=6"], WaitPreference(6, "wait=6")),
        # not understood: ignored
        (["wait=-1"], WaitPreference(2)),
        (["wait=1.5"], WaitPreference(2)),
        (["wait=soon"], WaitPreference(2)),
        (["wait=\u0663"], WaitPreference(2)),  # a non-ASCII digit
        (["handling=lenient"], WaitPreference(2)),
        ([",,;="], WaitPreference(2)),
    ],
)
def test_the_wait_asked_for(values: list[str] | None, expected: WaitPreference) -> None:
    assert wait_preference(values, default=2, maximum=30) == expected


def test_applied_preferences_are_named_in_preference_applied() -> None:
    assert WaitPreference(3, "wait=3").headers() == {"Preference-Applied": "wait=3"}
    assert WaitPreference(2).headers() == {}
