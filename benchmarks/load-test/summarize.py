#!/usr/bin/env python3
"""Turns one repetition of run.sh (Gatling HTML reports + per-phase CPU and metrics snapshots) into markdown.

usage: summarize.py kept PREFIX REP_DIR       -> "KEPT FAILED": the highest kept level of the PREFIX@RATE phases
                                                 and the lowest failed level above it (0: none)
       summarize.py report REP_DIR REP        -> the repetition's tables and targets (PASS/FAIL)
       summarize.py aggregate REP_DIR...      -> one row per repetition

REP_DIR holds gatling/*/index.html (one report per Gatling JVM) and phases/NAME.{start,end}.{cpu,prom}: at each
phase's start and end, the ticks of services+redis, collector, worker, recommend, Gatling and the whole machine
(/proc), and the service's /actuator/prometheus. Service-side figures are counter differences over the phase.
"""
import glob
import html
import os
import re
import sys

LIMIT_P95_MS = 10
MIN_MODEL_SHARE = 0.99
MAX_OVERLOAD_FALLBACK = 0.01
PROCESSES = ["services+redis", "collector", "worker", "recommend", "gatling"]
HZ = os.sysconf("SC_CLK_TCK")
BATCH = 50


def num(v):
    v = v.replace(",", "").strip()
    try:
        return float(v)
    except ValueError:
        return None


def gatling_rows(rep_dir):
    """{request name: (count, ko, p50, p95, p99, max)} over every report of the repetition, from index.html."""
    out = {}
    for index in glob.glob(os.path.join(rep_dir, "gatling", "*", "index.html")):
        text = open(index, encoding="utf-8").read()
        for m in re.finditer(r'class="ellipsed-name">([^<]*)</span>(.*?)</tr>', text, re.S):
            cells = re.findall(r'<td class="value [a-z]+ col-(\d+)">([^<]*)</td>', m.group(2))
            v = {int(c): val for c, val in cells}
            if len(v) < 13:
                continue
            out[html.unescape(m.group(1))] = (num(v[2]), num(v[4]), num(v[8]), num(v[10]), num(v[11]), num(v[12]))
    return out


def samples(path):
    """{(name, labels text): value} of a Prometheus text file."""
    out = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? ([0-9.eE+-]+|NaN)$', line.strip())
            if m:
                out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


class Phase:
    """One phase's service counters (end minus start), CPU ticks and Gatling rows."""

    def __init__(self, rep_dir, name, rows):
        base = os.path.join(rep_dir, "phases", name)
        start, end = samples(base + ".start.prom"), samples(base + ".end.prom")
        self.has_metrics = bool(start) and bool(end)
        self.metrics = {k: v - start.get(k, 0.0) for k, v in end.items()}
        self.cpu = None
        if os.path.exists(base + ".start.cpu") and os.path.exists(base + ".end.cpu"):
            a = [int(x) for x in open(base + ".start.cpu").read().split()]
            b = [int(x) for x in open(base + ".end.cpu").read().split()]
            self.cpu = [y - x for x, y in zip(a, b)]
        self.name = name
        self.rows = {k[len(name) + 1:]: v for k, v in rows.items() if k.startswith(name + " ")}

    def counter(self, name, **labels):
        total = 0.0
        for (n, lbl), v in self.metrics.items():
            if n == name and all(f'{k}="{val}"' in lbl for k, val in labels.items()):
                total += v
        return total

    def answers(self):
        """(model, fallback, shed) responses of the recommendation service in the phase."""
        model = self.counter("recoflow_recommend_request_seconds_count", outcome="model")
        fallback = self.counter("recoflow_recommend_request_seconds_count", outcome="fallback")
        shed = self.counter("recoflow_recommend_shed_total")
        return model, fallback, shed

    def cache_share(self):
        hit = self.counter("recoflow_recommend_score_cache_total", result="hit")
        miss = self.counter("recoflow_recommend_score_cache_total", result="miss")
        return hit / (hit + miss) if hit + miss > 0 else None

    def model_share(self):
        model, fallback, shed = self.answers()
        total = model + fallback + shed
        return model / total if self.has_metrics and total > 0 else None

    def reasons(self, metric):
        out = {}
        for (n, lbl), v in self.metrics.items():
            if n == metric and v > 0:
                out[re.search(r'reason="([^"]*)"', lbl).group(1)] = int(v)
        return ", ".join(f"{r} {v}" for r, v in sorted(out.items())) or "none"

    def service_p95(self, outcome="model"):
        """p95 in ms of recoflow_recommend_request_seconds{outcome} from its buckets, as histogram_quantile does."""
        bs = []
        for (n, lbl), v in self.metrics.items():
            if n == "recoflow_recommend_request_seconds_bucket" and f'outcome="{outcome}"' in lbl:
                le = re.search(r'le="([^"]*)"', lbl).group(1)
                bs.append((float("inf") if le == "+Inf" else float(le), v))
        bs.sort()
        if not bs or bs[-1][1] <= 0:
            return None
        target, prev_le, prev_c = 0.95 * bs[-1][1], 0.0, 0.0
        for le, c in bs:
            if c >= target:
                if le == float("inf") or c == prev_c:
                    return le * 1000
                return (prev_le + (le - prev_le) * (target - prev_c) / (c - prev_c)) * 1000
            prev_le, prev_c = le, c
        return None

    def cpu_us_per(self, process, count):
        if self.cpu is None or not count:
            return None
        return self.cpu[PROCESSES.index(process)] * 1e6 / HZ / count

    def requests(self):
        return sum(r[0] or 0 for r in self.rows.values())


