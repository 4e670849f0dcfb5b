#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the gold standard and honeypots: the real `boxwood`.

A project of eight 400 × 300 images (one background colour each) and one
category. Driven with real pointer and key input (xdotool):

1. the lead opens the Gold Standard window (Ctrl+G), draws a seeded
   sample of two gold images, sets the honeypot rate, and draws each gold
   image's answer in the project window, under the gold banner;
2. two annotators label the project with Ctrl+Return (submit and next):
   their queues mix the gold images in, each in the order an independent
   model of the queue (here, from SHA-256) predicts; the image list never
   shows them a "Gold" badge (screenshots);
3. the scores against gold that `boxwood-cli quality --json` prints are
   those computed here from the boxes drawn; the lead's Quality window
   (Ctrl+Shift+Q) is shown for a screenshot;
4. `boxwood-cli export` leaves the gold answers out; `--status gold` has
   them.

Environment: BOXWOOD_APP, BOXWOOD_CLI; DISPLAY or its own Xvfb.
"""

import hashlib
import json
import math
import os
import sqlite3
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bw_e2e  # noqa: E402
from bw_e2e import close, fail  # noqa: E402

W, H = 400, 300
RED = (255, 0, 0)
NAMES = ['img-%d.png' % i for i in range(1, 9)]
BACKGROUNDS = {name: (60 + 20 * i, 140 - 10 * i, 90 + 15 * i) for i, name in enumerate(NAMES)}
SEED = 7
RATE = 25          # per cent
GOLD_BOX = (100, 80, 220, 180)
SHIFT = {'ann': 4, 'ben': 30}
# The gold badge's colour over the list's background (measured on the
# lead's screenshot; a "Submitted" badge is (244, 225, 178)).
GOLD_BADGE = (243, 221, 167)


def draw(domain, a, b):
    """The core's draw, computed here: the first 53 bits of SHA-256 of the
    three numbers as little-endian 64-bit integers."""
    digest = hashlib.sha256(struct.pack('<QQQ', domain, a, b)).digest()
    return (int.from_bytes(digest[:8], 'big') >> 11) / float(1 << 53)


def painter(background):
    def colour(x, y):
        if x < 20 and y < 20:
            return RED
        return background
    return colour


class Screen(bw_e2e.Screen):
    def red_square(self, min_width=10):
        return self.first_run(RED, min_width)

    def count(self, colour, x0, y0, x1, y1, tolerance=6):
        n = 0
        for y in range(y0, y1):
            for x in range(x0, x1):
                if close(self.pixel(x, y), colour, tolerance):
                    n += 1
        return n


class App(bw_e2e.App):
    def window_shown(self, name):
        return subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', name], env=self.env,
                              capture_output=True).returncode == 0

    def geometry(self, name):
        out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', name,
                              'getwindowgeometry', '--shell'], env=self.env,
                             capture_output=True, text=True).stdout
        values = dict(line.split('=', 1) for line in out.split() if '=' in line)
        return int(values['X']), int(values['Y']), int(values['WIDTH']), int(values['HEIGHT'])


class Project:
    def __init__(self, path):
        self.path = path

    def query(self, sql, *args):
        db = sqlite3.connect('file:%s?mode=ro' % self.path, uri=True)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def image_id(self, name):
        return self.query('SELECT id FROM images WHERE path LIKE ?', '%' + name)[0][0]

    def name(self, image_id):
        return os.path.basename(self.query('SELECT path FROM images WHERE id = ?', image_id)[0][0])

    def person(self, name):
        rows = self.query('SELECT id FROM people WHERE name = ?', name)
        return rows[0][0] if rows else None

    def gold_images(self):
        return [r[0] for r in self.query('SELECT id FROM images WHERE is_gold <> 0 ORDER BY id')]

    def gold_boxes(self, image_id):
        return self.query('SELECT a.x0, a.y0, a.x1, a.y1 FROM annotations a JOIN layers l ON l.id = a.layer_id'
                          ' WHERE l.image_id = ? AND l.kind = 1', image_id)

    def work(self, person):
        """{image id: [(x0, y0, x1, y1)]} of @person's submitted work."""
        rows = self.query('SELECT l.image_id, a.x0, a.y0, a.x1, a.y1 FROM layers l'
                          ' LEFT JOIN annotations a ON a.layer_id = l.id'
                          ' WHERE l.person_id = ? AND l.kind = 0 AND l.status = 1', person)
        work = {}
        for image, *box in rows:
            work.setdefault(image, [])
            if box[0] is not None:
                work[image].append(tuple(box))
        return work

    def next_image(self, person, current):
        """The image after @current in @person's queue, by a model of the
        queue written from its description (bw_project_list_work_queue):
        returned, in progress, then new images with gold images mixed in
        at the honeypot rate in the person's own hashed order."""
        rate = float(self.query("SELECT value FROM settings WHERE key = 'honeypot.rate'")[0][0])
        assigned = self.query('SELECT image_id, status FROM assignments WHERE person_id = ? AND task = 0',
                              person or -1)
        gold = set(self.gold_images())
        queue = [i for i, s in sorted(assigned, key=lambda r: r[0]) if s == 5]
        queue += [i for i, s in sorted(assigned) if s in (0, 1)]
        mine = {i for i, _ in assigned}
        fresh = [r[0] for r in self.query('SELECT id FROM images WHERE status = 0 ORDER BY id') if r[0] not in mine]
        answered = {r[0] for r in self.query('SELECT image_id FROM layers WHERE kind = 1')}
        candidates = sorted((i for i in gold if i not in mine and i in answered),
                            key=lambda i: (draw(2, person, i), i))
        taken = sum(1 for _, s in assigned if s != 6)
        taken_gold = sum(1 for i, s in assigned if s != 6 and i in gold)
        phase = draw(2, person, 0)
        f = g = 0
        while f < len(fresh):
            if g < len(candidates) and taken_gold < math.floor(rate * (taken + 1) + phase):
                queue.append(candidates[g])
                g += 1
                taken_gold += 1
            else:
                queue.append(fresh[f])
                f += 1
            taken += 1
        queue = [i for i in queue if i != current]
        return queue[0] if queue else None


