#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples as markdown: shares by thread group, by component, and the top frames.

usage: profile.py RECORDING.jfr [TOP] [THREADS]      (needs the JDK's `jfr` tool on PATH)

THREADS: a regex of the thread names to count (default: all but the start-up threads main, model-loader and
background-preinit, whose class loading and model parsing are not the request path).

Shares are of the Java execution samples (jdk.ExecutionSample: threads running Java code; GC and JIT threads are not
sampled), so they say where the service's own CPU goes, not how much it used.
"""
import collections
import re
import subprocess
import sys

# (component, frame prefixes): a sample belongs to the innermost frame that matches one (JDK frames belong to their
# caller), so a socket read inside Jedis is Redis and a HashMap inside FeatureStore is service logic
COMPONENTS = [
    ("impressions (publisher + Kafka producer)", ("io.recoflow.recommend.impression.", "org.apache.kafka.")),
    ("scoring (model)", ("io.recoflow.recommend.model.",)),
    ("Redis client (Jedis, pool)", ("redis.clients.", "org.apache.commons.pool2.")),
    ("JSON (Jackson)", ("com.fasterxml.jackson.",)),
    ("metrics (Micrometer)", ("io.micrometer.",)),
    ("features and service logic", ("io.recoflow.recommend.",)),
    ("HTTP stack (Tomcat, Spring filters)", ("org.apache.tomcat.", "org.apache.coyote.", "org.apache.catalina.",
                                             "org.springframework.", "jakarta.servlet.")),
]


def samples(path):
    """(thread, [frames, innermost first]) per execution sample."""
    out = subprocess.run(["jfr", "print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", path],
                         check=True, capture_output=True, text=True).stdout
    for block in out.split("jdk.ExecutionSample {")[1:]:
        m = re.search(r'sampledThread = "([^"]*)"', block)
        thread = m.group(1) if m else "?"
        frames = re.findall(r"^\s+([\w$.<>]+)\(.*?\)\s+line:", block, re.M)
        yield thread, frames


def thread_group(name):
    name = re.sub(r"\d+", "N", name)
    return name


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    keep = re.compile(sys.argv[3] if len(sys.argv) > 3 else r"(?!main$|model-loader|background-preinit).*")
    threads, components, frames = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for thread, stack in samples(path):
        if not keep.match(thread):
            continue
        total += 1
        threads[thread_group(thread)] += 1
        comp = next((name for f in stack for name, prefixes in COMPONENTS if f.startswith(prefixes)), "other")
        components[comp] += 1
        if stack:
            frames[stack[0]] += 1
    if total == 0:
        print("no execution samples")
        return
    pct = lambda n: f"{100.0 * n / total:.1f} %"
    print(f"{total} CPU samples (`{path.rsplit('/', 1)[-1]}`)\n")
    print("| thread | share |\n|---|---:|")
    for t, n in threads.most_common(8):
        print(f"| {t} | {pct(n)} |")
    print("\n| component (innermost matching frame) | share |\n|---|---:|")
    for c, n in components.most_common():
        print(f"| {c} | {pct(n)} |")
    print(f"\n| top frame (self time) | share |\n|---|---:|")
    for f, n in frames.most_common(top):
        print(f"| `{f}` | {pct(n)} |")


if __name__ == "__main__":
    main()
