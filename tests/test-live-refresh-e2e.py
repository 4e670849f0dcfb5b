#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the image list's order and of a project changed by
other programs while it is open: the real `boxwood`, twice, and
`boxwood-cli`.

Starts `boxwood --user tester PROJECT.boxwood` on a project of three
images named so that plain and natural order differ (img-1, img-10,
img-2, imported in that order), each with its own background colour,
which its thumbnail in the list shows. Then:

1. the list is in natural order: img-1, img-2, img-10;
2. `boxwood-cli import` adds img-3 from another process: the open list
   shows it in its place (img-1, img-2, img-3, img-10) without being
   told, and its subtitle counts 4 images;
3. a second window (`boxwood --user tester`, another process) draws a
   box on img-1, the image the first shows: the first window's canvas
   shows the box;
4. the second window submits img-1: the first window's list shows the
   Submitted badge on img-1.

Each wait is bounded by an honest timeout; the time each change took to
show is printed (the project is polled every second, so about a second
is expected). Real pointer and key input (xdotool); the project file is
read with Python's sqlite3 to know when the other process committed.

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
BACKGROUNDS = {
    'img-1.png': (128, 128, 128),
    'img-10.png': (60, 160, 60),
    'img-2.png': (70, 70, 200),
    'img-3.png': (200, 140, 40),
}
# The list's thumbnails are in a column at the left of the window; this
# is a column of pixels through their middle.
THUMB_X = 50
LIST_TOP, LIST_BOTTOM = 120, 560
# The second window is moved right, so that the first one's list and the
# left part of its canvas stay in sight.
SECOND_X = 760


def painter(background):
    def colour(x, y):
        # A red square in the top-left corner marks the image's origin.
        if x < 20 and y < 20:
            return RED
        return background
    return colour


