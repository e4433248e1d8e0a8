#!/usr/bin/env bash
# Figures for the README, measured on emulated Cortex-M cores under QEMU:
# - flash and RAM of each program (llvm-size) on the Cortex-M4F (mps2-an386), built for size
#   (opt-level s); the share of the f32 4-16-16-3 net (footprint_small minus
#   footprint_baseline); and the int8 sine model (1-16-16-1) as a whole firmware, its RAM
#   including the deepest stack QEMU saw (the lowest stack pointer in a register trace), and
#   the net's own share (sine_int8 minus lean_baseline);
# - instructions executed by one 64-32-10 inference, f32 and int8, on the Cortex-M4F, M3
#   (mps2-an385) and M0 (microbit), counted in QEMU's one-instruction-per-block execution
#   trace between the two marker functions, built for speed (opt-level 3), and per
#   multiply-accumulate;
# - that the Cortex-M0 int8 firmware links no floating-point helper at all.
# Run from anywhere: examples/firmware/measure.sh
set -euo pipefail
cd "$(dirname "$0")"
tools="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
targets=(thumbv7em-none-eabihf thumbv7m-none-eabi thumbv6m-none-eabi)
declare -A core=([thumbv7em-none-eabihf]="cortex-m4 mps2-an386" [thumbv7m-none-eabi]="cortex-m3 mps2-an385" [thumbv6m-none-eabi]="cortex-m0 microbit")
declare -A name=([thumbv7em-none-eabihf]="Cortex-M4F" [thumbv7m-none-eabi]="Cortex-M3" [thumbv6m-none-eabi]="Cortex-M0")
for target in "${targets[@]}"; do
    cargo build --quiet --release --target "$target" --bin digits_const --bin digits_int8
done
m4=thumbv7em-none-eabihf
cargo build --quiet --profile size --target "$m4"
small="target/$m4/size"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# QEMU with a program, writing the given trace items to a log; prints what the program says.
run() { # target binary log-items
    local cpu machine
    read -r cpu machine <<<"${core[$1]}"
    qemu-system-arm -cpu "$cpu" -machine "$machine" -nographic \
        -semihosting-config enable=on,target=native \
        -accel tcg,one-insn-per-tb=on -d "$3,nochain" -D "$scratch/trace" -kernel "$2"
}

echo "== flash and RAM at opt-level s on the Cortex-M4F (bytes; text and rodata are flash, data and bss RAM)"
printf '%-20s %8s %8s %8s %8s\n' program text rodata data bss
section() { "$tools/llvm-size" -A "$1" | awk -v s="$2" '$1 == s { print $2 }'; }
for program in footprint_baseline footprint_small digits digits_const digits_int8 train_xor \
    lean_baseline sine_int8 sine_tflite; do
    printf '%-20s %8s %8s %8s %8s\n' "$program" \
        "$(section "$small/$program" .text)" "$(section "$small/$program" .rodata)" \
        "$(section "$small/$program" .data)" "$(section "$small/$program" .bss)"
done
code=$(( $(section "$small/footprint_small" .text) - $(section "$small/footprint_baseline" .text) ))
data=$(( $(section "$small/footprint_small" .rodata) - $(section "$small/footprint_baseline" .rodata) ))
echo "f32 4-16-16-3 inference: $code bytes of code, $data bytes of weights and constants"

sine="$small/sine_int8"
flash=$(( $(section "$sine" .vector_table) + $(section "$sine" .text) + $(section "$sine" .rodata) + $(section "$sine" .data) ))
run "$m4" "$sine" cpu > /dev/null
# The stack starts at the top of RAM; the lowest stack pointer any instruction saw is its depth.
# (Eight hex digits each, so the first in sorted order is the lowest.)
lowest=$(grep -o 'R13=[0-9a-f]*' "$scratch/trace" | cut -d= -f2 | sort -u | head -n 1)
stack=$(( 0x20400000 - 16#$lowest ))
ram=$(( $(section "$sine" .data) + $(section "$sine" .bss) + stack ))
code=$(( $(section "$sine" .text) - $(section "$small/lean_baseline" .text) ))
data=$(( $(section "$sine" .rodata) - $(section "$small/lean_baseline" .rodata) ))
echo "int8 sine 1-16-16-1, whole firmware: $flash bytes of flash, $ram bytes of RAM ($stack of them stack);" \
     "the net's own share: $code bytes of code, $data bytes of weights and constants"

tflite="$small/sine_tflite"
run "$m4" "$tflite" cpu > /dev/null
lowest=$(grep -o 'R13=[0-9a-f]*' "$scratch/trace" | cut -d= -f2 | sort -u | head -n 1)
stack=$(( 0x20400000 - 16#$lowest ))
flash=$(( $(section "$tflite" .vector_table) + $(section "$tflite" .text) + $(section "$tflite" .rodata) + $(section "$tflite" .data) ))
ram=$(( $(section "$tflite" .data) + $(section "$tflite" .bss) + stack ))
model=$(wc -c < ../../tests/fixtures/tflite/sine_int8.tflite)
echo "the same model read from the converter's .tflite ($model bytes) on the device: $flash bytes of flash," \
     "$ram bytes of RAM ($stack of them stack); the reader's code: $(( $(section "$tflite" .text) - $(section "$sine" .text) )) bytes more than the const"

echo "== instructions per 64-32-10 inference (opt-level 3)"
macs=$(( 64 * 32 + 32 * 10 ))
for target in "${targets[@]}"; do
    for program in digits_const digits_int8; do
        bin="target/$target/release/$program"
        said=$(run "$target" "$bin" exec)
        echo "$said" | grep -q '^PASS' || { echo "$said"; exit 1; }
        address() { "$tools/llvm-nm" -C "$bin" | awk -v f="$1" '$3 ~ f { print $1 }'; }
        start=$(address 'inference_start')
        end=$(address 'inference_end')
        # The PC is the second field inside the brackets of each trace line; one line per
        # instruction. The first span is empty (the markers' own instructions).
        spans=$(awk -v s="$start" -v e="$end" '
            { split($0, f, "[][/]"); pc = substr(f[3], length(f[3]) - 7) }
            pc == s && !inside { inside = 1; n = 0 }
            inside { n++ }
            pc == e && inside { print n; inside = 0 }' "$scratch/trace" | head -n 2)
        instructions=$(( $(echo "$spans" | sed -n 2p) - $(echo "$spans" | sed -n 1p) ))
        kind=$([ "$program" = digits_int8 ] && echo int8 || echo f32)
        printf '%-11s %-5s %7d instructions, %5.2f per MAC; %s\n' "${name[$target]}" "$kind" \
            "$instructions" "$(awk -v i="$instructions" -v m="$macs" 'BEGIN { print i / m }')" \
            "$(echo "$said" | grep '^memory' | sed 's/; one inference.*//')"
    done
done

echo "== no floating point in the Cortex-M0 int8 firmware"
helpers=$("$tools/llvm-nm" "target/thumbv6m-none-eabi/release/digits_int8" | awk '{ print $NF }' |
    grep -E '^__aeabi_[fd]|^__(add|sub|mul|div)[sd]f3$|^__(fix|float)' || true)
if [ -n "$helpers" ]; then
    echo "the int8 firmware links floating-point helpers: $helpers"
    exit 1
fi
echo "digits_int8 for thumbv6m links no __aeabi_f*/__aeabi_d* (or other soft-float) helper"
