#!/usr/bin/env python3
"""Turns a Gatling HTML report (+ the service's Prometheus text) into the markdown table for docs/benchmarks.md.

usage: summarize.py REPORT_DIR METRICS_FILE REC_RPS PING_RPS SHOPPERS DURATION
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


def service_quantiles(metrics_file):
    """Server-side p50/p95/p99 of recoflow_recommend_request_seconds{outcome=...} from the histogram buckets."""
    if not os.path.exists(metrics_file):
        return {}
    buckets = {}
    for line in open(metrics_file, encoding="utf-8"):
        m = re.match(r'recoflow_recommend_request_seconds_bucket\{(.*)\} ([0-9.eE+-]+)', line)
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
        buckets.setdefault(labels.get("outcome", "?"), []).append((le, float(m.group(2))))
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


def main():
    report, metrics, rec_rps, ping_rps, shoppers, duration = sys.argv[1:7]
    print(f"Gatling open model, {duration} s: recommend {rec_rps}/s, ping {ping_rps}/s, {shoppers} shoppers "
          f"(report `{os.path.basename(os.path.normpath(report))}`)\n")
    print("| request | count | KO | throughput (req/s) | p50 ms | p75 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows(report):
        name, total, ok, ko, rps, mn, p50, p75, p95, p99, mx, mean = r
        print(f"| {name} | {total} | {ko} | {rps} | {p50} | {p75} | {p95} | {p99} | {mx} |")
    q = service_quantiles(metrics)
    if q:
        print("\nInside the recommendation service (`recoflow_recommend_request_seconds`, whole process lifetime "
              "incl. warm-up and seeding):\n")
        print("| outcome | count | p50 ms | p95 ms | p99 ms |")
        print("|---|---:|---:|---:|---:|")
        for outcome, (n, qs) in sorted(q.items()):
            print(f"| {outcome} | {n} | " + " | ".join(f"{x:.2f}" for x in qs) + " |")


if __name__ == "__main__":
    main()
