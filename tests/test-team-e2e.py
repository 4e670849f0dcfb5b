#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of a team project in the app: two real `boxwood`
windows, as two users of one PostgreSQL server that the test starts
(tests/pg_cluster.py), each with a working copy of its own
(XDG_CACHE_HOME), driven with real input (xdotool) under Xvfb.

1. `boxwood postgresql://ana:PASSWORD@…` is refused, and says why.
2. ana (annotator) opens `boxwood postgresql://ana@…`: the keyring has
   no password, so the Open Team Project dialog asks; a wrong password
   keeps it open with the server's answer; the right one with Remember
   Password typed opens the project, the window titled ana@…, and the
   first image of the team's queue claimed and shown.
3. rev (reviewer) opens the project on a second display, in review
   mode, with nothing to review.
4. ana draws a box and submits (Ctrl+Enter): the server has the box and
   the submission, ana is handed the next image; rev's queue shows the
   image (its colour on rev's canvas) within 2 s of the server having
   it, and rev's working copy lists it. The time is printed.
5. rev accepts (Ctrl+Enter): the server has the verdict and the layer
   accepted.
6. The server stops while ana draws on the next image: ana's window
   shows the connection banner (a screenshot: the banner's bar above
   the canvas); the box waits in ana's working copy; the server starts
   again: the box reaches it and the banner goes. Once more, and ana
   quits: the window stays until the server is back and has the box,
   then closes by itself.
7. ana quits and starts again: the password comes from the keyring, the
   project opens without anything typed. No file of ana's holds the
   password.

Runs inside a D-Bus session of its own with GNOME Keyring unlocked
(keyring-session.sh, under dbus-run-session). Environment: BOXWOOD_APP,
BOXWOOD_CLI; DISPLAY (or it starts an Xvfb of its own).
"""

import glob
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bw_e2e  # noqa: E402
from bw_e2e import close, fail  # noqa: E402
from pg_cluster import PgCluster  # noqa: E402

W, H = 320, 240
COLOURS = {'img-1.png': (200, 60, 60), 'img-2.png': (60, 170, 60), 'img-3.png': (60, 60, 200)}
PASSWORDS = {'ana': 'ana-secret-1', 'rev': 'rev-secret-2'}
ROLES = {'ana': 'annotator', 'rev': 'reviewer'}
SUBMITTED, ACCEPTED = 2, 4          # assignment statuses on the server
LIVE_LIMIT = 2.0                    # seconds, from the issue
CANVAS = (41, 41, 43)               # the canvas around an image, or without one


def scale():
    return float(os.environ.get('BOXWOOD_E2E_TIMEOUT_SCALE', '1'))


def find_colour(screen, colour, step=6, x0=0, x1=None):
    """The bounding box (x0, y0, x1, y1) of the pixels of @colour, on a
    grid of @step pixels, or None."""
    found = None
    x1 = x1 if x1 is not None else screen.width
    for y in range(0, screen.height, step):
        for x in range(x0, x1, step):
            if close(screen.pixel(x, y), colour, 16):
                if found is None:
                    found = [x, y, x, y]
                else:
                    found[0] = min(found[0], x)
                    found[1] = min(found[1], y)
                    found[2] = max(found[2], x)
                    found[3] = max(found[3], y)
    return tuple(found) if found else None


def working_copy(cache):
    files = glob.glob(os.path.join(cache, 'boxwood', 'team', '*', '*.boxwood'))
    return files[0] if len(files) == 1 else None


def copy_rows(cache, sql):
    path = working_copy(cache)
    if path is None:
        return None
    db = sqlite3.connect('file:%s?mode=ro' % path, uri=True, timeout=10)
    try:
        return db.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return None
    finally:
        db.close()


class User:
    """One person's app: its own display, cache folder and process."""

    def __init__(self, session, name, display, url):
        self.session = session
        self.name = name
        self.url = url
        self.env = dict(session.env)
        self.env['DISPLAY'] = display
        self.cache = os.path.join(session.tmp, 'cache-' + name)
        self.env['XDG_CACHE_HOME'] = self.cache
        # No accessibility bus: one started from this test's private D-Bus
        # session would take over the display's (the same socket path
        # under the real home) and, gone with the session, leave the
        # display's AT_SPI_BUS naming a removed socket, which every later
        # GTK app on that display reports as a critical.
        self.env['GTK_A11Y'] = 'none'
        self.app = bw_e2e.App(self.env, session.tmp)
        self.proc = None
        self.log = None

    def start(self):
        self.log = open(os.path.join(self.session.tmp, 'app-%s.log' % self.name), 'a')
        self.proc = subprocess.Popen([self.session.app_path, self.url], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def windows(self):
        out = subprocess.run(['xdotool', 'search', '--name', '.'], env=self.env,
                             capture_output=True, text=True).stdout.split()
        names = {}
        for w in out:
            name = subprocess.run(['xdotool', 'getwindowname', w], env=self.env,
                                  capture_output=True, text=True).stdout.strip()
            names[w] = name
        return names

    def window_named(self, prefix):
        for w, name in self.windows().items():
            if name.startswith(prefix):
                return w
        return None

    def shot(self, label):
        return self.app.shot('%s-%s' % (self.name, label))

    def wait_window(self, prefix, what, timeout):
        if not self.app.poll(lambda: self.window_named(prefix), timeout):
            subprocess.run(['import', '-window', 'root',
                            os.path.join(self.session.tmp, '%s-timeout.png' % self.name)], env=self.env)
            fail('timed out waiting for ' + what)

    def wait_dialog(self):
        """The Open Team Project dialog, drawn (its blue Connect button)."""
        self.wait_window('Open Team Project', 'the dialog of ' + self.name, 30)

        def drawn(screen):
            return any(b > r + 60 for r, g, b in (screen.pixel(x, y) for x, y in
                                                   ((380, 30), (440, 25), (400, 15))))
        self.app.wait_for_screen('the dialog of %s drawn' % self.name, drawn, 30)
        time.sleep(0.5)

    def image_box(self, image, label):
        """Where @image is on the canvas (its colour), waiting for it."""
        def seen(screen):
            return find_colour(screen, COLOURS[image], x0=300)
        return self.app.wait_for_screen('%s on the canvas of %s' % (image, self.name), seen, 20)[1]

    def click(self, x, y):
        self.app.xdotool('mousemove', int(x), int(y))
        time.sleep(0.1)
        self.app.xdotool('click', 1)
        time.sleep(0.3)

    def drag(self, x0, y0, x1, y1, steps=8):
        self.app.xdotool('mousemove', int(x0), int(y0))
        time.sleep(0.1)
        self.app.xdotool('mousedown', 1)
        for i in range(1, steps + 1):
            self.app.xdotool('mousemove', int(x0 + (x1 - x0) * i / steps),
                             int(y0 + (y1 - y0) * i / steps))
            time.sleep(0.03)
        self.app.xdotool('mouseup', 1)
        time.sleep(0.3)

    def quit(self):
        if self.proc is None:
            return
        self.app.xdotool('key', 'ctrl+q')
        try:
            self.proc.wait(timeout=20 * scale())
        except subprocess.TimeoutExpired:
            fail('%s: boxwood did not quit on Ctrl+Q' % self.name)
        if self.proc.returncode != 0:
            fail('%s: boxwood exited with status %d' % (self.name, self.proc.returncode))
        self.proc = None

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.log is not None:
            self.log.close()

    def check_log(self):
        path = os.path.join(self.session.tmp, 'app-%s.log' % self.name)
        if os.path.exists(path):
            with open(path, errors='replace') as f:
                criticals = [line for line in f if '-CRITICAL **' in line]
            if criticals:
                fail('%s: the app logged %d critical(s), the first: %s'
                     % (self.name, len(criticals), criticals[0].strip()))


def make_project(session):
    folder = os.path.join(session.tmp, 'project')
    os.makedirs(folder)
    for name, colour in COLOURS.items():
        bw_e2e.write_png(os.path.join(folder, name), W, H, lambda x, y, c=colour: c)
    path = os.path.join(folder, 'team.boxwood')
    session.cli('create', path)
    session.cli('import', path, folder)
    session.cli('taxonomy', 'add', path, 'car')
    return path


def server_int(pg, sql):
    rows = pg.rows(sql)
    return int(rows[0][0]) if rows and rows[0][0] != '' else None


def main():
    print('1..1')
    with bw_e2e.Session('boxwood-team-e2e-', range(150, 180)) as session, PgCluster() as pg:
        users = []
        xvfb2 = None
        try:
            project = make_project(session)
            session.cli('server', 'init', pg.url)
            session.cli('push', project, pg.url)
            for name, password in PASSWORDS.items():
                subprocess.run([session.cli_path, 'user', 'add', pg.url, name, '--role', ROLES[name],
                                '--password-stdin'], input=password + '\n', text=True, check=True,
                               env=session.env, stdout=subprocess.DEVNULL)
            host = urllib.parse.quote(pg.dir, safe='')

            def url(name):
                return 'postgresql://%s@/boxwood?host=%s' % (name, host)

            # 1. A password in the URL is refused before anything happens.
            refused = subprocess.run([session.app_path, 'postgresql://ana:%s@/boxwood?host=%s'
                                      % (PASSWORDS['ana'], host)],
                                     env=session.env, capture_output=True, text=True, timeout=30)
            if refused.returncode == 0 or 'password' not in refused.stderr \
                    or PASSWORDS['ana'] in refused.stderr:
                fail('a URL with a password was not refused as it should be: %d %r'
                     % (refused.returncode, refused.stderr))
            print('# 1. a URL with a password is refused: ' + refused.stderr.strip()[:90] + '…')

            # 2. ana: the dialog asks, a wrong password is refused in it.
            ana = User(session, 'ana', session.env['DISPLAY'], url('ana'))
            users.append(ana)
            ana.start()
            ana.wait_dialog()
            ana.shot('dialog')
            ana.app.xdotool('type', '--delay', '40', 'not-the-password')
            ana.app.xdotool('key', 'Return')

            def refused_shown(screen):
                # The server's answer, on a red bar above the fields.
                r, g, b = screen.pixel(200, 62)
                return r > g + 25 and r > b + 25
            ana.app.wait_for_screen('the server’s refusal in the dialog', refused_shown, 30)
            if ana.window_named('ana@') is not None or ana.window_named('Open Team Project') is None:
                fail('a wrong password did not keep the dialog open')
            ana.shot('dialog-refused')
            print('# 2. the dialog stays open on a wrong password')
            # The password field has the focus again, emptied.
            ana.app.xdotool('type', '--delay', '40', PASSWORDS['ana'])
            ana.app.xdotool('key', 'alt+r')       # Remember Password
            time.sleep(0.5)
            ana.shot('dialog-remember')
            ana.app.xdotool('key', 'Return')
            ana.wait_window('ana@', 'ana’s window on the team project', 60)
            box1 = ana.image_box('img-1.png', 'first claim')
            print('# 2. ana opened the project; img-1.png claimed and shown')

            # 3. rev, on a display of its own, reviews.
            xvfb2, display2 = bw_e2e.start_xvfb(range(int(session.env['DISPLAY'].lstrip(':').split('.')[0]) + 1, 250))
            rev = User(session, 'rev', display2, url('rev'))
            users.append(rev)
            rev.start()
            rev.wait_dialog()
            rev.app.xdotool('type', '--delay', '40', PASSWORDS['rev'])
            rev.app.xdotool('key', 'Return')
            rev.wait_window('rev@', 'rev’s window', 60)
            # In review mode with nothing to review: the canvas is empty.
            empty, _ = rev.app.wait_for_screen('rev’s empty review', lambda s: close(
                s.pixel(800, 400), CANVAS, 6), 30)
            if find_colour(empty, COLOURS['img-1.png'], x0=300):
                fail('rev sees img-1.png before anything was submitted')
            print('# 3. rev opened the project in review mode, nothing to review')

            # 4. ana draws a box and submits.
            x0, y0, x1, y1 = box1
            ana.click((x0 + x1) / 2, (y0 + y1) / 2)
            ana.app.xdotool('key', 'b')
            ana.drag(x0 + (x1 - x0) * 0.2, y0 + (y1 - y0) * 0.2, x0 + (x1 - x0) * 0.6, y0 + (y1 - y0) * 0.7)
            ana.app.wait_for('the box on the server', lambda: server_int(
                pg, 'SELECT count(*) FROM annotations a JOIN layers l ON l.id = a.layer_id'
                    ' JOIN images i ON i.id = l.image_id WHERE i.path LIKE \'%img-1.png\'') == 1, 30)
            ana.app.xdotool('key', 'ctrl+Return')
            ana.app.wait_for('the submission on the server', lambda: server_int(
                pg, 'SELECT count(*) FROM assignments a JOIN images i ON i.id = a.image_id'
                    ' WHERE i.path LIKE \'%%img-1.png\' AND a.task = 0 AND a.status = %d' % SUBMITTED) == 1,
                30)
            submitted_at = time.monotonic()
            ana.shot('after-submit')

            def in_rev_copy():
                rows = copy_rows(rev.cache, 'SELECT count(*) FROM layers WHERE status = 1')
                return rows is not None and rows[0][0] > 0
            while not in_rev_copy():
                if time.monotonic() - submitted_at > 30 * scale():
                    fail('rev’s working copy never took in the submission')
                time.sleep(0.05)
            copy_after = time.monotonic() - submitted_at
            rev_sees = rev.app.wait_for_screen('img-1.png in rev’s review', lambda s: find_colour(
                s, COLOURS['img-1.png'], x0=300), 10)
            seen_after = time.monotonic() - submitted_at
            # The screen's time includes taking and reading screenshots
            # (about half a second each on a loaded machine): the working
            # copy's is the one held to the 2 s.
            print('# 4. after the server had the submission: rev’s working copy had it in %.2f s, '
                  'rev’s review queue showed it on the screen in %.2f s' % (copy_after, seen_after))
            if copy_after > LIVE_LIMIT * scale():
                fail('rev’s working copy took %.2f s to take in the submission (at most %.1f s)'
                     % (copy_after, LIVE_LIMIT * scale()))
            box2 = ana.image_box('img-2.png', 'the next claim')
            print('# 4. ana was handed img-2.png after the submission')

            # 5. rev accepts the image.
            rx0, ry0, rx1, ry1 = rev_sees[1]
            rev.click(rx0 + 10, ry1 - 10)
            rev.app.xdotool('key', 'ctrl+Return')
            rev.app.wait_for('the verdict on the server', lambda: server_int(
                pg, 'SELECT count(*) FROM assignments a JOIN images i ON i.id = a.image_id'
                    ' WHERE i.path LIKE \'%%img-1.png\' AND a.task = 0 AND a.status = %d' % ACCEPTED) == 1,
                30)
            verdicts = pg.rows("SELECT r.verdict, p.name FROM reviews r JOIN people p ON p.id = r.reviewer_id"
                               " WHERE r.annotation_id IS NULL")
            if verdicts != [['0', 'rev']]:
                fail('the server does not hold rev’s acceptance: %s' % (verdicts,))
            print('# 5. rev accepted img-1.png; the server has the verdict')

            # 6. The server goes away while ana works.
            before = ana.shot('before-outage')
            pg.pause()
            x0, y0, x1, y1 = box2
            ana.click((x0 + x1) / 2, (y0 + y1) / 2)
            ana.app.xdotool('key', 'b')
            ana.drag(x0 + (x1 - x0) * 0.3, y0 + (y1 - y0) * 0.3, x0 + (x1 - x0) * 0.7, y0 + (y1 - y0) * 0.8)

            def banner_shown(screen):
                # A light blue bar right under the header bar, where the
                # canvas (dark) or the side panel (grey) is otherwise.
                for y in range(54, 90, 4):
                    r, g, b = screen.pixel(800, y)
                    if r > 150 and b - r > 15:
                        return True
                return False
            if banner_shown(before):
                fail('a banner shows before the server stopped')
            screen, _ = ana.app.wait_for_screen('the connection banner', banner_shown, 30)
            pending = copy_rows(ana.cache, 'SELECT count(*) FROM team_outbox')
            print('# 6. the server stopped: the banner shows, %s change(s) queued in ana’s working copy'
                  % (pending[0][0] if pending else '?'))
            subprocess.run(['import', '-window', 'root', os.path.join(session.tmp, 'banner.png')],
                           env=ana.env)
            pg.resume()
            ana.app.wait_for('the box made offline on the server', lambda: server_int(
                pg, 'SELECT count(*) FROM annotations a JOIN layers l ON l.id = a.layer_id'
                    ' JOIN images i ON i.id = l.image_id WHERE i.path LIKE \'%img-2.png\'') == 1, 90)
            ana.app.wait_for_screen('the banner gone', lambda s: not banner_shown(s)
                                    and find_colour(s, COLOURS['img-2.png'], x0=300) is not None, 30)
            print('# 6. the server is back: the box reached it and the banner went')

            # Closing with a change not sent: the window waits for it,
            # and closes by itself once the server has it.
            pg.pause()
            ana.drag(x0 + (x1 - x0) * 0.05, y0 + (y1 - y0) * 0.05, x0 + (x1 - x0) * 0.2, y0 + (y1 - y0) * 0.2)
            ana.app.wait_for_screen('the connection banner again', banner_shown, 30)
            ana.app.xdotool('key', 'ctrl+q')
            time.sleep(3.0)
            if ana.proc.poll() is not None:
                fail('ana’s window closed at once with a change not sent')
            subprocess.run(['import', '-window', 'root', os.path.join(session.tmp, 'close-waits.png')],
                           env=ana.env)
            pg.resume()
            try:
                ana.proc.wait(timeout=90 * scale())
            except subprocess.TimeoutExpired:
                fail('ana’s window did not close once its change was sent')
            if ana.proc.returncode != 0:
                fail('boxwood exited with status %d' % ana.proc.returncode)
            ana.proc = None
            boxes = server_int(pg, 'SELECT count(*) FROM annotations a JOIN layers l ON l.id = a.layer_id'
                                   ' JOIN images i ON i.id = l.image_id WHERE i.path LIKE \'%img-2.png\'')
            if boxes != 2:
                fail('the box drawn before closing is not on the server (%s boxes)' % boxes)
            print('# 6. closing with a change not sent waited for the server, then closed; the box is there')

            # 7. Opened again, the password comes from the keyring.
            ana.start()
            ana.wait_window('ana@', 'ana’s window without typing', 60)
            ana.image_box('img-2.png', 'reopened')
            print('# 7. ana opened the project again without typing the password (keyring)')
            for root, _, files in os.walk(session.tmp):
                for f in files:
                    path = os.path.join(root, f)
                    try:
                        with open(path, 'rb') as fh:
                            if PASSWORDS['ana'].encode() in fh.read():
                                fail('%s holds ana’s password' % path)
                    except OSError:
                        pass
            ana.quit()
            rev.quit()
            for user in users:
                user.check_log()
            print('ok 1 /ui/team-e2e')
        except SystemExit:
            for user in users:
                user.stop()
                path = os.path.join(session.tmp, 'app-%s.log' % user.name)
                if os.path.exists(path):
                    with open(path, errors='replace') as f:
                        sys.stdout.write('# --- %s\n' % user.name + ''.join('# ' + line for line in f))
            raise
        finally:
            for user in users:
                user.stop()
            if xvfb2 is not None:
                xvfb2.terminate()
                xvfb2.wait()


if __name__ == '__main__':
    main()
