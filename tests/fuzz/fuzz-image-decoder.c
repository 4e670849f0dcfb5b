/* fuzz-image-decoder.c — probing and decoding any bytes as an image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JPEG (TurboJPEG, the marker walk, the EXIF reader), PNG, GIF, BMP, TIFF
 * and WebP through the decoder's own entry points: the header probe, then
 * a decode at full size or at 1/8 (the last byte chooses). Small limits
 * keep a run fast: 4 megapixels and a 256 MiB memory budget.
 */

#include "config.h"

#include "bw-image-decoder.h"
#include "bw-fuzz.h"

#define MAX_PIXELS (4 * 1000 * 1000)

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BwPixels) pixels = NULL;
  BwImageInfo info, decoded;
  guint denominator;

  bw_fuzz_init ();
  bw_image_set_memory_budget (256 * 1024 * 1024);

  if (bw_image_probe_data (data, size, "fuzz", &info, &error))
    {
      g_assert_cmpint (info.width, >, 0);
      g_assert_cmpint (info.height, >, 0);
      g_assert_cmpint (info.orientation, >=, 1);
      g_assert_cmpint (info.orientation, <=, 8);
    }
  g_clear_error (&error);

  denominator = size > 0 && (data[size - 1] & 1) ? 8 : 1;
  pixels = bw_image_decode_data (data, size, "fuzz", denominator, MAX_PIXELS, &decoded, &error);
  if (pixels != NULL)
    {
      const guint8 *p = bw_pixels_get_data (pixels);
      guint sum = 0;

      g_assert_cmpint (pixels->width, >, 0);
      g_assert_cmpint (pixels->height, >, 0);
      g_assert_cmpuint (pixels->stride, >=, (gsize) pixels->width * 4);
      g_assert_cmpuint (g_bytes_get_size (pixels->bytes), >=,
                        pixels->stride * (gsize) pixels->height);
      /* touch the last pixel, and the first: ASan checks the bounds */
      sum += p[0] + p[pixels->stride * (gsize) (pixels->height - 1) + (gsize) pixels->width * 4 - 1];
      (void) sum;
      (void) bw_pixels_dhash (pixels);
    }
  else
    g_assert_nonnull (error);
  g_assert_cmpuint (bw_image_get_memory_in_use (), ==, 0);

  return 0;
}
