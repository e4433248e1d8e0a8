"""The workloads of benches/README.md on PyTorch and onnxruntime (CPU, one thread; W1b-C and
W2-C also on two threads, in wall-clock time).

Prints one JSON object per line, like the Rust harness; run.sh merges them. Needs torch, and
onnxruntime + onnx for the ORT rows (skipped when missing).
"""

import csv
import json
import os
import pathlib
import statistics
import tempfile
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
ROOT = pathlib.Path(__file__).resolve().parents[2]


def report(workload, library, value, unit):
    print(json.dumps({"workload": workload, "library": library, "value": value, "unit": unit}))


# The process's CPU time, as the Rust harnesses measure it (a busy neighbour on a shared machine
# does not count); CONSTNET_TIMING=wall for the wall clock.
clock = time.perf_counter if os.environ.get("CONSTNET_TIMING") == "wall" else time.process_time


def median_seconds(calls, f):
    for _ in range(calls):
        f()
    rounds = []
    for _ in range(15):
        start = clock()
        for _ in range(calls):
            f()
        rounds.append((clock() - start) / calls)
    return statistics.median(rounds)


def median_wall_seconds(calls, f):
    """median_seconds on the wall clock: the process's CPU time would count every thread's work."""
    for _ in range(calls):
        f()
    rounds = []
    for _ in range(15):
        start = time.perf_counter()
        for _ in range(calls):
            f()
        rounds.append((time.perf_counter() - start) / calls)
    return statistics.median(rounds)


TWO = ", 2 threads, wall clock"


def mlp(widths):
    layers = []
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        layers.append(torch.nn.Linear(a, b))
        layers.append(torch.nn.ReLU() if i + 2 < len(widths) else torch.nn.Softmax(dim=1))
    return torch.nn.Sequential(*layers).eval()


NETS = {"A": [4, 16, 16, 3], "B": [64, 32, 10], "C": [784, 128, 64, 10]}

with torch.inference_mode():
    for name, widths in NETS.items():
        net = mlp(widths)
        x = torch.rand(1, widths[0])
        scale, unit, calls = (1e6, "us", 500) if name == "C" else (1e9, "ns", 2000)
        report(f"W1-{name}", f"PyTorch {torch.__version__.split('+')[0]}", scale * median_seconds(calls, lambda: net(x)), unit)
    net_c = mlp(NETS["C"])
    batch_c = torch.rand(64, 784)
    report("W1b-C", f"PyTorch {torch.__version__.split('+')[0]}", 64 / median_seconds(50, lambda: net_c(batch_c)) / 1e3, "k samples/s")

try:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # CONSTNET_ONNX_DIR keeps the exported files, for tract (run.sh).
    kept = os.environ.get("CONSTNET_ONNX_DIR")
    with tempfile.TemporaryDirectory() as tmp:
        for name, widths in NETS.items():
            path = os.path.join(kept or tmp, f"{name}.onnx")
            net = mlp(widths)
            torch.onnx.export(net, torch.rand(1, widths[0]), path, input_names=["x"],
                              dynamic_axes={"x": {0: "batch"}}, dynamo=False)
            session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            x = torch.rand(1, widths[0]).numpy()
            scale, unit, calls = (1e6, "us", 500) if name == "C" else (1e9, "ns", 2000)
            report(f"W1-{name}", f"onnxruntime {ort.__version__}", scale * median_seconds(calls, lambda: session.run(None, {"x": x})), unit)
            if name == "C":
                batch = torch.rand(64, 784).numpy()
                report("W1b-C", f"onnxruntime {ort.__version__}", 64 / median_seconds(50, lambda: session.run(None, {"x": batch})) / 1e3, "k samples/s")
                two = ort.SessionOptions()
                two.intra_op_num_threads = 2
                two.inter_op_num_threads = 1
                session = ort.InferenceSession(path, two, providers=["CPUExecutionProvider"])
                report("W1b-C" + TWO, f"onnxruntime {ort.__version__}", 64 / median_wall_seconds(50, lambda: session.run(None, {"x": batch})) / 1e3, "k samples/s")
except ImportError:
    pass

# W2-B: net B on digits, batch 32, Adam 1e-3, 20 epochs.
with open(ROOT / "data" / "digits.csv") as f:
    rows = list(csv.reader(f))[1:]
x = torch.tensor([[float(v) / 16.0 for v in r[:64]] for r in rows])
y = torch.tensor([int(float(r[64])) for r in rows])
order = torch.randperm(len(x))
test, train = order[: len(x) // 5], order[len(x) // 5 :]
model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
start = clock()
for epoch in range(20):
    for b in train[torch.randperm(len(train))].split(32):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x[b]), y[b]).backward()
        optimizer.step()
seconds = clock() - start
with torch.no_grad():
    accuracy = (model(x[test]).argmax(1) == y[test]).float().mean().item()
report("W2-B", f"PyTorch {torch.__version__.split('+')[0]}", 20 * len(train) / seconds / 1e3, "k samples/s")
report("W2-B accuracy", f"PyTorch {torch.__version__.split('+')[0]}", 100 * accuracy, "%")

# W2-C: net C, random data, batch 64, one Adam step.
model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                            torch.nn.ReLU(), torch.nn.Linear(64, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
xb, yb = torch.rand(64, 784), torch.arange(64) % 10


def step():
    optimizer.zero_grad()
    torch.nn.functional.cross_entropy(model(xb), yb).backward()
    optimizer.step()


report("W2-C", f"PyTorch {torch.__version__.split('+')[0]}", 1 / median_seconds(20, step) / 1e3, "k steps/s")

# W1b-C and W2-C on two threads (PyTorch's intra-op threads).
torch.set_num_threads(2)
report("W2-C" + TWO, f"PyTorch {torch.__version__.split('+')[0]}", 1 / median_wall_seconds(20, step) / 1e3, "k steps/s")
with torch.inference_mode():
    report("W1b-C" + TWO, f"PyTorch {torch.__version__.split('+')[0]}", 64 / median_wall_seconds(50, lambda: net_c(batch_c)) / 1e3, "k samples/s")
