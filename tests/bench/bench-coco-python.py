#!/usr/bin/env python3
# bench-coco-python.py — Python's json.load and json.dump of the same COCO
# file, for comparison with Boxwood's import and export in bench-coco.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import resource
import statistics
import sys
import time

path = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
out = path + ".python.json"

loads, dumps, load_cpu, dump_cpu = [], [], [], []
data = None
for _ in range(runs):
    data = None
    t, c = time.monotonic(), time.process_time()
    with open(path) as f:
        data = json.load(f)
    loads.append(time.monotonic() - t)
    load_cpu.append(time.process_time() - c)
    t, c = time.monotonic(), time.process_time()
    with open(out, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    dumps.append(time.monotonic() - t)
    dump_cpu.append(time.process_time() - c)
os.unlink(out)

rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def row(what, values, cpu):
    print("%-28s median %6.2f s over %d run%s (%s), CPU %.2f s, peak RSS %d MB"
          % (what, statistics.median(values), len(values),
             "" if len(values) == 1 else "s",
             ", ".join("%.2f" % v for v in values), statistics.median(cpu), rss))


row("python json.dump", dumps, dump_cpu)
row("python json.load", loads, load_cpu)
