#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""50 annotators and 5 reviewers on one team server at once (TAP).

A throwaway PostgreSQL 15 cluster on a Unix socket (pg_cluster.py), one
project of 20,000 images, and 55 separate processes
(tests/tools/bw-team-client), each logged in as its own person, for
BOXWOOD_TEAM_LOAD_SECONDS (default 60): annotators loop claim → 10 edits
→ submit, reviewers take submitted work and accept it or return it.
At 40 % of the run, 5 annotators that hold an image are killed with
SIGKILL. Leases last
BOXWOOD_TEAM_LOAD_LEASE seconds (default: a twelfth of the run, at
least 2), so the killed ones' images come back during the run.

Checked on the server at the end, as the owner:
- no image was held by two annotators at once (the leases' intervals,
  as the server recorded them, never overlap on one image);
- every edit a client logged as acknowledged — killed clients included —
  is there: the annotation's current version, or that version kept in
  annotation_versions, with the geometry the client sent;
- every killed annotator's image came back: another annotator claimed it
  after its lease lapsed;
- returned work went back to its own annotator.
Printed: p50 and p95 latency of claim-next and of saving an edit (as the
clients measured them, round trip included), and edits per second.

The team and its clients are tests/team_load.py, shared with the benchmark
tests/bench/bench-team-load.py. Environment: BW_TEAM_CLIENT, BOXWOOD_CLI.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_cluster  # noqa: E402
from team_load import ANNOTATORS, REVIEWERS, percentile  # noqa: E402
import team_load  # noqa: E402

SECONDS = float(os.environ.get('BOXWOOD_TEAM_LOAD_SECONDS', '60'))
LEASE = int(os.environ.get('BOXWOOD_TEAM_LOAD_LEASE', str(max(2, int(SECONDS / 12)))))
KILLED = 5


