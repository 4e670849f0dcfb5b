#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the viewer: the real `boxwood` on an X server.

Makes a project of two images with known colours, starts
`boxwood --user tester PROJECT.boxwood`, drives it with real input
(xdotool: wheel, keys, middle-drag, Page Down/Up) and checks what is on
the screen (screenshots taken with ImageMagick's `import`).

Image 1 (400 × 300): red | green on top, blue | yellow below.
Image 2 (400 × 300): magenta left half, cyan right half.

Needs DISPLAY (CI runs the suite under xvfb-run); without one it starts
its own Xvfb. Environment: BOXWOOD_APP, BOXWOOD_CLI.
"""

import json
import math
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bw_e2e  # noqa: E402
from bw_e2e import close, fail  # noqa: E402

RED = (255, 0, 0)
GREEN = (0, 255, 0)
BLUE = (0, 0, 255)
YELLOW = (255, 255, 0)
MAGENTA = (255, 0, 255)
CYAN = (0, 255, 255)

W, H = 400, 300


def quadrants(x, y):
    if y < H // 2:
        return RED if x < W // 2 else GREEN
    return BLUE if x < W // 2 else YELLOW


def halves(x, y):
    return MAGENTA if x < W // 2 else CYAN


class Screen(bw_e2e.Screen):
    """A screenshot, searched for runs of a colour."""

    def find(self, color, min_run=100):
        """Bounding box (x0, y0, x1, y1) of the runs of @color at least
        @min_run pixels long (so list thumbnails do not count), or None."""
        xs, ys = [], []
        for y in range(0, self.height, 4):
            row = self.data[y * self.width * 3:(y + 1) * self.width * 3]
            start = None
            for x in range(0, self.width + 4, 4):
                inside = x < self.width and close(tuple(row[x * 3:x * 3 + 3]), color)
                if inside and start is None:
                    start = x
                elif not inside and start is not None:
                    if x - start >= min_run:
                        xs.extend((start, x - 4))
                        ys.append(y)
                    start = None
        if not xs:
            return None
        return min(xs), min(ys), max(xs), max(ys)

    def edge_right(self, x, y, color, limit=3000):
        """First x at or right of @x on row @y whose colour is not @color."""
        while x < min(self.width, x + limit) and close(self.pixel(x, y), color):
            x += 1
        return x


def name(color):
    names = {RED: 'red', GREEN: 'green', BLUE: 'blue', YELLOW: 'yellow',
             MAGENTA: 'magenta', CYAN: 'cyan'}
    return names.get(color, str(color))


def main():
    with bw_e2e.Session('boxwood-e2e-', range(90, 120)) as session:
        env, tmp, cli_path = session.env, session.tmp, session.cli_path
        bw_e2e.write_png(os.path.join(tmp, '1-quadrants.png'), W, H, quadrants)
        bw_e2e.write_png(os.path.join(tmp, '2-halves.png'), W, H, halves)
        project = os.path.join(tmp, 'e2e.boxwood')
        session.cli('create', project)
        session.cli('import', project,
                    os.path.join(tmp, '1-quadrants.png'),
                    os.path.join(tmp, '2-halves.png'))

        proc = session.start_app(project)
        app = bw_e2e.App(env, tmp, Screen)

        # 1. The first image, fitted: all four quadrants on screen, larger
        # than the image (the canvas is bigger than 400 × 300), 4:3.
        def fitted_quadrants(s):
            boxes = [s.find(c) for c in (RED, GREEN, BLUE, YELLOW)]
            if not all(boxes):
                return None
            w = boxes[3][2] - boxes[0][0] + 4
            h = boxes[3][3] - boxes[0][1] + 4
            # While the window settles, a frame may show another size.
            return boxes if w >= 600 and abs(w / h - W / H) <= 0.05 else None

        screen, boxes = app.wait_for_screen('the first image, fitted to the window (4:3, '
                                            'at least 600 pixels wide)', fitted_quadrants)
        red, green, blue, yellow = boxes
        x0, y0 = red[0], red[1]
        x1, y1 = yellow[2], yellow[3]
        width, height = x1 - x0 + 4, y1 - y0 + 4
        print('# image on screen at (%d, %d), %d × %d' % (x0, y0, width, height))
        if width < 600 or abs(width / height - W / H) > 0.05:
            fail('the image is not fitted to the window: %d × %d on screen' % (width, height))
        if proc.poll() is not None:
            fail('boxwood exited')

        def at(ix, iy):
            """Screen point of image point (ix, iy) in the fitted view."""
            return x0 + ix * width / W, y0 + iy * height / H

        # 2. Zoom in at the pointer with the wheel. The pointer is over image
        # point (160, 120), red; 60 image pixels right of it is green.
        px, py = at(160, 120)
        qx, qy = at(220, 120)
        if not close(screen.pixel(qx, qy), GREEN):
            fail('expected green at (%d, %d) before zooming' % (qx, qy))
        edge_before = screen.edge_right(int(px), int(py), RED)
        app.xdotool('mousemove', int(px), int(py))
        time.sleep(0.3)

        def zoom_factor(s):
            if not close(s.pixel(px, py), RED):
                return None
            return (s.edge_right(int(px), int(py), RED) - px) / (edge_before - px)

        # Three wheel steps of 1.25 each: 1.25×, 1.56×, 1.95×. The steps are
        # counted from the factor on screen, one click at a time; a click
        # the X server delivered while the app was busy can be lost on a
        # loaded machine, so one that shows no new step within a few
        # seconds is sent again. More than three steps fails.
        def steps_on(s):
            f = zoom_factor(s)
            if f is None or f <= 0:
                return None
            n = round(math.log(f) / math.log(1.25))
            return (n, f) if n >= 0 and abs(f - 1.25 ** n) < 0.08 * 1.25 ** n else None

        steps, factor, clicks = 0, 1.0, 0
        history = []
        while steps < 3:
            if clicks == 6:
                fail('the wheel zoomed %d steps in 6 clicks (%.2f×), not 3' % (steps, factor))
            app.xdotool('click', 4)
            clicks += 1
            seen = app.poll(lambda: (lambda s: (lambda r: (s, r) if r and r[0] > steps else None)(
                steps_on(s)))(app.shot('wheel')), timeout=5.0)
            if seen:
                screen, (steps, factor) = seen
                history.append('click %d: %d steps (%.2f×)' % (clicks, steps, factor))
            else:
                history.append('click %d: no new step' % clicks)
                print('# wheel click %d showed no new step; clicking again' % clicks)
        # Let a late click show before checking that there were only three.
        time.sleep(1.0)
        screen = app.shot('zoomed')
        late = steps_on(screen)
        if late is None or late[0] != 3:
            fail('the wheel did not zoom three steps of 1.25 around the pointer: %s (%s)'
                 % (late and '%.2f×' % late[1], '; '.join(history)))
        factor = late[1]
        if not close(screen.pixel(qx, qy), RED):
            fail('green did not turn red under a fixed point after zooming')
        if not close(screen.pixel(px, py), RED):
            fail('the point under the pointer moved while zooming')
        edge_after = screen.edge_right(int(px), int(py), RED)
        print('# zoom factor around the pointer: %.2f' % factor)

        # 3. Pan with a middle-button drag: 120 pixels right.
        app.xdotool('mousemove', int(px), int(py))
        app.xdotool('mousedown', 2)
        for step in range(1, 7):
            app.xdotool('mousemove', int(px) + 20 * step, int(py))
            time.sleep(0.05)
        app.xdotool('mouseup', 2)
        screen, edge = app.wait_for_screen(
            'the drag', lambda s: (lambda e: e if abs(e - (edge_after + 120)) <= 3 else None)(
                s.edge_right(int(px) - 200, int(py), RED)))
        print('# edge after the middle drag: %d (was %d)' % (edge, edge_after))

        # 4. Pan with the keyboard: Left moves the view left, the image right.
        app.xdotool('key', 'Left')
        screen, edge2 = app.wait_for_screen(
            'the Left key', lambda s: (lambda e: e if e > edge + 30 else None)(
                s.edge_right(int(px) - 200, int(py), RED)))
        print('# edge after Left: %d' % edge2)

        # 5. Ctrl+0 fits again: the same place and size as at first.
        screen, boxes = app.press_until(
            'ctrl+0', 'Ctrl+0',
            lambda s: (lambda r, y: (r, y) if r and y and abs(r[0] - x0) <= 4 and
                       abs(y[2] - x1) <= 4 else None)(s.find(RED), s.find(YELLOW)))

        # 6. The "-" key zooms out: the image gets smaller.
        app.press_until('minus', 'the minus key',
                        lambda s: (lambda r: r and r[0] > x0 + 10)(s.find(RED)))
        app.xdotool('key', 'ctrl+0')

        # 7. Page Down shows the second image, Page Up the first again.
        mx, my = at(100, 150)
        cx, cy = at(300, 150)
        app.press_until('Next', 'Page Down', lambda s: close(s.pixel(mx, my), MAGENTA) and
                        close(s.pixel(cx, cy), CYAN))
        app.press_until('Prior', 'Page Up', lambda s: close(s.pixel(*at(100, 75)), RED) and
                        close(s.pixel(*at(300, 225)), YELLOW))

        # 8. The person named with --user is in the project.
        info = subprocess.run([cli_path, 'info', project, '--json'], env=env, check=True,
                              capture_output=True, text=True).stdout
        if json.loads(info).get('people', 0) < 1:
            fail('--user tester was not recorded in the project')

        if proc.poll() is not None:
            fail('boxwood exited')
        print('# all checks passed')


if __name__ == '__main__':
    main()
