#!/usr/bin/env bash
# The compile-time benchmark: the reference user app on constnet against the same program on
# plain loops, built as a user builds them. Prints CPU seconds (user + sys, what the build cost
# whatever else the machine did), wall seconds and LLVM IR lines side by side, with ratios.
#
#   benches/compile/run.sh [rebuilds]      (default 5; the median rebuild is reported)
#
# Then the debug builds of the constnet app at opt-level 0 and 1 (set with
# CARGO_PROFILE_DEV_OPT_LEVEL, as `[profile.dev] opt-level = 1` would): the rebuild after an
# edit and the run, both in CPU seconds, against the release build's run.
#
# Needs `cargo-llvm-lines` for the IR column (installed with `cargo install` if missing).
set -euo pipefail
cd "$(dirname "$0")"
rebuilds="${1:-5}"
command -v cargo-llvm-lines >/dev/null 2>&1 || cargo install --quiet --locked cargo-llvm-lines

# Runs a command, prints "cpu wall" in seconds.
timed() {
    local log
    log="$(mktemp)"
    /usr/bin/time -o "$log" -f '%U %S %e' "$@" >/dev/null 2>&1
    awk '{ printf "%.2f %.2f\n", $1 + $2, $3 }' "$log"
    rm -f "$log"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A cold_cpu cold_wall rebuild_cpu rebuild_wall ir
apps=(constnet-app plain-app)
for app in "${apps[@]}"; do
    (cd "$app" && cargo clean --quiet && cargo fetch --quiet)
    read -r cpu wall < <(cd "$app" && timed cargo build --release --offline)
    cold_cpu[$app]=$cpu
    cold_wall[$app]=$wall
done
# The rebuilds alternate between the two apps (A B A B ...), so that a neighbour's load on
# this shared machine falls on both alike; each round's ratio is kept, and their median
# reported beside the medians of each app.
declare -A cpus walls
ratios=""
for i in $(seq "$rebuilds"); do
    declare -A round
    for app in "${apps[@]}"; do
        # Edit a literal, as a user edits main.rs, and rebuild.
        sed -i "s/^const EPOCHS: usize = .*;/const EPOCHS: usize = $((200 + i % 2));/" "$app/src/main.rs"
        read -r cpu wall < <(cd "$app" && timed cargo build --release --offline)
        cpus[$app]+="$cpu"$'\n'
        walls[$app]+="$wall"$'\n'
        round[$app]=$cpu
    done
    ratios+="$(awk -v a="${round[constnet-app]}" -v b="${round[plain-app]}" 'BEGIN { print a / b }')"$'\n'
done
for app in "${apps[@]}"; do
    sed -i "s/^const EPOCHS: usize = .*;/const EPOCHS: usize = 200;/" "$app/src/main.rs"
    rebuild_cpu[$app]="$(printf '%s' "${cpus[$app]}" | median)"
    rebuild_wall[$app]="$(printf '%s' "${walls[$app]}" | median)"
    ir[$app]="$(cd "$app" && cargo llvm-lines --release --offline 2>/dev/null |
        awk 'NR == 3 { gsub(/[^0-9]/, "", $1); print $1; exit }')"
done
round_ratio="$(printf '%s' "$ratios" | median)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(rustc --version)"
printf '| %-38s | %-14s | %-12s | %-6s |\n' "" "constnet app" "plain loops" "ratio"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..40})" "$(printf -- '-%.0s' {1..16})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..8})"
row() { printf '| %-38s | %-14s | %-12s | %-6s |\n' "$1" "$2" "$3" "$(ratio "$4" "$5")"; }
a=constnet-app
b=plain-app
row "cold release build, CPU s" "${cold_cpu[$a]}" "${cold_cpu[$b]}" "${cold_cpu[$a]}" "${cold_cpu[$b]}"
row "cold release build, wall s" "${cold_wall[$a]}" "${cold_wall[$b]}" "${cold_wall[$a]}" "${cold_wall[$b]}"
row "rebuild after an edit, CPU s (median)" "${rebuild_cpu[$a]}" "${rebuild_cpu[$b]}" "${rebuild_cpu[$a]}" "${rebuild_cpu[$b]}"
row "rebuild after an edit, wall s" "${rebuild_wall[$a]}" "${rebuild_wall[$b]}" "${rebuild_wall[$a]}" "${rebuild_wall[$b]}"
printf '| %-38s | %-14s | %-12s | %-6s |\n' "rebuild, median of the rounds' ratios" "" "" "$(awk -v r="$round_ratio" 'BEGIN { printf "%.2fx", r }')"
row "LLVM IR lines (cargo llvm-lines)" "${ir[$a]}" "${ir[$b]}" "${ir[$a]}" "${ir[$b]}"

# Debug builds: what `opt-level` costs in the edit-build loop and gives back at run time.
echo
printf '| %-34s | %-22s | %-16s |\n' "constnet app" "rebuild after an edit, CPU s" "its run, CPU s"
printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..24})" "$(printf -- '-%.0s' {1..18})"
for level in 0 1; do
    (cd "$a" && CARGO_PROFILE_DEV_OPT_LEVEL=$level cargo build --offline --quiet)
    sed -i "s/^const EPOCHS: usize = .*;/const EPOCHS: usize = 201;/" "$a/src/main.rs"
    read -r cpu _ < <(cd "$a" && timed env CARGO_PROFILE_DEV_OPT_LEVEL=$level cargo build --offline)
    sed -i "s/^const EPOCHS: usize = .*;/const EPOCHS: usize = 200;/" "$a/src/main.rs"
    (cd "$a" && CARGO_PROFILE_DEV_OPT_LEVEL=$level cargo build --offline --quiet)
    read -r run _ < <(cd "$a" && timed target/debug/constnet-app)
    printf '| %-34s | %-22s | %-16s |\n' "debug, opt-level = $level" "$cpu" "$run"
done
read -r run _ < <(cd "$a" && timed target/release/constnet-app)
printf '| %-34s | %-22s | %-16s |\n' "release (opt-level = 3)" "${rebuild_cpu[$a]}" "$run"