def phases(rep_dir, prefix):
    """{rate: name} of the repetition's PREFIX@RATE phases."""
    out = {}
    for f in glob.glob(os.path.join(rep_dir, "phases", prefix + "@*.end.cpu")):
        name = os.path.basename(f)[:-len(".end.cpu")]
        out[int(name.split("@", 1)[1])] = name
    return dict(sorted(out.items()))


def level_kept(phase, endpoint):
    """None when the level has no Gatling row yet (a report still being written), else whether it was kept."""
    row = phase.rows.get(endpoint)
    if row is None or row[0] is None:
        return None
    ok = row[1] == 0 and row[3] is not None and row[3] <= LIMIT_P95_MS
    if endpoint == "recommend":
        share = phase.model_share()
        ok = ok and share is not None and share >= MIN_MODEL_SHARE
    return ok


def ladder(rep_dir, prefix):
    """[(rate, Phase, kept)], the highest kept rate, and the lowest failed rate above it (0: none). The highest, not
    the first before a failure: on a shared machine a level fails because of a neighbour's burst far more often than
    one passes by luck, and a lower failed level is printed in the table anyway."""
    rows = gatling_rows(rep_dir)
    endpoint = "ping" if prefix == "ping" else "recommend"
    levels = []
    for rate, name in phases(rep_dir, prefix).items():
        p = Phase(rep_dir, name, rows)
        levels.append((rate, p, level_kept(p, endpoint)))
    kept = max((rate for rate, p, k in levels if k), default=0)
    failed = min((rate for rate, p, k in levels if k is False and rate > kept), default=0)
    return levels, kept, failed


def fmt(v, digits=0, suffix=""):
    return "–" if v is None else f"{v:,.{digits}f}{suffix}"


def pct(v):
    return "–" if v is None else f"{100 * v:.2f} %"


def verdict(ok):
    return "**PASS**" if ok else "**FAIL**"


