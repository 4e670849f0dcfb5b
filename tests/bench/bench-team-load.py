#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""50 annotators and 5 reviewers on one team server, at several offered
loads: latency of claim-next and of saving an edit, throughput.

The team of tests/test-team-load.py (tests/team_load.py: a throwaway
PostgreSQL 15 cluster, 20,000 images, 55 bw-team-client processes), no
client killed, at each offered load:
- flat out: every client loops with no pause, as the load test does
  (on a small machine this is saturation, and latency is mostly
  queueing behind the other 54 clients);
- paced: a pause of about 200 ms after each action (a very fast person,
  some 250 edits/s offered by the team), and of about 2 s (a fast
  person).
Each load runs BOXWOOD_BENCH_TEAM_RUNS times (3) for
BOXWOOD_BENCH_TEAM_SECONDS (20), each run on a fresh cluster, against
the server schema of this tree (`boxwood-cli server init`) and against
the schema of server version 1 as it was before its functions were made
cheaper (read from the repository's history, commit BASELINE_COMMIT;
outside a git checkout only this tree's schema runs), the two
alternating so that both see the same machine. Every client first does five rounds unpaced
and unmeasured (log-in, the session's first plans), then all start
together. Printed: the median over the runs of p50 and p95 (as the
clients measured them, round trip included), edits per second, and the
server's CPU time per edit: every process of the cluster, from /proc,
over the measured time, divided by the edits; claims, submissions and
reviews included, and the server's own background work, which is most of
it when the team is slow. Unlike latency, other work on the machine
hardly inflates it.

BOXWOOD_BENCH_TEAM_SCHEMAS=current (or baseline) runs one schema only;
BOXWOOD_BENCH_TEAM_PROFILE=1 loads pg_stat_statements into each cluster
and prints the statements that took the most time, functions' inner
statements included.

Never fails on a time. Environment: BW_TEAM_CLIENT, BOXWOOD_CLI.
"""

import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import pg_cluster  # noqa: E402
import team_load  # noqa: E402

SECONDS = float(os.environ.get('BOXWOOD_BENCH_TEAM_SECONDS', '20'))
RUNS = int(os.environ.get('BOXWOOD_BENCH_TEAM_RUNS', '3'))
PROFILE = os.environ.get('BOXWOOD_BENCH_TEAM_PROFILE', '') not in ('', '0')
# The last commit whose server schema is version 1 as first written.
BASELINE_COMMIT = '7982bd6'


def baseline_schema():
    """A file holding the server schema of BASELINE_COMMIT, or None when
    the source tree has no git history to read it from."""
    root = os.path.dirname(os.path.dirname(HERE))
    out = subprocess.run(['git', '-C', root, 'show', BASELINE_COMMIT + ':src/core/bw-team-schema.sql'],
                         capture_output=True)
    if out.returncode != 0:
        print('# no git history here: the schema before %s is not compared' % BASELINE_COMMIT)
        return None
    fd, path = tempfile.mkstemp(prefix='bw-team-schema-1-', suffix='.sql')
    with os.fdopen(fd, 'wb') as f:
        f.write(out.stdout)
    atexit.register(os.unlink, path)
    return path


BASELINE = baseline_schema()
SCHEMAS = [('before', BASELINE), ('now', None)] if BASELINE else [('now', None)]
if os.environ.get('BOXWOOD_BENCH_TEAM_SCHEMAS') == 'current':
    SCHEMAS = [s for s in SCHEMAS if s[0] == 'now']
elif os.environ.get('BOXWOOD_BENCH_TEAM_SCHEMAS') == 'baseline' and BASELINE:
    SCHEMAS = [s for s in SCHEMAS if s[0] == 'before']
LOADS = [0, 200, 2000]   # think time in ms; 0 is flat out
# Rounds each client does first, unmeasured: a session plans each of its
# statements afresh for its first five runs (PostgreSQL's custom plans),
# which a desktop app's connection, open all day, pays once.
WARMUP = 5
TICKS = os.sysconf('SC_CLK_TCK')


def short_name(think_ms):
    return 'flat out' if think_ms == 0 else 'paced %g s' % (think_ms / 1000)


def cpu_seconds(pid):
    """CPU time of a process, its reaped children and its live children
    (the postmaster: every backend that ended, and those running)."""
    def fields(p):
        with open('/proc/%d/stat' % p) as f:
            return f.read().rsplit(')', 1)[1].split()
    own = fields(pid)
    # Fields 14–17 of stat (utime, stime, cutime, cstime), counted from
    # the state, field 3.
    total = sum(int(x) for x in own[11:15])
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        children = []
    for child in children:
        try:
            total += sum(int(x) for x in fields(child)[11:13])
        except (OSError, IndexError):
            pass   # ended in between: counted in cutime now or next time
    return total / TICKS


def read_lines(path):
    with open(path, encoding='utf-8') as f:
        return f.read().split('\n')


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError('timed out')
        time.sleep(0.05)


def one_run(schema, think_ms):
    settings = {}
    if PROFILE:
        settings = {'shared_preload_libraries': 'pg_stat_statements',
                    'pg_stat_statements.track': 'all'}
    folder = tempfile.mkdtemp(prefix='bw-bench-team-')
    try:
        with pg_cluster.PgCluster(max_connections=80, settings=settings) as pg:
            people = team_load.setup(pg, 900, schema)
            if PROFILE:
                pg.psql('CREATE EXTENSION pg_stat_statements')
            procs = team_load.start_clients(pg, people, folder, SECONDS, think_ms, warmup=WARMUP)
            # Log-ins (scram-sha-256) and each session's first calls are
            # not the work measured: every client does its rounds first,
            # then waits until all have (“M”), and all start together.
            logs = [os.path.join(folder, name + '.log') for name, _ in people]

            def all_warm():
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        raise RuntimeError('%s failed: %s' % (name, proc.stderr.read()))
                return all(os.path.exists(p) and 'M' in read_lines(p) for p in logs)
            wait_for(all_warm, 120)
            if PROFILE:
                pg.psql('SELECT pg_stat_statements_reset ()')
            # Their server processes, to wait for at the end without a
            # log-in of our own in what is measured.
            backends = [int(row[0]) for row in pg.rows(
                "SELECT pid FROM pg_stat_activity WHERE usename ~ '^(annotator|reviewer)'")]
            cpu0 = cpu_seconds(pg.server.pid)
            for proc in procs.values():
                proc.stdin.close()
                proc.stdin = None   # communicate() below is not to touch it
            for name, proc in procs.items():
                _, err = proc.communicate(timeout=SECONDS + 120)
                if proc.returncode != 0:
                    raise RuntimeError('%s failed: %s' % (name, err))
            wait_for(lambda: not any(os.path.exists('/proc/%d' % pid) for pid in backends), 60)
            cpu = cpu_seconds(pg.server.pid) - cpu0
            fig = team_load.figures(team_load.read_logs(folder, people), SECONDS)
            fig['cpu_ms_per_edit'] = cpu * 1000 / max(1, len(fig['edits']))
            if PROFILE:
                print('#   statements by total time (ms total, calls, ms mean):')
                for row in pg.rows("SELECT round (sum (total_exec_time)::numeric, 0), sum (calls),"
                                   " round ((sum (total_exec_time) / sum (calls))::numeric, 3),"
                                   " regexp_replace (left (query, 110), '\\s+', ' ', 'g')"
                                   " FROM pg_stat_statements GROUP BY query"
                                   " ORDER BY 1 DESC LIMIT 25"):
                    print('#   %8s %7s %8s  %s' % tuple(row))
            return fig
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    print('# %d annotators, %d reviewers, %d runs of %.0f s each per load and schema;'
          ' load average at the start: %s' % (team_load.ANNOTATORS, team_load.REVIEWERS, RUNS,
                                              SECONDS, os.getloadavg()[0]))
    sys.stdout.flush()
    results = {}
    for think_ms in LOADS:
        for run in range(RUNS):
            for label, schema in SCHEMAS:
                fig = one_run(schema, think_ms)
                results.setdefault((think_ms, label), []).append(fig)
                print('#   %-6s %-12s run %d: claim p50 %6.1f p95 %6.1f ms, edit p50 %6.1f'
                      ' p95 %6.1f ms, %5.0f edits/s, %.2f ms server CPU per edit'
                      % (label, short_name(think_ms), run + 1,
                         fig['claim_p50'], fig['claim_p95'], fig['edit_p50'], fig['edit_p95'],
                         fig['edits_per_s'], fig['cpu_ms_per_edit']))
                sys.stdout.flush()
        print('# offered load: %s' % team_load.offered_load(think_ms))
        for label, _ in SCHEMAS:
            runs = results[(think_ms, label)]

            def med(key):
                return statistics.median(r[key] for r in runs)
            print('#   %-6s claim-next p50 %6.1f ms, p95 %6.1f ms; save an edit p50 %6.1f ms,'
                  ' p95 %6.1f ms; %5.0f edits/s; %.2f ms server CPU per edit (median of %d)'
                  % (label, med('claim_p50'), med('claim_p95'), med('edit_p50'), med('edit_p95'),
                     med('edits_per_s'), med('cpu_ms_per_edit'), len(runs)))
            if label == SCHEMAS[-1][0]:
                met = med('claim_p95') < 20 and med('edit_p95') < 20
                print('#   target p95 under 20 ms for both: %s' % ('met' if met else 'not met'))
        sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main())
