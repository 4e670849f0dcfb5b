# SPDX-License-Identifier: GPL-3.0-or-later
"""The harness the end-to-end tests share: the real `boxwood` on an X server.

A Session checks the environment (BOXWOOD_APP, BOXWOOD_CLI, xdotool,
ImageMagick's `import`), starts its own Xvfb when there is no DISPLAY,
makes a scratch folder, starts the app and, when a test fails, shows the
app's output; it cleans everything up on the way out. An App drives the
window with xdotool and takes screenshots (Screen) to wait on.

Python standard library only.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib


def fail(message):
    print('FAIL: ' + message, flush=True)
    raise SystemExit(1)


def write_png(path, width, height, color_at):
    """An RGB PNG of @width × @height whose pixel (x, y) is color_at(x, y)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows.extend(color_at(x, y))

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))

    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n')
        f.write(chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b'IDAT', zlib.compress(bytes(rows), 6)))
        f.write(chunk(b'IEND', b''))


def close(a, b, tolerance=12):
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


class Screen:
    """A screenshot of the root window as RGB rows."""

    def __init__(self, env):
        data = subprocess.run(['import', '-window', 'root', '-depth', '8', 'ppm:-'], env=env,
                              check=True, capture_output=True).stdout
        # P6\n<w> <h>\n<max>\n<data>
        parts = data.split(maxsplit=4)
        if parts[0] != b'P6':
            fail('unexpected screenshot format')
        self.width, self.height = int(parts[1]), int(parts[2])
        self.data = parts[4]

    def first_run(self, colour, min_width=10):
        """(x, y, width) of the topmost run of exactly @colour at least
        @min_width pixels long, or None."""
        wanted = bytes(colour)
        stride = self.width * 3
        for y in range(self.height):
            row = self.data[y * stride:(y + 1) * stride]
            i = row.find(wanted)
            while i != -1:
                if i % 3 != 0:
                    i = row.find(wanted, i + 1)
                    continue
                end = i
                while row[end:end + 3] == wanted:
                    end += 3
                if (end - i) // 3 >= min_width:
                    return i // 3, y, (end - i) // 3
                i = row.find(wanted, end)
        return None

    def pixel(self, x, y):
        i = (int(y) * self.width + int(x)) * 3
        return tuple(self.data[i:i + 3])


class App:
    """The running app, driven with xdotool; @screen_class takes the screenshots."""

    def __init__(self, env, tmp, screen_class=Screen):
        self.env = env
        self.tmp = tmp
        self.screen_class = screen_class

    def xdotool(self, *args):
        subprocess.run(['xdotool'] + [str(a) for a in args], env=self.env, check=True)

    def shot(self, label):
        screen = self.screen_class(self.env)
        if os.environ.get('BOXWOOD_E2E_KEEP'):
            subprocess.run(['import', '-window', 'root',
                            os.path.join(self.tmp, label + '.png')], env=self.env)
        return screen

    def poll(self, predicate, timeout=15.0):
        """Calls @predicate() until it returns something true, and returns
        that, or None when @timeout seconds passed first.
        BOXWOOD_E2E_TIMEOUT_SCALE stretches every wait (a sanitizer build
        runs several times slower)."""
        deadline = time.monotonic() + timeout * float(os.environ.get('BOXWOOD_E2E_TIMEOUT_SCALE', '1'))
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                return None
            time.sleep(0.2)

    def wait_for(self, what, predicate, timeout=15.0):
        """Calls @predicate() until it returns something true, and returns
        that; fails the test when @timeout seconds pass first."""
        result = self.poll(predicate, timeout)
        if not result:
            fail('timed out waiting for ' + what)
        return result

    def press_until(self, key, what, predicate, tries=3, timeout=5.0):
        """Presses @key until a screenshot satisfies @predicate; returns
        (screen, result). Only for keys whose repeat does no harm (fit,
        go to the last image, a step the predicate takes in any number): a
        key the X server delivered while the app was busy can be lost on a
        loaded machine, so one press that shows nothing in @timeout seconds
        is followed by another."""
        def check():
            screen = self.shot(what)
            result = predicate(screen)
            return (screen, result) if result else None
        for _ in range(tries):
            self.xdotool('key', key)
            seen = self.poll(check, timeout)
            if seen:
                return seen
            print('# %s: no change after %s; pressing it again' % (what, key))
        fail('timed out waiting for %s (%d presses of %s)' % (what, tries, key))

    def wait_for_screen(self, what, predicate, timeout=15.0):
        """Takes screenshots until @predicate(screen) is true; returns
        (screen, result)."""
        def check():
            screen = self.shot(what)
            result = predicate(screen)
            return (screen, result) if result else None
        return self.wait_for(what, check, timeout)


