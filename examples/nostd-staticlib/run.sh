#!/usr/bin/env bash
# Builds the no_std staticlib for the host and links it into selftest.c; exits with its verdict.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --quiet --release
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# --gc-sections drops the unwinding tables the precompiled `core` carries (unused with
# panic = "abort"), and with them their reference to an unwinder.
cc -o "$out/selftest" selftest.c target/release/libconstnet_nostd.a -lm -Wl,--gc-sections
"$out/selftest"
