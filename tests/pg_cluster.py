"""A throwaway PostgreSQL cluster for the team-server tests.

    with PgCluster() as pg:
        pg.url            # postgresql://boxwood_admin:…@/boxwood?host=DIR
        pg.url_for(name, password)
        pg.psql(sql, user=…, password=…)

Runs Debian's PostgreSQL 15 (package postgresql): initdb in a temporary
folder, the server listening on a Unix socket in that folder only (no TCP
port), password authentication (scram-sha-256) for every connection, so
that each test talks to the database as the role it names. The cluster
is stopped and its folder removed at the end, also when the test fails.

initdb and postgres refuse to run as root. When this runs as root (CI
does), the server runs as the unprivileged user "nobody" (setpriv), and
the temporary folder is handed to that user; the clients still run as
root and reach the socket, which root may always open.
"""

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.parse

PG_BIN = os.environ.get('BOXWOOD_PG_BIN', '/usr/lib/postgresql/15/bin')
ADMIN = 'boxwood_admin'
DATABASE = 'boxwood'


class PgCluster:
    def __init__(self, max_connections=100, settings=None):
        self.max_connections = max_connections
        # More server settings (name: value), e.g. a library to preload
        # for measuring.
        self.settings = dict(settings or {})
        self.dir = None
        self.server = None
        self.admin_password = secrets.token_hex(12)
        self._as_user = []

    # The server's own user: ourselves, or nobody when we are root.
    def _server_user(self):
        if os.geteuid() != 0:
            return []
        # setpriv execs the program itself (runuser would stay in between
        # as its parent and not pass signals on), so stopping the server
        # is a signal to its own process id.
        nobody = pwd.getpwnam('nobody')
        return ['setpriv', f'--reuid={nobody.pw_uid}', f'--regid={nobody.pw_gid}',
                '--clear-groups', '--']

    def start(self):
        for tool in ('initdb', 'postgres', 'pg_ctl'):
            if not os.access(os.path.join(PG_BIN, tool), os.X_OK):
                raise RuntimeError(f'{PG_BIN}/{tool} is missing: install the package postgresql')
        # Short: a Unix socket path may not be longer than 107 bytes.
        self.dir = tempfile.mkdtemp(prefix='bwpg-', dir='/tmp')
        self._as_user = self._server_user()
        if self._as_user:
            nobody = pwd.getpwnam('nobody')
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
        data = os.path.join(self.dir, 'data')
        pwfile = os.path.join(self.dir, 'pw')
        with open(pwfile, 'w') as f:
            f.write(self.admin_password + '\n')
        if self._as_user:
            os.chown(pwfile, nobody.pw_uid, nobody.pw_gid)
        os.chmod(pwfile, 0o600)
        subprocess.run(self._as_user + [
            os.path.join(PG_BIN, 'initdb'), '-D', data, '-U', ADMIN,
            '--pwfile', pwfile, '--auth', 'scram-sha-256',
            '--encoding', 'UTF8', '--locale', 'C.UTF-8', '--no-sync'],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.unlink(pwfile)
        self._launch()
        self.psql(f'CREATE DATABASE {DATABASE}', database='postgres')
        return self

    def _launch(self):
        data = os.path.join(self.dir, 'data')
        self.log = os.path.join(self.dir, 'server.log')
        self.server = subprocess.Popen(self._as_user + [
            os.path.join(PG_BIN, 'postgres'), '-D', data,
            '-c', "listen_addresses=", '-k', self.dir,
            '-c', f'max_connections={self.max_connections}',
            '-c', 'fsync=off', '-c', 'full_page_writes=off',
            '-c', 'log_min_messages=warning'] +
            [arg for name, value in self.settings.items() for arg in ('-c', f'{name}={value}')],
            stdout=subprocess.DEVNULL, stderr=self._log_file())
        socket = os.path.join(self.dir, '.s.PGSQL.5432')
        deadline = time.monotonic() + 60
        while True:
            if self.server.poll() is not None:
                raise RuntimeError(f'postgres exited with status {self.server.returncode}')
            if os.path.exists(socket):
                ok = subprocess.run(self._psql_command('postgres', ADMIN, self.admin_password) +
                                    ['-c', 'SELECT 1'],
                                    env=self._env(self.admin_password),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if ok.returncode == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError('postgres did not start within 60 s')
            time.sleep(0.05)

    def pause(self):
        """Stops the server as a crash or an outage would look to its
        clients (fast shutdown: they are cut off), keeping its data for
        resume()."""
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(2)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None
        if getattr(self, '_log', None) is not None:
            self._log.close()
            self._log = None

    def resume(self):
        """Starts the server paused by pause() again, on the same socket."""
        self._launch()

    def _log_file(self):
        self._log = open(self.log, 'a')
        return self._log

    def stop(self):
        if self.server is not None and self.server.poll() is None:
            # SIGINT: "fast" shutdown, the clients are cut off.
            self.server.send_signal(2)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None
        if getattr(self, '_log', None) is not None:
            self._log.close()
            self._log = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False

    def url_for(self, user, password, database=DATABASE):
        quote = urllib.parse.quote
        return (f'postgresql://{quote(user, safe="")}:{quote(password, safe="")}@/'
                f'{database}?host={quote(self.dir, safe="")}')

    @property
    def url(self):
        return self.url_for(ADMIN, self.admin_password)

    def _env(self, password):
        env = dict(os.environ)
        env['PGPASSWORD'] = password
        env.pop('PGSERVICE', None)
        return env

    def _psql_command(self, database, user, password):
        return [os.path.join(PG_BIN, 'psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1',
                '-h', self.dir, '-U', user, '-d', database]

    def psql(self, sql, user=ADMIN, password=None, database=DATABASE, check=True):
        """Runs SQL as USER; returns CompletedProcess (stdout: rows as
        unaligned text, fields separated by '|')."""
        if password is None:
            password = self.admin_password
        return subprocess.run(self._psql_command(database, user, password) +
                              ['-A', '-t', '-c', sql],
                              env=self._env(password), check=check,
                              capture_output=True, text=True)

    def rows(self, sql, user=ADMIN, password=None):
        out = self.psql(sql, user=user, password=password).stdout
        return [line.split('|') for line in out.splitlines() if line]
