#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the icons and the MIME type definition that no other tool validates.

Usage: check-xml.py DATA_DIR APP_ID
"""

import os
import sys
import xml.etree.ElementTree as ET

SVG = '{http://www.w3.org/2000/svg}'
MIME = '{http://www.freedesktop.org/standards/shared-mime-info}'


def parse(path, problems):
    try:
        return ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        problems.append(f'{path}: {e}')
        return None


def check_icon(path, size, symbolic, problems):
    root = parse(path, problems)
    if root is None:
        return
    if root.tag != SVG + 'svg':
        problems.append(f'{path}: the root element is not <svg>')
        return
    if root.get('viewBox') != f'0 0 {size} {size}':
        problems.append(f'{path}: viewBox is {root.get("viewBox")!r}, expected "0 0 {size} {size}"')
    for element in root.iter():
        if element.tag in (SVG + 'image', SVG + 'script'):
            problems.append(f'{path}: icons must not embed <{element.tag[len(SVG):]}>')
    if symbolic:
        # A symbolic icon is recoloured by the theme: one colour, no gradients.
        colours = {e.get('fill') for e in root.iter() if e.get('fill') not in (None, 'none')}
        colours |= {e.get('stroke') for e in root.iter() if e.get('stroke') not in (None, 'none')}
        if len(colours) != 1:
            problems.append(f'{path}: a symbolic icon must use one colour, found {sorted(colours)}')
        if any(e.tag.endswith('Gradient') for e in root.iter()):
            problems.append(f'{path}: a symbolic icon must not use gradients')


def check_mime(path, problems):
    root = parse(path, problems)
    if root is None:
        return
    types = root.findall(MIME + 'mime-type')
    if len(types) != 1:
        problems.append(f'{path}: expected one <mime-type>, found {len(types)}')
        return
    if not any(g.get('pattern') == '*.boxwood' for g in types[0].findall(MIME + 'glob')):
        problems.append(f'{path}: no *.boxwood glob')


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    data, app_id = sys.argv[1], sys.argv[2]
    icons = os.path.join(data, 'icons', 'hicolor')
    problems = []
    check_icon(os.path.join(icons, 'scalable', 'apps', app_id + '.svg'), 128, False, problems)
    check_icon(os.path.join(icons, 'symbolic', 'apps', app_id + '-symbolic.svg'), 16, True, problems)
    check_mime(os.path.join(data, app_id + '.mime.xml'), problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
