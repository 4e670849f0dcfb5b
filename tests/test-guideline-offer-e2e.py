#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of what a guideline change offers the lead: the real
`boxwood`.

A project of seven 400 × 300 images (one background colour each), two
categories (car, van), two gold images with expert answers, an exam of
them defined by the lead (lena) with boxwood-cli and required of nobody,
and two annotators (ana, ben) who have worked on the last image. With real key
input (xdotool):

1. lena opens the taxonomy (Ctrl+T), writes a guideline for car and
   leaves the field: a new guideline version, and a banner offers a
   calibration round or the exam again;
2. she takes the round (Start Calibration Round…): the Calibration Rounds
   window opens its new-round form with a name naming the new version;
   she sets 3 images and presses Enter: a round of 3 images that every
   annotator labels;
3. ana opens the project: her queue holds the round's three images first,
   and the window shows her one of them once she submits the image open;
4. lena changes the guideline again and takes the other offer (Require
   Exam Again…): the Exams dialog opens; she edits the exam (Edit: three
   attempts, F1 at least 70 %, saved: the exam changes, nothing else),
   then requires it again: it binds every annotator from the new version;
5. ana opens the project again: the exam's banner holds her queue closed.

Screenshots are kept with BOXWOOD_E2E_KEEP=1.

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
from bw_e2e import fail  # noqa: E402

W, H = 400, 300
NAMES = ['gold-1.png', 'gold-2.png', 'a.png', 'b.png', 'c.png', 'd.png', 'done.png']
CAR_BOX = (100, 80, 220, 180)
VAN_BOX = (180, 120, 330, 250)


def painter(i):
    background = (60 + 25 * i, 140 - 12 * i, 90 + 18 * i)
    return lambda x, y: background


