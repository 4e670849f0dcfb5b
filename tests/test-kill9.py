#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""kill -9 while Boxwood writes: nothing reported saved is lost (TAP).

Two parts, with one seed (BOXWOOD_KILL9_SEED) so that a failure can be
run again as it was:

- The app: the real `boxwood` on an X server, on a project of one image,
  draws boxes as fast as xdotool drags (B, then drags), and is killed with
  SIGKILL at a random moment, BOXWOOD_KILL9_APP times (default 20), each
  time started again on the same project. With
  G_MESSAGES_DEBUG=bw-edit-history the app prints a line once each edit is
  committed, naming the annotations the edit left (+id) or removed (-id);
  after every kill each of those must be so in the file, and
  PRAGMA integrity_check must say ok.
- The command line: boxwood-cli adding categories and importing COCO
  files of 2,000 boxes, one process after another, each killed at a random
  moment, until BOXWOOD_KILL9_CLI (default 80) were killed before they
  ended. Every category reported added must be there, an import must be
  in the file whole or not at all, and the file must pass
  PRAGMA integrity_check.

The app starts slowly on a loaded machine, so its part has fewer kills
than the command line's; together they are the 100 of issue 13.

Environment: BOXWOOD_APP, BOXWOOD_CLI; DISPLAY (else its own Xvfb).
"""

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bw_e2e  # noqa: E402
from bw_e2e import fail  # noqa: E402

SEED = int(os.environ.get('BOXWOOD_KILL9_SEED', '20261129'))
APP_KILLS = int(os.environ.get('BOXWOOD_KILL9_APP', '20'))
CLI_KILLS = int(os.environ.get('BOXWOOD_KILL9_CLI', '80'))
W, H = 800, 600
GREY = (128, 128, 128)
SAVED = re.compile(r'saved: [^:]*:((?: [+-]\d+)*)\s*$')


def check_file(project, what):
    db = sqlite3.connect(project, timeout=30)
    try:
        result = db.execute('PRAGMA integrity_check').fetchall()
        if result != [('ok',)]:
            fail('%s: PRAGMA integrity_check says %r' % (what, result))
    finally:
        db.close()


def query(project, sql, args=()):
    db = sqlite3.connect(project, timeout=30)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def window_of(app, pid):
    """The visible window of process @pid, once there is one."""
    def find():
        out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(pid)],
                             env=app.env, capture_output=True, text=True)
        ids = out.stdout.split()
        return ids[-1] if ids else None
    return app.wait_for('the window', find, timeout=60)


def geometry(app, window):
    out = subprocess.run(['xdotool', 'getwindowgeometry', '--shell', window],
                         env=app.env, capture_output=True, text=True, check=True).stdout
    values = dict(line.split('=', 1) for line in out.split())
    return int(values['X']), int(values['Y']), int(values['WIDTH']), int(values['HEIGHT'])


def part_app(session, rng):
    project = os.path.join(session.tmp, 'app.boxwood')
    image = os.path.join(session.tmp, 'images', 'grey.png')
    os.makedirs(os.path.dirname(image))
    bw_e2e.write_png(image, W, H, lambda x, y: GREY)
    session.cli('create', project)
    session.cli('import', project, image)
    session.cli('taxonomy', 'add', project, 'box')

    env = dict(session.env)
    env['G_MESSAGES_DEBUG'] = 'bw-edit-history'
    app = bw_e2e.App(env, session.tmp)
    expected = {}      # annotation id → whether the file must hold it
    total_saved = 0

    for cycle in range(APP_KILLS):
        log_path = os.path.join(session.tmp, 'app-%d.log' % cycle)
        with open(log_path, 'w') as log:
            proc = subprocess.Popen([session.app_path, '--user', 'tester', project],
                                    env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            window = window_of(app, proc.pid)
            x, y, w, h = geometry(app, window)
            cx, cy = x + w // 2, y + h // 2
            # The image is on screen (grey, where no box is drawn) before
            # the box tool can draw on it.
            app.wait_for_screen('the image', lambda s: bw_e2e.close(s.pixel(cx + 250, cy + 200), GREY),
                                timeout=60)
            app.xdotool('mousemove', cx, cy, 'click', 1)
            app.xdotool('key', 'b')

            delay = rng.uniform(0.2, 3.0)
            killer = threading.Timer(delay, lambda: proc.send_signal(signal.SIGKILL))
            killer.start()
            while proc.poll() is None:
                x0 = cx + rng.randint(-150, 100)
                y0 = cy + rng.randint(-120, 80)
                subprocess.run(['xdotool', 'mousemove', str(x0), str(y0), 'mousedown', '1',
                                'mousemove', str(x0 + 20), str(y0 + 15),
                                'mousemove', str(x0 + 40), str(y0 + 30), 'mouseup', '1'],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            killer.join()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        if proc.returncode != -signal.SIGKILL:
            with open(log_path, errors='replace') as f:
                sys.stdout.write(f.read())
            fail('app run %d ended with %d before it was killed' % (cycle, proc.returncode))

        saved = 0
        with open(log_path, errors='replace') as f:
            for line in f:
                m = SAVED.search(line)
                if m is None:
                    continue
                saved += 1
                for token in m.group(1).split():
                    expected[int(token[1:])] = token[0] == '+'
        total_saved += saved

        what = 'app kill %d (after %.2f s, %d edits saved)' % (cycle + 1, delay, saved)
        check_file(project, what)
        present = {row[0] for row in query(project, 'SELECT id FROM annotations')}
        lost = [i for i, there in expected.items() if there and i not in present]
        back = [i for i, there in expected.items() if not there and i in present]
        if lost or back:
            fail('%s: saved annotations missing %s, removed ones back %s' % (what, lost[:10], back[:10]))
        print('ok - %s: the file is sound and holds all %d annotations reported saved'
              % (what, sum(1 for there in expected.values() if there)))
        sys.stdout.flush()

    if total_saved == 0:
        fail('the app never reported an edit saved: the kills tested nothing')


def coco_file(path, run, boxes):
    annotations = []
    for k in range(boxes):
        annotations.append({'id': k + 1, 'image_id': 1, 'category_id': 1,
                            # every run's boxes differ from every other's
                            # (by run / 1000 of a pixel), so none is skipped
                            # as already there
                            'bbox': [(k * 7) % 700, (k // 100) * 25 + run * 0.001, 12, 9]})
    with open(path, 'w') as f:
        json.dump({'images': [{'id': 1, 'file_name': 'images/grey.png', 'width': W, 'height': H}],
                   'categories': [{'id': 1, 'name': 'box'}],
                   'annotations': annotations}, f)


def part_cli(session, rng):
    project = os.path.join(session.tmp, 'cli.boxwood')
    session.cli('create', project)
    session.cli('import', project, os.path.join(session.tmp, 'images', 'grey.png'))
    added = set()
    annotations = 0
    kills = 0
    runs = 0
    boxes = 2000

    while kills < CLI_KILLS:
        runs += 1
        if runs > CLI_KILLS * 10:
            fail('only %d of %d command-line runs could be killed before they ended' % (kills, runs))
        if rng.random() < 0.5:
            name = 'k-%d' % runs
            args = ['taxonomy', 'add', project, name]
        else:
            name = None
            json_path = os.path.join(session.tmp, 'boxes.json')
            coco_file(json_path, runs, boxes)
            args = ['import', 'coco', project, json_path, '--images', session.tmp]

        proc = subprocess.Popen([session.cli_path] + args, env=session.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.0, 0.3))
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        killed = killed and proc.returncode == -signal.SIGKILL

        if not killed and proc.returncode != 0:
            fail('boxwood-cli %s failed: %s' % (' '.join(args), err.decode(errors='replace')))

        what = 'boxwood-cli %s (run %d, %s)' % (args[0] + ' ' + args[1], runs,
                                                 'killed' if killed else 'finished')
        check_file(project, what)
        now = query(project, 'SELECT count(*) FROM annotations')[0][0]
        if name is not None:
            if not killed:
                added.add(name)
            if now != annotations:
                fail('%s: adding a category changed the annotations (%d, were %d)' % (what, now, annotations))
        elif killed:
            # All or nothing: killed after its last step it is all there.
            if now not in (annotations, annotations + boxes):
                fail('%s: the file holds %d annotations, %d before the import of %d: a part of it'
                     % (what, now, annotations, boxes))
        elif now != annotations + boxes:
            fail('%s: reported done, but the file holds %d annotations, %d expected'
                 % (what, now, annotations + boxes))
        annotations = now

        names = {row[0] for row in query(project, 'SELECT name FROM categories')}
        missing = sorted(added - names)
        if missing:
            fail('%s: categories reported added are missing: %s' % (what, missing[:10]))
        if killed:
            kills += 1
            print('ok - %s: the file is sound; %d categories reported added are there, %d annotations'
                  % (what, len(added), annotations))
            sys.stdout.flush()

    # The next opening for writing removes what killed imports staged
    # (info opens read-only, and so leaves the file as it is).
    session.cli('taxonomy', 'add', project, 'after-the-kills')
    left = query(project, 'SELECT count(*) FROM import_staging')[0][0]
    if left != 0:
        fail('%d staged rows of killed imports are still in the file after it was opened' % left)
    print('ok - nothing staged by the %d killed command-line runs is left after opening' % kills)


def main():
    rng = random.Random(SEED)
    print('1..%d' % (APP_KILLS + CLI_KILLS + 1))
    print('# seed %d' % SEED)
    start = time.monotonic()
    with bw_e2e.Session('bw-kill9-', range(83, 99)) as session:
        part_app(session, rng)
        print('# app part: %.0f s' % (time.monotonic() - start))
        part_cli(session, rng)
        print('# whole test: %.0f s' % (time.monotonic() - start))


if __name__ == '__main__':
    main()
