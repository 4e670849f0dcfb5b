#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of a review round trip: two people, one project file.

The real `boxwood`, driven with real pointer and key input (xdotool):

1. `boxwood --user ann` draws three boxes on a.png and submits (Ctrl+Enter);
2. `boxwood --user rev` switches to review mode (Shift+Ctrl+R): the queue
   opens a.png with ann's layer. Tab steps to the first box, A accepts
   it; Tab, R, 4 ("Box too loose"), a comment and Enter reject the
   second; C and a click pin a comment; Shift+A accepts the rest; the
   canvas shows the marks; Shift+Ctrl+Enter returns the image;
3. ann opens the project: the returned image shows its red mark; ann
   tightens the rejected box and submits again;
4. rev, in review mode, accepts the image with Ctrl+Enter;
5. `boxwood-cli export coco --only-accepted` holds the three boxes, the
   second as ann fixed it.

After each step the project file is read (Python's sqlite3, read-only):
the reviews, with their verdicts, reasons, comment and pinned point, the
layer's status and its submissions.

Needs DISPLAY (CI runs the suite under xvfb-run); without one it starts
its own Xvfb. Environment: BOXWOOD_APP, BOXWOOD_CLI.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bw_e2e  # noqa: E402
from bw_e2e import close, fail  # noqa: E402

W, H = 400, 300
RED = (255, 0, 0)
BACKGROUND = (128, 128, 128)
# The renderer's review colours (bw-annotation-renderer.c).
ACCEPT_GREEN = (0x2e, 0xc2, 0x7e)
REJECT_RED = (0xe0, 0x1b, 0x24)
PIN_ORANGE = (0xe6, 0x61, 0x00)

# Layer statuses and verdicts (bw-types.h).
IN_PROGRESS, SUBMITTED, ACCEPTED, RETURNED = 0, 1, 2, 3
ACCEPT, REJECT, FIXED, COMMENT = 0, 1, 2, 3

BOXES = [(40, 40, 120, 110), (160, 40, 240, 110), (280, 40, 360, 110)]


def painter(x, y):
    # A red square in the top-left corner marks the image's origin.
    if x < 20 and y < 20:
        return RED
    return BACKGROUND


class Screen(bw_e2e.Screen):
    def red_square(self, min_width=10):
        """(x, y, width) of the first run of pure red at least @min_width
        wide (the list's thumbnails are smaller), or None."""
        red = bytes(RED)
        stride = self.width * 3
        for y in range(self.height):
            row = self.data[y * stride:(y + 1) * stride]
            i = row.find(red)
            while i != -1:
                if i % 3 != 0:
                    i = row.find(red, i + 1)
                    continue
                end = i
                while row[end:end + 3] == red:
                    end += 3
                if (end - i) // 3 >= min_width:
                    return i // 3, y, (end - i) // 3
                i = row.find(red, end)
        return None

    def count_near(self, colour, x0, y0, x1, y1, tolerance=24):
        """How many pixels of the rectangle are close to @colour."""
        n = 0
        for y in range(max(0, y0), min(self.height, y1)):
            for x in range(max(0, x0), min(self.width, x1)):
                if close(self.pixel(x, y), colour, tolerance):
                    n += 1
        return n


class Project:
    """The project file, read-only, as another program would read it."""

    def __init__(self, path):
        self.path = path

    def query(self, sql, *args):
        db = sqlite3.connect('file:%s?mode=ro' % self.path, uri=True)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def layer(self):
        """(id, status) of ann's work layer on a.png."""
        rows = self.query("SELECT l.id, l.status FROM layers l JOIN images i ON i.id = l.image_id"
                          " JOIN people p ON p.id = l.person_id"
                          " WHERE i.path LIKE '%a.png' AND l.kind = 0 AND p.name = 'ann'")
        return rows[0] if rows else (None, None)

    def boxes(self):
        """[(id, x0, y0, x1, y1, version)] of the layer, by id."""
        layer_id, _ = self.layer()
        return self.query('SELECT id, x0, y0, x1, y1, version FROM annotations WHERE layer_id = ?'
                          ' ORDER BY id', layer_id)

    def reviews(self):
        """[(annotation_id, version, verdict, reason, comment, x, y, submission, reviewer)]."""
        layer_id, _ = self.layer()
        return self.query('SELECT r.annotation_id, r.annotation_version, r.verdict, rr.name, r.comment,'
                          ' r.x, r.y, r.submission, p.name FROM reviews r'
                          ' LEFT JOIN rejection_reasons rr ON rr.id = r.reason_id'
                          ' LEFT JOIN people p ON p.id = r.reviewer_id'
                          ' WHERE r.layer_id = ? ORDER BY r.id', layer_id)

    def verdict(self, annotation_id):
        """The newest verdict on the annotation's current version, or None."""
        version = self.query('SELECT version FROM annotations WHERE id = ?', annotation_id)[0][0]
        found = None
        for r in self.reviews():
            if r[0] == annotation_id and r[1] == version and r[2] in (ACCEPT, REJECT):
                found = r
        return found

    def submissions(self):
        rows = self.query("SELECT a.submissions, a.status FROM assignments a JOIN people p"
                          " ON p.id = a.person_id WHERE p.name = 'ann' AND a.task = 0")
        return rows[0] if rows else (0, None)


def near(a, b, tolerance=1.5):
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def main():
    with bw_e2e.Session('boxwood-review-e2e-', range(180, 210)) as session:
        env, tmp = session.env, session.tmp
        images = [os.path.join(tmp, 'a.png'), os.path.join(tmp, 'b.png')]
        for image in images:
            bw_e2e.write_png(image, W, H, painter)
        path = os.path.join(tmp, 'review.boxwood')
        session.cli('create', path)
        session.cli('import', path, *images)
        for name in ('car', 'bus'):
            session.cli('taxonomy', 'add', path, name)
        project = Project(path)
        app = bw_e2e.App(env, tmp, Screen)
        state = {}

        def expect(what, predicate, timeout=10.0):
            return app.wait_for(what, predicate, timeout)

        def show_at_100(what, zoomed=False):
            """Waits for a.png on the canvas and puts it at 100% zoom;
            returns its origin on screen. @zoomed: the view is zoomed in
            (the origin out of sight), so it is put at 100% first."""
            def shown(screen, width=None):
                found = screen.red_square()
                if not found or (width is not None and found[2] != width):
                    return None
                x, y, w = found
                return close(screen.pixel(x + w * 19, y + w * 14), BACKGROUND) and found

            if zoomed:
                app.xdotool('key', 'ctrl+1')
            app.wait_for_screen(what, shown, 20)
            app.xdotool('key', 'ctrl+1')
            _, (x, y, _) = app.wait_for_screen(what + ' at 100%', lambda s: shown(s, 20))
            state['origin'] = (x, y)
            return x, y

        def at(ix, iy):
            return state['origin'][0] + ix, state['origin'][1] + iy

        def click(x, y):
            app.xdotool('mousemove', *at(x, y))
            time.sleep(0.1)
            app.xdotool('click', 1)
            time.sleep(0.4)

        def drag(x0, y0, x1, y1, steps=8):
            app.xdotool('mousemove', *at(x0, y0))
            time.sleep(0.1)
            app.xdotool('mousedown', 1)
            for i in range(1, steps + 1):
                app.xdotool('mousemove', *at(x0 + (x1 - x0) * i // steps, y0 + (y1 - y0) * i // steps))
                time.sleep(0.03)
            app.xdotool('mouseup', 1)
            time.sleep(0.4)

        def quit_app(proc):
            app.xdotool('key', 'ctrl+q')
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                fail('boxwood did not quit on Ctrl+Q')

        # 1. ann draws three boxes and submits.
        proc = session.start_app(path, 'ann')
        show_at_100('a.png for ann')
        click(380, 280)
        app.xdotool('key', 'b')
        for x0, y0, x1, y1 in BOXES:
            drag(x0, y0, x1, y1)
        expect('three boxes', lambda: len(project.boxes()) == 3)
        app.xdotool('key', 'ctrl+Return')
        expect('the layer submitted', lambda: project.layer()[1] == SUBMITTED)
        ids = [b[0] for b in project.boxes()]
        print('# 1. ann drew three boxes and submitted a.png')
        quit_app(proc)

        # 2. rev reviews.
        proc = session.start_app(path, 'rev')
        app.wait_for_screen('the window of rev', lambda s: s.red_square() is not None, 20)
        app.xdotool('key', 'ctrl+shift+r')
        show_at_100('a.png in review')
        # The canvas takes the keys once it has been clicked (off the shapes).
        click(380, 280)
        if project.submissions()[1] != 3:
            fail('opening the queue item did not start the review: %s' % (project.submissions(),))

        app.xdotool('key', 'Tab')
        time.sleep(0.5)
        app.xdotool('key', 'a')
        expect('the first box accepted', lambda: project.verdict(ids[0]) is not None)
        if project.verdict(ids[0])[2] != ACCEPT or project.verdict(ids[0])[8] != 'rev':
            fail('the first box is not accepted by rev: %s' % (project.verdict(ids[0]),))

        app.xdotool('key', 'Tab')
        time.sleep(0.5)
        app.xdotool('key', 'r')
        time.sleep(0.8)
        app.shot('reject-popover')
        app.xdotool('key', '4')
        time.sleep(0.3)
        app.xdotool('type', '--delay', '30', 'half of it is road')
        app.xdotool('key', 'Return')
        expect('the second box rejected', lambda: project.verdict(ids[1]) is not None)
        v = project.verdict(ids[1])
        if v[2] != REJECT or v[3] != 'Box too loose' or v[4] != 'half of it is road':
            fail('the rejection of the second box is not as given: %s' % (v,))
        print('# 2. rev accepted box 1 (Tab, A) and rejected box 2 (Tab, R, 4, comment, Enter)')

        # Tab zoomed in: back to 100% to know where the image is.
        app.xdotool('key', 'Escape')
        show_at_100('a.png in review, again', zoomed=True)
        app.xdotool('key', 'c')
        click(200, 230)
        time.sleep(0.8)
        app.xdotool('type', '--delay', '30', 'a car here')
        app.xdotool('key', 'Return')

        def pinned():
            return [r for r in project.reviews() if r[2] == COMMENT]
        pins = expect('the pinned comment', pinned)
        if len(pins) != 1 or not near(pins[0][5:7], (200, 230), 2) or pins[0][4] != 'a car here':
            fail('the pinned comment is not where and what was given: %s' % (pins,))
        print('# 2. rev pinned a comment at (200, 230)')

        app.xdotool('key', 'shift+a')
        expect('the third box accepted', lambda: project.verdict(ids[2]) is not None)
        if project.verdict(ids[2])[2] != ACCEPT or project.verdict(ids[1])[2] != REJECT:
            fail('Shift+A did not accept only the undecided box: %s' % (project.reviews(),))

        # The marks, as rev sees them: green on the accepted boxes' top
        # right corners, red on the rejected one, the orange pin.
        app.xdotool('mousemove', *at(385, 290))
        time.sleep(0.6)
        screen = app.shot('reviewer-marks')
        ox, oy = state['origin']
        for i, colour in ((0, ACCEPT_GREEN), (1, REJECT_RED), (2, ACCEPT_GREEN)):
            x1, y0 = BOXES[i][2], BOXES[i][1]
            if screen.count_near(colour, ox + x1 - 8, oy + y0 - 8, ox + x1 + 8, oy + y0 + 8) < 20:
                fail('no %s mark on box %d' % ('accept' if colour == ACCEPT_GREEN else 'reject', i + 1))
        if screen.count_near(PIN_ORANGE, ox + 190, oy + 205, ox + 210, oy + 225) < 20:
            fail('no pin drawn at the pinned comment')
        print('# 2. the canvas shows the verdict marks and the pin')

        app.xdotool('key', 'ctrl+shift+Return')
        expect('the layer returned', lambda: project.layer()[1] == RETURNED)
        print('# 2. rev returned the image (Shift+Ctrl+Enter)')
        time.sleep(0.5)
        app.shot('after-return')
        quit_app(proc)

        # 3. ann sees the returned image with its marks, fixes, resubmits.
        proc = session.start_app(path, 'ann')
        show_at_100('the returned a.png for ann')
        click(380, 280)
        app.xdotool('mousemove', *at(385, 290))
        time.sleep(0.6)
        screen = app.shot('annotator-returned')
        ox, oy = state['origin']
        if screen.count_near(REJECT_RED, ox + 240 - 8, oy + 40 - 8, ox + 240 + 8, oy + 40 + 8) < 20:
            fail('the annotator does not see the red mark on the rejected box')
        if screen.count_near(PIN_ORANGE, ox + 190, oy + 205, ox + 210, oy + 225) < 20:
            fail('the annotator does not see the pinned comment')
        print('# 3. ann sees the red mark and the pin on the returned image')

        app.xdotool('key', 'v')
        click(200, 75)
        drag(240, 110, 225, 100)
        expect('the box fixed', lambda: near(project.boxes()[1][1:5], (160, 40, 225, 100)))
        if project.layer()[1] != IN_PROGRESS:
            fail('editing the returned image did not put it back in progress')
        app.xdotool('key', 'ctrl+Return')
        expect('the layer submitted again', lambda: project.layer()[1] == SUBMITTED)
        if project.submissions()[0] != 2:
            fail('the second submission is not counted: %s' % (project.submissions(),))
        print('# 3. ann fixed the box and submitted again')
        quit_app(proc)

        # 4. rev accepts with Ctrl+Enter.
        proc = session.start_app(path, 'rev')
        app.wait_for_screen('the window of rev', lambda s: s.red_square() is not None, 20)
        app.xdotool('key', 'ctrl+shift+r')
        show_at_100('a.png in review, second round')
        click(380, 280)
        app.xdotool('key', 'ctrl+Return')
        expect('the layer accepted', lambda: project.layer()[1] == ACCEPTED)
        if project.verdict(ids[1]) is None or project.verdict(ids[1])[2] != ACCEPT:
            fail('accepting the image did not accept the fixed box: %s' % (project.reviews(),))
        time.sleep(0.5)
        app.shot('after-accept')
        print('# 4. rev accepted the image (Ctrl+Enter)')
        quit_app(proc)

        # 5. The accepted export holds the fixed box.
        out = os.path.join(tmp, 'accepted.json')
        session.cli('export', 'coco', '--only-accepted', path, out)
        with open(out) as f:
            coco = json.load(f)
        bboxes = sorted(tuple(a['bbox']) for a in coco['annotations'])
        want = sorted([(40, 40, 80, 70), (160, 40, 65, 60), (280, 40, 80, 70)])
        if len(bboxes) != 3 or not all(near(b, w) for b, w in zip(bboxes, want)):
            fail('the accepted export does not hold the fixed box: %s' % (bboxes,))
        print('# 5. export coco --only-accepted holds the three boxes, the second as fixed')
        print('# all checks passed')


if __name__ == '__main__':
    main()
