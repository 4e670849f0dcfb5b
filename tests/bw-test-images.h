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

/* A progressive JPEG of a flat grey @width × @height whose last scan is
 * repeated until it has @n_scans scans (≥ 10): every scan is a pass over
 * the whole image for libjpeg, in a file of a few bytes a scan. With
 * @comment_markers > 0 it also holds a comment segment of that many
 * FF DA pairs, which are not scans. */
GBytes   *bw_test_jpeg_with_scans_new  (int          width,
                                        int          height,
                                        guint        n_scans,
                                        guint        comment_markers);
/* A PNG of @width × @height, 16-bit RGBA, every pixel 0: written as a
 * stream, so it costs a few kilobytes of memory to make, and its file is
 * about a thousand times smaller than its pixels. */
gboolean  bw_test_write_png_bomb       (const char  *path,
                                        int          width,
                                        int          height,
                                        GError     **error);
/* A sparse file of @size bytes that starts with @head (may be NULL). */
gboolean  bw_test_write_sparse_file    (const char   *path,
                                        const guint8 *head,
                                        gsize         head_size,
                                        goffset       size,
                                        GError      **error);
/* The peak resident memory of this process since the last call, in bytes,
 * or -1 when the kernel cannot reset the peak (/proc/self/clear_refs). The
 * first call starts the measure and returns 0. */
gint64    bw_test_peak_rss_since_last  (void);

/* Deletes @path and everything below it (no symlink is followed). */
void      bw_test_remove_tree          (const char  *path);

G_END_DECLS