class Screen(bw_e2e.Screen):
    def listed(self):
        """The images of the first window's list, top to bottom, told by
        their thumbnails' colours; with the middle row of each."""
        names, rows = [], []
        y = LIST_TOP
        while y < LIST_BOTTOM:
            pixel = self.pixel(THUMB_X, y)
            found = None
            for name, colour in BACKGROUNDS.items():
                if close(pixel, colour, 8):
                    found = name
            if found is None:
                y += 1
                continue
            top = y
            while y < LIST_BOTTOM and close(self.pixel(THUMB_X, y), BACKGROUNDS[found], 8):
                y += 1
            if y - top >= 20 and (not names or names[-1] != found):
                names.append(found)
                rows.append((top + y) // 2)
        return names, rows

    def red_square(self, x_min=0, x_max=None, min_width=10):
        """(x, y, width) of the first run of pure red at least @min_width
        wide between @x_min and @x_max (the list's thumbnails are
        smaller), or None."""
        red = bytes(RED)
        stride = self.width * 3
        x_max = self.width if x_max is None else x_max
        for y in range(self.height):
            row = self.data[y * stride + x_min * 3:y * stride + x_max * 3]
            i = row.find(red)
            while i != -1:
                if i % 3 != 0:
                    i = row.find(red, i + 1)
                    continue
                end = i
                while row[end:end + 3] == red:
                    end += 3
                if (end - i) // 3 >= min_width:
                    return x_min + i // 3, y, (end - i) // 3
                i = row.find(red, end)
        return None

    def badge_tint(self, row_y):
        """How yellow the status badge of the list row around @row_y is:
        the largest red-minus-blue of its pixels (Submitted is drawn on
        the warning colour, New on grey)."""
        best = 0
        for x in range(185, 278):
            for y in range(row_y - 8, row_y + 9):
                r, g, b = self.pixel(x, y)
                best = max(best, r - b)
        return best


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

    def boxes(self, name):
        return self.query('SELECT a.x0, a.y0, a.x1, a.y1 FROM annotations a'
                          ' JOIN layers l ON l.id = a.layer_id'
                          ' WHERE l.image_id = ? AND l.kind = 0 ORDER BY a.id',
                          self.image_id(name))

    def image_status(self, name):
        return self.query('SELECT status FROM images WHERE id = ?', self.image_id(name))[0][0]


def main():
    with bw_e2e.Session('boxwood-live-e2e-', range(180, 210)) as session:
        env, tmp = session.env, session.tmp
        paths = {}
        for name, background in BACKGROUNDS.items():
            paths[name] = os.path.join(tmp, name)
            bw_e2e.write_png(paths[name], W, H, painter(background))
        path = os.path.join(tmp, 'live.boxwood')
        session.cli('create', path)
        # One at a time: the import order is neither the natural nor the
        # plain order of the names.
        for name in ('img-1.png', 'img-10.png', 'img-2.png'):
            session.cli('import', path, paths[name])
        session.cli('taxonomy', 'add', path, 'car')
        project = Project(path)

        session.start_app(path)
        app = bw_e2e.App(env, tmp, Screen)

        # 1. Natural order.
        def listed(expected):
            def check(screen):
                names, rows = screen.listed()
                return names == expected and rows
            return check

        app.wait_for_screen('the list in natural order',
                            listed(['img-1.png', 'img-2.png', 'img-10.png']), timeout=30.0)
        app.shot('natural-order')
        print('# 1. the list is in natural order: img-1, img-2, img-10')

        # The first image is shown: where its red square is.
        def first_canvas(screen):
            found = screen.red_square(0, SECOND_X)
            if not found:
                return None
            x, y, w = found
            return close(screen.pixel(x + w * 19, y + w * 14), BACKGROUNDS['img-1.png']) and found
        _, (x1, y1, w1) = app.wait_for_screen('img-1 on the first canvas', first_canvas)

        # 2. boxwood-cli imports img-3 while the window is open.
        session.cli('import', path, paths['img-3.png'])
        t0 = time.monotonic()
        screen, rows = app.wait_for_screen(
            'img-3 in the open list', listed(['img-1.png', 'img-2.png', 'img-3.png', 'img-10.png']),
            timeout=15.0)
        print('# 2. img-3, imported by boxwood-cli, showed in its place after %.1f s' % (time.monotonic() - t0))
        app.shot('after-cli-import')

        # 3. A second window of the same person draws a box on img-1.
        log2 = open(os.path.join(tmp, 'app2.log'), 'w')
        second = subprocess.Popen([session.app_path, '--user', 'tester', path], env=env,
                                  stdout=log2, stderr=subprocess.STDOUT)
        try:
            def second_window():
                result = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(second.pid)],
                                        env=env, capture_output=True, text=True)
                ids = result.stdout.split()
                return ids[-1] if result.returncode == 0 and ids else None
            window = app.wait_for('the second window', second_window, timeout=30.0)
            time.sleep(0.5)
            app.xdotool('windowmove', window, SECOND_X, 0)

            def second_canvas(screen):
                found = screen.red_square(SECOND_X)
                if not found:
                    return None
                x, y, w = found
                return close(screen.pixel(x + w * 10, y + w * 10), BACKGROUNDS['img-1.png']) and found
            _, (x2, y2, w2) = app.wait_for_screen('img-1 on the second canvas', second_canvas, timeout=30.0)
            scale2 = w2 / 20.0

            def at2(ix, iy):
                return int(x2 + ix * scale2), int(y2 + iy * scale2)

            # Focus the second canvas with a click on the image, then draw.
            app.xdotool('mousemove', *at2(300, 250))
            app.xdotool('click', 1)
            time.sleep(0.3)
            app.xdotool('key', 'b')
            app.xdotool('mousemove', *at2(60, 60))
            time.sleep(0.1)
            app.xdotool('mousedown', 1)
            for i in range(1, 9):
                app.xdotool('mousemove', *at2(60 + 120 * i // 8, 60 + 100 * i // 8))
                time.sleep(0.03)
            app.xdotool('mouseup', 1)
            app.wait_for('the box in the file', lambda: len(project.boxes('img-1.png')) == 1, timeout=10.0)
            t0 = time.monotonic()

            # The first canvas shows it: the box's inside is tinted by its
            # fill, its outline drawn, where the image was plain before.
            scale1 = w1 / 20.0
            inside = (int(x1 + 120 * scale1), int(y1 + 110 * scale1))
            edge = (int(x1 + 60 * scale1), int(y1 + 110 * scale1))

            def box_shown(screen):
                return (not close(screen.pixel(*inside), BACKGROUNDS['img-1.png'], 6) and
                        not close(screen.pixel(*edge), BACKGROUNDS['img-1.png'], 6))
            app.wait_for_screen('the box on the first canvas', box_shown, timeout=15.0)
            print('# 3. the box drawn in the second window showed on the first canvas after %.1f s'
                  % (time.monotonic() - t0))
            app.shot('box-from-second-window')

            # 4. The second window submits img-1: the first list's badge.
            screen = app.shot('before-submit')
            names, rows = screen.listed()
            row = rows[names.index('img-1.png')]
            before = screen.badge_tint(row)
            app.xdotool('key', 'ctrl+Return')
            app.wait_for('img-1 submitted', lambda: project.image_status('img-1.png') == 2, timeout=10.0)
            t0 = time.monotonic()

            def submitted(screen):
                names, rows = screen.listed()
                if 'img-1.png' not in names:
                    return None
                return screen.badge_tint(rows[names.index('img-1.png')]) > before + 30
            app.wait_for_screen('the Submitted badge in the first list', submitted, timeout=15.0)
            print('# 4. the second window\'s submission showed in the first list after %.1f s'
                  % (time.monotonic() - t0))
            app.shot('submitted-from-second-window')
        finally:
            second.terminate()
            try:
                second.wait(timeout=10)
            except subprocess.TimeoutExpired:
                second.kill()
            log2.close()
            if second.returncode is not None and second.returncode < 0 and second.returncode != -15:
                fail('the second window was killed by signal %d' % -second.returncode)


if __name__ == '__main__':
    main()
