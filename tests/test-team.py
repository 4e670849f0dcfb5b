#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A team project on a real PostgreSQL 15 server (TAP).

Each test starts its own throwaway cluster (pg_cluster.py: initdb in a
temporary folder, a Unix socket only) and drives it with boxwood-cli and
with psql, logged in as the roles that `boxwood-cli user add` creates:
what an annotator may not see or change must be refused by the database
itself, whatever client asks.

Environment: BOXWOOD_CLI, BW_MAKE_DEMO (the demo project's maker), BW_TEAM_CLIENT.
"""

import glob
import hashlib
import json
import os
import pwd
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_cluster  # noqa: E402

CLI = os.environ.get('BOXWOOD_CLI', 'boxwood-cli')
MAKE_DEMO = os.environ.get('BW_MAKE_DEMO', 'bw-make-demo')
PASSWORDS = {
    'Alex Moreau': 'alex-secret-1',
    'Sam Okafor': 'sam-secret-22',
    'Cara Lind': 'cara-secret-333',
    'Rey Tanaka': 'rey-secret-4444',
    'Lee Park': 'lee-secret-55555',
}
ROLES = {'Alex Moreau': 'annotator', 'Sam Okafor': 'annotator', 'Cara Lind': 'annotator',
         'Rey Tanaka': 'reviewer', 'Lee Park': 'lead'}


def cli(*args, stdin=None, expect=0):
    result = subprocess.run([CLI] + list(args), input=stdin, capture_output=True, text=True)
    if expect is not None and result.returncode != expect:
        raise AssertionError('boxwood-cli %s: exit %d, expected %d\nstdout: %s\nstderr: %s'
                             % (' '.join(args[:2]), result.returncode, expect,
                                result.stdout, result.stderr))
    return result


def make_demo(d):
    subprocess.run([MAKE_DEMO, os.path.join(d, 'demo')], check=True, capture_output=True)
    return os.path.join(d, 'demo', 'demo.boxwood')


def team(pg, project):
    """server init, push, and the five people of PASSWORDS."""
    cli('server', 'init', pg.url)
    cli('push', project, pg.url)
    for name, password in PASSWORDS.items():
        cli('user', 'add', pg.url, name, '--role', ROLES[name], '--password-stdin',
            stdin=password + '\n')


class As:
    """psql as one of the people."""

    def __init__(self, pg, name):
        self.pg, self.name = pg, name

    def run(self, sql):
        return self.pg.psql(sql, user=self.name, password=PASSWORDS[self.name], check=False)

    def rows(self, sql):
        result = self.run(sql)
        if result.returncode != 0:
            raise AssertionError('%s: %s failed: %s' % (self.name, sql, result.stderr))
        return [line.split('|') for line in result.stdout.splitlines() if line]

    def value(self, sql):
        rows = self.rows(sql)
        assert len(rows) == 1 and len(rows[0]) == 1, (sql, rows)
        return rows[0][0]

    def refused(self, sql, why=('permission denied', 'row-level security')):
        result = self.run(sql)
        assert result.returncode != 0, '%s was allowed: %s' % (self.name, sql)
        assert any(w in result.stderr for w in why), (sql, result.stderr)


def test_cluster(d):
    """The fixture: a server of our own, not as root, on a socket only."""
    with pg_cluster.PgCluster() as pg:
        owner = pwd.getpwuid(os.stat(os.path.join(pg.dir, 'data')).st_uid).pw_name
        expected = 'nobody' if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        assert owner == expected, (owner, expected)
        assert pg.psql('SHOW listen_addresses').stdout == '\n', pg.psql('SHOW listen_addresses')
        assert pg.rows("SHOW password_encryption") == [['scram-sha-256']]
        folder = pg.dir
    assert not os.path.exists(folder), folder

    # Run by root, the same fixture also works for an ordinary user: the
    # path CI does not take (it runs as root) is taken here as nobody.
    if os.geteuid() == 0:
        python = '/usr/bin/python3' if os.access('/usr/bin/python3', os.X_OK) else sys.executable
        nobody = pwd.getpwnam('nobody')
        script = ('import os, sys; sys.path.insert(0, %r); import pg_cluster\n'
                  'with pg_cluster.PgCluster() as pg:\n'
                  '    print(os.geteuid(), pg.rows("SELECT current_user")[0][0], pg.dir)\n'
                  % os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run(['setpriv', '--reuid=%d' % nobody.pw_uid, '--regid=%d' % nobody.pw_gid,
                              '--clear-groups', '--', python, '-c', script],
                             env=dict(os.environ, HOME='/tmp'), cwd='/tmp',
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        uid, user, folder = out.stdout.split()
        assert (int(uid), user) == (nobody.pw_uid, pg_cluster.ADMIN), out.stdout
        assert not os.path.exists(folder), folder


def test_password_prompt(d):
    """user add asks twice on the terminal, showing nothing typed."""
    import pty
    with pg_cluster.PgCluster() as pg:
        cli('server', 'init', pg.url)
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(CLI, [CLI, 'user', 'add', pg.url, 'Cara Lind', '--role', 'reviewer'])
        seen = b''

        def read_until(text):
            nonlocal seen
            deadline = time.monotonic() + 60
            while text not in seen:
                assert time.monotonic() < deadline, seen
                if not select.select([fd], [], [], 1)[0]:
                    continue
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk

        read_until(b'Password for Cara Lind: ')
        os.write(fd, PASSWORDS['Cara Lind'].encode() + b'\n')
        read_until(b'The same password again: ')
        os.write(fd, PASSWORDS['Cara Lind'].encode() + b'\n')
        read_until(b'can now log in')
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        assert os.waitstatus_to_exitcode(status) == 0, seen
        assert PASSWORDS['Cara Lind'].encode() not in seen, seen   # no echo
        info = json.loads(cli('info', pg.url_for('Cara Lind', PASSWORDS['Cara Lind']),
                              '--json').stdout)
        assert info['role'] == 'reviewer', info


def test_server_init_and_users(d):
    with pg_cluster.PgCluster() as pg:
        out = cli('server', 'init', pg.url).stdout
        assert 'database “boxwood”' in out, out
        again = cli('server', 'init', pg.url, expect=1).stderr
        assert 'already holds a Boxwood project' in again and again.count('\n') == 1, again

        # The roles and the policies are there.
        assert pg.rows("SELECT rolname FROM pg_roles WHERE rolname LIKE 'boxwood\\_%' "
                       "AND NOT rolcanlogin ORDER BY 1") == [
            ['boxwood_annotator'], ['boxwood_lead'], ['boxwood_reviewer']]
        unprotected = pg.rows("SELECT relname FROM pg_class WHERE relname IN ('images', 'layers',"
                              " 'annotations', 'annotation_versions', 'reviews', 'assignments',"
                              " 'image_data') AND NOT relrowsecurity")
        assert unprotected == [], unprotected

        # A password is never an argument; it comes from stdin or the terminal.
        cli('user', 'add', pg.url, 'Cara Lind', '--password', 'x', expect=2)
        short = cli('user', 'add', pg.url, 'Cara Lind', '--password-stdin', stdin='short\n',
                    expect=1).stderr
        assert 'too short' in short, short
        cli('user', 'add', pg.url, 'Cara Lind', '--role', 'boss', '--password-stdin',
            stdin='long-enough\n', expect=2)
        cli('user', 'add', pg.url, 'Cara Lind', '--role', 'annotator', '--password-stdin',
            stdin=PASSWORDS['Cara Lind'] + '\n')
        # The server keeps a SCRAM hash only.
        stored = pg.rows("SELECT rolpassword FROM pg_authid WHERE rolname = 'Cara Lind'")[0][0]
        assert stored.startswith('SCRAM-SHA-256$') and PASSWORDS['Cara Lind'] not in stored
        assert pg.rows("SELECT b.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
                       " JOIN pg_roles b ON b.oid = m.roleid WHERE r.rolname = 'Cara Lind'") == [
            ['boxwood_annotator']]

        info = json.loads(cli('info', pg.url_for('Cara Lind', PASSWORDS['Cara Lind']),
                              '--json').stdout)
        assert info['role'] == 'annotator' and info['user'] == 'Cara Lind', info
        assert 'images_by_status' not in info, info   # not for an annotator's eyes

        wrong = cli('info', pg.url_for('Cara Lind', 'not-her-password'), expect=1).stderr
        assert 'database “boxwood”' in wrong and 'password authentication failed' in wrong, wrong
        gone = cli('info', 'postgresql:///boxwood?host=/nonexistent-folder', expect=1).stderr
        assert 'Could not connect to the team server' in gone and '/nonexistent-folder' in gone, gone
        empty = cli('info', pg.url_for(pg_cluster.ADMIN, pg.admin_password, 'postgres'),
                    expect=1).stderr
        assert 'holds no Boxwood project' in empty and 'server init' in empty, empty


def seed_review_data(pg):
    """As the owner: a gold image with its answer, and a review of each
    annotator's first submission."""
    pg.psql("""
      UPDATE images SET is_gold = 1, status = 7 WHERE id = 20;
      INSERT INTO layers (id, image_id, person_id, kind, status, created_at, updated_at)
        VALUES (100, 20, NULL, 1, 2, 0, 0);
      INSERT INTO annotations (layer_id, category_id, kind, x0, y0, x1, y1, area, created_at, updated_at)
        VALUES (100, 1, 0, 10, 10, 50, 50, 1600, 0, 0);
      INSERT INTO reviews (layer_id, reviewer_id, verdict, reason_id, comment, submission, created_at)
        VALUES (1, NULL, 1, 1, 'on Alex', 1, 0), (2, NULL, 1, 1, 'on Sam', 1, 0);
      SELECT setval (pg_get_serial_sequence ('public.layers', 'id'), 100);
    """)


def test_annotator_is_confined(d):
    project = make_demo(d)
    with pg_cluster.PgCluster() as pg:
        team(pg, project)
        seed_review_data(pg)
        alex = As(pg, 'Alex Moreau')
        alex_id = pg.rows("SELECT id FROM people WHERE name = 'Alex Moreau'")[0][0]

        # Gold layers and their annotations: no rows.
        assert alex.value('SELECT count (*) FROM layers WHERE kind = 1') == '0'
        assert alex.value('SELECT count (*) FROM annotations WHERE layer_id = 100') == '0'
        assert alex.value('SELECT count (*) FROM annotation_versions WHERE layer_id = 100') == '0'
        # Others' work: no rows; own work: all of it.
        assert alex.value('SELECT count (*) FROM layers WHERE person_id <> %s' % alex_id) == '0'
        db = sqlite3.connect(project)
        own = db.execute('SELECT count (*) FROM annotations a JOIN layers l ON l.id = a.layer_id'
                         ' WHERE l.person_id = 1').fetchone()[0]
        total = db.execute('SELECT count (*) FROM annotations').fetchone()[0]
        db.close()
        assert own > 0 and own < total, (own, total)
        assert alex.value('SELECT count (*) FROM annotations') == str(own)
        assert alex.value('SELECT count (*) FROM layers') == '4'
        # Reviews: those of their own layers only.
        assert alex.rows('SELECT comment FROM reviews') == [['on Alex']]
        # Assignments and images: their own.
        assert alex.value('SELECT count (*) FROM assignments WHERE person_id <> %s' % alex_id) == '0'
        assert alex.value('SELECT count (*) FROM images') == '4'
        assert alex.value('SELECT count (*) FROM image_data') == '4'
        assert alex.value('SELECT count (*) FROM image_data WHERE image_id = 20') == '0'
        # The gold mark and the pipeline status are not theirs to read.
        alex.refused('SELECT is_gold FROM images')
        alex.refused('SELECT status FROM images')
        alex.refused('SELECT * FROM images')
        alex.refused('SELECT login FROM people')

        # The taxonomy: read, never written.
        assert int(alex.value('SELECT count (*) FROM categories')) == 5
        alex.refused("INSERT INTO categories (name, color, position) VALUES ('x', '#000000', 9)")
        alex.refused("UPDATE categories SET name = 'renamed'")
        alex.refused('DELETE FROM categories')
        alex.refused("UPDATE rejection_reasons SET name = 'x'")
        # Workflow state moves only through the server's functions.
        alex.refused('UPDATE assignments SET status = 4')
        alex.refused("INSERT INTO reviews (layer_id, verdict, created_at) VALUES (5, 0, 0)")
        alex.refused("SELECT bw_review (1, true, NULL, '')")
        alex.refused('SELECT * FROM bw_claim_review ()')
        alex.refused('UPDATE layers SET status = 2')
        alex.refused("UPDATE boxwood_server SET value = '9'")
        alex.refused('SET ROLE boxwood_lead')
        alex.refused('DELETE FROM people')

        # Writing others' annotations: refused or nothing to touch.
        alex.refused("INSERT INTO annotations (layer_id, category_id, kind, x0, y0, x1, y1, area,"
                     " created_at, updated_at) VALUES (6, 1, 0, 0, 0, 1, 1, 1, 0, 0)")
        alex.refused("INSERT INTO annotations (layer_id, category_id, kind, x0, y0, x1, y1, area,"
                     " created_at, updated_at) VALUES (100, 1, 0, 0, 0, 1, 1, 1, 0, 0)")
        # (5 and 7 are their work in progress.)
        changed = alex.value('WITH u AS (UPDATE annotations SET x0 = 0 WHERE layer_id NOT IN (5, 7)'
                             ' RETURNING 1) SELECT count (*) FROM u')
        assert changed == '0', changed
        deleted = alex.value('WITH u AS (DELETE FROM annotations WHERE layer_id NOT IN (5, 7)'
                             ' RETURNING 1) SELECT count (*) FROM u')
        assert deleted == '0', deleted
        # Their submitted work (layer 1) is no longer theirs to change.
        alex.refused("SELECT * FROM bw_save_box (1, NULL, 1, 0, 0, 5, 5)", why=('no lease',))
        # Their work in progress (layer 5) is, while the lease runs.
        new_id, version = alex.rows("SELECT * FROM bw_save_box (5, NULL, 1, 1, 2, 30, 40)")[0]
        assert version == '1'
        assert alex.rows("SELECT * FROM bw_save_box (5, %s, 2, 1, 2, 31, 41)" % new_id) == [
            [new_id, '2']]
        assert alex.rows('SELECT version, category_id FROM annotation_versions WHERE annotation_id'
                         ' = %s' % new_id) == [['1', '1']]

        # Another annotator sees none of it.
        sam = As(pg, 'Sam Okafor')
        assert sam.value('SELECT count (*) FROM annotations WHERE id = %s' % new_id) == '0'
        assert sam.rows('SELECT comment FROM reviews') == [['on Sam']]

        # The lead sees everything the owner does.
        lee = As(pg, 'Lee Park')
        for table in ('images', 'layers', 'annotations', 'annotation_versions', 'reviews',
                      'assignments', 'image_data', 'people'):
            assert lee.value('SELECT count (*) FROM %s' % table) == \
                pg.rows('SELECT count (*) FROM %s' % table)[0][0], table
        assert lee.value('SELECT count (*) FROM layers WHERE kind = 1') == '1'
        lee.rows("UPDATE categories SET guideline = 'draw tight boxes' WHERE id = 1")

        # A reviewer: submitted work, never gold, never work in progress.
        rey = As(pg, 'Rey Tanaka')
        assert rey.value('SELECT count (*) FROM layers WHERE kind = 1') == '0'
        assert sorted(r[0] for r in rey.rows('SELECT id FROM layers')) == ['1', '2', '3', '4']
        assert rey.value('SELECT count (*) FROM annotations WHERE layer_id IN (5, 6, 7, 8, 100)') == '0'
        assert rey.value('SELECT count (*) FROM reviews') == '2'
        rey.refused("UPDATE categories SET name = 'x'")
        rey.refused("INSERT INTO annotations (layer_id, category_id, kind, x0, y0, x1, y1, area,"
                    " created_at, updated_at) VALUES (1, 1, 0, 0, 0, 1, 1, 1, 0, 0)")


def test_claim_queue(d):
    """Overlap, leases that lapse, honeypots, returned work first, NOTIFY."""
    with pg_cluster.PgCluster() as pg:
        cli('server', 'init', pg.url)
        for name in ('Alex Moreau', 'Sam Okafor', 'Cara Lind', 'Rey Tanaka', 'Lee Park'):
            cli('user', 'add', pg.url, name, '--role', ROLES[name], '--password-stdin',
                stdin=PASSWORDS[name] + '\n')
        pg.psql("""
          UPDATE boxwood_server SET value = CASE key WHEN 'overlap' THEN '2'
            WHEN 'lease_seconds' THEN '3' ELSE value END;
          INSERT INTO categories (name, color, position) VALUES ('car', '#ff0000', 0);
          INSERT INTO rejection_reasons (name, hotkey, position) VALUES ('Missed object', 1, 0);
          INSERT INTO images (id, path, width, height, content_hash, added_at, is_gold, status)
            SELECT g, 'img-' || g, 64, 48, md5 (g::text), 0, (g = 6)::int,
                   CASE WHEN g = 6 THEN 7 ELSE 0 END
            FROM generate_series (1, 6) g;""")
        alex, sam, cara, rey = (As(pg, n) for n in ('Alex Moreau', 'Sam Okafor', 'Cara Lind',
                                                    'Rey Tanaka'))
        claim = 'SELECT * FROM bw_claim_next ()'

        # Overlap 2: the first image goes to two annotators, not three.
        a_alex = alex.rows(claim)[0]
        a_sam = sam.rows(claim)[0]
        a_cara = cara.rows(claim)[0]
        assert (a_alex[1], a_sam[1], a_cara[1]) == ('1', '1', '2'), (a_alex, a_sam, a_cara)
        assert alex.rows(claim)[0] == a_alex     # a lease held is handed back, not doubled
        sam.rows('SELECT * FROM bw_save_box (%s, NULL, 1, 1, 1, 9, 9)' % a_sam[2])

        # Leases lapse; an edit after that is refused by the server.
        time.sleep(3.5)
        late = sam.run('SELECT * FROM bw_save_box (%s, NULL, 1, 2, 2, 8, 8)' % a_sam[2])
        assert late.returncode != 0 and 'no lease' in late.stderr, late.stderr
        pg.psql("UPDATE boxwood_server SET value = '1' WHERE key = 'overlap';"
                "UPDATE boxwood_server SET value = '60' WHERE key = 'lease_seconds'")
        # …and the image is back in the queue: Cara gets the first one now.
        again = cara.rows(claim)[0]
        assert again[1] == '1', again
        assert pg.rows("SELECT p.name, l.how FROM leases l JOIN people p ON p.id = l.person_id"
                       " WHERE l.image_id = 1 ORDER BY l.id") == [
            ['Alex Moreau', 'lapsed'], ['Sam Okafor', 'lapsed'], ['Cara Lind', '']]
        assert sam.rows(claim)[0][1] == '2'
        # Sam's box from before the lapse is still his; the image is Cara's.
        assert sam.value('SELECT count (*) FROM annotations') == '1'
        assert cara.value('SELECT count (*) FROM annotations') == '0'

        # Honeypots: at rate 1, the gold image comes first.
        pg.psql("UPDATE boxwood_server SET value = '1' WHERE key = 'honeypot_rate'")
        gold = alex.rows(claim)[0]
        assert gold[1] == '6', gold
        alex.rows('SELECT * FROM bw_save_box (%s, NULL, 1, 3, 3, 30, 30)' % gold[2])
        alex.refused('SELECT is_gold FROM images')   # and nothing tells them

        # A submission is told to whoever listens.
        listener = subprocess.Popen([os.environ['BW_TEAM_CLIENT'],
                                     pg.url_for('Rey Tanaka', PASSWORDS['Rey Tanaka']),
                                     'listen', '10000'], stdout=subprocess.PIPE, text=True)
        assert listener.stdout.readline() == 'listening\n'
        alex.rows('SELECT bw_submit (%s)' % gold[0])
        out, _ = listener.communicate(timeout=30)
        event = json.loads(out)
        assert event == {'event': 'submitted', 'image': 6, 'assignment': int(gold[0])}, event

        # The reviewer returns it; it is the annotator's next image.
        alex.refused('SELECT * FROM bw_claim_review ()')
        pg.psql("UPDATE boxwood_server SET value = '1' WHERE key = 'lease_seconds'")
        taken = rey.rows('SELECT * FROM bw_claim_review ()')[0]
        assert taken == gold, (taken, gold)
        lee = As(pg, 'Lee Park')
        assert lee.rows('SELECT * FROM bw_claim_review ()') == []   # Rey holds it
        time.sleep(1.5)
        assert lee.rows('SELECT * FROM bw_claim_review ()')[0] == gold   # Rey's lapsed
        pg.psql("UPDATE boxwood_server SET value = '60' WHERE key = 'lease_seconds'")
        watcher = subprocess.Popen([os.environ['BW_TEAM_CLIENT'],
                                    pg.url_for('Alex Moreau', PASSWORDS['Alex Moreau']),
                                    'watch', '10000'], stdout=subprocess.PIPE, text=True)
        assert watcher.stdout.readline() == 'listening\n'
        rey.rows("SELECT bw_review (%s, false, 1, 'missed the bike')" % gold[0])
        out, _ = watcher.communicate(timeout=30)
        event = json.loads(out)
        assert event == {'event': 'returned', 'image': 6, 'assignment': int(gold[0])}, event
        assert alex.rows(claim)[0] == gold
        assert alex.rows('SELECT comment FROM reviews') == [['missed the bike']]
        assert sam.rows('SELECT comment FROM reviews') == []
        assert pg.rows('SELECT status FROM assignments WHERE id = %s' % gold[0]) == [['1']]


def table_rows(path, table, columns, order):
    db = sqlite3.connect(path)
    try:
        return db.execute('SELECT %s FROM %s ORDER BY %s' % (columns, table, order)).fetchall()
    finally:
        db.close()


# What must come back from a push and a pull as it was.
ROUND_TRIP = [
    ('people', 'id, name, role', 'id'),   # Alex was added on the server first
    ('categories', 'id, name, supercategory, color, hotkey, guideline, position', 'id'),
    ('guidelines', '*', 'id'),
    ('guideline_changes', '*', 'version'),
    ('rejection_reasons', 'id, name, hotkey, position, hidden', 'id'),
    ('images', 'id, width, height, byte_size, content_hash, phash, orientation, status, is_gold,'
               ' added_at, duplicate_of', 'id'),
    ('layers', '*', 'id'),
    ('annotations', '*', 'id'),
    ('annotation_versions', '*', 'annotation_id, version'),
    ('reviews', '*', 'id'),
    ('assignments', '*', 'id'),
    ('work_time', '*', 'image_id, person_id, task'),
    ('audit_samples', '*', 'layer_id, submission'),
    ('settings', '*', 'key'),
    ('guideline_examples', '*', 'id'),
    ('questions', '*', 'id'),
    ('exams', '*', 'id'),
    ('exam_images', '*', 'exam_id, image_id'),
    ('exam_thresholds', '*', 'exam_id, category_id'),
    ('exam_attempts', '*', 'id'),
    ('exam_answers', '*', 'attempt_id, image_id'),
    ('exam_scores', '*', 'attempt_id, category_id'),
    ('exam_confusions', '*', 'attempt_id, reference_id, annotated_id'),
    ('certificates', '*', 'id'),
    ('calibration_rounds', '*', 'id'),
    ('calibration_images', '*', 'round_id, image_id'),
    ('calibration_people', '*', 'round_id, person_id'),
]


def add_training(project):
    """An example, a question, an exam with an attempt, and a calibration
    round, written into the file as the app writes them."""
    db = sqlite3.connect(project)
    with db:
        db.execute("UPDATE guidelines SET document = 'Boxes hug the object.' WHERE id = 1")
        db.execute("INSERT INTO guideline_examples (id, category_id, positive, image_id, annotation_id,"
                   " annotation_version, kind, x0, y0, x1, y1, parts, note, person_id, question_id,"
                   " created_at) VALUES (1, 1, 1, 1, 1, 1, 1, 1.5, 2, 30, 40, x'0102', 'like this', 1,"
                   " 1, 100)")
        db.execute("INSERT INTO questions (id, image_id, layer_id, annotation_id, annotation_version,"
                   " category_id, x, y, asker_id, text, asked_at, answer, answerer_id, answered_at,"
                   " example_id) VALUES (1, 1, (SELECT min (id) FROM layers), 1, 1, 1, 3.5, 4, 2,"
                   " 'Is a van a car?', 90, 'Yes', 1, 95, 1)")
        db.execute("INSERT INTO questions (id, image_id, x, y, asker_id, text, asked_at)"
                   " VALUES (2, 2, 0, 0, 1, 'Open question', 99)")
        db.execute("INSERT INTO exams (id, name, min_f1, min_accuracy, max_attempts, required, renew,"
                   " iou_threshold, guideline_version, created_by, created_at)"
                   " VALUES (1, 'Basics', 0.8, 0.7, 3, 1, 0, 0.5, 2, 1, 50)")
        db.execute("INSERT INTO exam_images VALUES (1, 3, 0), (1, 4, 1)")
        db.execute("INSERT INTO exam_thresholds VALUES (1, 1, 0.9, 0.8)")
        db.execute("INSERT INTO exam_attempts (id, exam_id, person_id, number, iou_threshold,"
                   " guideline_version, started_at, finished_at, passed)"
                   " VALUES (1, 1, 2, 1, 0.5, 2, 60, 70, 1)")
        db.execute("INSERT INTO exam_answers VALUES (1, 3, (SELECT min (id) FROM layers))")
        db.execute("INSERT INTO exam_scores VALUES (1, 1, 5, 1, 0, 4.25, 0, 1, 0, 0, 0, 0, 0)")
        db.execute("INSERT INTO exam_confusions VALUES (1, 1, 2, 1)")
        db.execute("INSERT INTO certificates (id, person_id, exam_id, attempt_id, f1, accuracy,"
                   " guideline_version, created_at) VALUES (1, 2, 1, 1, 0.91, 0.83, 2, 71)")
        db.execute("INSERT INTO calibration_rounds VALUES (1, 'Round one', 1, 42, 80)")
        db.execute("INSERT INTO calibration_images VALUES (1, 5, 0), (1, 6, 1)")
        db.execute("INSERT INTO calibration_people VALUES (1, 1), (1, 2)")
    db.close()


def same_but_paths(here, there):
    """Equal, but for the project's path and the images' folder."""
    def norm(value):
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items() if k != 'project'}
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, str) and value.startswith('boxwood-images/'):
            return value[len('boxwood-images/'):]
        return value
    return norm(here) == norm(there)


