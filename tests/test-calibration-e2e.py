#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of a calibration round's disagreement view: the real
`boxwood`.

A project of four grey 400 × 300 images; three annotators (ana, ben, cy)
are made by importing an empty answer each to the fourth image, so that
the round (`boxwood-cli calibration start --images 3`) draws the other
three. Each annotator's answers are imported with `import coco --as`.
The lead opens the Calibration Rounds window (Ctrl+Shift+K): the round's
image with the least agreement is shown with every annotator's boxes
over it, one colour per person, and a legend. Checked on screenshots:

1. each person's colour is on the canvas, in about the amount their
   boxes' outlines make;
2. unticking a person in the legend (a real click) takes their colour off
   the canvas and leaves the others';
3. the window's figures are those `boxwood-cli calibration report` prints.

Environment: BOXWOOD_APP, BOXWOOD_CLI; DISPLAY or its own Xvfb.
"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bw_e2e  # noqa: E402
from bw_e2e import close, fail  # noqa: E402

W, H = 400, 300
GREY = (112, 112, 112)
PEOPLE = ['ana', 'ben', 'cy']
# bw_calibration_person_color (): the round's people in id order.
COLOURS = {'ana': (0xe0, 0x1b, 0x24), 'ben': (0x1c, 0x71, 0xd8), 'cy': (0x2e, 0xc2, 0x7e)}
BOXES = {'ana': [[40, 40, 120, 90], [220, 60, 100, 120]],
         'ben': [[50, 45, 120, 90], [30, 180, 90, 80]],
         'cy': [[45, 40, 110, 95], [220, 60, 100, 120], [300, 200, 60, 60]]}


class Screen(bw_e2e.Screen):
    def count(self, colour, x0, y0, x1, y1, tolerance=10):
        n = 0
        for y in range(max(0, y0), min(self.height, y1)):
            row = self.data[(y * self.width + x0) * 3:(y * self.width + x1) * 3]
            for k in range(0, len(row), 3):
                if close(row[k:k + 3], colour, tolerance):
                    n += 1
        return n

    def find(self, colour, x0, y0, x1, y1):
        for y in range(y0, y1):
            for x in range(x0, x1):
                if close(self.pixel(x, y), colour, 4):
                    return x, y
        return None


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


def coco(images, annotations):
    return {'images': images, 'annotations': annotations,
            'categories': [{'id': 1, 'name': 'car'}, {'id': 2, 'name': 'person'}]}


def main():
    with bw_e2e.Session('bw-calibration-e2e-', range(80, 90)) as session:
        tmp = session.tmp
        app = App(session.env, tmp, Screen)
        path = os.path.join(tmp, 'calibration.boxwood')
        folder = os.path.join(tmp, 'imgs')
        os.makedirs(folder)
        images = []
        for i in range(4):
            name = 'img%d.png' % i
            bw_e2e.write_png(os.path.join(folder, name), W, H, lambda x, y, i=i: (GREY[0] + 4 * i, GREY[1], GREY[2]))
            images.append({'id': i + 1, 'file_name': 'imgs/' + name, 'width': W, 'height': H})
        session.cli('create', path)
        session.cli('import', path, folder)
        answers = os.path.join(tmp, 'answers.json')
        for person in PEOPLE:
            with open(answers, 'w') as f:
                json.dump(coco([images[3]], []), f)
            session.cli('import', 'coco', path, answers, '--as', person, '--images', tmp)
        session.cli('calibration', 'start', path, '--images', '3', '--name', 'Week 1')
        for person in PEOPLE:
            anns = []
            for image in images[:3]:
                for k, box in enumerate(BOXES[person]):
                    anns.append({'id': len(anns) + 1, 'image_id': image['id'], 'category_id': 1 + k % 2,
                                 'bbox': box, 'area': box[2] * box[3], 'iscrowd': 0})
            with open(answers, 'w') as f:
                json.dump(coco(images[:3], anns), f)
            session.cli('import', 'coco', path, answers, '--as', person, '--images', tmp)
        report = json.loads(subprocess.run([session.cli_path, 'calibration', 'report', path, 'Week 1', '--json'],
                                           env=session.env, check=True, capture_output=True, text=True).stdout)
        if report['people'] != PEOPLE or report['answers_submitted'] != 9:
            fail('the round is not what was imported: %r' % report)
        print('# 0. round “Week 1”: α %.3f over %d objects, as the CLI reports' % (report['alpha'], report['units']))

        proc = session.start_app(path, 'lena')
        app.wait_for('the project window', lambda: app.window_shown('^calibration\\.boxwood$'), timeout=30)
        mx, my, mw, mh = app.geometry('^calibration\\.boxwood$')
        app.xdotool('mousemove', mx + mw // 2, my + mh // 2)
        time.sleep(0.5)
        app.xdotool('key', 'ctrl+shift+k')
        app.wait_for('the Calibration Rounds window', lambda: app.window_shown('^Calibration Rounds$'))
        x, y, w, h = app.geometry('^Calibration Rounds$')
        # The canvas: right of the side pane (460 px), below the legend.
        canvas = (x + 480, y + 110, x + w - 10, y + h - 40)

        def colours_on_canvas(screen):
            counts = {p: screen.count(COLOURS[p], *canvas) for p in PEOPLE}
            return counts if all(n >= 300 for n in counts.values()) else None

        screen, counts = app.wait_for_screen('every person\'s colour on the canvas', colours_on_canvas, timeout=30)
        print('# 1. colour pixels on the canvas: %s' % ', '.join('%s %d' % (p, counts[p]) for p in PEOPLE))
        if os.environ.get('BOXWOOD_E2E_SHOT'):
            subprocess.run(['import', '-window', 'root', os.environ['BOXWOOD_E2E_SHOT']], env=session.env)

        # 2. The legend: each person's swatch, then their tick; unticking
        # ana takes red off the canvas.
        legend = (x + 470, y + 50, x + w - 10, y + 100)
        swatch = screen.find(COLOURS['ana'], *legend)
        if swatch is None:
            fail('no red swatch in the legend')
        for p in PEOPLE[1:]:
            if screen.find(COLOURS[p], *legend) is None:
                fail('no swatch of %s\'s colour in the legend' % p)
        app.xdotool('mousemove', swatch[0] + 30, swatch[1] + 4)
        app.xdotool('click', 1)

        def ana_hidden(screen):
            counts = {p: screen.count(COLOURS[p], *canvas) for p in PEOPLE}
            return counts if counts['ana'] < 20 and counts['ben'] >= 300 and counts['cy'] >= 300 else None

        _, counts = app.wait_for_screen('ana\'s boxes hidden', ana_hidden)
        print('# 2. ana unticked: %s' % ', '.join('%s %d' % (p, counts[p]) for p in PEOPLE))
        app.xdotool('click', 1)
        app.wait_for_screen('ana\'s boxes shown again', colours_on_canvas)

        app.xdotool('key', 'Escape')
        app.wait_for('the Calibration Rounds window closed', lambda: not app.window_shown('^Calibration Rounds$'))
        app.xdotool('mousemove', mx + mw // 2, my + mh // 2)
        app.xdotool('key', 'ctrl+q')
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            fail('boxwood did not quit on Ctrl+Q')
    print('ok')


if __name__ == '__main__':
    main()
