#!/usr/bin/python3
"""Reruns the trainings behind the figures in examples/nielsen/README.md and README.md and rewrites them.

Each generated block sits between `<!-- regenerate.py: NAME -->` and `<!-- /regenerate.py -->`; the text
between is replaced, the rest of the file is left alone. Needs MNIST ($DESCENT_DATA or --data-dir) and a
built `build/descent`. Runs: config.toml with seeds 1-3, the three variants with seed 1, and config.toml
and hidden100.toml with seed 1 under each SIMD path the CPU has (DESCENT_SIMD), about 2 minutes on a
2-core machine.

    examples/nielsen/regenerate.py [--data-dir DIR] [--descent build/descent] [--check]

--check compares instead of writing and exits 1 when a figure differs (results depend on the CPU's SIMD
path: compare on the machine that wrote them).
"""
import argparse
import os
import re
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "nielsen")
EPOCH = re.compile(r"^Epoch (\d+): (\d+) / (\d+)")


def train(descent, data_dir, config, seed, simd=None):
    env = dict(os.environ)
    env.pop("DESCENT_SIMD", None)
    if simd:
        env["DESCENT_SIMD"] = simd
    cmd = [descent, "train", os.path.join(EXAMPLE, config), "--data-dir", data_dir, "--seed", str(seed)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    lines = [line for line in out.splitlines() if EPOCH.match(line)]
    if not lines:
        sys.exit("no epoch lines from: " + " ".join(cmd))
    correct = [int(EPOCH.match(line).group(2)) for line in lines]
    return lines, correct


def simd_paths():
    flags = open("/proc/cpuinfo").read()
    paths = [("default", None)]
    if " avx512f " in flags and " avx512vl " in flags:
        paths.append(("avx2", "avx2"))
    paths.append(("sse2", "sse2"))
    return paths


def percent(n):
    return f"{n / 100:.2f}%"


def blocks(descent, data_dir):
    out = {}
    seeds = {s: train(descent, data_dir, "config.toml", s) for s in (1, 2, 3)}
    lines1 = seeds[1][0]
    out["output-seed1"] = "```\n" + "\n".join([lines1[0], "...", lines1[-1]]) + "\n```"
    out["output-seed1-long"] = "```\n" + "\n".join([lines1[0], lines1[1], "...", lines1[-1]]) + "\n```"

    rows = ["| epoch | seed 1 | seed 2 | seed 3 |", "|---:|---:|---:|---:|"]
    for e in range(len(seeds[1][1])):
        rows.append(f"| {e} | " + " | ".join(f"{seeds[s][1][e]} / 10000" for s in (1, 2, 3)) + " |")
    finals = ", ".join(percent(seeds[s][1][-1]) for s in (1, 2, 3))
    bests = ", ".join(percent(max(seeds[s][1])) for s in (1, 2, 3))
    rows.append("")
    rows.append(textwrap.fill(f"Final accuracy: {finals} (best epochs: {bests}; Nielsen reports \"about 95%\").",
                              width=104))
    out["seeds"] = "\n".join(rows)

    variants = [("config.toml", "`config.toml` [784, 30, 10], η = 3.0"),
                ("hidden100.toml", "`hidden100.toml` [784, 100, 10], η = 3.0"),
                ("lr_0.1.toml", "`lr_0.1.toml` η = 0.1"), ("lr_0.001.toml", "`lr_0.001.toml` η = 0.001")]
    runs = {name: seeds[1][1] if name == "config.toml" else train(descent, data_dir, name, 1)[1]
            for name, _ in variants}
    rows = ["| epoch | " + " | ".join(title for _, title in variants) + " |", "|---:" * (len(variants) + 1) + "|"]
    for e in range(len(runs["config.toml"])):
        rows.append(f"| {e} | " + " | ".join(str(runs[name][e]) for name, _ in variants) + " |")
    rows.append("")
    rows.append(textwrap.fill(
        f"With 100 hidden units the network ends at {percent(runs['hidden100.toml'][-1])} "
                f"(best epoch {percent(max(runs['hidden100.toml']))}; Nielsen: 96.59%). "
                f"With η = 0.1 it ends at {percent(runs['lr_0.1.toml'][-1])}, and with η = 0.001 at "
                f"{percent(runs['lr_0.001.toml'][-1])}: every step is 3,000 times smaller than the default's, "
                "so the descent is correct but far too slow.", width=104))
    out["variants"] = "\n".join(rows)

    paths = simd_paths()
    rows = ["| config, seed 1 | " + " | ".join(f"`DESCENT_SIMD={name}`" if env else "widest path (default)"
                                               for name, env in paths) + " |",
            "|---|" + "---:|" * len(paths)]
    for config in ("config.toml", "hidden100.toml"):
        cells = []
        for _, env in paths:
            correct = (seeds[1][1] if config == "config.toml" else runs[config]) if env is None else \
                train(descent, data_dir, config, 1, env)[1]
            cells.append(f"{correct[0]}, {correct[1]} … {correct[-1]}")
        rows.append(f"| `{config}` (epochs 0, 1 … 29) | " + " | ".join(cells) + " |")
    out["simd"] = "\n".join(rows)
    return out


def rewrite(path, generated, check):
    text = open(path, encoding="utf-8").read()
    pattern = re.compile(r"(<!-- regenerate\.py: ([\w-]+) -->\n)(.*?)(\n<!-- /regenerate\.py -->)", re.S)
    differs = []

    def replace(m):
        name = m.group(2)
        if name not in generated:
            sys.exit(f"{path}: unknown block {name}")
        if m.group(3) != generated[name]:
            differs.append(name)
        return m.group(1) + generated[name] + m.group(4)

    new = pattern.sub(replace, text)
    if check:
        for name in differs:
            print(f"{os.path.relpath(path, ROOT)}: block {name} differs from this machine's runs")
    elif new != text:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(path + ".tmp", path)
    return differs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("DESCENT_DATA"))
    parser.add_argument("--descent", default=os.path.join(ROOT, "build", "descent"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if not args.data_dir or not os.path.exists(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz")):
        sys.exit("MNIST not found: give --data-dir DIR or set DESCENT_DATA (the four IDX .gz files)")
    generated = blocks(args.descent, args.data_dir)
    differs = []
    for path in (os.path.join(ROOT, "README.md"), os.path.join(EXAMPLE, "README.md")):
        differs += rewrite(path, generated, args.check)
    sys.exit(1 if args.check and differs else 0)


if __name__ == "__main__":
    main()