def results(rep_dir):
    """Everything the report and the aggregate print, for one repetition."""
    rows = gatling_rows(rep_dir)
    r = {"rows": rows}
    r["ping_levels"], r["ping_kept"], r["ping_failed"] = ladder(rep_dir, "ping")
    r["rec_levels"], r["rec_kept"], r["rec_failed"] = ladder(rep_dir, "rec")
    for kind in ("mix", "busy", "batch", "overload"):
        names = list(phases(rep_dir, kind).values())
        r[kind] = Phase(rep_dir, names[0], rows) if names else None
    r["ratio"] = r["rec_kept"] / r["ping_kept"] if r["ping_kept"] else None
    ping_at = next((p for rate, p, k in r["ping_levels"] if rate == r["ping_kept"]), None)
    rec_at = next((p for rate, p, k in r["rec_levels"] if rate == r["rec_kept"]), None)
    r["ping_us"] = ping_at.cpu_us_per("recommend", ping_at.requests()) if ping_at else None
    r["rec_us"] = rec_at.cpu_us_per("recommend", rec_at.requests()) if rec_at else None
    r["rec_share"] = rec_at.model_share() if rec_at else None
    mix = r["mix"]
    if mix:
        events = sum((row[0] or 0) - (row[1] or 0) for name, row in mix.rows.items()
                     if name in ("browse (view event)", "add-to-cart", "checkout (purchase event)"))
        rec = mix.rows.get("recommend")
        r["mix_events"] = events
        r["collector_us"] = mix.cpu_us_per("collector", events)
        r["mix_p95"] = rec[3] if rec else None
        r["mix_ko"] = sum(row[1] or 0 for row in mix.rows.values())
        r["mix_share"] = mix.model_share()
        r["mix_ok"] = (r["mix_p95"] is not None and r["mix_p95"] <= LIMIT_P95_MS and r["mix_ko"] == 0
                       and r["mix_share"] is not None and r["mix_share"] >= MIN_MODEL_SHARE)
    batch = r["batch"]
    if batch:
        posts = sum((row[0] or 0) - (row[1] or 0) for row in batch.rows.values())
        r["collector_batch_us"] = batch.cpu_us_per("collector", posts * BATCH)
    over = r["overload"]
    if over:
        model, fallback, shed = over.answers()
        total = model + fallback + shed
        r["over"] = tuple(x / total if total else None for x in (shed, model, fallback))
        r["over_p95"] = over.service_p95("model")
        r["over_ok"] = total > 0 and fallback / total <= MAX_OVERLOAD_FALLBACK
    busy = r["busy"]
    if busy:
        row = busy.rows.get("recommend")
        model, fallback, shed = busy.answers()
        total = model + fallback + shed
        r["busy_p95"] = row[3] if row else None
        r["busy_fallback"] = fallback / total if total else None
        r["busy_shed"] = shed / total if total else None
    r["ratio_ok"] = (r["ratio"] is not None and r["ratio"] >= 0.5 and r["rec_share"] is not None
                     and r["rec_share"] >= MIN_MODEL_SHARE)
    return r


def cmd_kept(prefix, rep_dir):
    _, kept, failed = ladder(rep_dir, prefix)
    print(kept, failed)


