#!/usr/bin/env bash
# The test command: installs prerequisites, checks formatting, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
swift format lint --strict -r Sources Tests Benchmarks Fuzz Package.swift
swift build --build-tests
swift test --skip-build
