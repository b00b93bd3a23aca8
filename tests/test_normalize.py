"""Name keys, country codes and date parsing: the pieces entity resolution rests on."""

from __future__ import annotations

import pytest

from dualtrace.graph.names import country_code, name_key, plain_name
from dualtrace.ingest.values import ValueProblem, parse_date


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hangzhou Hikvision Digital Technology Company", "Hangzhou Hikvision Digital Technology Co., Ltd."),
        ("Zhejiang Dahua Technology Co., Ltd.", "ZHEJIANG DAHUA TECHNOLOGY CO LTD"),
        ("Intellexa S.A.", "INTELLEXA SA"),
        ("Trovicor GmbH", "Trovicor"),
        ("Xinjiang Uyghur Autonomous Region", "Xinjiang Uighur Autonomous Region"),
        ("ООО Зала Аэро", "OOO Zala Aero"),
        ("Chieftaincy of Military Intelligence (Uganda)", "Chieftaincy of Military Intelligence"),
        ("AVIC Xi’an Aircraft Industry", "AVIC Xi'an Aircraft Industry"),
    ],
)
def test_spelling_variants_share_a_key(a, b):
    assert name_key(a) == name_key(b)


def test_different_companies_keep_different_keys():
    # "(Americas)" is not a country: the US arm of China Telecom is not China Telecom
    assert name_key("China Telecom (Americas) Corp.") != name_key("China Telecom")
    assert name_key("Huawei Investment & Holding") != name_key("Huawei Technologies")


def test_plain_name_keeps_the_legal_form():
    assert plain_name("INTELLEXA S.A.") == plain_name("Intellexa S.A.")
    assert plain_name("Intellexa S.A.") != plain_name("Intellexa Limited")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("PRC", "CN"),
        ("People's Republic of China", "CN"),
        ("Burma", "MM"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("ru", "RU"),
        ("DEU", "DE"),
        ("United States of America", "US"),
        ("Korea, Republic of", "KR"),
        ("Iran, Islamic Republic of", "IR"),
        ("The Netherlands", "NL"),
        ("UK", "GB"),
    ],
)
def test_country_variants(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["Atlantis", "suhh", "", "Xinjiang"])
def test_unknown_countries_are_none(text):
    assert country_code(text) is None


def test_dates_in_stated_formats_ranges_and_circa():
    assert parse_date("2021-03-12").start == "2021-03-12"
    assert parse_date("March 12, 2021", ("%B %d, %Y",)).start == "2021-03-12"
    assert parse_date("12/03/2021", ("%d/%m/%Y",)).start == "2021-03-12"
    assert parse_date("03/2021", ("%m/%Y",)).start == "2021-03"
    span = parse_date("2014-2016")
    assert (span.start, span.end) == ("2014", "2016")
    assert parse_date("2014–16").end == "2016"
    circa = parse_date("circa 2012")
    assert (circa.start, circa.approximate) == ("2012", True)


@pytest.mark.parametrize("text", ["sometime in spring", "2016-2014", "31/02/2020", "1850"])
def test_unreadable_dates_say_what_was_expected(text):
    with pytest.raises(ValueProblem, match=r"expected|outside|ends before|day is out of range"):
        parse_date(text, ("%d/%m/%Y",))