class Screen(bw_e2e.Screen):
    def count(self, colour, x0, y0, x1, y1, tolerance=8, step=2):
        n = 0
        for y in range(max(0, y0), min(self.height, y1), step):
            for x in range(max(0, x0), min(self.width, x1), step):
                if bw_e2e.close(self.pixel(x, y), colour, tolerance):
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

    def point_at(self, name):
        x, y, w, h = self.geometry(name)
        self.xdotool('mousemove', x + w // 2, y + h - 20)
        time.sleep(0.3)


class Project:
    def __init__(self, path):
        self.path = path

    def query(self, sql, *args):
        db = sqlite3.connect('file:%s?mode=ro' % self.path, uri=True)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def one(self, sql, *args):
        rows = self.query(sql, *args)
        return rows[0][0] if rows else None


def main():
    with bw_e2e.Session('boxwood-offer-e2e-', range(150, 180)) as session:
        env, tmp = session.env, session.tmp
        paths = []
        for i, name in enumerate(NAMES):
            path = os.path.join(tmp, name)
            bw_e2e.write_png(path, W, H, painter(i))
            paths.append(path)
        path = os.path.join(tmp, 'offer.boxwood')
        session.cli('create', path)
        session.cli('import', path, *paths)
        session.cli('taxonomy', 'add', path, 'car', '--color', '#e01b24')
        session.cli('taxonomy', 'add', path, 'van', '--color', '#33d17a')
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
        # Work on the last image makes ana and ben annotators of the project.
        with open(coco_path, 'w') as f:
            json.dump({'images': [{'id': 7, 'file_name': NAMES[6], 'width': W, 'height': H}],
                       'categories': coco['categories'], 'annotations': []}, f)
        for person in ('ana', 'ben'):
            session.cli('import', 'coco', path, coco_path, '--as', person, '--images', tmp)
        project = Project(path)
        ids = {n: project.one('SELECT id FROM images WHERE path LIKE ?', '%' + n) for n in NAMES}
        session.cli('exam', 'create', path, 'Vehicles', '--image', str(ids[NAMES[0]]),
                    '--image', str(ids[NAMES[1]]), '--min-f1', '0.9', '--max-attempts', '1',
                    '--required', 'no', '--by', 'lena')
        exam_id = project.one('SELECT id FROM exams')
        app = App(env, tmp, Screen)
        version_before = project.one('SELECT version FROM guidelines')

        def quit_app(proc, window):
            app.point_at(window)
            app.xdotool('key', 'ctrl+q')
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                fail('boxwood did not quit on Ctrl+Q')

        def banner_shown(screen, window):
            """The offer's tint under the taxonomy dialog's header bar."""
            x, y, w, _ = app.geometry(window)
            return screen.count((200, 220, 244), x + 60, y + 52, x + w // 2, y + 62) > 40

        def change_guideline(text):
            app.wait_for('the project window', lambda: app.window_shown('^offer\\.boxwood$'), timeout=30)
            app.point_at('^offer\\.boxwood$')
            app.xdotool('key', 'ctrl+t')
            app.wait_for('the taxonomy dialog', lambda: app.window_shown('^Taxonomy$'))
            time.sleep(1.0)
            version = project.one('SELECT version FROM guidelines')
            app.point_at('^Taxonomy$')
            app.xdotool('key', 'alt+g')
            time.sleep(0.3)
            app.xdotool('key', 'ctrl+End')
            app.xdotool('type', '--delay', '30', text)
            # Leaving the field saves it: a new guideline version.
            app.xdotool('key', 'alt+n')
            app.wait_for('a new guideline version', lambda: project.one('SELECT version FROM guidelines') > version)
            app.wait_for_screen('the offer', lambda s: banner_shown(s, '^Taxonomy$'))
            return project.one('SELECT version FROM guidelines')

        # 1. The guideline changes; the offer shows.
        proc = session.start_app(path, 'lena')
        version = change_guideline(' A pickup counts as a car.')
        guideline = project.one("SELECT guideline FROM categories WHERE name = 'car'")
        if 'pickup' not in (guideline or ''):
            fail('the guideline of car is %r' % guideline)
        app.shot('offer')
        print('# 1. guideline version %d → %d; the offer shows' % (version_before, version))

        # 2. A calibration round from the offer.
        app.xdotool('key', 'alt+t')
        app.wait_for('the Calibration Rounds window', lambda: app.window_shown('^Calibration Rounds$'))
        app.wait_for('the taxonomy dialog closed', lambda: not app.window_shown('^Taxonomy$'))
        time.sleep(1.0)
        app.shot('new-round-form')
        # The name has the focus: Tab to the number of images, back, Enter.
        app.xdotool('key', 'Tab')
        time.sleep(0.3)
        app.xdotool('key', 'ctrl+a')
        app.xdotool('type', '3')
        time.sleep(0.3)
        app.xdotool('key', 'shift+Tab')
        time.sleep(0.3)
        app.xdotool('key', 'Return')
        app.wait_for('the round', lambda: project.one('SELECT count(*) FROM calibration_rounds') == 1)
        name = project.one('SELECT name FROM calibration_rounds')
        if str(version) not in name:
            fail('the round\'s name %r does not name guideline version %d' % (name, version))
        round_images = {r[0] for r in project.query('SELECT image_id FROM calibration_images')}
        expected = {ids[n] for n in NAMES[2:6]}
        if len(round_images) != 3 or not round_images <= expected:
            fail('the round drew %s, not three of %s' % (sorted(round_images), sorted(expected)))
        time.sleep(1.0)
        app.shot('round-started')
        app.xdotool('key', 'Escape')
        app.wait_for('the Calibration Rounds window closed', lambda: not app.window_shown('^Calibration Rounds$'))
        quit_app(proc, '^offer\\.boxwood$')
        print('# 2. the round “%s” of images %s started from the offer' % (name, sorted(round_images)))

        # 3. ana's queue: the round's images first.
        proc = session.start_app(path, 'ana')
        app.wait_for('the project window', lambda: app.window_shown('^offer\\.boxwood$'), timeout=30)
        ana = project.one("SELECT id FROM people WHERE name = 'ana'")
        held = {r[0] for r in project.query('SELECT image_id FROM assignments WHERE person_id = ? AND task = 0'
                                            ' AND image_id IN (SELECT image_id FROM calibration_images)', ana)}
        if held != round_images:
            fail('ana holds %s of the round %s' % (sorted(held), sorted(round_images)))
        lead_held = project.query('SELECT count(*) FROM assignments a JOIN people p ON p.id = a.person_id'
                                  " WHERE p.name = 'lena' AND a.image_id IN (SELECT image_id FROM calibration_images)")
        if lead_held[0][0] != 0:
            fail('the lead was given the round to label')
        time.sleep(1.5)
        app.shot('annotator-queue')
        quit_app(proc, '^offer\\.boxwood$')
        print('# 3. ana\'s queue holds the round\'s images %s' % sorted(held))

        # 4. The exam again, edited first.
        proc = session.start_app(path, 'lena')
        version = change_guideline(' A van has no open bed.')
        app.xdotool('key', 'alt+x')
        app.wait_for('the Exams dialog', lambda: app.window_shown('^Exams$'))
        time.sleep(1.0)
        app.point_at('^Exams$')
        app.shot('exams-offer')
        app.xdotool('key', 'alt+e')
        time.sleep(0.5)
        app.xdotool('key', 'alt+p')
        app.xdotool('key', 'ctrl+a')
        app.xdotool('type', '3')
        app.xdotool('key', 'alt+f')
        app.xdotool('key', 'ctrl+a')
        app.xdotool('type', '70')
        app.xdotool('key', 'alt+u')
        time.sleep(0.5)
        app.shot('exam-edit')
        app.xdotool('key', 'alt+s')
        app.wait_for('the exam saved', lambda: project.one('SELECT max_attempts FROM exams') == 3)
        row = project.query('SELECT name, min_f1, required, renewed_version FROM exams WHERE id = ?', exam_id)[0]
        images = [r[0] for r in project.query('SELECT image_id FROM exam_images ORDER BY position')]
        if row[0] != 'Vehicles' or abs(row[1] - 0.7) > 1e-9 or row[2] != 0 or row[3] != 0 or \
                images != [ids[NAMES[0]], ids[NAMES[1]]]:
            fail('the edited exam is %s with images %s' % (row, images))
        print('# 4a. the exam edited: 3 attempts, F1 ≥ 70 %; its images and name as they were')
        app.xdotool('key', 'alt+a')
        app.wait_for('the exam required again', lambda: project.one('SELECT renewed_version FROM exams') == version)
        if project.one('SELECT required FROM exams') != 2:
            fail('the exam required again is not required of every annotator')
        time.sleep(1.0)
        app.shot('exam-required-again')
        def exams_closed():
            # The first Escape may go to the toast or the field in focus.
            if not app.window_shown('^Exams$'):
                return True
            app.point_at('^Exams$')
            app.xdotool('key', 'Escape')
            time.sleep(0.5)
            return False

        app.wait_for('the Exams dialog closed', exams_closed)
        quit_app(proc, '^offer\\.boxwood$')
        print('# 4b. required again from guideline version %d' % version)

        # 5. ana is held back by it now.
        proc = session.start_app(path, 'ana')
        app.wait_for('the project window', lambda: app.window_shown('^offer\\.boxwood$'), timeout=30)

        def exam_banner(screen):
            x, y, w, _ = app.geometry('^offer\\.boxwood$')
            return screen.count((200, 220, 244), x + w // 2, y + 62, x + w // 2 + 200, y + 72) > 40

        app.wait_for_screen('the exam banner', exam_banner)
        app.shot('annotator-held')
        quit_app(proc, '^offer\\.boxwood$')
        print('# 5. ana\'s queue is closed until she passes the exam again')
        print('# all checks passed')


if __name__ == '__main__':
    main()
