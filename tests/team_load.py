# SPDX-License-Identifier: GPL-3.0-or-later
"""A team of 50 annotators and 5 reviewers on one server, for the load
test (tests/test-team-load.py) and the benchmark
(tests/bench/bench-team-load.py).

    people = setup(pg, lease)            # schema, taxonomy, images, roles
    procs = start_clients(pg, people, folder, seconds, think_ms)
    … wait for them …
    logs = read_logs(folder, people)
    figures(logs, seconds)               # latencies and throughput

Each client (tests/tools/bw-team-client) logs what the server
acknowledged, with the time each call took as the client saw it, round
trip included.
"""

import os
import subprocess

import pg_cluster

CLI = os.environ.get('BOXWOOD_CLI', 'boxwood-cli')
CLIENT = os.environ.get('BW_TEAM_CLIENT', 'bw-team-client')
ANNOTATORS = 50
REVIEWERS = 5
IMAGES = 20000


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float('nan')
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def read_log(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    # A line cut short by SIGKILL has no newline after it: it was never
    # complete, so it is not counted.
    return [line.split() for line in lines[:-1] if line]


def setup(pg, lease, schema=None):
    """Creates the project: with `boxwood-cli server init`, or with the
    SQL file SCHEMA run as the owner in one transaction (as server init
    runs its own), then 3 categories, a rejection reason, IMAGES images
    and the people with their roles. Returns [(login, role)]."""
    if schema is None:
        subprocess.run([CLI, 'server', 'init', pg.url], check=True, capture_output=True)
    else:
        subprocess.run(pg._psql_command(pg_cluster.DATABASE, pg_cluster.ADMIN, pg.admin_password) +
                       ['-1', '-f', schema], env=pg._env(pg.admin_password), check=True,
                       capture_output=True)
    people = [('annotator%02d' % i, 'annotator') for i in range(ANNOTATORS)] + \
             [('reviewer%d' % i, 'reviewer') for i in range(REVIEWERS)]
    sql = ["UPDATE boxwood_server SET value = '%d' WHERE key = 'lease_seconds';" % lease,
           "INSERT INTO categories (name, color, position) VALUES"
           " ('car', '#ff0000', 0), ('person', '#00ff00', 1), ('bike', '#0000ff', 2);",
           "INSERT INTO rejection_reasons (name, hotkey, position) VALUES ('Missed object', 1, 0);",
           "INSERT INTO images (path, width, height, content_hash, added_at)"
           " SELECT 'img-' || g || '.jpg', 640, 480, md5 (g::text), 0"
           " FROM generate_series (1, %d) g;" % IMAGES]
    for name, role in people:
        # Roles made here rather than by 55 runs of “user add”, which
        # test-team covers; the same statements.
        sql.append("CREATE ROLE %s LOGIN PASSWORD 'pw-%s'; GRANT boxwood_%s TO %s;"
                   "INSERT INTO people (name, role, login, created_at) VALUES ('%s', %d, '%s', 0);"
                   % (name, name, role, name, name, 0 if role == 'annotator' else 1, name))
    pg.psql('\n'.join(sql))
    # What autovacuum would do to the new rows soon after, done now, so
    # that it does not run in the middle of what is measured.
    pg.psql('VACUUM ANALYZE')
    return people


def start_clients(pg, people, folder, seconds, think_ms=0, warmup=0):
    """Starts one bw-team-client per person, logging to FOLDER/LOGIN.log;
    THINK_MS > 0 paces them (a pause of about that long between two
    actions), 0 lets them loop flat out. With WARMUP > 0 each client
    first does that many rounds unpaced, logs “M” and waits for a line on
    its standard input (a pipe, Popen.stdin) before its SECONDS begin.
    Returns {login: Popen}."""
    procs = {}
    for i, (name, role) in enumerate(people):
        env = dict(os.environ, PGPASSWORD='pw-' + name)
        url = 'postgresql://%s@/%s?host=%s' % (name, pg_cluster.DATABASE, pg.dir)
        log = os.path.join(folder, name + '.log')
        procs[name] = subprocess.Popen(
            [CLIENT, url, 'annotate' if role == 'annotator' else 'review', log,
             str(seconds), str(1000 + i), str(think_ms), str(warmup)],
            env=env, stdin=subprocess.PIPE if warmup else None, stderr=subprocess.PIPE,
            text=True)
    return procs


def offered_load(think_ms):
    """What the clients ask of the server, in words."""
    if think_ms <= 0:
        return 'flat out (no pause between actions)'
    return ('paced: a pause of %g s (±50 %%) after each action, about %.0f actions/s offered'
            % (think_ms / 1000, (ANNOTATORS + REVIEWERS) * 1000 / think_ms))


def read_logs(folder, people):
    return {name: read_log(os.path.join(folder, name + '.log')) for name, _ in people}


def figures(logs, seconds):
    """{claim_us, edit_us, edits: [(login, id, version, box)], ...}, of
    what each client logged after its “M” (all of it when it has none)."""
    claim_us, edit_us, edits = [], [], []
    for name, lines in logs.items():
        marks = [i for i, f in enumerate(lines) if f[0] == 'M']
        for f in lines[marks[0] + 1 if marks else 0:]:
            if f[0] == 'C':
                claim_us.append(int(f[4]))
            elif f[0] == 'E':
                edit_us.append(int(f[7]))
                edits.append((name, int(f[1]), int(f[2]), tuple(float(x) for x in f[3:7])))
    return {
        'claim_us': claim_us,
        'edit_us': edit_us,
        'edits': edits,
        'claim_p50': percentile(claim_us, 50) / 1000,
        'claim_p95': percentile(claim_us, 95) / 1000,
        'edit_p50': percentile(edit_us, 50) / 1000,
        'edit_p95': percentile(edit_us, 95) / 1000,
        'edits_per_s': len(edits) / seconds,
    }