def test_load(d):
    with pg_cluster.PgCluster(max_connections=80) as pg:
        people = team_load.setup(pg, LEASE)
        started = time.monotonic()
        procs = team_load.start_clients(pg, people, d, SECONDS)

        time.sleep(max(0, started + SECONDS * 0.4 - time.monotonic()))
        # Victims are stopped ten at a time, and killed only if the server
        # says they hold an image at that moment (a client between a
        # submission and its next claim holds none): so that 5 leases
        # must come back.
        killed = []
        order = ['annotator%02d' % ((i * 7) % ANNOTATORS) for i in range(ANNOTATORS)]
        while len(killed) < KILLED and order:
            batch, order = order[:10], order[10:]
            for name in batch:
                procs[name].send_signal(signal.SIGSTOP)
            # A stopped client may have a statement in flight, which the
            # server still commits: only one whose connection is idle is
            # known to hold what the query says.
            time.sleep(0.1)
            holders = {row[0] for row in pg.rows("""
              SELECT p.login FROM assignments a JOIN people p ON p.id = a.person_id
               WHERE p.login IN (%s) AND a.task = 0 AND a.status = 1
                 AND a.lease_expires_at > clock_timestamp ()
                 AND EXISTS (SELECT 1 FROM pg_stat_activity s
                              WHERE s.usename = p.login AND s.state = 'idle')
                 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity s
                                  WHERE s.usename = p.login AND s.state <> 'idle')"""
                                                 % ', '.join("'%s'" % n for n in batch))}
            for name in batch:
                if name in holders and len(killed) < KILLED:
                    procs[name].send_signal(signal.SIGKILL)
                    killed.append(name)
                else:
                    procs[name].send_signal(signal.SIGCONT)
        assert len(killed) == KILLED, killed
        killed_at = time.monotonic()

        for name, proc in procs.items():
            try:
                _, err = proc.communicate(timeout=SECONDS + 120)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise AssertionError('%s did not finish' % name)
            if name not in killed:
                assert proc.returncode == 0, (name, proc.returncode, err)
        elapsed = time.monotonic() - started
        # The killed clients' leases lapse LEASE seconds after their last
        # edit; the rest of the run must have been long enough to see them
        # come back.
        assert elapsed - (killed_at - started) > LEASE + 1, (elapsed, killed_at - started, LEASE)

        logs = team_load.read_logs(d, people)
        fig = team_load.figures(logs, SECONDS)
        claim_us, edit_us, edits = fig['claim_us'], fig['edit_us'], fig['edits']
        assert len(edits) > 1000, len(edits)

        # Every acknowledged edit is on the server, as sent.
        current = {}
        for row in pg.rows('SELECT id, version, x0, y0, x1, y1 FROM annotations'):
            current[(int(row[0]), int(row[1]))] = tuple(float(x) for x in row[2:])
        for row in pg.rows('SELECT annotation_id, version, x0, y0, x1, y1 FROM annotation_versions'):
            current[(int(row[0]), int(row[1]))] = tuple(float(x) for x in row[2:])
        missing = [e for e in edits if current.get((e[1], e[2])) != e[3]]
        assert not missing, ('%d of %d acknowledged edits are not on the server, e.g. %r'
                             % (len(missing), len(edits), missing[:3]))
        killed_edits = sum(1 for e in edits if e[0] in killed)
        assert killed_edits > 0, 'the killed clients had saved nothing'

        # No image held by two annotators at once.
        overlaps = pg.rows("""
          WITH spans AS (
            SELECT l.id, l.image_id, l.person_id,
                   tstzrange (l.claimed_at, coalesce (l.ended_at, a.lease_expires_at, 'infinity')) AS span
              FROM leases l JOIN assignments a ON a.id = l.assignment_id)
          SELECT a.image_id, a.person_id, b.person_id FROM spans a JOIN spans b
            ON a.image_id = b.image_id AND a.id < b.id AND a.span && b.span""")
        assert overlaps == [], overlaps[:5]
        n_leases = int(pg.rows('SELECT count (*) FROM leases')[0][0])
        assert n_leases > 500, n_leases

        # The killed annotators' open images came back to the queue.
        for name in killed:
            held = pg.rows("""
              SELECT a.image_id FROM assignments a JOIN people p ON p.id = a.person_id
               WHERE p.login = '%s' AND a.task = 0 AND a.status IN (0, 1)""" % name)
            assert len(held) == 1, (name, held)
            for (image_id,) in held:
                again = pg.rows("""
                  SELECT count (*) FROM leases l JOIN people p ON p.id = l.person_id
                   WHERE l.image_id = %s AND p.login <> '%s'""" % (image_id, name))
                if int(again[0][0]) == 0:
                    state = pg.rows("""
                      SELECT a.id, p.login, a.status, a.lease_expires_at, clock_timestamp (), i.status
                        FROM assignments a JOIN people p ON p.id = a.person_id
                        JOIN images i ON i.id = a.image_id
                       WHERE a.image_id = %s AND a.task = 0""" % image_id)
                    leases = pg.rows('SELECT * FROM leases WHERE image_id = %s' % image_id)
                    lapsed_now = pg.rows("""
                      SELECT a.id, a.image_id, p.login, a.lease_expires_at FROM assignments a
                        JOIN people p ON p.id = a.person_id
                       WHERE a.task = 0 AND a.status = 1 AND a.lease_expires_at <= clock_timestamp ()""")
                    raise AssertionError('%s’s image %s never came back (killed at %.1f s of %.1f s);'
                                         ' its work: %r; its leases: %r; all lapsed leases: %r'
                                         % (name, image_id, killed_at - started, elapsed, state, leases,
                                            lapsed_now))
        lapsed = int(pg.rows("SELECT count (*) FROM leases WHERE how = 'lapsed'")[0][0])
        assert lapsed >= KILLED, lapsed

        # Returned work goes back to its own annotator, who submits it again.
        verdicts = [f for lines in logs.values() for f in lines if f[0] == 'V']
        returned = [f for f in verdicts if f[2] == 'return']
        assert len(verdicts) > 100 and returned, (len(verdicts), len(returned))
        resubmitted = int(pg.rows('SELECT count (*) FROM assignments WHERE task = 0'
                                  ' AND submissions > 1')[0][0])
        assert resubmitted > 0, 'no returned work was submitted again'
        submitted = sum(1 for lines in logs.values() for f in lines if f[0] == 'S')

        print('# %d annotators (%d killed with SIGKILL at %.0f s), %d reviewers, %.0f s, lease %d s'
              % (ANNOTATORS, KILLED, killed_at - started, REVIEWERS, SECONDS, LEASE))
        print('# offered load: %s; tests/bench/bench-team-load.py measures paced loads too'
              % team_load.offered_load(0))
        print('# claim-next: p50 %.1f ms, p95 %.1f ms (%d claims)'
              % (percentile(claim_us, 50) / 1000, percentile(claim_us, 95) / 1000, len(claim_us)))
        print('# save an edit: p50 %.1f ms, p95 %.1f ms (%d edits)'
              % (percentile(edit_us, 50) / 1000, percentile(edit_us, 95) / 1000, len(edit_us)))
        print('# throughput: %.0f edits/s, %d submissions, %d verdicts (%d returned),'
              ' %d leases lapsed' % (len(edits) / SECONDS, submitted, len(verdicts),
                                     len(returned), lapsed))


tests = [test_load]


def main():
    print('1..%d' % len(tests))
    failed = 0
    for i, func in enumerate(tests, 1):
        name = '/team/' + func.__name__[len('test_'):].replace('_', '-')
        d = tempfile.mkdtemp(prefix='bw-team-load-')
        try:
            func(d)
            print('ok %d %s' % (i, name))
        except Exception:
            failed += 1
            print('not ok %d %s' % (i, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
        finally:
            shutil.rmtree(d, ignore_errors=True)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
