#!/usr/bin/env bash
# Figures for the README, measured on the emulated Cortex-M4F (mps2-an386):
# - flash and RAM of each program (llvm-size), and the share of the 4-16-16-3 net's inference
#   code and weights (footprint_small minus footprint_baseline), built for size (opt-level s);
# - instructions executed by one 64-32-10 inference (QEMU's one-instruction-per-block execution
#   trace, counted between the two marker functions), and per multiply-accumulate, built for
#   speed (opt-level 3).
# Run from anywhere: examples/firmware/measure.sh
set -euo pipefail
cd "$(dirname "$0")"
target=thumbv7em-none-eabihf
cargo build --quiet --release --target "$target"
cargo build --quiet --profile size --target "$target"
bin="target/$target/release"
small="target/$target/size"
tools="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"

echo "== flash and RAM at opt-level s (bytes; text and rodata are flash, data and bss RAM)"
printf '%-20s %8s %8s %8s %8s\n' program text rodata data bss
section() { "$tools/llvm-size" -A "$1" | awk -v s="$2" '$1 == s { print $2 }'; }
for program in footprint_baseline footprint_small digits digits_const train_xor; do
    printf '%-20s %8s %8s %8s %8s\n' "$program" \
        "$(section "$small/$program" .text)" "$(section "$small/$program" .rodata)" \
        "$(section "$small/$program" .data)" "$(section "$small/$program" .bss)"
done
code=$(( $(section "$small/footprint_small" .text) - $(section "$small/footprint_baseline" .text) ))
data=$(( $(section "$small/footprint_small" .rodata) - $(section "$small/footprint_baseline" .rodata) ))
echo "4-16-16-3 inference: $code bytes of code, $data bytes of weights and constants"

echo "== instructions per inference (64-32-10, opt-level 3)"
trace=$(mktemp)
trap 'rm -f "$trace"' EXIT
qemu-system-arm -cpu cortex-m4 -machine mps2-an386 -nographic \
    -semihosting-config enable=on,target=native \
    -accel tcg,one-insn-per-tb=on -d exec,nochain -D "$trace" \
    -kernel "$bin/digits" > /dev/null
address() { "$tools/llvm-nm" -C "$bin/digits" | awk -v f="$1" '$3 ~ f { print $1 }'; }
start=$(address 'inference_start')
end=$(address 'inference_end')
# The PC is the second field inside the brackets of each trace line; one line per instruction.
spans=$(awk -v s="$start" -v e="$end" '
    { split($0, f, "[][/]"); pc = substr(f[3], length(f[3]) - 7) }
    pc == s && !inside { inside = 1; n = 0 }
    inside { n++ }
    pc == e && inside { print n; inside = 0 }' "$trace" | head -n 2)
empty=$(echo "$spans" | sed -n 1p)
full=$(echo "$spans" | sed -n 2p)
instructions=$(( full - empty ))
macs=$(( 64 * 32 + 32 * 10 ))
echo "one inference: $instructions instructions for $macs multiply-accumulates" \
     "($(awk -v i="$instructions" -v m="$macs" 'BEGIN { printf "%.2f", i / m }') per MAC)"