def coco(project, out):
    cli('export', 'coco', project, out, '--status', 'all')
    with open(out, encoding='utf-8') as f:
        data = json.load(f)
    data.pop('info')
    return data


def test_push_pull_round_trip(d):
    project = make_demo(d)
    add_training(project)
    with pg_cluster.PgCluster() as pg:
        cli('server', 'init', pg.url)
        # A person added before the push is the same person as in the file.
        cli('user', 'add', pg.url, 'alex moreau', '--password-stdin', stdin='alex-secret-1\n')
        cli('push', project, pg.url)
        assert pg.rows("SELECT id, name, login FROM people ORDER BY id") == [
            ['1', 'alex moreau', 'alex moreau'], ['2', 'Sam Okafor', '']], \
            pg.rows("SELECT id, name, login FROM people ORDER BY id")
        pg.psql("UPDATE people SET name = 'Alex Moreau' WHERE id = 1")
        again = cli('push', project, pg.url, expect=1).stderr
        assert 'already holds a project' in again, again

        # The images' bytes are on the server.
        db = sqlite3.connect(project)
        paths = db.execute('SELECT id, path FROM images ORDER BY id').fetchall()
        db.close()
        for image_id, path in paths:
            with open(os.path.join(d, 'demo', path), 'rb') as f:
                expected = f.read()
            got = pg.rows("SELECT md5 (bytes), length (bytes) FROM image_data WHERE image_id = %d"
                          % image_id)
            assert got == [[hashlib.md5(expected).hexdigest(), str(len(expected))]], path

        snapshot = os.path.join(d, 'out', 'snap.boxwood')
        os.mkdir(os.path.join(d, 'out'))
        cli('pull', pg.url, snapshot)
        assert sorted(os.listdir(os.path.join(d, 'out'))) == ['snap-images', 'snap.boxwood'], \
            os.listdir(os.path.join(d, 'out'))
        for table, columns, order in ROUND_TRIP:
            a = table_rows(project, table, columns, order)
            b = table_rows(snapshot, table, columns, order)
            assert a == b, (table, a[:3], b[:3])
            # The tables the training work added are not empty here.
            assert a or not table.startswith(('guideline_examples', 'questions', 'exam',
                                              'certificates', 'calibration')), table
        # Every image is in the snapshot's folder, byte for byte.
        for image_id, path in paths:
            with open(os.path.join(d, 'demo', path), 'rb') as f, \
                 open(os.path.join(d, 'out', 'snap-images', path), 'rb') as g:
                assert f.read() == g.read(), path
        assert table_rows(snapshot, 'images', 'path', 'id') == [
            ('snap-images/' + p,) for _, p in paths]

        # The exports agree, but for where the images are.
        a = coco(project, os.path.join(d, 'a.json'))
        b = coco(snapshot, os.path.join(d, 'b.json'))
        for image in b['images']:
            assert image['file_name'].startswith('snap-images/'), image
            image['file_name'] = image['file_name'][len('snap-images/'):]
        assert a == b

        # The commands that read take the URL and read a snapshot.
        for command in (['quality', '--json'], ['review', 'list', '--json'],
                        ['review', 'stats', '--json']):
            here = json.loads(cli(*command[:-1], project, command[-1]).stdout)
            there = json.loads(cli(*command[:-1], pg.url, command[-1]).stdout)
            assert here and same_but_paths(here, there), (command, here, there)
        assert not glob.glob(os.path.join(tempfile.gettempdir(), 'boxwood-snapshot-*'))

        # A snapshot never replaces a file; an annotator cannot take one.
        existing = cli('pull', pg.url, snapshot, expect=1).stderr
        assert 'exists already' in existing, existing
        cli('user', 'add', pg.url, 'Sam Okafor', '--password-stdin', stdin='sam-secret-22\n')
        refused = cli('pull', pg.url_for('Sam Okafor', 'sam-secret-22'),
                      os.path.join(d, 'out', 'sam.boxwood'), expect=1).stderr
        assert 'may not' in refused and 'permission denied' in refused, refused
        assert not [n for n in os.listdir(os.path.join(d, 'out')) if n.startswith(('sam', '.sam'))]


