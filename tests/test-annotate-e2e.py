#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the annotation tools: the real `boxwood` on an X server.

Starts `boxwood --user tester PROJECT.boxwood` on a project of one
400 × 300 image, sets 100% zoom (Ctrl+1) and drives the tools with real
pointer and key input (xdotool): B and a drag draw a box, P and clicks draw
a polygon, V and a drag move one of its vertices, Ctrl+Z undoes each step
and Ctrl+Shift+Z redoes them. After each step the project file is read
(Python's sqlite3, read-only) and the shapes must be where the pointer was,
in image pixels, within a pixel.

Needs DISPLAY (CI runs the suite under xvfb-run); without one it starts
its own Xvfb. Environment: BOXWOOD_APP, BOXWOOD_CLI.
"""

import os
import sqlite3
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bw_e2e  # noqa: E402
from bw_e2e import close, fail  # noqa: E402

W, H = 400, 300
RED = (255, 0, 0)
GREEN = (0, 160, 0)
BLUE = (0, 0, 255)
GREY = (128, 128, 128)


def image_colour(x, y):
    # A red square in the top-left corner marks the image's origin on
    # screen; the rest is grey so drawn shapes stand out.
    if x < 20 and y < 20:
        return RED
    return GREY


class Screen(bw_e2e.Screen):
    def find_red_square(self, width=None):
        """Top-left corner of the red square marking the image's origin,
        exactly, if it is @width pixels wide on screen (any width from
        10 up when None: the list's thumbnail is smaller)."""
        for y in range(0, self.height):
            row = self.data[y * self.width * 3:(y + 1) * self.width * 3]
            x = 0
            while x < self.width:
                if not close(tuple(row[x * 3:x * 3 + 3]), RED):
                    x += 1
                    continue
                start = x
                while x < self.width and close(tuple(row[x * 3:x * 3 + 3]), RED):
                    x += 1
                run = x - start
                if (width is None and run >= 10) or run == width:
                    return start, y
        return None


class App(bw_e2e.App):
    def __init__(self, env, tmp, project):
        super().__init__(env, tmp, Screen)
        self.project = project

    def shapes(self):
        """What the project file holds: [(kind, bbox, points)]."""
        db = sqlite3.connect('file:%s?mode=ro' % self.project, uri=True)
        try:
            rows = db.execute('SELECT kind, x0, y0, x1, y1, parts FROM annotations ORDER BY id').fetchall()
        finally:
            db.close()
        return [(kind, (x0, y0, x1, y1), polygon_points(parts)) for kind, x0, y0, x1, y1, parts in rows]


def polygon_points(blob):
    """The points of a stored polygon: [u32 parts][u32 count, count × (f64 x, f64 y)]…,
    little-endian (bw_shape_serialize_parts)."""
    if not blob:
        return []
    (n_parts,) = struct.unpack_from('<I', blob, 0)
    offset = 4
    points = []
    for _ in range(n_parts):
        (count,) = struct.unpack_from('<I', blob, offset)
        offset += 4
        for _ in range(count):
            points.append(struct.unpack_from('<dd', blob, offset))
            offset += 16
    return points


def near(a, b, tolerance=1.0):
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def main():
    with bw_e2e.Session('boxwood-annotate-e2e-', range(120, 150)) as session:
        env, tmp = session.env, session.tmp
        image = os.path.join(tmp, 'scene.png')
        bw_e2e.write_png(image, W, H, image_colour)
        project = os.path.join(tmp, 'annotate.boxwood')
        session.cli('create', project)
        session.cli('import', project, image)
        session.cli('taxonomy', 'add', project, 'car')
        db = sqlite3.connect('file:%s?mode=ro' % project, uri=True)
        (colour,) = db.execute('SELECT color FROM categories').fetchone()
        db.close()
        category_colour = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))

        proc = session.start_app(project)
        app = App(env, tmp, project)

        # The image is shown; click an empty part of it to give the canvas
        # the focus, then 100% zoom.
        # (The app's start, on a loaded machine, can take a while.)
        app.wait_for('the image', lambda: app.shot('start').find_red_square(), timeout=60)
        origin = app.shot('start').find_red_square()
        app.xdotool('mousemove', origin[0] + 60, origin[1] + 60)
        app.xdotool('click', 1)
        time.sleep(0.3)
        app.xdotool('key', 'ctrl+1')
        time.sleep(0.5)
        # At 100% the red square is 20 pixels wide on screen.
        origin = app.wait_for('100% zoom', lambda: app.shot('zoom').find_red_square(20))
        print('# image origin on screen at 100%%: (%d, %d)' % origin)

        def screen_at(ix, iy):
            return origin[0] + ix, origin[1] + iy

        def drag(x0, y0, x1, y1, steps=8):
            app.xdotool('mousemove', *screen_at(x0, y0))
            time.sleep(0.1)
            app.xdotool('mousedown', 1)
            for i in range(1, steps + 1):
                app.xdotool('mousemove', *screen_at(x0 + (x1 - x0) * i // steps,
                                                    y0 + (y1 - y0) * i // steps))
                time.sleep(0.03)
            app.xdotool('mouseup', 1)
            time.sleep(0.2)

        def click(x, y):
            app.xdotool('mousemove', *screen_at(x, y))
            time.sleep(0.05)
            app.xdotool('click', 1)
            # Longer than a double-click, so each click is a vertex.
            time.sleep(0.5)

        def expect(what, predicate):
            return app.wait_for(what, lambda: predicate(app.shapes()), timeout=5.0)

        # 1. B and a drag: a box where the pointer went.
        app.xdotool('key', 'b')
        time.sleep(0.2)
        drag(60, 50, 160, 120)
        shapes = expect('the box in the file', lambda s: len(s) == 1 and s)
        kind, bbox, _ = shapes[0]
        print('# box in the file: (%.2f, %.2f, %.2f, %.2f)' % bbox)
        if kind != 0 or not near(bbox, (60, 50, 160, 120)):
            fail('the box is at %s, the pointer went from (60, 50) to (160, 120)' % (bbox,))

        # It is drawn in its category's colour along its left edge.
        screen = app.shot('box')
        ex, ey = screen_at(60, 85)
        if not any(close(screen.pixel(ex + dx, ey), category_colour, 40) for dx in range(-2, 3)):
            fail('no outline in the category colour at (%d, %d): %s' % (ex, ey, screen.pixel(ex, ey)))

        # 2. P and clicks: a polygon, closed by a click on its first vertex.
        app.xdotool('key', 'p')
        time.sleep(0.2)
        vertices = [(220, 40), (350, 60), (330, 200), (240, 170)]
        for v in vertices:
            click(*v)
        click(*vertices[0])
        shapes = expect('the polygon in the file', lambda s: len(s) == 2 and s)
        kind, _, points = shapes[1]
        print('# polygon in the file: %s' % ', '.join('(%.1f, %.1f)' % p for p in points))
        if kind != 1 or len(points) != 4 or \
           not all(near(p, v) for p, v in zip(points, vertices)):
            fail('the polygon is %s, the clicks were at %s' % (points, vertices))

        # 3. V and a drag of its second vertex.
        app.xdotool('key', 'v')
        time.sleep(0.2)
        drag(350, 60, 375, 90)
        moved = [vertices[0], (375, 90), vertices[2], vertices[3]]
        shapes = expect('the moved vertex in the file',
                        lambda s: len(s) == 2 and len(s[1][2]) == 4 and
                        near(s[1][2][1], (375, 90)) and s)
        print('# vertex moved to (%.1f, %.1f)' % shapes[1][2][1])

        # 4. Ctrl+Z undoes the move, the polygon, then the box, each in the file.
        app.xdotool('key', 'ctrl+z')
        expect('undo of the vertex move', lambda s: len(s) == 2 and near(s[1][2][1], vertices[1]))
        app.xdotool('key', 'ctrl+z')
        expect('undo of the polygon', lambda s: len(s) == 1 and s[0][0] == 0)
        app.xdotool('key', 'ctrl+z')
        expect('undo of the box', lambda s: len(s) == 0)
        print('# undone: the file holds no annotation')

        # 5. Ctrl+Shift+Z brings them back, in order.
        app.xdotool('key', 'ctrl+shift+z')
        expect('redo of the box', lambda s: len(s) == 1 and near(s[0][1], (60, 50, 160, 120)))
        app.xdotool('key', 'ctrl+shift+z')
        expect('redo of the polygon', lambda s: len(s) == 2 and
               all(near(p, v) for p, v in zip(s[1][2], vertices)))
        app.xdotool('key', 'ctrl+shift+z')
        expect('redo of the vertex move', lambda s: len(s) == 2 and
               all(near(p, v) for p, v in zip(s[1][2], moved)))
        print('# redone: box, polygon and moved vertex are back')

        # The box is drawn again after the redo.
        screen = app.shot('redo')
        if not any(close(screen.pixel(ex + dx, ey), category_colour, 40) for dx in range(-2, 3)):
            fail('the box is not drawn after redo')

        if proc.poll() is not None:
            fail('boxwood exited')
        print('# all checks passed')


if __name__ == '__main__':
    main()
