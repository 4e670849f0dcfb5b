#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keep po/POTFILES.in honest.

Fails when a listed file does not exist, when a file is listed twice, or
when a .c or .ui file under src/ holds translatable strings and is not
listed. When xgettext is available, also extracts the strings the way
`meson compile boxwood-pot` does, so a file that xgettext cannot parse
fails here rather than on a translator's machine.

Usage: check-potfiles.py SOURCE_ROOT
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

# _("…"), N_("…"), C_("ctx", "…"), NC_("ctx", "…") — but not foo_("…").
C_MARKER = re.compile(r'(?<![A-Za-z0-9_])(?:N|C|NC)?_\s*\(')
UI_MARKER = re.compile(r'translatable\s*=\s*["\']yes["\']')


def listed_files(potfiles):
    names = []
    with open(potfiles, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            names.append((number, line))
    return names


def has_strings(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    if path.endswith('.ui'):
        return UI_MARKER.search(text) is not None
    # Comments and plain strings can mention _( too, but a false alarm
    # costs one line in POTFILES.in, a miss costs an untranslated string.
    return C_MARKER.search(text) is not None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    potfiles = os.path.join(root, 'po', 'POTFILES.in')
    problems = []

    listed = listed_files(potfiles)
    seen = set()
    for number, name in listed:
        if name in seen:
            problems.append(f'po/POTFILES.in:{number}: {name} is listed twice')
        seen.add(name)
        if not os.path.isfile(os.path.join(root, name)):
            problems.append(f'po/POTFILES.in:{number}: {name} does not exist')

    found = 0
    for folder, dirs, files in os.walk(os.path.join(root, 'src')):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(('.c', '.ui')):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if has_strings(path):
                found += 1
                if rel not in seen:
                    problems.append(f'{rel} has translatable strings but is not in po/POTFILES.in')

    xgettext = shutil.which('xgettext')
    if xgettext and not problems:
        with tempfile.TemporaryDirectory() as tmp:
            # The options of meson's i18n 'glib' preset.
            command = [xgettext, '--package-name=boxwood', '--from-code=UTF-8',
                       '--add-comments', '--keyword=_', '--keyword=N_',
                       '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
                       '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3',
                       '--keyword=g_dpgettext2:2c,3', '--flag=N_:1:pass-c-format',
                       '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
                       '--flag=g_dngettext:2:pass-c-format',
                       '--flag=g_strdup_printf:1:c-format',
                       '--flag=g_string_printf:2:c-format',
                       '--flag=g_string_append_printf:2:c-format',
                       '--flag=g_error_new:3:c-format',
                       '--flag=g_set_error:4:c-format',
                       '--flag=g_markup_printf_escaped:1:c-format',
                       '--flag=g_log:3:c-format', '--flag=g_print:1:c-format',
                       '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
                       '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
                       '--flag=g_snprintf:3:c-format',
                       '--directory=' + root, '--files-from=' + potfiles,
                       '--output=' + os.path.join(tmp, 'boxwood.pot')]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                problems.append('xgettext failed:\n' + result.stderr)
            else:
                with open(os.path.join(tmp, 'boxwood.pot'), encoding='utf-8') as f:
                    messages = f.read().count('\nmsgid "') - 1
                print(f'# xgettext extracted {messages} messages')
                if messages < 1:
                    problems.append('xgettext extracted no messages from po/POTFILES.in')

    print(f'# {len(listed)} files listed, {found} source files with strings under src/')
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
