"""Merges probe runs into moe-sim's gemm.csv (GemmMeasurement layout).

Rows: every BF16 plain GEMM of gemm.csv (Linear fprop as m×k·k×n; the weight gradient dW[n_out×k_in] =
dY^T·X as m=n_out, n=k_in, k=tokens) and every torch._grouped_mm row of grouped.csv (one CUTLASS
kernel; m = rows per group). A shape measured in several runs or layouts gets the median of its
medians, the lowest p10 and the highest p90. FP8 rows are left out: they are cuBLAS with per-tensor scales,
while the FP8 workloads moe-sim validates run block-scaled kernels (DeepGEMM, Transformer Engine's
block-wise recipe), against which the analytical FP8 model is calibrated (the probe's FP8 rows made the
DeepGEMM comparison worse: median 2.3% -> 3.6%).
Usage: python3 to_gemm_table.py RUN_DIR... > gemm.csv
"""
import csv, statistics, sys

shapes = {}
for run in sys.argv[1:]:
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

print("# BF16 GEMMs measured on one NVIDIA H200 SXM (132 SMs, 1980 MHz boost, 700 W) with PyTorch 2.11.0+cu130 (cuBLAS;")
print("# torch._grouped_mm, a CUTLASS grouped kernel, for groups > 1), triton.testing.do_bench medians with the L2")
print("# flushed before each call, random inputs; moe-sim tools/hopper-probe/probe.py, 2026-11-30,")
print("# two runs merged by tools/hopper-probe/to_gemm_table.py (raw results beside the script).")
print("# Bundled with h100-sxm, h800-sxm and h200-sxm, which share the GH100 compute die (132 SMs, 1980 MHz boost).")
print("# MeasuredGemmModel applies each row's ratio to the analytical model, so on the H100 and H800 a shape keeps")
print("# their slower HBM in the model term; that the ratio transfers between the three is an assumption.")
print("m,n,k,dtype,groups,time_us_median,time_us_p10,time_us_p90,samples")
for (m, n, k, dtype, g), v in sorted(shapes.items(), key=lambda kv: (kv[0][3], kv[0][4], kv[0][0], kv[0][1], kv[0][2])):
    med = statistics.median(x[0] for x in v)
    p10 = min(x[1] for x in v)
    p90 = max(x[2] for x in v)
    print(f"{m},{n},{k},{dtype},{g},{med:.2f},{p10:.2f},{p90:.2f},")
