/* bw-fuzz.h — what the libFuzzer harnesses share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bw-project.h"

G_BEGIN_DECLS

/* Once per process: quiet logs, criticals abort (a failed precondition in
 * our code is a bug the fuzzer should report), a scratch folder with three
 * small images (a.png 40 × 30, b.jpg 64 × 48, sub/c.png 20 × 10) and a
 * project that holds them and the categories "cat" (1) and "dog" (2). */
void        bw_fuzz_init            (void);

/* The scratch folder and its images folder. */
const char *bw_fuzz_get_dir         (void);
const char *bw_fuzz_get_images_dir  (void);

/* Writes @data to a file in the scratch folder named @name. */
GFile      *bw_fuzz_write_input     (const char   *name,
                                     const guint8 *data,
                                     gsize         size);

/* A fresh copy of the project, opened: every run starts from the same
 * state, whatever the run before it added. */
BwProject  *bw_fuzz_open_project    (void);

G_END_DECLS
