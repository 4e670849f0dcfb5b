#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of a certification exam: the real `boxwood`.

A project of four 400 × 300 images (one background colour each), two
categories (car, van), and two gold images with expert answers (a car on
the first, a van on the second). The lead defines an exam of the two gold
images with boxwood-cli (F1 ≥ 0.9, two attempts, required of everyone).
Then an annotator, with real pointer and key input (xdotool):

1. opens the project: a banner says their queue is closed until they
   pass; drawing on an image of the queue is refused;
2. starts the exam (the banner's button): the first gold image is shown
   with nothing on it (not the gold answer); they draw a van where the
   car is, submit, get the second image, draw nothing and hand it in as
   having no objects: the attempt fails, the result shows (its hints are
   in the store: a car given as a van, a missed van), and the canvas
   still shows no gold shape;
3. takes the exam again: draws the car and the van right, passes, and
   the project window moves on to the first image of their real queue;
   the banner is gone, a certificate is listed by boxwood-cli, and the
   annotator can now draw on a queue image.

Environment: BOXWOOD_APP, BOXWOOD_CLI; DISPLAY or its own Xvfb.
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
NAMES = ['exam-1.png', 'exam-2.png', 'work-3.png', 'work-4.png']
BACKGROUNDS = {name: (70 + 30 * i, 130 - 15 * i, 90 + 20 * i) for i, name in enumerate(NAMES)}
CAR_BOX = (100, 80, 220, 180)       # on exam-1
VAN_BOX = (180, 120, 330, 250)      # on exam-2
CAR_COLOUR = (0xe0, 0x1b, 0x24)
VAN_COLOUR = (0x33, 0xd1, 0x7a)


def painter(background):
    def colour(x, y):
        if x < 20 and y < 20:
            return RED
        return background
    return colour


class Screen(bw_e2e.Screen):
    def red_square(self, min_width=10):
        return self.first_run(RED, min_width)

    def count(self, colour, x0, y0, x1, y1, tolerance=30, step=2):
        n = 0
        for y in range(max(0, y0), min(self.height, y1), step):
            for x in range(max(0, x0), min(self.width, x1), step):
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

    def person(self, name):
        rows = self.query('SELECT id FROM people WHERE name = ?', name)
        return rows[0][0] if rows else None

    def attempts(self, person):
        return self.query('SELECT id, number, finished_at IS NOT NULL, passed FROM exam_attempts'
                          ' WHERE person_id = ? ORDER BY id', person)

    def exam_boxes(self, attempt, image):
        return self.query('SELECT a.category_id, a.x0, a.y0, a.x1, a.y1 FROM exam_answers x'
                          ' JOIN annotations a ON a.layer_id = x.layer_id'
                          ' WHERE x.attempt_id = ? AND x.image_id = ?', attempt, image)

    def submitted(self, attempt, image):
        rows = self.query('SELECT l.status FROM exam_answers x JOIN layers l ON l.id = x.layer_id'
                          ' WHERE x.attempt_id = ? AND x.image_id = ?', attempt, image)
        return bool(rows) and rows[0][0] == 1

    def work_layers(self, person):
        return self.query('SELECT image_id FROM layers WHERE person_id = ? AND kind = 0', person)


def main():
    with bw_e2e.Session('boxwood-exam-e2e-', range(210, 240)) as session:
        env, tmp = session.env, session.tmp
        paths = []
        for name in NAMES:
            path = os.path.join(tmp, name)
            bw_e2e.write_png(path, W, H, painter(BACKGROUNDS[name]))
            paths.append(path)
        path = os.path.join(tmp, 'exam.boxwood')
        session.cli('create', path)
        session.cli('import', path, *paths)
        session.cli('taxonomy', 'add', path, 'car', '--color', '#e01b24')
        session.cli('taxonomy', 'add', path, 'van', '--color', '#33d17a')
        # The gold answers, as an expert's COCO file.
        coco = {
            'images': [{'id': 1, 'file_name': NAMES[0], 'width': W, 'height': H},
                       {'id': 2, 'file_name': NAMES[1], 'width': W, 'height': H}],
            'categories': [{'id': 1, 'name': 'car'}, {'id': 2, 'name': 'van'}],
            'annotations': [
                {'id': 1, 'image_id': 1, 'category_id': 1,
                 'bbox': [CAR_BOX[0], CAR_BOX[1], CAR_BOX[2] - CAR_BOX[0], CAR_BOX[3] - CAR_BOX[1]]},
                {'id': 2, 'image_id': 2, 'category_id': 2,
                 'bbox': [VAN_BOX[0], VAN_BOX[1], VAN_BOX[2] - VAN_BOX[0], VAN_BOX[3] - VAN_BOX[1]]},
            ],
        }
        coco_path = os.path.join(tmp, 'gold.json')
        with open(coco_path, 'w') as f:
            json.dump(coco, f)
        session.cli('import', 'coco', path, coco_path, '--gold', '--images', tmp)
        project = Project(path)
        ids = [project.image_id(n) for n in NAMES]
        session.cli('exam', 'create', path, 'Vehicles', '--image', str(ids[0]), '--image', str(ids[1]),
                    '--min-f1', '0.9', '--max-attempts', '2', '--required', 'all')
        car, van = [project.query('SELECT id FROM categories WHERE name = ?', n)[0][0] for n in ('car', 'van')]

        app = App(env, tmp, Screen)
        state = {}

        def shown_image(screen):
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

        def draw_box(key, box):
            app.xdotool('key', key)     # the category: 1 car, 2 van
            app.xdotool('key', 'b')
            drag(*box)

        def shapes_on_canvas(screen, box):
            """Pixels of either category's colour along the edges of @box."""
            x0, y0 = at(box[0], box[1])
            x1, y1 = at(box[2], box[3])
            n = 0
            for colour in (CAR_COLOUR, VAN_COLOUR):
                n += screen.count(colour, x0 - 3, y0 - 3, x1 + 4, y0 + 4)
                n += screen.count(colour, x0 - 3, y1 - 3, x1 + 4, y1 + 4)
            return n

        def banner_shown(screen):
            """The exam banner's tint under the header bar of the project window."""
            x, y, w, _ = app.geometry('^exam\\.boxwood$')
            return screen.count((200, 220, 244), x + w // 2, y + 62, x + w // 2 + 200, y + 72, tolerance=8) > 100

        def close_result(label):
            app.wait_for('the exam result', lambda: app.window_shown('^Exam Result$'), timeout=20)
            time.sleep(1.0)
            screen = app.shot(label)
            x, y, w, h = app.geometry('^Exam Result$')
            app.xdotool('mousemove', x + w // 2, y + h // 2)
            app.xdotool('key', 'Escape')
            app.wait_for('the exam result closed', lambda: not app.window_shown('^Exam Result$'))
            time.sleep(0.5)
            return screen

        def over_main_window():
            x, y, w, h = app.geometry('^exam\\.boxwood$')
            app.xdotool('mousemove', x + w // 3, y + h - 30)
            time.sleep(0.2)

        # 1. The queue is closed: a banner says why.
        proc = session.start_app(path, 'ann')
        show_at_100(NAMES[0])
        # Down the list to a queue image.
        app.xdotool('key', 'Page_Down')
        time.sleep(0.5)
        app.xdotool('key', 'Page_Down')
        show_at_100(NAMES[2])
        person = app.wait_for('ann in the project', lambda: project.person('ann'))
        screen, _ = app.wait_for_screen('the exam banner', banner_shown)
        draw_box('1', (50, 50, 150, 150))
        time.sleep(1.0)
        app.shot('queue-closed')
        if project.work_layers(person):
            fail('an annotator held back by the exam could start work on a queue image')
        print('# 1. the banner shows and drawing on a queue image is refused')

        # 2. First attempt: a van for the car, nothing on the van.
        over_main_window()
        app.xdotool('key', 'alt+e')
        attempts = app.wait_for('an attempt', lambda: project.attempts(person))
        first = attempts[0][0]
        show_at_100(NAMES[0])
        screen = app.shot('attempt-1-image-1')
        if shapes_on_canvas(screen, CAR_BOX) > 0:
            fail('the gold answer shows on the exam image')
        draw_box('2', CAR_BOX)
        app.wait_for('the van drawn', lambda: len(project.exam_boxes(first, ids[0])) == 1)
        app.xdotool('key', 'ctrl+Return')
        app.wait_for('exam-1 handed in', lambda: project.submitted(first, ids[0]))
        show_at_100(NAMES[1])
        screen = app.shot('attempt-1-image-2')
        if shapes_on_canvas(screen, VAN_BOX) > 0:
            fail('the gold answer shows on the second exam image')
        app.xdotool('key', 'ctrl+Return')
        time.sleep(1.0)
        app.shot('no-objects-question')
        app.xdotool('key', 'alt+m')
        app.wait_for('the first attempt scored', lambda: project.attempts(person)[0][2])
        if project.attempts(person)[0][3]:
            fail('the first attempt passed')
        close_result('exam-result-failed')
        printed = json.loads(subprocess.run([session.cli_path, 'exam', 'results', path, '--json'], env=env,
                                            check=True, capture_output=True, text=True).stdout)
        hints = {(h['kind'], h['category'], h['given']) for h in printed['attempts'][0]['hints']}
        if hints != {('wrong_category', 'car', 'van'), ('missed', 'van', None)}:
            fail('the hints of the first attempt are %s' % hints)
        screen = app.shot('after-attempt-1')
        if shapes_on_canvas(screen, VAN_BOX) > 0:
            fail('the gold answer shows after the attempt')
        if not banner_shown(screen):
            fail('the banner is gone after a failed attempt')
        print('# 2. the first attempt failed with the hints %s; no gold shape was shown' % sorted(hints, key=str))

        # 3. Second attempt: both right; the real queue opens.
        over_main_window()
        app.xdotool('key', 'alt+t')
        app.wait_for('a second attempt', lambda: len(project.attempts(person)) == 2)
        second = project.attempts(person)[1][0]
        show_at_100(NAMES[0])
        screen = app.shot('attempt-2-image-1')
        if shapes_on_canvas(screen, CAR_BOX) > 0:
            fail('the second attempt starts from the first one\'s answers, or the gold answer')
        draw_box('1', CAR_BOX)
        app.wait_for('the car drawn', lambda: len(project.exam_boxes(second, ids[0])) == 1)
        app.xdotool('key', 'ctrl+Return')
        show_at_100(NAMES[1])
        draw_box('2', VAN_BOX)
        app.wait_for('the van drawn', lambda: len(project.exam_boxes(second, ids[1])) == 1)
        app.xdotool('key', 'ctrl+Return')
        app.wait_for('the second attempt scored', lambda: project.attempts(person)[1][2])
        if not project.attempts(person)[1][3]:
            fail('the second attempt failed: %s' % project.exam_boxes(second, ids[0]))
        close_result('exam-result-passed')
        show_at_100(NAMES[2])
        screen = app.shot('real-queue')
        if banner_shown(screen):
            fail('the banner still shows after a pass')
        draw_box('1', (50, 50, 150, 150))
        app.wait_for('work on the real queue', lambda: project.work_layers(person))
        printed = json.loads(subprocess.run([session.cli_path, 'exam', 'results', path, '--json'], env=env,
                                            check=True, capture_output=True, text=True).stdout)
        certificates = [c for c in printed['certificates'] if c['person'] == 'ann']
        if len(certificates) != 1 or certificates[0]['exam'] != 'Vehicles' or certificates[0]['f1'] != 1.0:
            fail('the certificates are %s' % printed['certificates'])
        print('# 3. the second attempt passed: a certificate, and the real queue (%s) opens' % NAMES[2])
        app.xdotool('key', 'ctrl+q')
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            fail('boxwood did not quit on Ctrl+Q')
        print('# all checks passed')


if __name__ == '__main__':
    main()
