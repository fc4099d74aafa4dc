#!/usr/bin/env bash
# Regenerates Sources/AddressRules/Generated/CountryNames+Data.swift (country names in English and
# each country's official languages, with their alpha-2 codes) from the CLDR data shipped in babel
# and ISO 3166-1 from pycountry. Needs python3 and PyPI; neither the build nor the tests run it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/throwaway-venv.sh"
"$venv/bin/pip" install --quiet --disable-pip-version-check babel==2.18.0 pycountry==26.2.16
"$venv/bin/python" "$here/generate_country_names.py"
