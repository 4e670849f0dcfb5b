/* bw-test-images.h — images made on the fly for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The pattern every generated image shows: red grows left to right,
 * green top to bottom, blue is a wave plus deterministic noise, so JPEGs
 * compress like photographs rather than like a flat colour. Images with
 * different @variant have different content (and content hashes). */
void      bw_test_pattern_rgb          (int          x,
                                        int          y,
                                        int          width,
                                        int          height,
                                        guint        variant,
                                        guint8       rgb[3]);
guint8   *bw_test_pattern_new          (int          width,
                                        int          height,
                                        guint        variant);

/* subsamp is a TJSAMP_* value; quality 1–100. */
GBytes   *bw_test_jpeg_new             (int          width,
                                        int          height,
                                        int          quality,
                                        int          subsamp,
                                        guint        variant);
gboolean  bw_test_write_jpeg           (const char  *path,
                                        int          width,
                                        int          height,
                                        int          quality,
                                        int          subsamp,
                                        guint        variant,
                                        GError     **error);
gboolean  bw_test_write_png            (const char  *path,
                                        int          width,
                                        int          height,
                                        guint        variant,
                                        GError     **error);
/* A JPEG cut at @keep_fraction (0–1) of its bytes. */
gboolean  bw_test_write_truncated_jpeg (const char  *path,
                                        int          width,
                                        int          height,
                                        double       keep_fraction,
                                        GError     **error);
/* A small valid JPEG whose SOF header is patched to claim the given size. */
gboolean  bw_test_write_huge_header_jpeg (const char *path,
                                        int          claimed_width,
                                        int          claimed_height,
                                        GError     **error);
/* A JPEG with an APP1/Exif segment holding orientation tag @orientation. */
gboolean  bw_test_write_exif_jpeg      (const char  *path,
                                        int          width,
                                        int          height,
                                        int          orientation,
                                        GError     **error);
/* Text in a file with an image's name. */
gboolean  bw_test_write_not_an_image   (const char  *path,
                                        GError     **error);

/* Deletes @path and everything below it (no symlink is followed). */
void      bw_test_remove_tree          (const char  *path);

G_END_DECLS
