"""Segment counting (GSM-7 and UCS-2), fitting a text into two segments, and reading replies' keywords."""

from hypothesis import given
from hypothesis import strategies as st

from campaigns.domain.rules_sms import GSM7_BASIC, GSM7_EXTENDED, fit, keyword, language_of, segments


def test_plain_text_is_gsm7_and_one_segment_holds_160_characters():
    assert segments("a" * 160) == segments("a" * 160).__class__("GSM-7", 1, 160)
    assert segments("a" * 161).count == 2


def test_concatenated_gsm7_parts_hold_153_septets_each():
    assert segments("a" * 306).count == 2
    assert segments("a" * 307).count == 3


def test_an_extension_character_takes_two_septets():
    counted = segments("€" * 80)
    assert (counted.encoding, counted.units, counted.count) == ("GSM-7", 160, 1)
    assert segments("€" * 81).count == 2


def test_an_escape_pair_is_never_split_between_two_parts():
    # 152 plain septets then "€" (2): the pair does not fit in the first part's last place
    text = "a" * 152 + "€" + "a" * 152
    assert segments(text).units == 306
    assert segments(text).count == 3


def test_one_character_outside_the_gsm_alphabet_makes_the_whole_text_ucs2():
    assert segments("a" * 69 + "ł").encoding == "UCS-2"
    assert segments("a" * 69 + "ł").count == 1
    assert segments("a" * 70 + "ł").count == 2
    assert segments("ł" * 134).count == 2 and segments("ł" * 135).count == 3


def test_curly_quotes_and_the_ellipsis_are_not_gsm7():
    assert segments("You’re in").encoding == "UCS-2"
    assert segments("Wait…").encoding == "UCS-2"


def test_an_emoji_is_a_surrogate_pair_in_ucs2():
    assert segments("🙂").units == 2
    assert segments("🙂" * 35).count == 1
    assert segments("🙂" * 36).count == 2


def test_an_empty_text_is_no_segment():
    assert segments("").count == 0


@given(st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENDED), max_size=700))
def test_gsm7_counts_agree_with_the_part_sizes(text):
    counted = segments(text)
    assert counted.encoding == "GSM-7"
    if counted.units <= 160:
        assert counted.count == (1 if text else 0)
    else:
        # each part holds at most 153 septets and at least 152 (an escape pair may move to the next)
        assert (counted.count - 1) * 152 < counted.units <= counted.count * 153


@given(st.text(max_size=400), st.text(max_size=60))
def test_fit_keeps_the_fixed_part_and_stays_within_two_segments(words, fixed):
    fixed = fixed.replace("{}", "")
    text = fit("{} " + fixed, shrinkable=words, limit=2)
    assert text.endswith(" " + fixed)
    if segments(" " + fixed).count <= 1:
        assert segments(text).count <= 2


def test_fit_shortens_a_long_title_with_three_dots():
    text = fit("{} https://x.example/s/1-abc STOP to end", shrinkable="Tomorrow: " + "a very long title " * 30)
    assert segments(text).count == 2 and "... https://x.example/s/1-abc STOP to end" in text


def test_keywords_are_read_alone_in_any_case_and_punctuation():
    assert keyword(" stop ") == "stop" and keyword("Stop.") == "stop" and keyword("STOPALL") == "stop"
    assert {keyword(w) for w in ("unsubscribe", "END", "quit")} == {"stop"}
    assert keyword("start") == "start" and keyword("Help!") == "help"
    assert keyword("yes") == "yes" and keyword("Y") == "yes"
    assert keyword("no") == "no" and keyword("cancel") == "cancel"
    assert {keyword(w) for w in ("REVOKE", "optout")} == {"stop"}  # Twilio's defaults too


def test_spanish_keywords_mean_the_same_with_or_without_accents():
    assert {keyword(w) for w in ("BAJA", "parar", "Alto", "detener")} == {"stop"}
    assert {keyword(w) for w in ("ALTA", "comenzar")} == {"start"}
    assert keyword("Ayuda") == "help" and keyword("cancelar") == "cancel"
    assert keyword("Sí") == keyword("si") == keyword("SÍ!") == "yes" and keyword("No") == "no"


def test_a_spanish_only_keyword_says_its_language_and_a_shared_one_does_not():
    assert language_of("baja") == language_of("Sí") == "es"
    assert language_of("NO") is None and language_of("STOP") is None and language_of("sí claro") is None


def test_a_sentence_is_not_a_keyword():
    assert keyword("yes but I'll be late") is None
    assert keyword("please stop the rent rise") is None
    assert keyword("") is None
