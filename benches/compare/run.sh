#!/usr/bin/env bash
# Runs the workloads on constnet, a naive Rust MLP, candle, dfdx, PyTorch, onnxruntime and tract in
# one go, one thread each (and W1b-C and W2-C also on two threads, timed on the wall clock:
# process CPU time would count both threads' work), and prints one table: each peer's figure
# and constnet's speed relative to it (above 1: constnet is faster). Needs Python with torch
# (onnxruntime and onnx optional); set PYTHON to choose it. Every harness times with the
# process's CPU time (user + system), so a busy neighbour on a shared machine is not counted;
# CONSTNET_TIMING=wall for the wall clock.
set -euo pipefail
cd "$(dirname "$0")"
python="${PYTHON:-python3}"
cargo build --quiet --release --features tract,dfdx
results=$(mktemp)
onnx=$(mktemp -d)
trap 'rm -rf "$results" "$onnx"' EXIT
./target/release/constnet-compare > "$results"
RAYON_NUM_THREADS=1 ./target/release/candle >> "$results"
RAYON_NUM_THREADS=1 ./target/release/dfdx >> "$results"
CONSTNET_ONNX_DIR="$onnx" "$python" peers.py >> "$results" 2>/dev/null
# tract runs the ONNX files peers.py exported for onnxruntime (none without onnx installed).
if [ -e "$onnx/C.onnx" ]; then ./target/release/tract "$onnx" >> "$results"; fi
"$python" - "$results" <<'PY'
import json, sys, platform
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
ours = {r["workload"]: r for r in rows if r["library"] == "constnet"}
higher_is_better = lambda unit: "/s" in unit or unit == "%"
def shown(value, unit):
    """A figure in the largest unit that keeps it at or above 1: 6370 ns as 6.37 us."""
    steps = {"ns": (1e3, "us"), "us": (1e3, "ms"), "k samples/s": (1e3, "M samples/s"), "k steps/s": (1e3, "M steps/s")}
    while unit in steps and value >= steps[unit][0]:
        value, unit = value / steps[unit][0], steps[unit][1]
    return f"{value:.3g} {unit}"
import os
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
vector = [f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512vl", "avx512_bf16") if f in flags]
clock = "wall clock" if os.environ.get("CONSTNET_TIMING") == "wall" else "process CPU time"
print(f"machine: {cpu} ({' '.join(vector)}), one thread, {clock}; rows that say 2 threads: wall clock")
print("| workload | constnet | peer | peer's figure | constnet's speed / peer's |")
print("|---|---|---|---|---|")
for r in rows:
    if r["library"] == "constnet":
        continue
    mine = ours.get(r["workload"])
    if mine is None:
        continue
    if r["unit"] == "%":
        ratio = f"{mine['value'] - r['value']:+.1f} points"
    elif higher_is_better(r["unit"]):
        ratio = f"{mine['value'] / r['value']:.2f}"
    else:
        ratio = f"{r['value'] / mine['value']:.2f}"
    print(f"| {r['workload']} | {shown(mine['value'], mine['unit'])} | {r['library']} | {shown(r['value'], r['unit'])} | {ratio} |")
compared = {r["workload"] for r in rows if r["library"] != "constnet"}
alone = [r for r in ours.values() if r["workload"] not in compared]
if alone:
    print()
    print("| constnet alone | figure |")
    print("|---|---|")
    for r in alone:
        print(f"| {r['workload']} | {shown(r['value'], r['unit'])} |")
PY
