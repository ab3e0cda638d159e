"""Merges probe runs into moe-sim's gemm.csv (GemmMeasurement layout).

Rows: every BF16 plain GEMM of gemm.csv (Linear fprop as m×k·k×n; the weight gradient dW[n_out×k_in] =
dY^T·X as m=n_out, n=k_in, k=tokens) and every torch._grouped_mm row of grouped.csv (one CUTLASS
kernel; m = rows per group). A shape measured in several runs or layouts gets the median of its
medians, the lowest p10 and the highest p90. FP8 rows are left out: they are cuBLAS with per-tensor scales,
while the FP8 workloads moe-sim validates run block-scaled kernels (DeepGEMM, Transformer Engine's
block-wise recipe), against which the analytical FP8 model is calibrated (the probe's FP8 rows made the
DeepGEMM comparison worse: median 2.3% -> 3.6%).
The header comments name the GPU, driver and library versions from the first run's env.json; with
--hopper-bundle they also say how the bundled h100-sxm/h800-sxm/h200-sxm profiles use the table.
Usage: python3 to_gemm_table.py [--hopper-bundle] RUN_DIR... > gemm.csv
"""
import csv, json, os, statistics, sys

args = sys.argv[1:]
bundle = "--hopper-bundle" in args
runs = [a for a in args if a != "--hopper-bundle"]
if not runs:
    sys.exit("usage: to_gemm_table.py [--hopper-bundle] RUN_DIR... > gemm.csv")
with open(os.path.join(runs[0], "env.json")) as f:
    env = json.load(f)
smi = env.get("nvidia_smi", "").splitlines()
driver = smi[1].split(",")[1].strip() if len(smi) > 1 and "," in smi[1] else "?"

shapes = {}
for run in runs:
    for r in csv.DictReader(open(f"{run}/gemm.csv")):
        if r["dtype"] != "bf16":
            continue
        key = (int(r["m"]), int(r["n"]), int(r["k"]), r["dtype"], 1)
        shapes.setdefault(key, []).append((float(r["time_us_median"]), float(r["time_us_p10"]), float(r["time_us_p90"])))
    for r in csv.DictReader(open(f"{run}/grouped.csv")):
        if r["impl"] != "torch_grouped_mm":
            continue
        key = (int(r["m"]), int(r["n"]), int(r["k"]), "bf16", int(r["groups"]))
        shapes.setdefault(key, []).append((float(r["time_us_median"]), float(r["time_us_p10"]), float(r["time_us_p90"])))

print(f"# BF16 GEMMs measured on one {env.get('gpu', '?')} ({env.get('sms', '?')} SMs, driver {driver}) with PyTorch "
      f"{env.get('torch', '?')} (cuBLAS;")
print("# torch._grouped_mm, a CUTLASS grouped kernel, for groups > 1), triton.testing.do_bench medians with the L2")
print(f"# flushed before each call, random inputs; moe-sim tools/hopper-probe/probe.py, {len(runs)} run(s) merged by")
print("# tools/hopper-probe/to_gemm_table.py.")
if bundle:
    print("# Measured 2026-11-30 (raw results in tools/hopper-probe/results-2026-11-30-h200/). Bundled with h100-sxm,")
    print("# h800-sxm and h200-sxm, which share the GH100 compute die (132 SMs, 1980 MHz boost). MeasuredGemmModel")
    print("# applies each row's ratio to the analytical model, so on the H100 and H800 a shape keeps their slower HBM")
    print("# in the model term; that the ratio transfers between the three is an assumption.")
print("m,n,k,dtype,groups,time_us_median,time_us_p10,time_us_p90,samples")
for (m, n, k, dtype, g), v in sorted(shapes.items(), key=lambda kv: (kv[0][3], kv[0][4], kv[0][0], kv[0][1], kv[0][2])):
    med = statistics.median(x[0] for x in v)
    p10 = min(x[1] for x in v)
    p90 = max(x[2] for x in v)
    print(f"{m},{n},{k},{dtype},{g},{med:.2f},{p10:.2f},{p90:.2f},")
