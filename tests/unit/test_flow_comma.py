"""The flow-comma warning: a value split at its comma inside { }, and only that."""

from __future__ import annotations

import pytest

from briefing_reader.loading.yamlsafe import LOADERS, parse


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize(
    "text",
    ["{label: Net loss, value: }", "{label: Net loss, value : }"],
)
def test_a_key_written_with_its_colon_and_left_empty_is_not_a_split(text: str, loader: str) -> None:
    assert [w.code for w in parse(text, loader).warnings] == []


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize(
    "text", ["{label: Price, value: $1,200}", "{label: Price, value: $1,200 }"]
)
def test_a_value_split_at_its_comma_is_warned_about(text: str, loader: str) -> None:
    (warning,) = parse(text, loader).warnings
    assert warning.code == "flow-comma"
    assert "'$1,200' was split at the comma" in str(warning)