def server_state(pg):
    """What a refused change must leave as it was."""
    return {table: pg.rows('SELECT md5 (string_agg (t::text, \',\' ORDER BY t::text)) FROM %s t'
                           % table)
            for table in ('categories', 'guidelines', 'guideline_changes', 'rejection_reasons',
                          'settings', 'images', 'image_data', 'annotations', 'layers')}


def change_mark(pg):
    """The mark a working copy keeps: rows changed after it have change_xid >= it."""
    return pg.rows('SELECT pg_snapshot_xmin (pg_current_snapshot ())::text')[0][0]


def listen(pg, name):
    listener = subprocess.Popen([os.environ['BW_TEAM_CLIENT'], pg.url_for(name, PASSWORDS[name]),
                                 'listen', '20000'], stdout=subprocess.PIPE, text=True)
    assert listener.stdout.readline() == 'listening\n'
    return listener


def heard(listener):
    out, _ = listener.communicate(timeout=60)
    return json.loads(out)


def test_changes_by_url(d):
    """The commands that change a project take a URL: they change the team
    project as the connecting user, and the server's roles decide."""
    import bw_e2e
    project = make_demo(d)
    batch = os.path.join(d, 'batch')
    os.makedirs(os.path.join(batch, 'sub'))
    bw_e2e.write_png(os.path.join(batch, 'red.png'), 40, 30, lambda x, y: (200, 10, 10))
    bw_e2e.write_png(os.path.join(batch, 'sub', 'ramp.png'), 40, 30, lambda x, y: (x * 6, y * 8, 90))
    # The same content twice, and an image the server has already.
    bw_e2e.write_png(os.path.join(batch, 'tomato.png'), 40, 30, lambda x, y: (200, 10, 10))
    shutil.copy(os.path.join(d, 'demo', 'images', 'scene-01.jpg'), os.path.join(batch, 'old.jpg'))

    with pg_cluster.PgCluster() as pg:
        team(pg, project)
        lee = pg.url_for('Lee Park', PASSWORDS['Lee Park'])
        lead = As(pg, 'Lee Park')
        n_images = int(pg.rows('SELECT count (*) FROM images')[0][0])

        # The annotator and the reviewer are refused by the database, in
        # one clear line each, and nothing changes.
        before = server_state(pg)
        for name, args in (('Alex Moreau', ['taxonomy', 'add', '{url}', 'yak']),
                           ('Alex Moreau', ['import', '{url}', batch]),
                           ('Alex Moreau', ['taxonomy', 'merge', '{url}', 'bicycle', 'car']),
                           ('Rey Tanaka', ['taxonomy', 'delete', '{url}', 'bicycle',
                                           '--delete-annotations']),
                           ('Rey Tanaka', ['import', '{url}', batch])):
            url = pg.url_for(name, PASSWORDS[name])
            refused = cli(*[a.replace('{url}', url) for a in args], expect=1).stderr
            assert ('may not' in refused and 'permission denied' in refused
                    and refused.count('\n') == 1), (name, args, refused)
        assert server_state(pg) == before
        # A command that fails changes nothing either.
        cli('taxonomy', 'add', lee, 'car', expect=1)
        assert server_state(pg) == before

        # The lead adds a category; every way of reading shows it, stamped
        # for the working copies and announced.
        mark = change_mark(pg)
        listener = listen(pg, 'Rey Tanaka')
        new_id = cli('taxonomy', 'add', lee, 'zebra', '--supercategory', 'animal',
                     '--hotkey', 'z').stdout.strip()
        assert heard(listener) == {'event': 'taxonomy'}
        listed = json.loads(cli('taxonomy', 'list', lee, '--json').stdout)['categories']
        assert [(c['id'], c['name'], c['supercategory'], c['hotkey'], c['position'])
                for c in listed if c['name'] == 'zebra'] == [(int(new_id), 'zebra', 'animal', 'z',
                                                             len(listed) - 1)], listed
        assert lead.rows("SELECT id, supercategory, hotkey FROM categories WHERE name = 'zebra'") == [
            [new_id, 'animal', 'z']]
        assert pg.rows("SELECT count (*) FROM categories WHERE change_xid >= '%s'::xid8" % mark) == [
            ['1']]
        # Its id is the server's next: a category added there later gets another.
        later = lead.rows("INSERT INTO categories (name, color, position) VALUES ('yak', '#000000', 99)"
                          " RETURNING id")[0][0]
        assert int(later) > int(new_id), (later, new_id)
        lead.rows("DELETE FROM categories WHERE name = 'yak'")

        # The lead imports a folder: new content only, named from the
        # folder, with its bytes; the copies hear of it.
        mark = change_mark(pg)
        listener = listen(pg, 'Lee Park')
        out = cli('import', lee, batch).stdout
        assert 'Added 2 images, 2 duplicates skipped, 0 files refused.' in out, out
        assert 'as “images/scene-01.jpg”' in out, out
        assert heard(listener) == {'event': 'changed', 'tables': ['images']}
        added = pg.rows("SELECT i.path, i.width, i.height, i.status, md5 (b.bytes) FROM images i"
                        " JOIN image_data b ON b.image_id = i.id"
                        " WHERE i.change_xid >= '%s'::xid8 ORDER BY i.id" % mark)
        assert [row[0] for row in added] == ['batch/red.png', 'batch/sub/ramp.png'], added
        for path, width, height, status, md5 in added:
            with open(os.path.join(d, path), 'rb') as f:
                assert md5 == hashlib.md5(f.read()).hexdigest(), path
            assert (width, height, status) == ('40', '30', '0'), (path, width, height, status)
        snapshot = os.path.join(d, 'after.boxwood')
        cli('pull', lee, snapshot)
        for path, *_ in added:
            with open(os.path.join(d, path), 'rb') as f, \
                 open(os.path.join(d, 'after-images', path), 'rb') as g:
                assert f.read() == g.read(), path
        # Again: nothing new.
        out = cli('import', lee, batch).stdout
        assert 'Added 0 images, 4 duplicates skipped' in out, out
        assert int(pg.rows('SELECT count (*) FROM images')[0][0]) == n_images + 2
        assert pg.rows('SELECT count (*) FROM image_data')[0][0] == str(n_images + 2)

        # A merge on the server moves the annotations, stamped for the copies.
        counts = dict(pg.rows('SELECT c.name, count (a.id) FROM categories c'
                              ' LEFT JOIN annotations a ON a.category_id = c.id GROUP BY c.name'))
        bicycle = pg.rows("SELECT id FROM categories WHERE name = 'bicycle'")[0][0]
        mark = change_mark(pg)
        out = cli('taxonomy', 'merge', lee, 'bicycle', 'car').stdout
        assert out == '%s annotations moved\n' % counts['bicycle'], out
        after = dict(pg.rows('SELECT c.name, count (a.id) FROM categories c'
                             ' LEFT JOIN annotations a ON a.category_id = c.id GROUP BY c.name'))
        assert 'bicycle' not in after and after['car'] == str(int(counts['car']) +
                                                              int(counts['bicycle'])), after
        assert pg.rows("SELECT count (*) FROM annotations WHERE category_id = %s" % bicycle) == [['0']]
        assert pg.rows("SELECT count (*) FROM annotations a JOIN categories c ON c.id = a.category_id"
                       " WHERE c.name = 'car' AND a.change_xid >= '%s'::xid8" % mark) == [
            [counts['bicycle']]]
        assert pg.rows('SELECT position FROM categories ORDER BY position') == [
            [str(i)] for i in range(len(after))]

        # Delete with its annotations: the copies learn of the deletions.
        n_signs = counts['traffic-sign']
        sign = pg.rows("SELECT id FROM categories WHERE name = 'traffic-sign'")[0][0]
        mark = change_mark(pg)
        cli('taxonomy', 'delete', lee, sign, '--delete-annotations')   # by id
        assert pg.rows("SELECT count (*) FROM categories WHERE name = 'traffic-sign'") == [['0']]
        assert pg.rows("SELECT count (*) FROM deletions WHERE change_xid >= '%s'::xid8" % mark) == [
            [n_signs]]

        # A taxonomy file merged in by name.
        taxonomy = os.path.join(d, 'taxonomy.json')
        with open(taxonomy, 'w') as f:
            json.dump({'boxwood_taxonomy': 1, 'categories': [
                {'name': 'zebra', 'supercategory': 'animal', 'color': '#123456'},
                {'name': 'horse', 'supercategory': 'animal', 'color': '#654321'}]}, f)
        out = cli('taxonomy', 'import', lee, taxonomy).stdout
        assert '1 added, 1 updated' in out, out
        assert lead.rows("SELECT name, color FROM categories WHERE name IN ('zebra', 'horse')"
                         " ORDER BY name") == [['horse', '#654321'], ['zebra', '#123456']]

        assert not glob.glob(os.path.join(tempfile.gettempdir(), 'boxwood-edit-*'))


