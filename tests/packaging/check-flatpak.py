#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that the Flatpak manifest parses and describes this application.

Usage: check-flatpak.py MANIFEST APP_ID
"""

import json
import sys


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, app_id = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f'{path}: {e}', file=sys.stderr)
        return 1

    problems = []

    def expect(key, value):
        if manifest.get(key) != value:
            problems.append(f'{path}: "{key}" is {manifest.get(key)!r}, expected {value!r}')

    expect('id', app_id)
    expect('command', 'boxwood')
    expect('runtime', 'org.gnome.Platform')
    expect('sdk', 'org.gnome.Sdk')

    finish_args = manifest.get('finish-args', [])
    for arg in ('--share=ipc', '--socket=wayland', '--socket=fallback-x11', '--device=dri'):
        if arg not in finish_args:
            problems.append(f'{path}: finish-args lacks {arg}')
    if '--socket=x11' in finish_args:
        problems.append(f'{path}: use --socket=fallback-x11, not --socket=x11')

    modules = manifest.get('modules', [])
    if not modules or not isinstance(modules[-1], dict):
        problems.append(f'{path}: no module builds the application')
    else:
        last = modules[-1]
        if last.get('buildsystem') != 'meson':
            problems.append(f'{path}: the last module must build with meson')
        if {'type': 'dir', 'path': '..'} not in last.get('sources', []):
            problems.append(f'{path}: the last module must build this repository (a "dir" source at "..")')

    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f'# {path}: {len(modules)} module(s), {len(finish_args)} finish-args')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
