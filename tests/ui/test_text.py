"""ui.text.literal: user text as a markdown code span that shows it verbatim."""

import re

import pytest

from ui.text import ZWSP, literal


@pytest.mark.parametrize("text", ["plain", "a `tick` b", "``double``", "```", "x`", "`"])
def test_the_fence_is_longer_than_any_backtick_run_inside(text):
    quoted = literal(text)
    fence = re.match(r"`+", quoted).group(0)
    assert quoted == f"{fence} {text} {fence}"
    assert len(fence) > max((len(r) for r in re.findall(r"`+", text)), default=0)


def test_whitespace_and_control_characters_become_single_spaces():
    assert literal("a\nb\r\n\tc\x00d   e") == "` a b c d e `"
    assert literal("") == "(empty)" and literal("\n\n") == "(empty)"


def test_long_text_is_cut_with_an_ellipsis():
    assert literal("x" * 100, limit=10) == "` " + "x" * 10 + "… `"


def test_streamlit_icon_shortcodes_are_broken_invisibly():
    quoted = literal(":material/home: :Material/x:")
    assert ":material/" not in quoted.lower()
    assert quoted.replace(ZWSP, "") == "` :material/home: :Material/x: `"