def test_import_lock_scope(d):
    """While an import to the server runs, annotators claim work and the lead
    changes the taxonomy; a second import waits for the first."""
    import bw_e2e
    import signal
    project = make_demo(d)
    batch = os.path.join(d, 'batch')
    os.mkdir(batch)
    bw_e2e.write_png(os.path.join(batch, 'green.png'), 30, 20, lambda x, y: (10, 200, 10))
    with pg_cluster.PgCluster() as pg:
        team(pg, project)
        # Someone with no work yet: their claim takes a new image (and
        # locks its row), it does not hand back a lease they hold.
        cli('user', 'add', pg.url, 'Kim Ode', '--role', 'annotator', '--password-stdin',
            stdin='kim-secret-666\n')
        lee = pg.url_for('Lee Park', PASSWORDS['Lee Park'])
        held = ("SELECT count (*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE c.relname = 'images' AND l.mode IN ('ShareUpdateExclusiveLock', 'ExclusiveLock')"
                " AND l.granted AND l.pid = %d")
        # The first import (every image of the demo, all on the server
        # already) is stopped while it holds its lock: it is looked at
        # only while stopped, so it cannot end between look and stop.
        first = subprocess.Popen([CLI, 'import', lee, os.path.join(d, 'demo', 'images')],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        backend = None
        deadline = time.monotonic() + 60
        while backend is None:
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            os.kill(first.pid, signal.SIGSTOP)
            for pid, in pg.rows("SELECT pid FROM pg_stat_activity WHERE usename = 'Lee Park'"):
                if pg.rows(held % int(pid)) == [['1']]:
                    backend = int(pid)
            if backend is None:
                os.kill(first.pid, signal.SIGCONT)
                time.sleep(0.02)
        try:
            claim = [line.split('|') for line in pg.psql(
                "SET statement_timeout = '20s'; SELECT * FROM bw_claim_next ()",
                user='Kim Ode', password='kim-secret-666').stdout.splitlines()]
            assert len(claim) == 1 and claim[0][1], claim
            assert pg.rows('SELECT p.name FROM layers l JOIN people p ON p.id = l.person_id'
                           ' WHERE l.id = %s' % claim[0][2]) == [['Kim Ode']]
            cli('taxonomy', 'add', lee, 'kite')
            second = subprocess.Popen([CLI, 'import', lee, batch], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
            waiting = ("SELECT count (*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                       " WHERE c.relname = 'images' AND NOT l.granted")
            deadline = time.monotonic() + 60
            while pg.rows(waiting) != [['1']]:
                assert second.poll() is None and time.monotonic() < deadline, second.communicate()
                time.sleep(0.05)
        finally:
            os.kill(first.pid, signal.SIGCONT)
        out, err = first.communicate(timeout=120)
        assert first.returncode == 0 and 'Added 0 images, 24 duplicates skipped' in out, (out, err)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0 and 'Added 1 image,' in out, (out, err)
        assert pg.rows("SELECT path FROM images WHERE path LIKE 'batch/%'") == [['batch/green.png']]


tests = [
    test_cluster,
    test_server_init_and_users,
    test_password_prompt,
    test_annotator_is_confined,
    test_push_pull_round_trip,
    test_claim_queue,
    test_changes_by_url,
    test_import_lock_scope,
]


def main():
    # A temporary folder of our own for every program started here, so
    # that the checks that boxwood-cli leaves no snapshot or copy behind
    # look at ours only, not at those of other programs on the machine.
    private = os.path.join('/tmp', 'bw-team-tmp-%d' % os.getpid())
    os.mkdir(private, 0o755)
    os.environ['TMPDIR'] = tempfile.tempdir = private
    try:
        return run_tests()
    finally:
        shutil.rmtree(private, ignore_errors=True)


def run_tests():
    print('1..%d' % len(tests))
    failed = 0
    for i, func in enumerate(tests, 1):
        name = '/team/' + func.__name__[len('test_'):].replace('_', '-')
        d = tempfile.mkdtemp(prefix='bw-team-')
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
