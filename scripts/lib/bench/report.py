#!/usr/bin/env python3
"""Figures for scripts/bench, from the files each run leaves in its directory.

  report.py run RUN_DIR          writes RUN_DIR/result.json and RUN_DIR/series.dat
  report.py table BENCH_DIR      prints the markdown table over every scenario and run
  report.py plot BENCH_DIR PNG   writes BENCH_DIR/plot.gp and renders it with gnuplot

A run directory holds:
  rows.txt      from timeline.lua: thread start_us end_us status (status 0 = socket error)
  summary.txt   from timeline.lua: wrk's own totals (requests, errors by kind)
  run.txt       key=value: scenario, label, connections, start_us (load start), warmup_s
  restarts.txt  one line per restart: trigger_us done_us restart_ms switched_ms own_ms
                (done_us: the old set is gone; restart_ms: trigger to old set gone; switched_ms:
                trigger to new set serving, "-" when the approach has no such moment; own_ms:
                rolld's own time in the rollout, from its log, "-" for the others)
  app_start_ms  (optional) the app's own start time: exec to accepting, 4 workers at once

The restart window of a restart is [trigger, done + WINDOW_TAIL_S]: a request belongs to it when
its time in flight overlaps it. Steady state is every request after the warm-up that overlaps no
window. Latency figures cover answered requests (any status); socket errors are counted apart.
"""

import json
import os
import statistics
import subprocess
import sys

WINDOW_TAIL_S = 0.5
BUCKET_S = 0.1


def read_kv(path):
    values = {}
    with open(path) as f:
        for token in f.read().split():
            key, _, value = token.partition("=")
            values[key] = value
    return values


def read_rows(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4:
                rows.append((int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3])))
    return rows


def read_restarts(path):
    restarts = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) in (4, 5):
                    number = lambda v: None if v == "-" else float(v)
                    restarts.append({
                        "trigger_us": int(parts[0]), "done_us": int(parts[1]),
                        "restart_ms": number(parts[2]), "switched_ms": number(parts[3]),
                        "own_ms": number(parts[4]) if len(parts) == 5 else None,
                    })
    return restarts


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def latency_figures(latencies_us):
    values = sorted(latencies_us)
    ms = lambda v: None if v is None else round(v / 1000.0, 2)
    return {"count": len(values), "p50_ms": ms(percentile(values, 50)), "p99_ms": ms(percentile(values, 99)),
            "max_ms": ms(values[-1] if values else None)}


def drop_startup_artifacts(rows):
    """A socket error before a thread's first answer is wrk connecting (its first write can be
    retried), not a failed request; wrk does not count those either."""
    first_answer = {}
    for thread, start, end, status in rows:
        if status != 0 and (thread not in first_answer or end < first_answer[thread]):
            first_answer[thread] = end
    return [r for r in rows if r[3] != 0 or r[0] in first_answer and r[2] > first_answer[r[0]]]


