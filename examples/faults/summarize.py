"""The diagnosis suite's table from the JSON verdicts of run.sh: one row per case, then the totals
that README.md's acceptance asks for, for the tuning part, the held-out part and all together."""
import json, os, re, sys

if sys.argv[1] == "--program":
    # The "diagnosis: CAUSE at WHERE" lines of a founding program, as the doctor's JSON.
    found = re.findall(r"^diagnosis: (\w+) at (\S+)", open(sys.argv[2]).read(), re.M)
    findings = [{"cause": c, "severity": "problem", "where": w, "step": 0} for c, w in found]
    print(json.dumps({"healthy": not findings, "steps_run": 0, "planned_steps": 0, "findings": findings}))
    sys.exit(0)

cases_path, results, pattern = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else ".")
rows = [l.rstrip("\n").split("\t")[:4] for l in open(cases_path) if not l.startswith("#") and l.strip()]
rows = [r for r in rows if re.search(pattern, "\t".join(r))]
print("| case | split | expected | causes found (first three) | verdict step / planned | seconds | try-fix |")
print("|---|---|---|---|---|---|---|")
stats = {}
for name, expected, data, split in rows:
    path = os.path.join(results, name + ".json")
    t0, t1 = 0.0, 0.0
    if os.path.exists(os.path.join(results, name + ".time")):
        t1, t0 = map(float, open(os.path.join(results, name + ".time")).read().split())
    if not os.path.exists(path):
        print(f"| {name} | {split} | {expected} | (no verdict: see {name}.out) | | {t1 - t0:.1f} | |")
        for s in (split, "all"):
            stats.setdefault(s, []).append((expected, [], None, None, 0, t1 - t0, None))
        continue
    j = json.load(open(path))
    problems = [f for f in j["findings"] if f["severity"] == "problem"]
    causes = list(dict.fromkeys(f["cause"] for f in problems))
    step = min((f["step"] for f in problems), default=None)
    fix = j.get("fix_result")
    fixtext = "" if not fix else ("confirmed" if fix["confirmed"] else "not confirmed") + " (" + ", ".join(
        f"{k} = {json.dumps(v)}" for k, v in fix["applied"].items()) + ")"
    shown = ", ".join(causes[:3]) if causes else "healthy"
    stepcol = f"{step} / {j['planned_steps']}" if step is not None else f"- / {j['planned_steps']}"
    print(f"| {name} | {split} | {expected} | {shown} | {stepcol} | {t1 - t0:.1f} | {fixtext} |")
    for s in (split, "all"):
        stats.setdefault(s, []).append((expected, causes, step, j["planned_steps"], j["healthy"], t1 - t0, fix))
print()
for s, items in sorted(stats.items()):
    faulty = [i for i in items if i[0] != "healthy"]
    healthy = [i for i in items if i[0] == "healthy"]
    detected = sum(1 for i in faulty if i[1])
    first = sum(1 for i in faulty if i[1][:1] == [i[0]])
    top3 = sum(1 for i in faulty if i[0] in i[1][:3])
    early = sum(1 for i in faulty if i[2] is not None and (i[2] == 0 or (i[3] and i[2] <= 0.1 * i[3])))
    fixable = [i for i in faulty if i[6] is not None]
    confirmed = sum(1 for i in fixable if i[6]["confirmed"])
    flagged = sum(1 for i in healthy if i[1])
    print(f"{s}: faulty {len(faulty)}: detected {detected}, first {first}, top-3 {top3}, named within 10% of "
          f"planned {early}; try-fix confirmed {confirmed} of {len(fixable)}; healthy {len(healthy)}: flagged {flagged}")
