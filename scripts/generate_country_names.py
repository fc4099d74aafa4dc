"""Writes Sources/AddressRules/Generated/CountryNames+Data.swift: the names a spreadsheet may give
for a country, with its ISO 3166-1 alpha-2 code, from Unicode CLDR (babel) and ISO 3166-1 (pycountry).

Run it through scripts/generate-country-names.sh, which pins the packages. The countries are
pycountry's ISO 3166-1 list, the same 249 as CountryTable: CLDR's regions (001, 150, 419...),
groupings (EU, EZ, UN, QO), reserved codes (AC, CP, CQ, DG, EA, IC, TA), pseudo-locales (XA, XB),
ZZ and Kosovo (XK, a user-assigned code ISO has not given out) are left out. For each country:
  - its CLDR English name (babel's Locale("en").territories),
  - its CLDR name in each language CLDR says is official in it, de facto or in a region
    (babel.languages.get_official_languages(code, regional=True, de_facto=True)), from the
    language's locale and, where babel has it, the language-in-that-country locale (de, de_AT),
  - its ISO 3166-1 English short, official and common names (pycountry),
  - CLDR's English alternate forms, which babel does not load (CLDR_ENGLISH_ALTERNATES),
  - a few widely used English names that neither source gives (ENGLISH_EXTRAS, a reason each),
  - for an English name that writes "&" or "St.", the same name with "and" or "Saint".
A name two countries share is kept under both: Sources/AddressRules/CountryNames.swift folds case,
accents, spaces and punctuation, and answers "ambiguous" for a name that folds to several codes.
"""
import importlib.metadata as metadata
import pathlib
import sys

import babel
import pycountry
from babel import Locale, localedata
from babel.core import get_global
from babel.languages import get_official_languages

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "Sources" / "AddressRules" / "Generated" / "CountryNames+Data.swift"

# CLDR's alt="short" and alt="variant" English names (common/main/en.xml), copied from CLDR 43's
# en territories, whose main names for these countries are the ones babel's CLDR 47 has. babel's
# importer skips elements with an alt attribute, so Locale("en").territories has only main names.
CLDR_ENGLISH_ALTERNATES = {
    "BA": ["Bosnia"],
    "CD": ["Congo (DRC)"],
    "CG": ["Congo (Republic)"],
    "CI": ["Ivory Coast"],
    "CV": ["Cabo Verde"],
    "CZ": ["Czech Republic"],
    "FK": ["Falkland Islands (Islas Malvinas)"],
    "GB": ["UK"],
    "HK": ["Hong Kong"],
    "MM": ["Myanmar"],
    "MO": ["Macao"],
    "NZ": ["Aotearoa New Zealand"],
    "PS": ["Palestine"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor"],
    "TR": ["Turkey"],
    "US": ["US"],
}

# English names in wide use that neither CLDR nor ISO 3166-1 gives: (name, code, reason).
ENGLISH_EXTRAS = [
    ("USA", "US", "the usual abbreviation (U.S.A. folds to it); CLDR has only US"),
    ("UAE", "AE", "the usual abbreviation of United Arab Emirates"),
    ("Great Britain", "GB", "the name the code GB stands for, common in postal addresses"),
    ("England", "GB", "a country of the UK, ISO 3166-2 subdivision GB-ENG"),
    ("Scotland", "GB", "a country of the UK, ISO 3166-2 subdivision GB-SCT"),
    ("Wales", "GB", "a country of the UK, ISO 3166-2 subdivision GB-WLS"),
    ("Northern Ireland", "GB", "a part of the UK, ISO 3166-2 subdivision GB-NIR"),
    ("The Netherlands", "NL", "the usual English form, with the article"),
    ("The Bahamas", "BS", "the country's own short name has the article"),
    ("The Gambia", "GM", "the country's own short name has the article"),
]


def spelled_out(name):
    """The forms of an English name with CLDR's "&" and "St." written out."""
    forms = {name}
    for short, long in ((" & ", " and "), ("St. ", "Saint ")):
        forms |= {form.replace(short, long) for form in forms}
    return forms


def locale_names(code, language):
    """The country's name in `language` (a CLDR language tag such as de or sr_Latn), from the
    language's locale and from the language-in-this-country locale, where babel has them."""
    names = set()
    for identifier in (language, f"{language}_{code}"):
        if localedata.exists(identifier):
            name = Locale.parse(identifier).territories.get(code)
            if name:
                names.add(name)
    return names


def main():
    english = Locale("en").territories
    codes = sorted(country.alpha_2 for country in pycountry.countries)
    extras = {}
    for name, code, _reason in ENGLISH_EXTRAS:
        extras.setdefault(code, []).append(name)
    unknown = (set(CLDR_ENGLISH_ALTERNATES) | set(extras)) - set(codes)
    if unknown:
        sys.exit(f"alternates for codes that are not countries: {sorted(unknown)}")
    without_locale = set()
    lines = []
    total = 0
    for code in codes:
        country = pycountry.countries.get(alpha_2=code)
        english_names = {english[code]}
        english_names.update(CLDR_ENGLISH_ALTERNATES.get(code, []))
        english_names.update(extras.get(code, []))
        for field in ("name", "official_name", "common_name"):
            value = getattr(country, field, None)
            if value:
                english_names.add(value)
        names = set()
        for name in english_names:
            names |= spelled_out(name)
        for language in get_official_languages(code, regional=True, de_facto=True):
            found = locale_names(code, language)
            if not found and not localedata.exists(language):
                without_locale.add(language)
            names |= found
        for name in names:
            if not name.strip() or any(c in name for c in "|\n\r") or '"""#' in name:
                sys.exit(f"{code}: name {name!r} cannot be written to the table")
        lines.append("|".join([code] + sorted(names)))
        total += len(names)
    table = "\n".join(lines)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(
        "// swift-format-ignore-file\n"
        f"// Generated by scripts/generate-country-names.sh from babel {babel.__version__} "
        f"(CLDR {get_global('cldr')['version']}) and\n"
        f"// pycountry {metadata.version('pycountry')} (ISO 3166-1), with the alternates listed in "
        "scripts/generate_country_names.py. Do not edit.\n\n"
        "extension CountryNames {\n"
        "    /// One line per ISO 3166-1 country, sorted: its alpha-2 code, then its names, sorted,\n"
        '    /// all separated by "|".\n'
        f'    static let generatedTable = #"""\n{table}\n"""#\n'
        "}\n",
        encoding="utf-8",
    )
    print(
        f"wrote {OUTPUT.relative_to(ROOT)}: {len(lines)} countries, {total} names; "
        f"official languages without a CLDR locale in babel: {', '.join(sorted(without_locale))}"
    )


if __name__ == "__main__":
    main()