def gold_badge_pixels(screen):
    """Pixels of the gold badge's colour (Adwaita's #e5a50a at 35 % over
    the list) in the image list's badge column."""
    n = 0
    for y in range(140, 560):
        for x in range(190, 280):
            if close(screen.pixel(x, y), GOLD_BADGE, 2):
                n += 1
    return n


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def main():
    with bw_e2e.Session('boxwood-gold-e2e-', range(180, 210)) as session:
        env, tmp = session.env, session.tmp
        paths = []
        for name in NAMES:
            path = os.path.join(tmp, name)
            bw_e2e.write_png(path, W, H, painter(BACKGROUNDS[name]))
            paths.append(path)
        path = os.path.join(tmp, 'gold.boxwood')
        session.cli('create', path)
        session.cli('import', path, *paths)
        session.cli('taxonomy', 'add', path, 'car')
        project = Project(path)
        ids = [project.image_id(n) for n in NAMES]
        app = App(env, tmp, Screen)
        state = {}

        def shown_image(screen):
            """The name of the image on the canvas (by its background), and
            the origin and width of its red square, or None."""
            found = screen.red_square()
            if not found:
                return None
            x, y, w = found
            colour = screen.pixel(x + w * 15, y + w * 12)
            for name, background in BACKGROUNDS.items():
                if close(colour, background, 4):
                    return name, (x, y), w
            return None

        def show_at_100(name):
            _, (shown, origin, width) = app.wait_for_screen(
                name + ' shown', lambda s: (lambda r: r if r and r[0] == name else None)(shown_image(s)))
            app.xdotool('mousemove', origin[0] + width * 15, origin[1] + width * 12)
            app.xdotool('key', 'v')
            app.xdotool('click', 1)
            time.sleep(0.3)
            app.xdotool('key', 'ctrl+1')
            _, (shown, origin, width) = app.wait_for_screen(
                name + ' at 100%', lambda s: (lambda r: r if r and r[0] == name and r[2] == 20 else None)(shown_image(s)))
            state['origin'] = origin

        def at(ix, iy):
            return state['origin'][0] + ix, state['origin'][1] + iy

        def drag(x0, y0, x1, y1, steps=8):
            app.xdotool('mousemove', *at(x0, y0))
            time.sleep(0.1)
            app.xdotool('mousedown', 1)
            for i in range(1, steps + 1):
                app.xdotool('mousemove', *at(x0 + (x1 - x0) * i // steps, y0 + (y1 - y0) * i // steps))
                time.sleep(0.03)
            app.xdotool('mouseup', 1)
            time.sleep(0.3)

        def quit_app(proc):
            app.xdotool('key', 'ctrl+q')
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                fail('boxwood did not quit on Ctrl+Q')

        # 1. The lead: a sample of two gold images, the honeypot rate, and
        # each gold image's answer drawn in the gold layer.
        proc = session.start_app(path, 'lena')
        show_at_100(NAMES[0])
        app.xdotool('key', 'ctrl+g')
        app.wait_for('the Gold Standard window', lambda: app.window_shown('^Gold Standard$'))
        time.sleep(1.0)
        app.xdotool('search', '--name', '^Gold Standard$', 'windowfocus')
        app.shot('gold-window-empty')
        for key, value in (('alt+s', '2'), ('alt+d', str(SEED)), ('alt+h', str(RATE))):
            app.xdotool('key', key)
            time.sleep(0.2)
            app.xdotool('key', 'ctrl+a')
            app.xdotool('type', value)
            app.xdotool('key', 'Tab')
            time.sleep(0.3)
        app.xdotool('key', 'alt+m')
        gold = app.wait_for('two gold images', lambda: len(project.gold_images()) == 2 and project.gold_images())
        expected = sorted(sorted(ids, key=lambda i: (draw(1, SEED, i), i))[:2])
        if gold != expected:
            fail('the sample with seed %d is %s, not %s' % (SEED, gold, expected))
        rate = app.wait_for('the honeypot rate', lambda: project.query(
            "SELECT value FROM settings WHERE key = 'honeypot.rate'"))
        if abs(float(rate[0][0]) - RATE / 100.0) > 1e-9:
            fail('the honeypot rate is %s' % rate[0][0])
        print('# 1. the seeded sample is %s, as SHA-256 of seed and ids orders them' %
              [project.name(i) for i in gold])

        # The list shows the two gold images: the first row's answer.
        gx, gy, gw, gh = app.geometry('^Gold Standard$')
        for n, image in enumerate(gold):
            if n > 0:
                # Ctrl+G in the project window brings the Gold Standard
                # window back.
                app.xdotool('key', 'ctrl+g')
                time.sleep(1.0)
            # Rows start under the header bar, the search row and the
            # column titles; each is about 31 px high.
            app.xdotool('mousemove', gx + 200, gy + 142 + 31 * n)
            app.xdotool('click', 1)
            time.sleep(0.5)
            app.shot('gold-window-row-%d' % n)
            app.xdotool('key', 'alt+e')
            time.sleep(0.5)
            show_at_100(project.name(image))
            screen = app.shot('gold-banner-%d' % n)
            app.xdotool('key', 'b')
            drag(*GOLD_BOX)
            app.wait_for('the gold answer of %s' % project.name(image),
                         lambda: len(project.gold_boxes(image)) == 1)
            box = project.gold_boxes(image)[0]
            if any(abs(p - q) > 1 for p, q in zip(box, GOLD_BOX)):
                fail('the gold box is %s' % (box,))
            if project.work(project.person('lena')):
                fail('drawing the gold answer made work of the lead')
        print('# 1. the lead drew both gold answers in the gold layer')
        app.xdotool('key', 'ctrl+g')
        time.sleep(1.5)
        app.shot('gold-window-answered')
        app.xdotool('key', 'Escape')
        app.wait_for('the Gold Standard window closed', lambda: not app.window_shown('^Gold Standard$'))
        time.sleep(0.5)
        screen = app.shot('lead-list')
        if gold_badge_pixels(screen) < 100:
            fail('the lead does not see the gold badges')
        quit_app(proc)

        # 2. Two annotators, each with Submit and next.
        # Ann does half the project; Ben the rest, and the first image
        # again (two answers to compare).
        for user, steps in (('ann', 4), ('ben', len(NAMES))):
            proc = session.start_app(path, user)
            first = NAMES[0]
            show_at_100(first)
            person = app.wait_for('%s in the project' % user, lambda: project.person(user))
            current = project.image_id(first)
            worked = []
            for step in range(steps):
                name = project.name(current)
                show_at_100(name)
                screen = app.shot('%s-list-%d' % (user, step))
                if gold_badge_pixels(screen) > 0:
                    fail('%s sees a gold badge in the image list' % user)
                s = SHIFT[user]
                app.xdotool('key', 'b')
                drag(GOLD_BOX[0] + s, GOLD_BOX[1] + s, GOLD_BOX[2] + s, GOLD_BOX[3] + s)
                app.xdotool('key', 'ctrl+Return')
                app.wait_for('%s submitted by %s' % (name, user),
                             lambda: current in project.work(person))
                # Where Submit goes next, by the model of the queue.
                expected_next = project.next_image(person, current)
                worked.append(current)
                if expected_next is None or len(worked) == steps:
                    break
                time.sleep(0.5)
                current = expected_next
            n_gold = sum(1 for i in worked if i in gold)
            print('# 2. %s worked %s (%d honeypots)' % (user, [project.name(i) for i in worked], n_gold))
            if n_gold == 0:
                fail('%s got no honeypot' % user)
            time.sleep(1.0)
            screen = app.shot('%s-list-end' % user)
            if gold_badge_pixels(screen) > 0:
                fail('%s sees a gold badge in the image list' % user)
            print('# 2. %s saw no gold badge in the image list' % user)
            quit_app(proc)

        # 3. Scores against gold, computed here.
        out = subprocess.run([session.cli_path, 'quality', path, '--json'], env=env, check=True,
                             capture_output=True, text=True).stdout
        report = {a['annotator']: a for a in json.loads(out)['annotators']}
        for user in ('ann', 'ben'):
            work = project.work(project.person(user))
            tp = fp = fn = 0
            ious = []
            for image in gold:
                if image not in work:
                    continue
                ref = project.gold_boxes(image)
                for box in work[image]:
                    value = iou(box, ref[0])
                    if value >= 0.5:
                        tp += 1
                        ious.append(value)
                    else:
                        fp += 1
                        fn += 1
            got = report[user]
            if (got['tp'], got['fp'], got['fn']) != (tp, fp, fn):
                fail('%s: the CLI says tp/fp/fn %s, computed %s' %
                     (user, (got['tp'], got['fp'], got['fn']), (tp, fp, fn)))
            if ious and abs(got['mean_iou'] - sum(ious) / len(ious)) > 1e-6:
                fail('%s: mean IoU %s, computed %s' % (user, got['mean_iou'], sum(ious) / len(ious)))
            print('# 3. %s against gold: tp %d fp %d fn %d, as computed' % (user, tp, fp, fn))

        proc = session.start_app(path, 'lena')
        show_at_100(NAMES[0])
        app.xdotool('key', 'ctrl+shift+q')
        app.wait_for('the Quality window', lambda: app.window_shown('^Quality$'))
        time.sleep(3.0)
        app.shot('quality-window')
        # A double click on Ben's row lists the gold images behind his
        # figures; a click on one shows it in the project window.
        qx, qy, _, _ = app.geometry('^Quality$')
        app.xdotool('mousemove', qx + 40, qy + 144)
        app.xdotool('click', '--repeat', '2', '--delay', '80', 1)
        app.wait_for('the images behind Ben\'s figures', lambda: app.window_shown('^Images Scored for ben$'))
        time.sleep(1.0)
        app.shot('quality-images-ben')
        ix, iy, _, _ = app.geometry('^Images Scored for ben$')
        app.xdotool('mousemove', ix + 150, iy + 90)
        app.xdotool('click', 1)
        time.sleep(1.0)
        app.shot('quality-image-opened')
        # Keys go to the window under the pointer (no window manager):
        # the project window's status bar, below the dialogs.
        # The dialogs' close buttons, at the end of their header bars.
        for name in ('^Images Scored for ben$', '^Quality$'):
            x, y, w, _ = app.geometry(name)
            app.xdotool('mousemove', x + w - 26, y + 26)
            app.xdotool('click', 1)
            app.wait_for(name + ' closed', lambda: not app.window_shown(name))
        mx, my, mw, mh = app.geometry('^gold\\.boxwood$')
        app.xdotool('mousemove', mx + mw // 3, my + mh - 30)
        time.sleep(0.3)
        quit_app(proc)

        # 4. Exports: the gold answers only when asked for.
        out_path = os.path.join(tmp, 'out.json')
        session.cli('export', 'coco', path, out_path)
        with open(out_path) as f:
            data = json.load(f)
        for a in data['annotations']:
            x, y, w, h = a['bbox']
            if abs(x - GOLD_BOX[0]) < 1 and abs(y - GOLD_BOX[1]) < 1:
                fail('an export holds a gold answer: %s' % (a,))
        session.cli('export', 'coco', '--status', 'gold', '--force', path, out_path)
        with open(out_path) as f:
            data = json.load(f)
        if len(data['images']) != 2 or len(data['annotations']) != 2:
            fail('the gold export has %d images and %d annotations' %
                 (len(data['images']), len(data['annotations'])))
        print('# 4. exports leave the gold answers out unless --status gold')
        print('# all checks passed')


if __name__ == '__main__':
    main()
