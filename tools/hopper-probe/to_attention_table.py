"""Turns a probe run's attention_sweep.csv into moe-sim's attention.csv (AttentionMeasurement layout).

Rows: the forward as measured, and the backward as (forward+backward) − forward of the same shape, so the
backward rows carry no percentiles. Shapes under --min-seq query tokens (default 4096) are left out: below
that the measured backward of cuDNN's several backward kernels is mostly launch and autograd time between
them (it does not grow with the work: 1k-token shapes took 165–290 µs, 2k ones 245–315 µs), which a kernel
cost model must not absorb.
Usage: python3 to_attention_table.py [--hopper-bundle] [--min-seq N] RUN_DIR > attention.csv
"""
import csv, json, os, sys

args = sys.argv[1:]
bundle = "--hopper-bundle" in args
args = [a for a in args if a != "--hopper-bundle"]
min_seq = 4096
if "--min-seq" in args:
    i = args.index("--min-seq")
    min_seq = int(args[i + 1])
    del args[i:i + 2]
if len(args) != 1:
    sys.exit("usage: to_attention_table.py [--hopper-bundle] [--min-seq N] RUN_DIR > attention.csv")
run = args[0]
with open(os.path.join(run, "env.json")) as f:
    env = json.load(f)
rows = list(csv.DictReader(open(os.path.join(run, "attention_sweep.csv"))))
key = lambda r: tuple(r[c] for c in ("seq_q", "seq_kv", "heads", "kv_heads", "qk_dim", "v_dim", "causal", "dtype"))
forward = {key(r): r for r in rows if r["pass"] == "forward"}
print(f"# Fused attention (cuDNN through PyTorch {env.get('torch', '?')} scaled_dot_product_attention, cuDNN "
      f"{env.get('cudnn', '?')}) on one {env.get('gpu', '?')};")
print("# triton.testing.do_bench medians, random inputs, K/V expanded to the query heads. Backward = measured")
print(f"# forward+backward minus forward. Shapes under {min_seq} query tokens left out (launch-dominated backward).")
print("# moe-sim tools/hopper-probe/probe.py (attention_sweep) and to_attention_table.py.")
if bundle:
    print("# Measured 2026-11-30 (tools/hopper-probe/results-2026-11-30-h200/run5). Bundled with h100-sxm, h800-sxm and")
    print("# h200-sxm (same GH100 compute die); MeasuredAttentionModel applies each row's ratio to the analytical model.")
print("seq_q,seq_kv,heads,kv_heads,qk_dim,v_dim,causal,dtype,pass,time_us_median,time_us_p10,time_us_p90,samples")
for r in rows:
    if r["pass"] != "forward+backward" or int(r["seq_q"]) < min_seq:
        continue
    f = forward[key(r)]
    shape = ",".join(key(r))
    print(f"{shape},forward,{float(f['time_us_median']):.2f},{float(f['time_us_p10']):.2f},{float(f['time_us_p90']):.2f},")
    print(f"{shape},backward,{float(r['time_us_median']) - float(f['time_us_median']):.2f},,,")
