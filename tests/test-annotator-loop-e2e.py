#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the traps of an annotator's day: the real `boxwood`.

Starts `boxwood --user tester PROJECT.boxwood` on a project of three
400 × 300 images and three categories (car, bus, dog) and drives it with
real pointer and key input (xdotool). Each trap is first set up as a user
fell into it, then the project file is read (Python's sqlite3, read-only)
to check that nothing wrong or lost happened:

1. a category key pressed after drawing picks the next shape's category
   and does not relabel the box just drawn; a box selected by hand is
   relabelled, as one undo step;
2. a run of arrow-key nudges is one undo step;
3. redo after the undone box's category was merged (in the taxonomy
   dialog) brings the box back, in the category it was merged into;
4. Ctrl+Z on the image shown after a submit does not touch the submitted
   image;
5. Submit of an image without shapes asks, and "Mark as Having No
   Objects" records that answer;
6. Recall Submission (primary menu) puts a submission back in progress;
7. drawing on a submitted image puts it back in progress;
8. a nudge followed at once by Ctrl+Q is saved.

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
# Each image has its own background, to tell which one is shown.
BACKGROUNDS = {'a.png': (128, 128, 128), 'b.png': (96, 96, 160), 'c.png': (160, 128, 96)}


def painter(background):
    def colour(x, y):
        # A red square in the top-left corner marks the image's origin.
        if x < 20 and y < 20:
            return RED
        return background
    return colour


class Screen(bw_e2e.Screen):
    def red_square(self, min_width=10):
        """(x, y, width) of the red square marking the image's origin: the
        first run of pure red at least @min_width wide (the list's
        thumbnails are smaller), or None."""
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


class App(bw_e2e.App):
    def xdotool_search(self, name):
        """Whether a window named @name is shown."""
        return subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', name], env=self.env,
                              capture_output=True).returncode == 0


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

    def image_id(self, name):
        return self.query("SELECT id FROM images WHERE path LIKE ?", '%' + name)[0][0]

    def category_id(self, name):
        rows = self.query('SELECT id FROM categories WHERE name = ?', name)
        return rows[0][0] if rows else None

    def boxes(self, image):
        """[(x0, y0, x1, y1, category_id)] of the image's work layers, in order."""
        return self.query('SELECT a.x0, a.y0, a.x1, a.y1, a.category_id FROM annotations a'
                          ' JOIN layers l ON l.id = a.layer_id'
                          ' WHERE l.image_id = ? AND l.kind = 0 ORDER BY a.id',
                          self.image_id(image))

    def image_status(self, image):
        return self.query('SELECT status FROM images WHERE id = ?', self.image_id(image))[0][0]

    def layer(self, image):
        """(status, no_objects) of the image's work layer, or None."""
        rows = self.query('SELECT status, no_objects FROM layers WHERE image_id = ? AND kind = 0',
                          self.image_id(image))
        return rows[0] if rows else None