def start_xvfb(displays):
    for number in displays:
        if os.path.exists('/tmp/.X%d-lock' % number):
            continue
        proc = subprocess.Popen(['Xvfb', ':%d' % number, '-screen', '0', '1600x1000x24',
                                 '-nolisten', 'tcp'],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        if proc.poll() is None:
            return proc, ':%d' % number
    fail('cannot start Xvfb')


class Session:
    """with Session(prefix, displays) as s: … — s.env, s.tmp, s.app_path,
    s.cli_path; s.start_app(project) starts the app. @displays are the X
    display numbers to try when there is no DISPLAY."""

    def __init__(self, tmp_prefix, displays):
        self.tmp_prefix = tmp_prefix
        self.displays = displays
        self.proc = None
        self.log = None
        self.xvfb = None

    def __enter__(self):
        self.app_path = os.environ.get('BOXWOOD_APP')
        self.cli_path = os.environ.get('BOXWOOD_CLI')
        if not self.app_path or not self.cli_path:
            fail('BOXWOOD_APP and BOXWOOD_CLI must name the programs')
        for tool in ('xdotool', 'import'):
            if shutil.which(tool) is None:
                fail(tool + ' is needed (packages xdotool and imagemagick)')

        self.env = dict(os.environ)
        if not self.env.get('DISPLAY'):
            self.xvfb, self.env['DISPLAY'] = start_xvfb(self.displays)
        self.env['GSETTINGS_BACKEND'] = 'memory'
        self.env.pop('WAYLAND_DISPLAY', None)
        self.env['GDK_BACKEND'] = 'x11'
        # A GLib critical is a bug: it aborts the app (and so fails the
        # test, with the app's output shown). Warnings do not abort, since
        # GTK on a bare X server warns about the environment, not about
        # us; criticals that a handler logged without aborting are found
        # in the log when the test ends (see check_log()).
        self.env['G_DEBUG'] = 'fatal-criticals'

        self.tmp = tempfile.mkdtemp(prefix=self.tmp_prefix)
        return self

    def cli(self, *args):
        """Runs boxwood-cli with @args; its output is not wanted."""
        subprocess.run([self.cli_path] + list(args), env=self.env, check=True,
                       stdout=subprocess.DEVNULL)

    def start_app(self, project, user='tester'):
        """Starts `boxwood --user @user @project`, its output in app.log
        (appended to: a test may start the app several times)."""
        self.log = open(os.path.join(self.tmp, 'app.log'), 'a')
        self.proc = subprocess.Popen([self.app_path, '--user', user, project],
                                     env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        return self.proc

    def check_log(self):
        """Fails when the app logged a critical or was killed by a signal
        (a fatal critical aborts it)."""
        if self.log is None:
            return
        self.log.flush()
        with open(os.path.join(self.tmp, 'app.log'), errors='replace') as f:
            criticals = [line for line in f if '-CRITICAL **' in line]
        if criticals:
            fail('the app logged %d critical(s), the first: %s'
                 % (len(criticals), criticals[0].strip()))
        if self.proc is not None and self.proc.returncode is not None and self.proc.returncode < 0:
            fail('the app was killed by signal %d' % -self.proc.returncode)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                if self.proc is not None:
                    self.proc.poll()
                self.check_log()
            except SystemExit:
                self.__exit__(SystemExit, None, None)
                raise
        try:
            if exc_type is not None and issubclass(exc_type, SystemExit):
                if self.proc is not None:
                    self.proc.terminate()
                    self.proc.wait(timeout=10)
                if self.log is not None:
                    self.log.close()
                    with open(os.path.join(self.tmp, 'app.log')) as f:
                        sys.stdout.write(f.read())
        finally:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
            if self.log is not None and not self.log.closed:
                self.log.close()
            if self.xvfb is not None:
                self.xvfb.terminate()
                self.xvfb.wait()
            if not os.environ.get('BOXWOOD_E2E_KEEP'):
                shutil.rmtree(self.tmp, ignore_errors=True)
            else:
                print('# screenshots kept in ' + self.tmp)
        return False
