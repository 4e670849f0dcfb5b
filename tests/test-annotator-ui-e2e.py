#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of what a new annotator reaches with the mouse: the
tool palette, the object list and the canvas's context menu.

Starts `boxwood --user tester PROJECT.boxwood` on one 400 × 300 image with
two categories, at 100% zoom, and drives it with real pointer input
(xdotool):
  1. the Box button of the header bar, then a drag: a box in the file;
  2. the Polygon button, then clicks: a polygon in the file (another
     category), lying over the box;
  3. a click on the polygon's row in the object list: the polygon is
     selected on the canvas (its vertex handles are drawn);
  4. a right click on the box, "Bring to Front" in the menu: the box's
     stored drawing order is now above the polygon's;
  5. a right click on the polygon, "Delete" in the menu: its row is gone
     from the file.
The buttons are found by what changes when their keys are pressed (the
active tool is shown pressed), the menu's items by their lines of text,
the object list's rows by their colour swatches: nothing depends on the
theme's sizes.

Needs DISPLAY (CI runs the suite under xvfb-run); without one it starts
its own Xvfb. Environment: BOXWOOD_APP, BOXWOOD_CLI.
"""

import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bw_e2e  # noqa: E402
from bw_e2e import close, fail  # noqa: E402

W, H = 400, 300
RED = (255, 0, 0)
GREY = (128, 128, 128)
HEADER_ROWS = 60


def image_colour(x, y):
    if x < 20 and y < 20:
        return RED
    return GREY


def brightness(pixel):
    return sum(pixel) / 3.0


class Screen(bw_e2e.Screen):
    def find_red_square(self, width):
        for y in range(HEADER_ROWS, self.height):
            row = self.data[y * self.width * 3:(y + 1) * self.width * 3]
            x = 0
            while x < self.width:
                if not close(tuple(row[x * 3:x * 3 + 3]), RED):
                    x += 1
                    continue
                start = x
                while x < self.width and close(tuple(row[x * 3:x * 3 + 3]), RED):
                    x += 1
                if x - start == width:
                    return start, y
        return None

    def find_swatch(self, colour, min_x):
        """Centre of a small square (8–16 pixels) of exactly @colour right
        of @min_x: a row's swatch in the object list."""
        for y in range(HEADER_ROWS, self.height):
            x = min_x
            while x < self.width:
                if not close(self.pixel(x, y), colour, 6):
                    x += 1
                    continue
                start = x
                while x < self.width and close(self.pixel(x, y), colour, 6):
                    x += 1
                run = x - start
                if 8 <= run <= 16 and all(close(self.pixel(start + run // 2, y + k), colour, 6)
                                          for k in range(run - 2)):
                    return start + run // 2, y + run // 2
        return None


def pressed_button(before, after, darker_in_after):
    """The header bar button that looks pressed in one shot and not in the
    other: (x, y) of its middle. @darker_in_after picks which of the two
    changed buttons (the one pressed in @after, or in @before)."""
    columns = []
    for x in range(before.width):
        diff = 0.0
        changed = False
        for y in range(4, HEADER_ROWS):
            a, b = before.pixel(x, y), after.pixel(x, y)
            if not close(a, b, 6):
                changed = True
                diff += brightness(a) - brightness(b)
        if changed:
            columns.append((x, diff))
    wanted = [x for x, diff in columns if (diff > 0) == darker_in_after and abs(diff) > 20]
    if not wanted:
        return None
    # The longest run of neighbouring columns.
    runs, run = [], [wanted[0]]
    for x in wanted[1:]:
        if x - run[-1] <= 3:
            run.append(x)
        else:
            runs.append(run)
            run = [x]
    runs.append(run)
    best = max(runs, key=len)
    xs = (best[0] + best[-1]) // 2
    rows = [y for y in range(4, HEADER_ROWS) if not close(before.pixel(xs, y), after.pixel(xs, y), 6)]
    return xs, (rows[0] + rows[-1]) // 2


def menu_items(screen, cx, cy):
    """The lines of text of the popover menu opened at (cx, cy): a list of
    y centres, top to bottom, and the menu's middle x."""
    x0, x1 = max(0, cx - 350), min(screen.width, cx + 350)
    y0, y1 = max(HEADER_ROWS, cy - 350), min(screen.height, cy + 350)

    def white(p):
        return min(p) >= 254

    rows = []
    for y in range(y0, y1):
        n = sum(1 for x in range(x0, x1, 2) if white(screen.pixel(x, y)))
        if n >= 40:
            rows.append(y)
    if not rows:
        return None, []
    top, bottom = rows[0], rows[-1]
    middle = (top + bottom) // 2
    xs = [x for x in range(x0, x1) if white(screen.pixel(x, middle)) or white(screen.pixel(x, middle + 3))]
    left, right = xs[0], xs[-1]

    # Inside the rounded corners: the frame around the menu is not text.
    lines, start, last = [], None, None
    for y in range(top + 8, bottom - 7):
        dark = sum(1 for x in range(left + 14, right - 14) if max(screen.pixel(x, y)) < 110)
        if dark >= 2:
            if start is None:
                start = y
            last = y
        elif start is not None and y - last > 3:
            lines.append((start + last) // 2)
            start = None
    if start is not None:
        lines.append((start + last) // 2)
    return (left + right) // 2, lines


class App(bw_e2e.App):
    def __init__(self, env, tmp, project):
        super().__init__(env, tmp, Screen)
        self.project = project

    def rows(self):
        """[(id, kind, category, z)] of the file, in id order."""
        db = sqlite3.connect('file:%s?mode=ro' % self.project, uri=True)
        try:
            return db.execute('SELECT a.id, a.kind, c.name, a.z FROM annotations a'
                              ' JOIN categories c ON c.id = a.category_id ORDER BY a.id').fetchall()
        finally:
            db.close()


def main():
    with bw_e2e.Session('boxwood-annotator-ui-e2e-', range(150, 180)) as session:
        env, tmp = session.env, session.tmp
        image = os.path.join(tmp, 'scene.png')
        bw_e2e.write_png(image, W, H, image_colour)
        project = os.path.join(tmp, 'palette.boxwood')
        session.cli('create', project)
        session.cli('import', project, image)
        session.cli('taxonomy', 'add', project, 'car')
        session.cli('taxonomy', 'add', project, 'person')
        db = sqlite3.connect('file:%s?mode=ro' % project, uri=True)
        colours = dict(db.execute('SELECT name, color FROM categories').fetchall())
        db.close()
        person_colour = tuple(int(colours['person'][i:i + 2], 16) for i in (1, 3, 5))

        proc = session.start_app(project)
        app = App(env, tmp, project)

        app.wait_for('the image', lambda: any(close(app.shot('start').pixel(x, 400), GREY)
                                              for x in range(300, 900, 20)))
        # Focus the canvas with a click on the image, then 100% zoom.
        screen = app.shot('start')
        grey = [x for x in range(300, 900, 4) if close(screen.pixel(x, 400), GREY)]
        app.xdotool('mousemove', grey[len(grey) // 2], 400)
        app.xdotool('click', 1)
        time.sleep(0.3)
        app.xdotool('key', 'ctrl+1')
        origin = app.wait_for('100% zoom', lambda: app.shot('zoom').find_red_square(20))
        print('# image origin on screen at 100%%: (%d, %d)' % origin)

        def screen_at(ix, iy):
            return origin[0] + ix, origin[1] + iy

        def click_at(x, y, button=1, pause=0.5):
            app.xdotool('mousemove', x, y)
            time.sleep(0.1)
            app.xdotool('click', button)
            time.sleep(pause)

        def open_menu(x, y, what, n_items):
            """Right-clicks at (x, y) until a menu of at least @n_items
            lines shows there: a right click that lands while the previous
            menu is still closing only closes it. Returns (middle x, lines)."""
            scale = float(os.environ.get('BOXWOOD_E2E_TIMEOUT_SCALE', '1'))
            for attempt in range(3):
                click_at(x, y, button=3, pause=0.3)
                deadline = time.monotonic() + 6.0 * scale
                while time.monotonic() < deadline:
                    found = menu_items(app.shot(what), x, y)
                    if len(found[1]) >= n_items:
                        return found
                    time.sleep(0.2)
                print('# no %s after right click %d; again' % (what, attempt + 1))
                app.xdotool('key', 'Escape')
                time.sleep(0.5)
            fail('timed out waiting for ' + what)

        def drag(x0, y0, x1, y1, steps=8):
            app.xdotool('mousemove', *screen_at(x0, y0))
            time.sleep(0.1)
            app.xdotool('mousedown', 1)
            for i in range(1, steps + 1):
                app.xdotool('mousemove', *screen_at(x0 + (x1 - x0) * i // steps,
                                                    y0 + (y1 - y0) * i // steps))
                time.sleep(0.03)
            app.xdotool('mouseup', 1)
            time.sleep(0.3)

        def expect(what, predicate):
            return app.wait_for(what, lambda: predicate(app.rows()), timeout=8.0)

        # Where the tool buttons are: each shows pressed when its key is.
        def header_differs(a, b):
            return any(not close(a.pixel(x, y), b.pixel(x, y), 6)
                       for y in range(8, 40, 4) for x in range(0, a.width // 2, 2))

        def press_tool(key, previous):
            app.xdotool('key', key)
            return app.wait_for_screen('the header bar to show the %s key\'s tool' % key,
                                       lambda s: header_differs(s, previous))[0]

        app.xdotool('key', 'v')
        time.sleep(1.0)
        shot_v = app.shot('tool-v')
        shot_b = press_tool('b', shot_v)
        time.sleep(0.5)
        shot_b = app.shot('tool-b')
        shot_p = press_tool('p', shot_b)
        time.sleep(0.5)
        shot_p = app.shot('tool-p')
        box_button = pressed_button(shot_v, shot_b, True)
        select_button = pressed_button(shot_v, shot_b, False)
        polygon_button = pressed_button(shot_b, shot_p, True)
        if not (box_button and select_button and polygon_button):
            fail('the tool buttons do not show which tool is active (V %s, B %s, P %s)'
                 % (select_button, box_button, polygon_button))
        print('# buttons: Select %s, Box %s, Polygon %s' % (select_button, box_button, polygon_button))
        if not (select_button[0] < box_button[0] < polygon_button[0]):
            fail('the tool buttons are not Select, Box, Polygon from left to right')

        # 1. The Box button, then a drag: a box.
        app.xdotool('key', 'v')
        time.sleep(0.3)
        click_at(*box_button)
        drag(40, 40, 200, 160)
        rows = expect('a box in the file', lambda r: len(r) == 1 and r)
        if rows[0][1] != 0 or rows[0][2] != 'car':
            fail('the drag after the Box button made %s, not a car box' % (rows[0],))
        box_id = rows[0][0]

        # 2. Select, an empty spot (nothing selected), key 2 (person), the
        # Polygon button, then clicks: a polygon over the box's right part.
        click_at(*select_button)
        click_at(*screen_at(350, 250))
        app.xdotool('key', '2')
        time.sleep(0.2)
        click_at(*polygon_button)
        vertices = [(150, 100), (330, 80), (340, 220), (170, 230)]
        for v in vertices:
            click_at(*screen_at(*v))
        click_at(*screen_at(*vertices[0]))
        rows = expect('a polygon in the file', lambda r: len(r) == 2 and r)
        if rows[1][1] != 1 or rows[1][2] != 'person' or rows[0][2] != 'car':
            fail('after the Polygon button the file holds %s' % (rows,))
        polygon_id = rows[1][0]
        print('# box %d and polygon %d drawn from the palette' % (box_id, polygon_id))

        # 3. The polygon's row in the object list selects it on the canvas.
        click_at(*select_button)
        click_at(*screen_at(380, 280))  # nothing selected
        shot = app.shot('list')
        swatch = shot.find_swatch(person_colour, origin[0] + W + 20)
        if swatch is None:
            fail('no row with the colour of "person" in the object list')
        click_at(swatch[0] + 40, swatch[1])
        vx, vy = screen_at(*vertices[1])

        def handle_shown(screen):
            return any(min(screen.pixel(vx + dx, vy + dy)) >= 240
                       for dx in range(-3, 4) for dy in range(-3, 4))
        app.wait_for_screen('the polygon selected on the canvas (a white handle at its vertex)',
                            handle_shown, timeout=8.0)
        print('# the object list row selected the polygon')

        # 4. Right click on the box (where the polygon is not): Bring to Front.
        bx, by = screen_at(80, 80)
        # Category, Copy, Delete, Bring to Front, Send to Back, then the
        # guideline section (Ask a Question, the examples).
        menu_x, lines = open_menu(bx, by, 'the context menu with its items', 8)
        click_at(menu_x, lines[3])
        rows = expect('the box brought to the front',
                      lambda r: len(r) == 2 and r[0][3] > r[1][3] and r)
        print('# stored drawing order: box %d, polygon %d' % (rows[0][3], rows[1][3]))

        # 5. Right click on the polygon (outside the box): Delete.
        px, py = screen_at(300, 200)
        menu_x, lines = open_menu(px, py, 'the second context menu', 8)
        click_at(menu_x, lines[2])
        rows = expect('the polygon deleted', lambda r: len(r) == 1 and r)
        if rows[0][0] != box_id:
            fail('Delete removed the box, not the polygon: %s' % (rows,))
        print('# Delete in the context menu removed the polygon')

        if proc.poll() is not None:
            fail('boxwood exited')
        print('# all checks passed')


if __name__ == '__main__':
    main()
