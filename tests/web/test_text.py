"""The one rule every free-text field applies (sitbone.web.text)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sitbone.web.text import no_control_characters


@pytest.mark.parametrize(
    "text",
    ["Sat through a film.\nNo pain after.", "Sets:\t3", "Zoë's knee — 🦵", "<script>x</script>"],
)
def test_what_people_type_is_kept(text: str) -> None:
    no_control_characters(text)  # raises nothing


@pytest.mark.parametrize(
    "text", ["bell\x07", "\x1b[31mred", "\u202eright to left", "zero\u200bwidth", "nul\x00"]
)
def test_control_and_formatting_characters_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="Remove special characters"):
        no_control_characters(text)
