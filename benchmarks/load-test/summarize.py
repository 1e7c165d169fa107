#!/usr/bin/env python3
"""Turns a Gatling HTML report (+ the service's Prometheus text) into the markdown table for docs/benchmarks.md.

usage: summarize.py REPORT_DIR METRICS_FILE REC_RPS PING_RPS SHOPPERS DURATION [METRICS_AT_START]

With METRICS_AT_START (the service's /actuator/prometheus when the measured window began) the service-side figures
are those of the measured window alone (counter differences).
"""
import html
import os
import re
import sys


def rows(report_dir):
    """(name, total, ok, ko, rps, min, p50, p75, p95, p99, max, mean) per request, from index.html's stats table."""
    text = open(os.path.join(report_dir, "index.html"), encoding="utf-8").read()
    out = []
    for m in re.finditer(r'class="ellipsed-name">([^<]*)</span>(.*?)</tr>', text, re.S):
        cells = re.findall(r'<td class="value [a-z]+ col-(\d+)">([^<]*)</td>', m.group(2))
        v = {int(c): val for c, val in cells}
        if len(v) < 13:
            continue
        out.append((html.unescape(m.group(1)), v[2], v[3], v[4], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]))
    return out


def samples(metrics_file):
    """{(name, labels text): value} of a Prometheus text file."""
    out = {}
    if metrics_file and os.path.exists(metrics_file):
        for line in open(metrics_file, encoding="utf-8"):
            m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? ([0-9.eE+-]+|NaN)$', line.strip())
            if m:
                out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def window(end_file, start_file):
    """Counter values of the measured window: end minus start (gauges are wrong here, so only counters are used)."""
    end, start = samples(end_file), samples(start_file)
    return {k: v - start.get(k, 0.0) for k, v in end.items()}


def service_quantiles(metrics):
    """Server-side p50/p95/p99 of recoflow_recommend_request_seconds{outcome=...} from the histogram buckets."""
    buckets = {}
    for (name, lbl), v in metrics.items():
        if name != "recoflow_recommend_request_seconds_bucket":
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', lbl))
        le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
        buckets.setdefault(labels.get("outcome", "?"), []).append((le, v))
    result = {}
    for outcome, bs in buckets.items():
        bs.sort()
        total = bs[-1][1]
        if total == 0:
            continue
        qs = []
        for q in (0.5, 0.95, 0.99):
            target = q * total
            prev_le, prev_c = 0.0, 0.0
            for le, c in bs:
                if c >= target:
                    # linear interpolation inside the bucket, as Prometheus' histogram_quantile does
                    val = le if le == float("inf") or c == prev_c else prev_le + (le - prev_le) * (target - prev_c) / (c - prev_c)
                    qs.append(val * 1000)
                    break
                prev_le, prev_c = le, c
        result[outcome] = (int(total), qs)
    return result


LIMIT_P95_MS = 10


def capacity(all_rows):
    """The capacity probe's levels (requests named "capacity ENDPOINT @RATE/s"): one row each, and per endpoint the
    highest rate it kept with no failure and p95 <= LIMIT_P95_MS."""
    seconds = float(os.environ.get("CAPACITY_SECONDS", "8"))
    levels = []
    for name, total, ok, ko, rps, mn, p50, p75, p95, p99, mx, mean in all_rows:
        m = re.match(r"capacity (\w+) @(\d+)/s$", name)
        if m:
            levels.append((m.group(1), int(m.group(2)), int(total.replace(",", "")), int(ko.replace(",", "")),
                           p50, p95, p99, mx))
    if not levels:
        return
    print(f"\nCapacity probe (same run, after the measured window; each endpoint alone on the server, "
          f"{seconds:.0f} s per level; kept = no KO and p95 <= {LIMIT_P95_MS} ms):\n")
    print("| endpoint | asked req/s | sent req/s | KO | p50 ms | p95 ms | p99 ms | max ms | kept |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    best = {}
    for endpoint, asked, total, ko, p50, p95, p99, mx in sorted(levels):
        kept = ko == 0 and float(p95.replace(",", "")) <= LIMIT_P95_MS
        if kept:
            best[endpoint] = max(best.get(endpoint, 0), asked)
        print(f"| {endpoint} | {asked} | {total / seconds:.0f} | {ko} | {p50} | {p95} | {p99} | {mx} | "
              f"{'yes' if kept else 'no'} |")
    print("\nHighest rate kept: " + ", ".join(f"{e} {best.get(e, 0)} req/s" for e in sorted({l[0] for l in levels})))


def main():
    report, metrics_file, rec_rps, ping_rps, shoppers, duration = sys.argv[1:7]
    start_file = sys.argv[7] if len(sys.argv) > 7 else None
    metrics = window(metrics_file, start_file)
    print(f"Gatling open model, {duration} s: recommend {rec_rps}/s, ping {ping_rps}/s, {shoppers} shoppers "
          f"(report `{os.path.basename(os.path.normpath(report))}`)\n")
    print("| request | count | KO | throughput (req/s) | p50 ms | p75 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    all_rows = rows(report)
    for r in all_rows:
        name, total, ok, ko, rps, mn, p50, p75, p95, p99, mx, mean = r
        if name.startswith("warm-up ") or name.startswith("capacity ") or name == "All Requests":
            continue  # the warm-up phase of the same Gatling run; "All Requests" would mix it in
        # Gatling divides by the whole simulation (warm-up included): the measured window is DURATION seconds
        rps = f"{int(total.replace(',', '')) / float(duration):.0f}"
        print(f"| {name} | {total} | {ko} | {rps} | {p50} | {p75} | {p95} | {p99} | {mx} |")
    capacity(all_rows)
    q = service_quantiles(metrics)
    if q:
        scope = "the measured window" if start_file else "whole process lifetime incl. warm-up and seeding"
        print(f"\nInside the recommendation service (`recoflow_recommend_request_seconds`, {scope}):\n")
        print("| outcome | count | p50 ms | p95 ms | p99 ms |")
        print("|---|---:|---:|---:|---:|")
        for outcome, (n, qs) in sorted(q.items()):
            print(f"| {outcome} | {n} | " + " | ".join(f"{x:.2f}" for x in qs) + " |")


    fallbacks = {re.search(r'reason="([^"]*)"', l).group(1): v for (n, l), v in metrics.items()
                 if n == "recoflow_recommend_fallback_total" and v > 0}
    if fallbacks:
        print("\nFallback answers by reason: " + ", ".join(f"{r} {int(v)}" for r, v in sorted(fallbacks.items())))
    elif any(n == "recoflow_recommend_fallback_total" for n, _ in metrics):
        print("\nFallback answers: none in the window")
    gc = [(l, v) for (n, l), v in metrics.items() if n == "jvm_gc_pause_seconds_count" and v > 0]
    for l, count in gc:
        total = metrics.get(("jvm_gc_pause_seconds_sum", l), 0.0)
        action = re.search(r'action="([^"]*)"', l).group(1)
        cause = re.search(r'cause="([^"]*)"', l).group(1)
        print(f"GC pauses in the service ({action}, {cause}): {int(count)}, {total * 1000:.0f} ms in total, "
              f"{total * 1000 / count:.1f} ms on average")


if __name__ == "__main__":
    main()
