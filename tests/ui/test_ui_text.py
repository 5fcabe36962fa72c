from playground.ui.text import SHOWN_LIMIT, shown_part


def test_a_short_answer_is_shown_whole() -> None:
    text = "short answer\n" * 10
    assert shown_part(text) is text


def test_one_megabyte_in_one_line_is_cut_to_the_limit() -> None:
    text = "x" * 1_000_000
    shown = shown_part(text)
    assert len(shown) == SHOWN_LIMIT and text.startswith(shown)


def test_many_words_are_cut_at_a_space() -> None:
    text = " ".join(f"w{i}" for i in range(200_000))
    shown = shown_part(text)
    assert len(shown) <= SHOWN_LIMIT and text.startswith(shown)
    assert text[len(shown)] == " "  # no word cut in half
