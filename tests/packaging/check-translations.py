#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that every translation is complete and correct.

Usage: check-translations.py SOURCE_ROOT BUILD_ROOT BOXWOOD_CLI

Extracts the strings of the files in po/POTFILES.in afresh (the same
xgettext call as meson's "glib" preset, so nothing depends on a .pot file
someone forgot to update) and, for each language in po/LINGUAS:
- every string has a translation that is not fuzzy;
- no string stands outside an entry;
- msgfmt --check accepts the catalogue (format directives match);
- the built catalogue is used at run time: boxwood-cli --help speaks it.
It also fails on a string cut short by a format macro
("%" G_GINT64_FORMAT), which no catalogue can translate: write
"%" PRId64 in a translatable string, or format the number apart.
"""

import os
import re
import subprocess
import sys
import tempfile

XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format', '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format', '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format', '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format', '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def entries(po_text):
    """(reference, msgid) for each entry of a PO file, header left out."""
    result = []
    for block in po_text.split('\n\n'):
        refs = ' '.join(line[3:] for line in block.splitlines() if line.startswith('#: '))
        msgid = []
        inside = False
        for line in block.splitlines():
            if line.startswith('msgid '):
                inside = True
                msgid.append(line[6:])
            elif inside and line.startswith('"'):
                msgid.append(line)
            else:
                inside = False if not line.startswith('"') else inside
        text = ''.join(s.strip()[1:-1] for s in msgid)
        if text:
            result.append((refs, text))
    return result


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    source_root, build_root, cli = sys.argv[1:]
    po_dir = os.path.join(source_root, 'po')
    problems = []

    with open(os.path.join(po_dir, 'LINGUAS'), encoding='utf-8') as f:
        languages = [w for line in f if not line.startswith('#') for w in line.split()]
    if not languages:
        problems.append('po/LINGUAS lists no language')

    with open(os.path.join(po_dir, 'POTFILES.in'), encoding='utf-8') as f:
        sources = [line.strip() for line in f if line.strip() and not line.startswith('#')]

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'boxwood.pot')
        p = run(['xgettext', *XGETTEXT_ARGS, '--package-name=boxwood',
                 '-D', source_root, '-o', pot, *sources])
        if p.returncode != 0:
            print(p.stderr, file=sys.stderr)
            return 1
        with open(pot, encoding='utf-8') as f:
            pot_text = f.read()
        for refs, msgid in entries(pot_text):
            # A lone "%" at the end: the rest of the directive was a macro.
            if re.search(r"%[-+ #0']*$", msgid.replace('%%', '')):
                problems.append(f'{refs}: “{msgid}” is cut short by a format macro; '
                                'use "%" PRId64 (or format the number apart)')

        for lang in languages:
            po = os.path.join(po_dir, lang + '.po')
            if not os.path.exists(po):
                problems.append(f'po/{lang}.po is missing (po/LINGUAS lists {lang})')
                continue
            p = run(['msgfmt', '--check', '-o', os.devnull, po])
            if p.returncode != 0:
                problems.append(f'po/{lang}.po: msgfmt --check:\n{p.stderr}')
            # A quoted line after a blank one belongs to no entry, yet
            # msgfmt takes it as more of the string before the blank line,
            # and that translation then shows the stray text too.
            with open(po, encoding='utf-8') as f:
                lines = f.read().split('\n')
            for number, (before, line) in enumerate(zip(lines, lines[1:]), start=2):
                if not before.strip() and line.startswith('"'):
                    problems.append(f'po/{lang}.po:{number}: a string that belongs to no entry: {line}')
            merged = os.path.join(tmp, lang + '.po')
            p = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot])
            if p.returncode != 0:
                problems.append(f'po/{lang}.po: msgmerge: {p.stderr}')
                continue
            for what, flag in (('untranslated', '--untranslated'), ('fuzzy', '--only-fuzzy')):
                p = run(['msgattrib', flag, '--no-obsolete', merged])
                missing = entries(p.stdout)
                for refs, msgid in missing[:20]:
                    problems.append(f'po/{lang}.po: {what}: “{msgid}” ({refs})')
                if len(missing) > 20:
                    problems.append(f'po/{lang}.po: … and {len(missing) - 20} more {what} strings')

            # The catalogue built from it is found and used at run time.
            env = dict(os.environ, LC_ALL='C.UTF-8', LANGUAGE=lang,
                       BOXWOOD_LOCALEDIR=os.path.join(build_root, 'po'))
            english = run([cli, '--help'], env=dict(env, LANGUAGE='C')).stdout
            translated = run([cli, '--help'], env=env).stdout
            if not english or translated == english:
                problems.append(f'{lang}: boxwood-cli --help is not translated at run time')

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f'{len(languages)} languages checked, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