def cmd_report(rep_dir, rep):
    r = results(rep_dir)
    print(f"Levels (each alone on the server, Gatling open model; kept = no KO, p95 <= {LIMIT_P95_MS} ms and, for "
          f"recommend, >= {MIN_MODEL_SHARE:.0%} model answers; CPU = the service process's ticks in the level / "
          f"requests):\n")
    print("| level | sent req/s | KO | p50 ms | p95 ms | p99 ms | max ms | model answers | score cache hits "
          "| service CPU µs/req | kept |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for levels, endpoint in ((r["ping_levels"], "ping"), (r["rec_levels"], "recommend")):
        for rate, p, k in levels:
            row = p.rows.get(endpoint) or (None,) * 6
            seconds = LEVEL_SECONDS
            share = pct(p.model_share()) if endpoint == "recommend" else ""
            hits = pct(p.cache_share()) if endpoint == "recommend" else ""
            print(f"| {p.name} | {fmt(row[0] / seconds if row[0] else None)} | {fmt(row[1])} | {fmt(row[2])} | "
                  f"{fmt(row[3])} | {fmt(row[4])} | {fmt(row[5])} | {share} | {hits} | "
                  f"{fmt(p.cpu_us_per('recommend', p.requests()))} | {'yes' if k else 'no'} |")
    ping_limit = (f"{r['ping_kept']:,} req/s (failed at {r['ping_failed']:,})" if r["ping_failed"]
                  else f">= {r['ping_kept']:,} req/s (no level above it failed: the ratio is an upper bound)")
    print(f"\n- ping's own limit: {ping_limit}; service CPU {fmt(r['ping_us'])} µs per ping")
    print(f"- recommend kept: {r['rec_kept']:,} req/s (first failed level: {r['rec_failed'] or 'none'}), "
          f"{pct(r['rec_share'])} model answers; service CPU {fmt(r['rec_us'])} µs per recommend")
    print(f"- **ratio recommend / ping: {pct(r['ratio'])}** (target >= 50 % with >= 99 % model answers): "
          f"{verdict(r['ratio_ok'])}")
    if r.get("over") is not None:
        shed, model, fallback = r["over"]
        print(f"- at 2x the kept rate ({r['overload'].name}): 503 {pct(shed)}, model {pct(model)}, "
              f"fallback {pct(fallback)} (target <= 1 %: {verdict(r['over_ok'])}); p95 of the model answers "
              f"{fmt(r['over_p95'], 2)} ms (inside the service); shed by reason: "
              f"{r['overload'].reasons('recoflow_recommend_shed_total')}; fallbacks by reason: "
              f"{r['overload'].reasons('recoflow_recommend_fallback_total')}")
    if r.get("busy") is not None:
        neighbour = "stress-ng --cpu 1 --cpu-load " + os.environ.get("BUSY_LOAD", "50")
        print(f"- busy neighbour ({neighbour}) at 80 % ({r['busy'].name}): p95 {fmt(r['busy_p95'])} ms, "
              f"fallback {pct(r['busy_fallback'])}, 503 {pct(r['busy_shed'])}")
    if r.get("mix") is not None:
        print(f"- full mix at 80 % ({r['mix'].name} + shoppers): recommend p95 {fmt(r['mix_p95'])} ms, KO "
              f"{fmt(r['mix_ko'])}, model answers {pct(r['mix_share'])} (targets p95 <= 10 ms, 0 KO, >= 99 %: "
              f"{verdict(r['mix_ok'])}); fallbacks by reason: {r['mix'].reasons('recoflow_recommend_fallback_total')}")
        print(f"- collector CPU per accepted event: {fmt(r['collector_us'])} µs (single posts, in the mix, "
              f"{r['mix_events']:,.0f} events)" + (f", {fmt(r.get('collector_batch_us'))} µs (batched posts of "
                                                  f"{BATCH}, {r['batch'].name} posts/s)" if r.get("batch") else ""))
        print(f"\nThe full mix in detail:\n")
        print("| request | count | KO | p50 ms | p95 ms | p99 ms | max ms |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, row in sorted(r["mix"].rows.items()):
            print(f"| {name} | {fmt(row[0])} | {fmt(row[1])} | {fmt(row[2])} | {fmt(row[3])} | {fmt(row[4])} | "
                  f"{fmt(row[5])} |")
        cpu = r["mix"].cpu
        if cpu:
            seconds = MIX_SECONDS
            print(f"\nCPU during the mix ({seconds} s, {os.cpu_count()} cores), cores on average: " + ", ".join(
                f"{n} {cpu[i] / HZ / seconds:.2f}" for i, n in enumerate(PROCESSES))
                  + f", everything else {(cpu[-1] - sum(cpu[:-1])) / HZ / seconds:.2f}, "
                    f"whole machine {cpu[-1] / HZ / seconds:.2f}")


def cmd_aggregate(rep_dirs):
    print("| repetition | ping limit | recommend kept | ratio | µs/ping | µs/recommend | 2x: 503 / model / fallback "
          "| 2x model p95 | busy p95 / fallback | mix p95 / KO / model | collector µs/event | verdict |")
    print("|---|---:|---:|---:|---:|---:|---|---:|---|---|---:|---|")
    for d in rep_dirs:
        r = results(d)
        over = " / ".join(pct(x) for x in r["over"]) if r.get("over") else "–"
        ok = r["ratio_ok"] and r.get("over_ok") and r.get("mix_ok")
        print(f"| {os.path.basename(d)} | {r['ping_kept']:,}{'' if r['ping_failed'] else '+'} | {r['rec_kept']:,} | "
              f"{pct(r['ratio'])} | {fmt(r['ping_us'])} | {fmt(r['rec_us'])} | {over} | {fmt(r.get('over_p95'), 2)} | "
              f"{fmt(r.get('busy_p95'))} ms / {pct(r.get('busy_fallback'))} | {fmt(r.get('mix_p95'))} ms / "
              f"{fmt(r.get('mix_ko'))} / {pct(r.get('mix_share'))} | {fmt(r.get('collector_us'))} | "
              f"{verdict(ok)} |")


LEVEL_SECONDS = float(os.environ.get("LEVEL_SECONDS", "8"))
MIX_SECONDS = float(os.environ.get("MIX_SECONDS", "60"))

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "kept":
        cmd_kept(*args)
    elif cmd == "report":
        cmd_report(args[0], args[1])
    elif cmd == "aggregate":
        cmd_aggregate(args)
    else:
        sys.exit(__doc__)
