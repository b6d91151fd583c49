#!/usr/bin/python3
"""Tables of bench/run.sh's raw numbers (the TSV files it writes), for the terminal and for bench/README.md.

    write_table.py workload TSV        the table run.sh prints after a workload's runs
    write_table.py gemm TSV            the table of the matrix-product bench (bench/gemm)
    write_table.py readme README DIR --cpu C --date D --commit H --coretype T --reps N --gemm-reps N
                                       [--dataset NAME] [--torch V] [--libtorch V]
        replaces what README holds between <!-- bench:all:begin --> and <!-- bench:all:end --> with the
        tables of every workload whose TSV is in DIR (w1.tsv, w1-adam.tsv, lenet.tsv, mlp1024.tsv,
        mlp1024-gemm.tsv), as run.sh --workload all leaves them.

Every figure is a median over the repetitions.
"""
import argparse
import csv
import json
import os
import statistics
import sys

WORKLOADS = ["w1", "w1-adam", "lenet", "mlp1024"]
SIDES = ["descent", "torch", "libtorch"]
BEGIN, END = "<!-- bench:all:begin -->", "<!-- bench:all:end -->"


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def median(values):
    values = list(values)
    return statistics.median(values) if values else float("nan")


def workload_medians(rows):
    """{threads: {side: (samples/s, peak RSS in MB)}}, medians over the repetitions."""
    out = {}
    for t in sorted({int(r["threads"]) for r in rows}):
        out[t] = {}
        for side in SIDES:
            mine = [r for r in rows if r["impl"] == side and int(r["threads"]) == t]
            out[t][side] = (median(float(r["samples_per_second"]) for r in mine),
                            median(float(r["peak_rss_kb"]) / 1024 for r in mine))
    return out


def gemm_medians(rows):
    """{(threads, OpenBLAS core): [(product, m, n, k, descent s/call, OpenBLAS s/call)]}, the products in the
    order the step runs them, the runs in the order of the file."""
    out = {}
    for run in dict.fromkeys((int(r["threads"]), r["openblas_core"]) for r in rows):
        mine = [r for r in rows if (int(r["threads"]), r["openblas_core"]) == run]
        products = list(dict.fromkeys((r["product"], int(r["m"]), int(r["n"]), int(r["k"])) for r in mine))
        out[run] = []
        for name, m, n, k in products:
            def secs(impl):
                return median(float(r["seconds_per_call"]) for r in mine if r["product"] == name and r["impl"] == impl)
            out[run].append((name, m, n, k, secs("descent"), secs("openblas")))
    return out


def gemm_lines(medians, run):
    """(product, m x n x k, descent GFLOP/s, OpenBLAS GFLOP/s, descent/OpenBLAS) rows, the step's total last."""
    lines, flop, ours, theirs = [], 0.0, 0.0, 0.0
    for name, m, n, k, d, o in medians[run]:
        f = 2.0 * m * n * k / 1e9
        flop, ours, theirs = flop + f, ours + d, theirs + o
        lines.append((name, f"{m}x{n}x{k}", f / d, f / o, o / d))
    lines.append(("step total", f"{flop:.3f} GFLOP", flop / ours, flop / theirs, theirs / ours))
    return lines


def read_bound(tsv):
    """The memory bound memory_bound.py wrote beside a workload's TSV, or None."""
    path = tsv[:-len(".tsv")] + "-bound.json" if tsv.endswith(".tsv") else tsv + "-bound.json"
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def bound_text(bound):
    mb = {k: v / 1e6 for k, v in bound.items()}
    return (f"{mb['bound']:.0f} MB = 1.2 x ({mb['data_set']:.1f} data set + {mb['parameters']:.2f} parameters + "
            f"{mb['optimizer_state']:.2f} optimizer state + {mb['batch_activations_and_gradients']:.2f} batch "
            f"activations and gradients) + {mb['code_and_libraries']:.0f}")


def print_workload(path):
    med = workload_medians(read_tsv(path))
    print(f"{'threads':>7}  {'descent samples/s':>17}  {'torch samples/s':>15}  {'libtorch samples/s':>18}  "
          f"{'descent/torch':>13}  {'descent/libtorch':>16}")
    for t, sides in med.items():
        d, p, l = (sides[s][0] for s in SIDES)
        print(f"{t:>7}  {d:>17.0f}  {p:>15.0f}  {l:>18.0f}  {d / p:>13.2f}  {d / l:>16.2f}")
    print("(medians over the repetitions; samples/s of the training pass alone)")
    print("peak resident memory (MB, median): " + ", ".join(
        f"{side} {sides[side][1]:.0f} at {t} thread{'s' if t > 1 else ''}"
        for t, sides in med.items() for side in SIDES))
    bound = read_bound(path)
    if bound:
        peak = max(sides["descent"][1] * 1024 * 1024 / 1e6 for sides in med.values())
        print(f"descent's memory bound: {bound_text(bound)}; its largest median peak {peak:.0f} MB: "
              f"{'within' if peak <= bound['bound'] / 1e6 else 'OVER'}")


