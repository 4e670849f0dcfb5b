#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of a question on an ambiguous case: three people, one
project file.

The real `boxwood`, driven with real pointer and key input (xdotool):

1. `boxwood --user ann` draws a box on a.png, selects it and presses ?:
   a popover asks for the question, typed and sent with Enter. The
   project file holds the question, naming the box's annotation version,
   ann and the image;
2. `boxwood --user lena` opens the Questions window (Shift+Ctrl+U), types the
   answer into the question's row and presses Enter, then promotes it
   with Make Example (Alt+E): the file holds the answer and an example of
   the box's category, and the guideline version went up;
3. ann opens the project again: the answer's green marker stands at the
   box's top-left corner on the canvas;
4. `boxwood --user bob` sees the example listed under the category in the
   side panel, where there was none before; while bob works, another
   program changes car's guideline (and boxwood-cli answers the question
   again), and bob's window shows the banner saying the guidelines of car
   changed.

After each step the project file is read (Python's sqlite3, read-only).
Needs DISPLAY (CI runs the suite under xvfb-run); without one it starts
its own Xvfb. Environment: BOXWOOD_APP, BOXWOOD_CLI.
"""

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
# The renderer's colour of an answered question (bw-annotation-renderer.c).
ANSWER_GREEN = (0x26, 0xa2, 0x69)
BOX = (60, 80, 180, 200)


def painter(x, y):
    if x < 20 and y < 20:
        return RED
    return BACKGROUND


class Screen(bw_e2e.Screen):
    def red_square(self, min_width=10):
        return self.first_run(RED, min_width)

    def count(self, test, x0, y0, x1, y1):
        n = 0
        for y in range(max(0, y0), min(self.height, y1)):
            for x in range(max(0, x0), min(self.width, x1)):
                if test(self.pixel(x, y)):
                    n += 1
        return n


def greenish(p):
    """A pixel of Adwaita's success green (the example's icon), whatever
    its exact shade."""
    r, g, b = p
    return g > r + 50 and g > b + 20


class Project:
    def __init__(self, path):
        self.path = path

    def query(self, sql, *args):
        db = sqlite3.connect('file:%s?mode=ro' % self.path, uri=True)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def boxes(self):
        return self.query("SELECT a.id, a.version, a.x0, a.y0, a.x1, a.y1 FROM annotations a"
                          " JOIN layers l ON l.id = a.layer_id JOIN people p ON p.id = l.person_id"
                          " WHERE p.name = 'ann' ORDER BY a.id")

    def questions(self):
        return self.query("SELECT q.id, q.annotation_id, q.annotation_version, asker.name, q.text,"
                          " q.answer, answerer.name, q.example_id, i.path FROM questions q"
                          " JOIN images i ON i.id = q.image_id"
                          " LEFT JOIN people asker ON asker.id = q.asker_id"
                          " LEFT JOIN people answerer ON answerer.id = q.answerer_id ORDER BY q.id")

    def examples(self):
        return self.query('SELECT id, category_id, positive, annotation_id, note FROM guideline_examples'
                          ' ORDER BY id')

    def guideline_version(self):
        return self.query('SELECT version FROM guidelines')[0][0]


def main():
    with bw_e2e.Session('boxwood-questions-e2e-', range(210, 240)) as session:
        env, tmp = session.env, session.tmp
        images = [os.path.join(tmp, 'a.png'), os.path.join(tmp, 'b.png')]
        for image in images:
            bw_e2e.write_png(image, W, H, painter)
        path = os.path.join(tmp, 'questions.boxwood')
        session.cli('create', path)
        session.cli('import', path, *images)
        session.cli('taxonomy', 'add', path, 'car')
        project = Project(path)
        app = bw_e2e.App(env, tmp, Screen)
        state = {}

        def expect(what, predicate, timeout=10.0):
            return app.wait_for(what, predicate, timeout)

        def show_at_100(what):
            def shown(screen, width=None):
                found = screen.red_square()
                if not found or (width is not None and found[2] != width):
                    return None
                x, y, w = found
                return close(screen.pixel(x + w * 19, y + w * 14), BACKGROUND) and found

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

        def side_panel_green(screen):
            """Green pixels in the side panel (left of the canvas)."""
            ox, _ = state['origin']
            return screen.count(greenish, 0, 40, max(0, ox - 40), screen.height)

        # 1. ann draws a box, selects it and asks about it.
        proc = session.start_app(path, 'ann')
        show_at_100('a.png for ann')
        click(380, 280)
        green_before = side_panel_green(app.shot('ann-before'))
        app.xdotool('key', 'b')
        drag(*BOX)
        expect('the box', lambda: len(project.boxes()) == 1)
        box_id, box_version = project.boxes()[0][:2]
        app.xdotool('key', 'v')
        click((BOX[0] + BOX[2]) // 2, (BOX[1] + BOX[3]) // 2)
        app.xdotool('key', 'question')
        time.sleep(0.8)
        app.shot('ask-popover')
        app.xdotool('type', '--delay', '30', 'Is a car on a trailer a car?')
        app.xdotool('key', 'Return')
        expect('the question saved', lambda: len(project.questions()) == 1)
        q = project.questions()[0]
        if q[1:5] != (box_id, box_version, 'ann', 'Is a car on a trailer a car?') or not q[8].endswith('a.png'):
            fail('the question does not name the box, ann and the text: %s' % (q,))
        print('# 1. ann asked about her box with ? (question %d on annotation %d version %d)'
              % (q[0], box_id, box_version))
        quit_app(proc)

        # 2. lena answers in the Questions window and promotes the answer.
        version_before = project.guideline_version()
        proc = session.start_app(path, 'lena')
        app.wait_for_screen('the window of lena', lambda s: s.red_square() is not None, 20)
        app.xdotool('key', 'ctrl+shift+u')
        time.sleep(1.5)
        app.shot('questions-window')
        app.xdotool('type', '--delay', '30', 'Yes: box the car, not the trailer.')
        app.xdotool('key', 'Return')
        expect('the answer saved', lambda: project.questions()[0][5] is not None)
        q = project.questions()[0]
        if q[5:7] != ('Yes: box the car, not the trailer.', 'lena'):
            fail('the answer is not as typed by lena: %s' % (q,))
        print('# 2. lena answered in the Questions window (Shift+Ctrl+U, typed, Enter)')
        time.sleep(0.8)
        app.shot('questions-window-answered')
        app.xdotool('key', 'alt+e')
        expect('the example made', lambda: len(project.examples()) == 1)
        e = project.examples()[0]
        if e[2] != 1 or e[3] != box_id or e[4] != 'Yes: box the car, not the trailer.':
            fail('the example is not the box, positive, with the answer: %s' % (e,))
        if project.questions()[0][7] != e[0]:
            fail('the question does not name its example')
        if project.guideline_version() != version_before + 1:
            fail('promoting did not move the guideline version: %d → %d'
                 % (version_before, project.guideline_version()))
        time.sleep(0.5)
        app.shot('questions-window-promoted')
        print('# 2. lena made it an example (Alt+E); the guideline version went up')
        quit_app(proc)

        # 3. ann sees the answer at her box.
        proc = session.start_app(path, 'ann')
        show_at_100('a.png for ann, answered')
        app.xdotool('mousemove', *at(390, 295))
        time.sleep(0.6)
        screen = app.shot('ann-answer')
        ox, oy = state['origin']
        if screen.count(lambda p: close(p, ANSWER_GREEN, 24),
                        ox + BOX[0] - 10, oy + BOX[1] - 10, ox + BOX[0] + 10, oy + BOX[1] + 10) < 20:
            fail('ann does not see the answer marker at her box')
        print('# 3. ann sees the answer marker at the box')
        quit_app(proc)

        # 4. bob sees the example under the category.
        proc = session.start_app(path, 'bob')
        show_at_100('a.png for bob')
        click(380, 280)
        screen = app.wait_for_screen('the example in the side panel',
                                     lambda s: side_panel_green(s) > green_before + 20, 20)[0]
        print('# 4. bob sees the example in the side panel (%d green pixels, %d before)'
              % (side_panel_green(screen), green_before))

        # While bob works, the lead promotes another answer from the
        # command line: bob's window says the guidelines changed.
        subprocess.run([session.cli_path, 'questions', 'answer', path, str(q[0]), 'Also a van on a trailer.',
                        '--as', 'lena'], env=env, check=True, stdout=subprocess.DEVNULL)
        session.cli('taxonomy', 'add', path, 'van')
        db = sqlite3.connect(path)
        try:
            db.execute("UPDATE categories SET guideline = 'Boxes are tight.' WHERE name = 'car'")
            db.commit()
        finally:
            db.close()
        banner_top = (0, 40, 1600, 200)

        def banner(screen):
            return screen.count(lambda p: p[2] > p[0] + 40 and p[2] > 150, *banner_top) > 2000
        app.wait_for_screen('the guideline banner', banner, 20)
        app.shot('bob-banner')
        print('# 4. bob sees the banner after the car guideline changed')
        quit_app(proc)


if __name__ == '__main__':
    main()