def analyze_run(run_dir):
    meta = read_kv(os.path.join(run_dir, "run.txt"))
    wrk = read_kv(os.path.join(run_dir, "summary.txt"))
    rows = drop_startup_artifacts(read_rows(os.path.join(run_dir, "rows.txt")))
    restarts = read_restarts(os.path.join(run_dir, "restarts.txt"))
    start_us = int(meta["start_us"])
    steady_from_us = start_us + int(float(meta["warmup_s"]) * 1e6)
    windows = [(r["trigger_us"], r["done_us"] + int(WINDOW_TAIL_S * 1e6)) for r in restarts]

    during, steady = [], []
    for _, start, end, status in rows:
        if status == 0 or start < steady_from_us:
            continue
        if any(start < w_end and end > w_start for w_start, w_end in windows):
            during.append(end - start)
        else:
            steady.append(end - start)

    result = {
        "scenario": meta["scenario"], "label": meta.get("label", meta["scenario"]).replace("_", " "),
        "connections": int(meta.get("connections", 32)),
        "requests": int(wrk["requests"]),
        "non2xx": sum(1 for r in rows if r[3] >= 300),
        "wrk_non2xx_4xx5xx": int(wrk["non2xx"]),
        "errors": {kind: int(wrk[kind]) for kind in ("connect", "read", "write", "timeout")},
        "timeline_failures": sum(1 for r in rows if r[3] == 0),
        "during": latency_figures(during), "steady": latency_figures(steady),
        "restarts": len(restarts),
    }
    if result["during"]["p99_ms"] and result["steady"]["p99_ms"]:
        result["p99_ratio"] = round(result["during"]["p99_ms"] / result["steady"]["p99_ms"], 2)
    restart_ms = [r["restart_ms"] for r in restarts if r["restart_ms"] is not None]
    switched_ms = [r["switched_ms"] for r in restarts if r["switched_ms"] is not None]
    if restart_ms:
        result["restart_s"] = round(statistics.median(restart_ms) / 1000.0, 2)
    own_ms = [r["own_ms"] for r in restarts if r["own_ms"] is not None]
    if own_ms:
        result["own_s"] = round(statistics.median(own_ms) / 1000.0, 3)
    app_start_path = os.path.join(run_dir, "app_start_ms")
    if switched_ms and os.path.exists(app_start_path):
        with open(app_start_path) as f:
            app_start_ms = float(f.read().strip())
        result["app_start_s"] = round(app_start_ms / 1000.0, 2)
        result["overhead_s"] = round((statistics.median(switched_ms) - app_start_ms) / 1000.0, 2)

    with open(os.path.join(run_dir, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    write_series(run_dir, rows, start_us, restarts)
    return result


def write_series(run_dir, rows, start_us, restarts):
    """Per BUCKET_S: seconds since load start, answered 2xx/s, non-2xx/s, socket errors/s."""
    buckets = {}
    for _, _, end, status in rows:
        index = int((end - start_us) / (BUCKET_S * 1e6))
        counts = buckets.setdefault(index, [0, 0, 0])
        counts[0 if 200 <= status < 300 else 1 if status else 2] += 1
    with open(os.path.join(run_dir, "series.dat"), "w") as f:
        for index in range(0, max(buckets) + 1 if buckets else 0):
            ok, bad, failed = buckets.get(index, [0, 0, 0])
            f.write("%.1f %d %d %d\n" % (index * BUCKET_S, ok / BUCKET_S, bad / BUCKET_S, failed / BUCKET_S))
    with open(os.path.join(run_dir, "restart-moments.dat"), "w") as f:
        for r in restarts:
            f.write("%.3f %.3f\n" % ((r["trigger_us"] - start_us) / 1e6, (r["done_us"] - start_us) / 1e6))


# ---- the table over every run ----------------------------------------------------------------

def runs_by_scenario(bench_dir):
    """[((scenario, connections), [result, ...])] in the order they ran, plus notes of skipped ones."""
    order, results, notes = [], {}, []
    for name in sorted(os.listdir(bench_dir)):
        path = os.path.join(bench_dir, name, "result.json")
        if os.path.exists(path):
            with open(path) as f:
                result = json.load(f)
            key = (result["scenario"], result.get("connections", 32))
            if key not in results:
                order.append(key)
                results[key] = []
            results[key].append(result)
    skipped = os.path.join(bench_dir, "skipped.txt")
    if os.path.exists(skipped):
        with open(skipped) as f:
            notes = [line.rstrip("\n") for line in f if line.strip()]
    return [(s, results[s]) for s in order], notes


def spread(values, fmt="%g"):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    low, high = min(values), max(values)
    return fmt % low if low == high else (fmt + "–" + fmt) % (low, high)


def table(bench_dir):
    scenarios, notes = runs_by_scenario(bench_dir)
    lines = [
        "| scenario | conns | runs | requests | non-2xx | socket errors (connect/read/write/timeout) "
        "| p50 ms during / steady | p99 ms during / steady | p99 ratio | max ms during | restart s "
        "| of it rolld's own s | rolld overhead s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (scenario, connections), results in scenarios:
        errors = " / ".join(spread([r["errors"][k] for r in results], "%d")
                            for k in ("connect", "read", "write", "timeout"))
        non2xx = spread([r["non2xx"] for r in results], "%d")
        pct = spread([100.0 * r["non2xx"] / max(1, r["requests"]) for r in results], "%.1f")
        lines.append("| %s | %d | %d | %s | %s (%s %%) | %s | %s / %s | %s / %s | %s | %s | %s | %s | %s |" % (
            results[0]["label"], connections, len(results), spread([r["requests"] for r in results], "%d"), non2xx, pct,
            errors,
            spread([r["during"]["p50_ms"] for r in results]), spread([r["steady"]["p50_ms"] for r in results]),
            spread([r["during"]["p99_ms"] for r in results]), spread([r["steady"]["p99_ms"] for r in results]),
            spread([r.get("p99_ratio") for r in results]), spread([r["during"]["max_ms"] for r in results]),
            spread([r.get("restart_s") for r in results]), spread([r.get("own_s") for r in results]),
            spread([r.get("overhead_s") for r in results])))
    for note in notes:
        lines.append("| %s | | not run | | | | | | | | | | |" % note.replace("|", "/"))
    return "\n".join(lines)


# ---- the plot --------------------------------------------------------------------------------

def plot(bench_dir, png):
    """One panel per scenario (its first run at the first load): 2xx/s, errors/s, restart moments shaded."""
    scenarios, _ = runs_by_scenario(bench_dir)
    first_runs, first_load = [], None
    for name in sorted(os.listdir(bench_dir)):
        path = os.path.join(bench_dir, name, "result.json")
        if os.path.exists(path):
            with open(path) as f:
                result = json.load(f)
            scenario, connections = result["scenario"], result.get("connections", 32)
            first_load = connections if first_load is None else first_load
            if connections == first_load and scenario not in [s for s, _ in first_runs]:
                first_runs.append((scenario, os.path.join(bench_dir, name)))
    panels = len(first_runs)
    if panels == 0:
        print("report.py: no runs in %s, no plot" % bench_dir, file=sys.stderr)
        return
    script = [
        'set terminal pngcairo size 1100,%d font "sans,9"' % (170 * panels + 60),
        'set output "%s"' % png,
        "set multiplot layout %d,1 title \"scripts/bench, %d connections: answered requests/s (line), errors/s "
        "(red: non-2xx, black: socket errors), restart windows shaded\"" % (panels, first_load),
        "set lmargin 10", "set rmargin 10", "set key off", "set grid ytics",
        "set ylabel \"2xx/s\"", "set y2label \"errors/s\"", "set y2tics", "set ytics nomirror",
        "set xrange [0:*]", "set yrange [0:*]", "set y2range [0:*]",
    ]
    for scenario, run_dir in first_runs:
        label = next(r[0]["label"] for (s, c), r in scenarios if s == scenario and c == first_load)
        script.append("unset object")
        with open(os.path.join(run_dir, "restart-moments.dat")) as f:
            for i, line in enumerate(f):
                start, end = (float(v) for v in line.split())
                script.append("set object %d rect from %.3f, graph 0 to %.3f, graph 1 behind "
                              "fillcolor rgb \"#ffd9a0\" fillstyle solid noborder" % (i + 1, start, max(end, start + 0.05)))
        script.append("set title \"%s\" offset 0,-0.8" % label)
        series = os.path.join(run_dir, "series.dat")
        script.append(
            "plot \"%s\" using 1:2 with lines lw 1.5 lc rgb \"#1f4e9c\", "
            "\"%s\" using 1:3 axes x1y2 with impulses lw 2 lc rgb \"#d62728\", "
            "\"%s\" using 1:4 axes x1y2 with impulses lw 2 lc rgb \"black\"" % (series, series, series))
    script.append("unset multiplot")
    gp = os.path.join(bench_dir, "plot.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    subprocess.run(["gnuplot", gp], check=True)


def main(argv):
    if len(argv) == 3 and argv[1] == "run":
        print(json.dumps(analyze_run(argv[2])))
    elif len(argv) == 3 and argv[1] == "table":
        print(table(argv[2]))
    elif len(argv) == 4 and argv[1] == "plot":
        plot(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
