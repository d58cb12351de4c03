"""The one rule every free-text field applies, and how names are tidied (sitbone.web.text)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sitbone.web.text import clean_person_name, no_control_characters


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
    with pytest.raises(ValidationError, match="Remove the hidden character"):
        no_control_characters(text)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("\u202eright to left", "at the start (U+202E)"),
        ("Hold for 45 s,\nthen\u200b rest", "after “45 s, then” (U+200B)"),
        ("A long note about the morning's test pain\x07", "after “morning's test pain” (U+0007)"),
    ],
)
def test_the_message_says_where_the_hidden_character_is(text: str, where: str) -> None:
    with pytest.raises(ValidationError) as refused:
        no_control_characters(text)
    assert refused.value.messages == [
        f"Remove the hidden character {where}: control codes and invisible formatting are not kept"
    ]


def test_a_name_has_its_spaces_and_line_breaks_tidied() -> None:
    assert clean_person_name("  Zoë \n  O'Neil-Smith ") == "Zoë O'Neil-Smith"


@pytest.mark.parametrize("name", ["", "  \n ", "Bell\x07", "\u202eEve", "Zero\u200bWidth"])
def test_an_empty_or_unprintable_name_is_refused_in_the_right_person(name: str) -> None:
    with pytest.raises(ValidationError) as someone:
        clean_person_name(name)
    with pytest.raises(ValidationError) as own:
        clean_person_name(name, own=True)
    assert someone.value.messages == ["Enter a name using letters, spaces and punctuation."]
    assert own.value.messages == ["Enter your name using letters, spaces and punctuation."]
