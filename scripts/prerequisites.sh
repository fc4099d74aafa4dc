#!/usr/bin/env bash
# Installs what the build needs and a fresh machine of this kind lacks: Debian's libcsv-dev.
# Sourced by the other scripts; safe to run again.
set -euo pipefail
if [ ! -f /usr/include/csv.h ]; then
    echo "Installing libcsv-dev (Debian's libcsv, the CSV parser) ..." >&2
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq libcsv-dev >/dev/null
fi
