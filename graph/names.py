"""Normalise names and countries so the same party found in different datasets
meets itself.

Sanctions lists, procurement records and NGO data spell one company many ways:
"Hangzhou Hikvision Digital Technology Company", "... Co., Ltd.", "HIKVISION".
:func:`name_key` reduces a name to a comparison key (ASCII, lower case, no
punctuation, no legal form). :func:`country_code` turns a country name, code or
common variant into an ISO 3166-1 alpha-2 code. Both are cached: an import of a
million rows sees the same few thousand values over and over.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry
from anyascii import anyascii

# Legal forms removed from the end (or start) of a name, longest first, written
# as they look after punctuation is removed. Kept short and common on purpose:
# removing too much merges different companies.
LEGAL_FORMS = tuple(
    sorted(
        {
            "co ltd",
            "co limited",
            "company limited",
            "company ltd",
            "limited liability company",
            "joint stock company",
            "public joint stock company",
            "closed joint stock company",
            "sdn bhd",
            "pte ltd",
            "pty ltd",
            "private limited",
            "s a",
            "s a s",
            "s r l",
            "s p a",
            "b v",
            "n v",
            "company",
            "co",
            "ltd",
            "limited",
            "llc",
            "inc",
            "incorporated",
            "corp",
            "corporation",
            "gmbh",
            "ag",
            "sa",
            "sas",
            "sarl",
            "srl",
            "spa",
            "bv",
            "nv",
            "plc",
            "ad",
            "ab",
            "oy",
            "kft",
            "zrt",
            "jsc",
            "ojsc",
            "pjsc",
            "cjsc",
            "ooo",
            "oao",
            "zao",
            "ao",
            "llp",
            "lp",
            "bhd",
            "pte",
            "pty",
        },
        key=lambda form: (-len(form), form),
    )
)
_LEADING_FORMS = ("ooo", "oao", "zao", "ao", "pjsc", "ojsc", "jsc", "llc", "pao")

# Romanisation and spelling variants, applied word by word.
WORD_VARIANTS = {
    "uyghur": "uighur",
    "uygur": "uighur",
    "uigur": "uighur",
    "technologies": "technology",
    "tech": "technology",
    "intl": "international",
    "peking": "beijing",
    "and": "",
    "the": "",
}

# Names and codes pycountry does not know, or knows under another name.
COUNTRY_VARIANTS = {
    "prc": "CN",
    "people s republic of china": "CN",
    "china prc": "CN",
    "mainland china": "CN",
    "burma": "MM",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "america": "US",
    "russia": "RU",
    "russian federation": "RU",
    "south korea": "KR",
    "republic of korea": "KR",
    "korea south": "KR",
    "north korea": "KP",
    "dprk": "KP",
    "korea north": "KP",
    "iran": "IR",
    "syria": "SY",
    "taiwan": "TW",
    "vietnam": "VN",
    "viet nam": "VN",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "macedonia": "MK",
    "north macedonia": "MK",
    "czech republic": "CZ",
    "turkey": "TR",
    "turkiye": "TR",
    "uae": "AE",
    "emirates": "AE",
    "palestine": "PS",
    "vatican": "VA",
    "drc": "CD",
    "dr congo": "CD",
    "democratic republic of congo": "CD",
    "congo kinshasa": "CD",
    "congo brazzaville": "CG",
    "republic of congo": "CG",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "holland": "NL",
    "the netherlands": "NL",
    "kosovo": "XK",
    "hong kong": "HK",
    "macau": "MO",
    "micronesia": "FM",
    "brunei": "BN",
    "gambia": "GM",
    "the gambia": "GM",
    "bahamas": "BS",
    "the bahamas": "BS",
}


@lru_cache(maxsize=200_000)
def plain_name(text: str) -> str:
    """A name with case, accents, script and punctuation ironed out but legal form kept,
    for exact matching: ``"INTELLEXA S.A."`` and ``"Intellexa S.A."`` agree, while
    ``"Intellexa Limited"`` stays different."""
    return _plain(text)


def _plain(text: str) -> str:
    """ASCII, lower case, punctuation as spaces, single spaces."""
    ascii_text = anyascii(text).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text).split())


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """The comparison key of an organization or person name.

    >>> name_key("Zhejiang Dahua Technology Co., Ltd.")
    'zhejiang dahua technology'
    >>> name_key("ООО «Зала Аэро»") == name_key("OOO Zala Aero")
    True
    """
    return name_parts(name)[0]


# Legal forms that say the same thing in different words; a name's form is
# reported as its family, so "Co., Ltd." and "Company Limited" agree while
# "Limited" and "S.A." (Intellexa Limited, Intellexa S.A.: two companies) do not.
FORM_FAMILIES = {
    "co ltd": "ltd", "co limited": "ltd", "company limited": "ltd", "company ltd": "ltd", "limited": "ltd",
    "ltd": "ltd", "company": "ltd", "co": "ltd",
    "corporation": "corp", "corp": "corp", "inc": "inc", "incorporated": "inc",
    "s a": "sa", "sa": "sa", "s a s": "sas", "sas": "sas", "s r l": "srl", "srl": "srl", "s p a": "spa", "spa": "spa",
    "b v": "bv", "bv": "bv", "n v": "nv", "nv": "nv",
    "limited liability company": "llc", "llc": "llc", "ooo": "llc",
    "joint stock company": "jsc", "public joint stock company": "jsc", "closed joint stock company": "jsc",
    "jsc": "jsc", "ojsc": "jsc", "pjsc": "jsc", "cjsc": "jsc", "oao": "jsc", "zao": "jsc", "ao": "jsc", "pao": "jsc",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def name_parts(name: str) -> tuple[str, str]:
    """``(name_key, legal form family)``: the family of the legal forms removed from
    the name ('' when it had none), so a matcher can tell "Co., Ltd." from "S.A."."""
    # "(Uganda)" after a body's name says where it is, not who it is; "(Americas)" stays.
    name = re.sub(r"\(([^()]*)\)", lambda m: " " if country_code(m.group(1)) else m.group(0), name)
    text = _plain(name)
    forms: list[str] = []
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            if text.endswith(" " + form):
                text = text[: -len(form) - 1].rstrip()
                forms.append(form)
                changed = True
                break
    words = text.split()
    while len(words) > 1 and words[0] in _LEADING_FORMS:
        forms.append(words[0])
        words = words[1:]
    words = [WORD_VARIANTS.get(word, word) for word in words]
    families = sorted({FORM_FAMILIES.get(form, form) for form in forms})
    return " ".join(word for word in words if word), "+".join(families)


def forms_agree(a: str, b: str) -> bool:
    """Whether two legal-form families (from :func:`name_parts`) can name one company:
    equal, or one name states none."""
    return a == b or not a or not b


@lru_cache(maxsize=20_000)
def country_code(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a country name, code or common variant, else None.

    >>> [country_code(v) for v in ("PRC", "Burma", "Ivory Coast", "ru", "DEU", "United States of America")]
    ['CN', 'MM', 'CI', 'RU', 'DE', 'US']
    """
    text = value.strip()
    if not text:
        return None
    plain = _plain(text)
    if plain in COUNTRY_VARIANTS:
        return COUNTRY_VARIANTS[plain]
    if plain.startswith("the "):
        plain = plain[4:]
    if len(plain) == 2 and plain.isalpha():
        found = pycountry.countries.get(alpha_2=plain.upper())
        return str(found.alpha_2) if found else (plain.upper() if plain == "xk" else None)
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        found = None
        for country in pycountry.countries:
            names = {getattr(country, attr, "") for attr in ("name", "official_name", "common_name")}
            if plain in {_plain(n) for n in names if n}:
                found = country
                break
    return str(found.alpha_2) if found else None


def country_name(code: str) -> str:
    """A display name for an ISO alpha-2 code (the code itself if unknown)."""
    if code == "XK":
        return "Kosovo"
    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code