def print_gemm(path):
    med = gemm_medians(read_tsv(path))
    for t, core in med:
        print(f"threads {t}, OpenBLAS core {core}: GFLOP/s of each product of one step (medians over the repetitions)")
        print(f"{'product':<14} {'m x n x k':>16}  {'descent':>8}  {'OpenBLAS':>8}  {'descent/OpenBLAS':>16}")
        for name, shape, d, o, ratio in gemm_lines(med, (t, core)):
            print(f"{name:<14} {shape:>16}  {d:>8.1f}  {o:>8.1f}  {ratio:>16.2f}")


def readme_block(directory, a):
    out = [BEGIN, ""]
    caveat = (" A single repetition is a check that the script runs, not a measurement: rerun with 5 before "
              "quoting these figures." if a.reps == 1 else "")
    out.append(f"`bench/run.sh --workload all`, {a.date}: {a.cpu}, `OPENBLAS_CORETYPE` {a.coretype}, descent "
               f"{a.commit}, {a.dataset}, torch {a.torch}, libtorch {a.libtorch}; **reps={a.reps}** per side and "
               f"thread count (medians).{caveat}")
    out += ["", "| workload | threads | descent samples/s | torch samples/s | libtorch samples/s | descent/torch | "
            "descent/libtorch | peak RSS MB descent / torch / libtorch |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for w in WORKLOADS:
        path = os.path.join(directory, f"{w}.tsv")
        if not os.path.exists(path):
            continue
        for t, sides in workload_medians(read_tsv(path)).items():
            (d, dm), (p, pm), (l, lm) = (sides[s] for s in SIDES)
            out.append(f"| {w} | {t} | {d:.0f} | {p:.0f} | {l:.0f} | {d / p:.2f} | {d / l:.2f} | "
                       f"{dm:.0f} / {pm:.0f} / {lm:.0f} |")
    bounds = [(w, read_bound(os.path.join(directory, f"{w}.tsv"))) for w in WORKLOADS]
    bounds = [(w, b) for w, b in bounds if b]
    if bounds:
        out += ["", "Peak resident memory (`/usr/bin/time`'s maximum RSS, MiB above; MB = 10^6 bytes below) is held to "
                "1.2 × (the data set as stored in memory + parameters + optimizer state + one batch of activations "
                "and gradients) + 60 MB (`bench/memory_bound.py`: the data set as descent keeps it, the training "
                "and test images as bytes and the labels as int64):", ""]
        for w, b in bounds:
            med = workload_medians(read_tsv(os.path.join(directory, f"{w}.tsv")))
            peak = max(sides["descent"][1] * 1024 * 1024 / 1e6 for sides in med.values())
            out.append(f"- {w}: {bound_text(b)}; descent's largest median peak {peak:.0f} MB, "
                       f"{'within' if peak <= b['bound'] / 1e6 else '**over**'}")
    gemm = os.path.join(directory, "mlp1024-gemm.tsv")
    if os.path.exists(gemm):
        med = gemm_medians(read_tsv(gemm))
        out += ["", f"The matrix products of one mlp1024 training step (`bench/gemm`), GFLOP/s, descent's kernel "
                f"entry point against `cblas_sgemm` on the same operands; medians of {a.gemm_reps} repetitions "
                "of at least 0.1 s each (the step total should be at least 0.85 of OpenBLAS's). OpenBLAS core: the "
                "kernels OpenBLAS ran, as `OPENBLAS_CORETYPE` set them, and, where it was set, as OpenBLAS picks "
                "them for this CPU with it unset; descent hands some products to OpenBLAS, so both sides change:",
                "", "| threads | OpenBLAS core | product | m×n×k | descent | OpenBLAS | descent/OpenBLAS |",
                "|---:|---|---|---:|---:|---:|---:|"]
        for t, core in med:
            for name, shape, d, o, ratio in gemm_lines(med, (t, core)):
                bold = "**" if name == "step total" else ""
                out.append(f"| {t} | {core} | {bold}{name}{bold} | {shape.replace('x', '×')} | {d:.1f} | {o:.1f} | "
                           f"{bold}{ratio:.2f}{bold} |")
    out += ["", END]
    return "\n".join(out)


def write_readme(readme, directory, a):
    text = open(readme).read()
    begin, end = text.find(BEGIN), text.find(END)
    if begin < 0 or end < begin:
        sys.exit(f"write_table.py: {readme} lacks the markers {BEGIN} ... {END}")
    text = text[:begin] + readme_block(directory, a) + text[end + len(END):]
    with open(readme, "w") as f:
        f.write(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("workload").add_argument("tsv")
    sub.add_parser("gemm").add_argument("tsv")
    r = sub.add_parser("readme")
    r.add_argument("readme")
    r.add_argument("directory")
    for key in ("cpu", "date", "commit", "coretype"):
        r.add_argument(f"--{key}", required=True)
    r.add_argument("--reps", type=int, required=True)
    r.add_argument("--gemm-reps", type=int, required=True)
    r.add_argument("--dataset", default="MNIST")
    r.add_argument("--torch", default="?")
    r.add_argument("--libtorch", default="?")
    a = p.parse_args()
    if a.command == "workload":
        print_workload(a.tsv)
    elif a.command == "gemm":
        print_gemm(a.tsv)
    else:
        write_readme(a.readme, a.directory, a)


if __name__ == "__main__":
    main()