def near(a, b, tolerance=1.0):
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def main():
    with bw_e2e.Session('boxwood-loop-e2e-', range(150, 180)) as session:
        env, tmp = session.env, session.tmp
        images = []
        for name, background in sorted(BACKGROUNDS.items()):
            path = os.path.join(tmp, name)
            bw_e2e.write_png(path, W, H, painter(background))
            images.append(path)
        path = os.path.join(tmp, 'loop.boxwood')
        session.cli('create', path)
        session.cli('import', path, *images)
        for name in ('car', 'bus', 'dog'):
            session.cli('taxonomy', 'add', path, name)
        project = Project(path)
        car, bus, dog = (project.category_id(n) for n in ('car', 'bus', 'dog'))

        proc = session.start_app(path)
        app = App(env, tmp, Screen)
        state = {}

        def show_at_100(image):
            """Waits for @image on the canvas, at 100% zoom; returns its
            origin on screen."""
            background = BACKGROUNDS[image]

            def shown(screen, width=None):
                found = screen.red_square()
                if not found or (width is not None and found[2] != width):
                    return None
                x, y, w = found
                # The bottom-right corner, where no shape is drawn.
                return close(screen.pixel(x + w * 19, y + w * 14), background) and found

            _, (x, y, width) = app.wait_for_screen(image + ' shown', shown)
            origin = (x, y)
            # A click on the image's own background gives the canvas the
            # focus (and clears any selection), then 100%.
            app.xdotool('mousemove', origin[0] + width * 15, origin[1] + width * 12)
            app.xdotool('key', 'v')
            app.xdotool('click', 1)
            time.sleep(0.3)
            app.xdotool('key', 'ctrl+1')
            _, (x, y, _) = app.wait_for_screen(image + ' at 100%', lambda screen: shown(screen, 20))
            origin = (x, y)
            state['origin'] = origin
            return origin

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

        def click(x, y):
            app.xdotool('mousemove', *at(x, y))
            time.sleep(0.05)
            app.xdotool('click', 1)
            time.sleep(0.5)

        def expect(what, predicate, timeout=8.0):
            return app.wait_for(what, predicate, timeout)

        def stays(what, predicate, seconds=1.5):
            """@predicate holds now and still after @seconds (what must
            not happen has had time to happen)."""
            if not predicate():
                fail(what)
            time.sleep(seconds)
            if not predicate():
                fail(what)

        show_at_100('a.png')

        # 1. Draw a car box, press 2 (bus) for the next one: the box just
        # drawn stays a car. The next box is a bus.
        app.xdotool('key', 'b')
        drag(60, 50, 160, 120)
        expect('the first box', lambda: len(project.boxes('a.png')) == 1)
        app.xdotool('key', '2')
        stays('2 after drawing relabelled the box just drawn',
              lambda: project.boxes('a.png')[0][4] == car)
        drag(200, 50, 300, 120)
        boxes = expect('the second box', lambda: len(project.boxes('a.png')) == 2 and project.boxes('a.png'))
        if boxes[1][4] != bus:
            fail('the box drawn after pressing 2 is not a bus: %s' % (boxes,))
        print('# 1. key after drawing: the box just drawn kept its category')

        # Selected by hand (V and a click), 3 relabels it, as one undo step.
        app.xdotool('key', 'v')
        click(110, 85)
        app.xdotool('key', '3')
        expect('the hand-picked box relabelled as dog', lambda: project.boxes('a.png')[0][4] == dog)
        time.sleep(0.6)
        app.shot('relabel-toast')
        app.xdotool('key', 'ctrl+z')
        expect('the relabel undone in one step', lambda: project.boxes('a.png')[0][4] == car)
        print('# 1. a box selected by hand was relabelled, and one Ctrl+Z took it back')

        # 2. Five nudges of the selected box: one undo step.
        app.xdotool('key', '--delay', '60', 'Right', 'Right', 'Right', 'Right', 'Right')
        expect('the nudges written', lambda: near(project.boxes('a.png')[0][:4], (65, 50, 165, 120)))
        app.xdotool('key', 'ctrl+z')
        expect('the whole run of nudges undone', lambda: near(project.boxes('a.png')[0][:4], (60, 50, 160, 120)))
        stays('one Ctrl+Z undid more than the run of nudges',
              lambda: len(project.boxes('a.png')) == 2 and project.boxes('a.png')[0][4] == car, 0.5)
        print('# 2. five nudges were one undo step')

        # 3. A dog box, undone; dog merged into car in the taxonomy
        # dialog; redo brings the box back, as a car.
        app.xdotool('key', 'Escape')
        app.xdotool('key', 'b')
        app.xdotool('key', '3')
        drag(100, 150, 200, 250)
        expect('the dog box', lambda: len(project.boxes('a.png')) == 3 and project.boxes('a.png')[2][4] == dog)
        app.xdotool('key', 'ctrl+z')
        expect('the dog box undone', lambda: len(project.boxes('a.png')) == 2)

        app.xdotool('key', 'ctrl+t')
        app.wait_for('the taxonomy dialog', lambda: app.xdotool_search('^Taxonomy$'))
        time.sleep(0.5)
        app.xdotool('search', '--name', '^Taxonomy$', 'windowfocus')
        # The list has the first category; dog is the third.
        app.xdotool('key', '--delay', '150', 'Down', 'Down')
        time.sleep(0.3)
        app.xdotool('key', 'ctrl+m')
        time.sleep(1.0)
        app.shot('merge-dialog')
        app.xdotool('key', '--delay', '150', 'Tab', 'Tab', 'Return')
        expect('dog merged into car', lambda: project.category_id('dog') is None, timeout=10.0)
        app.xdotool('search', '--name', '^Taxonomy$', 'windowfocus')
        for _ in range(3):
            if not app.xdotool_search('^Taxonomy$'):
                break
            app.xdotool('key', 'Escape')
            time.sleep(0.5)

        show_at_100('a.png')
        app.xdotool('key', 'ctrl+shift+z')
        boxes = expect('the redo after the merge',
                       lambda: len(project.boxes('a.png')) == 3 and project.boxes('a.png'))
        if boxes[2][4] != car or not near(boxes[2][:4], (100, 150, 200, 250)):
            fail('the box redone after the merge is %s, not a car at (100, 150, 200, 250)' % (boxes[2],))
        print('# 3. redo after the merge brought the dog box back as a car')

        # 4. Submit, then Ctrl+Z on the next image: the submitted one is
        # left alone.
        app.xdotool('key', 'ctrl+Return')
        expect('a.png submitted', lambda: project.image_status('a.png') == 2)
        show_at_100('b.png')
        app.xdotool('key', 'ctrl+z')
        app.xdotool('key', 'ctrl+z')
        stays('Ctrl+Z after a submit changed the submitted image',
              lambda: len(project.boxes('a.png')) == 3 and project.image_status('a.png') == 2)
        print('# 4. Ctrl+Z after submitting left the submitted image alone')

        # 5. Submit of the empty b.png asks; Cancel keeps it; "Mark as
        # Having No Objects" records the answer.
        app.xdotool('key', 'ctrl+Return')
        time.sleep(1.0)
        app.shot('no-objects-dialog')
        stays('an image without shapes was submitted without asking',
              lambda: project.image_status('b.png') == 0, 0.5)
        app.xdotool('key', 'Escape')
        time.sleep(0.5)
        stays('Cancel submitted the image', lambda: project.image_status('b.png') == 0, 0.5)
        app.xdotool('key', 'ctrl+Return')
        time.sleep(1.0)
        app.xdotool('key', 'alt+m')
        expect('b.png marked as having no objects',
               lambda: project.layer('b.png') == (1, 1) and project.image_status('b.png') == 2)
        print('# 5. an empty submit asked, and "no objects" was recorded')

        # 6. Back to b.png; Recall Submission from the primary menu.
        show_at_100('c.png')
        app.xdotool('key', 'Page_Up')
        show_at_100('b.png')
        app.xdotool('key', 'F10')
        time.sleep(0.8)
        app.shot('menu')
        app.xdotool('key', 'r')
        expect('b.png recalled', lambda: project.image_status('b.png') == 1 and project.layer('b.png')[0] == 0)
        print('# 6. the submission of b.png was recalled')

        # 7. Back to the submitted a.png; a new box puts it in progress.
        app.xdotool('key', 'Page_Up')
        show_at_100('a.png')
        app.xdotool('key', 'b')
        drag(250, 150, 350, 250)
        expect('a.png in progress after an edit',
               lambda: len(project.boxes('a.png')) == 4 and project.image_status('a.png') == 1 and
               project.layer('a.png')[0] == 0)
        time.sleep(0.5)
        app.shot('edit-after-submit')
        print('# 7. drawing on the submitted image put it back in progress')

        # 8. Nudge and quit at once: the nudge is in the file.
        app.xdotool('key', 'v')
        click(300, 200)
        app.xdotool('key', 'Left', 'Left', 'Left', 'ctrl+q')
        try:
            proc.wait(timeout=15)
        except Exception:
            fail('boxwood did not quit on Ctrl+Q')
        boxes = project.boxes('a.png')
        if not near(boxes[3][:4], (247, 150, 347, 250)):
            fail('the nudges made just before quitting were lost: %s' % (boxes[3],))
        print('# 8. nudges made just before Ctrl+Q were saved')
        print('# all checks passed')

if __name__ == '__main__':
    main()
