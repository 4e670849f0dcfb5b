/* bw-image-decoder.c — image headers and pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-image-decoder"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <turbojpeg.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bw-image-decoder.h"

/* A JPEG's header (SOF) is almost always in its first few kilobytes, but
 * APP segments (Exif thumbnails, ICC profiles, XMP) may push it further:
 * up to JPEG_HEADER_MAX is looked at (256 full APP segments), no further. */
#define PROBE_HEAD_SIZE (256 * 1024)
/* What a gdk-pixbuf loader is given at a time while probing. */
#define PROBE_CHUNK_SIZE 4096
#define JPEG_HEADER_MAX (16 * 1024 * 1024)

/* What an image file may hold besides its pixels (metadata, profiles,
 * thumbnails), and per pixel: uncompressed 16-bit RGBA is 8 bytes, so 16
 * is more than any still image needs; GIF, TIFF and WebP may hold more
 * frames or pages than the first, which is all Boxwood reads. */
#define PLAUSIBLE_OVERHEAD      (G_GUINT64_CONSTANT (16) * 1024 * 1024)
#define PLAUSIBLE_BYTES_A_PIXEL 16
#define PLAUSIBLE_BYTES_A_PIXEL_MULTI 256

/* Scans times megapixels a progressive JPEG may have (see
 * jpeg_scan_limit()), and the fewest scans any JPEG may have. */
#define JPEG_SCAN_MEGAPIXELS 2500
#define JPEG_MIN_SCAN_LIMIT  20

/* The budget when nobody set one: a quarter of the machine's memory,
 * between these two. The floor lets one image at the default pixel limit
 * decode at full size (250 megapixels: 1 GB of output, 1.5 GB of
 * coefficients for a progressive JPEG). */
#define BUDGET_MIN (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)
#define BUDGET_MAX (G_GUINT64_CONSTANT (4) * 1024 * 1024 * 1024)

/* Not TJFLAG_STOPONWARNING: many cameras write a few stray bytes before a
 * marker, which libjpeg reports as a warning and decodes perfectly; the
 * warnings that do mean damage are told apart in jpeg_warning_is_benign(). */
#define JPEG_DECODE_FLAGS (TJFLAG_LIMITSCANS)

G_DEFINE_QUARK (bw-image-error-quark, bw_image_error)

G_DEFINE_BOXED_TYPE (BwPixels, bw_pixels, bw_pixels_copy, bw_pixels_free)

static const char *
display_name (const char *name)
{
  return name != NULL ? name : _("image");
}

BwPixels *
bw_pixels_copy (const BwPixels *pixels)
{
  BwPixels *copy;

  g_return_val_if_fail (pixels != NULL, NULL);

  copy = g_new (BwPixels, 1);
  *copy = *pixels;
  copy->bytes = g_bytes_ref (pixels->bytes);
  return copy;
}

void
bw_pixels_free (BwPixels *pixels)
{
  if (pixels == NULL)
    return;
  g_clear_pointer (&pixels->bytes, g_bytes_unref);
  g_free (pixels);
}

/**
 * bw_pixels_get_data:
 * @pixels: decoded pixels
 *
 * Returns: (transfer none): the first byte of the first row
 */
const guint8 *
bw_pixels_get_data (const BwPixels *pixels)
{
  g_return_val_if_fail (pixels != NULL, NULL);
  return g_bytes_get_data (pixels->bytes, NULL);
}

/**
 * bw_pixels_dhash:
 * @pixels: decoded pixels, at any size
 *
 * Computes the 64-bit difference hash of @pixels: the image is reduced to
 * 9 × 8 grey cells (box average) and bit (row × 8 + column), counted from
 * the most significant bit, is set when a cell is darker than its right
 * neighbour. Images that look alike are a few bits apart whatever their
 * size or compression.
 *
 * Returns: the hash
 */
guint64
bw_pixels_dhash (const BwPixels *pixels)
{
  const guint8 *data;
  double grey[8][9];
  guint64 hash = 0;

  g_return_val_if_fail (pixels != NULL, 0);
  g_return_val_if_fail (pixels->width > 0 && pixels->height > 0, 0);

  data = bw_pixels_get_data (pixels);

  for (int cy = 0; cy < 8; cy++)
    {
      int y0 = (int) ((gint64) cy * pixels->height / 8);
      int y1 = (int) ((gint64) (cy + 1) * pixels->height / 8);

      if (y1 <= y0)
        y1 = MIN (y0 + 1, pixels->height);

      for (int cx = 0; cx < 9; cx++)
        {
          int x0 = (int) ((gint64) cx * pixels->width / 9);
          int x1 = (int) ((gint64) (cx + 1) * pixels->width / 9);
          guint64 sum = 0;
          guint64 n = 0;

          if (x1 <= x0)
            x1 = MIN (x0 + 1, pixels->width);

          for (int y = y0; y < y1; y++)
            {
              const guint8 *p = data + (gsize) y * pixels->stride + (gsize) x0 * 4;

              for (int x = x0; x < x1; x++, p += 4)
                sum += (guint64) p[2] * 299 + (guint64) p[1] * 587 + (guint64) p[0] * 114;
              n += (guint64) (x1 - x0);
            }

          grey[cy][cx] = n > 0 ? (double) sum / (double) n : 0.0;
        }
    }

  for (int cy = 0; cy < 8; cy++)
    for (int cx = 0; cx < 8; cx++)
      {
        hash <<= 1;
        if (grey[cy][cx] < grey[cy][cx + 1])
          hash |= 1;
      }

  return hash;
}

const char *
bw_image_format_to_string (BwImageFormat format)
{
  switch (format)
    {
    case BW_IMAGE_FORMAT_JPEG: return "jpeg";
    case BW_IMAGE_FORMAT_PNG:  return "png";
    case BW_IMAGE_FORMAT_WEBP: return "webp";
    case BW_IMAGE_FORMAT_TIFF: return "tiff";
    case BW_IMAGE_FORMAT_BMP:  return "bmp";
    case BW_IMAGE_FORMAT_GIF:  return "gif";
    case BW_IMAGE_FORMAT_UNKNOWN:
    default:
      return "unknown";
    }
}

/**
 * bw_image_sniff_format:
 * @data: the first bytes of a file
 * @size: how many
 *
 * Tells the format from the magic numbers at the start of a file.
 *
 * Returns: the format, or %BW_IMAGE_FORMAT_UNKNOWN
 */
BwImageFormat
bw_image_sniff_format (const guint8 *data,
                       gsize         size)
{
  if (data == NULL)
    return BW_IMAGE_FORMAT_UNKNOWN;

  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return BW_IMAGE_FORMAT_JPEG;
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return BW_IMAGE_FORMAT_PNG;
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return BW_IMAGE_FORMAT_WEBP;
  if (size >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return BW_IMAGE_FORMAT_TIFF;
  if (size >= 14 && data[0] == 'B' && data[1] == 'M')
    return BW_IMAGE_FORMAT_BMP;
  if (size >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return BW_IMAGE_FORMAT_GIF;

  return BW_IMAGE_FORMAT_UNKNOWN;
}

/**
 * bw_image_scaled_size:
 * @width: full width
 * @height: full height
 * @denominator: 1, 2, 4 or 8
 * @out_width: (out): the scaled width
 * @out_height: (out): the scaled height
 *
 * The size of a 1/@denominator decode: each side divided and rounded up,
 * as TurboJPEG's TJSCALED() does, for every format.
 *
 * Returns: %FALSE when @denominator is not 1, 2, 4 or 8
 */
gboolean
bw_image_scaled_size (int   width,
                      int   height,
                      guint denominator,
                      int  *out_width,
                      int  *out_height)
{
  if (denominator != 1 && denominator != 2 && denominator != 4 && denominator != 8)
    return FALSE;
  if (width <= 0 || height <= 0)
    return FALSE;

  *out_width = (int) (((gint64) width + denominator - 1) / denominator);
  *out_height = (int) (((gint64) height + denominator - 1) / denominator);
  return TRUE;
}

static void
set_unsupported_error (GError     **error,
                       const char  *name)
{
  g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED,
               _("“%s” is not an image in a format Boxwood reads (JPEG, PNG, TIFF, BMP, GIF or WebP)"),
               display_name (name));
}

static void
set_corrupt_error (GError     **error,
                   const char  *name,
                   const char  *detail)
{
  g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_CORRUPT,
               _("“%s” is damaged or truncated: %s"),
               display_name (name), detail);
}

/* The decode memory budget
 *
 * One per process, shared by every thread that decodes. Reservations are
 * served in the order they were asked for (a ticket each), so a large
 * decode is not starved by a stream of small ones. */

static GMutex  budget_mutex;
static GCond   budget_cond;
static guint64 budget_total;     /* 0: not decided yet */
static guint64 budget_in_use;
static guint64 budget_peak;
static guint   budget_waiters;
static guint64 budget_next_ticket;
static guint64 budget_serving;

static guint64
default_budget (void)
{
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);
  guint64 memory = 0;

  if (pages > 0 && page_size > 0)
    memory = (guint64) pages * (guint64) page_size;
  return CLAMP (memory / 4, BUDGET_MIN, BUDGET_MAX);
}

/* Called with budget_mutex held. */
static guint64
budget_get_total_locked (void)
{
  if (budget_total == 0)
    budget_total = default_budget ();
  return budget_total;
}

/**
 * bw_image_set_memory_budget:
 * @bytes: the most memory all decodes in this process may hold at once,
 *   or 0 for the default (a quarter of the machine's memory, between 2
 *   and 4 GiB)
 *
 * Decodes already running keep what they reserved; waiting ones are
 * measured against the new budget.
 */
void
bw_image_set_memory_budget (guint64 bytes)
{
  g_mutex_lock (&budget_mutex);
  budget_total = bytes > 0 ? bytes : default_budget ();
  g_cond_broadcast (&budget_cond);
  g_mutex_unlock (&budget_mutex);
}

/**
 * bw_image_get_memory_budget:
 *
 * Returns: the budget in bytes
 */
guint64
bw_image_get_memory_budget (void)
{
  guint64 total;

  g_mutex_lock (&budget_mutex);
  total = budget_get_total_locked ();
  g_mutex_unlock (&budget_mutex);
  return total;
}

/**
 * bw_image_get_memory_in_use:
 *
 * Returns: the bytes decodes have reserved now
 */
guint64
bw_image_get_memory_in_use (void)
{
  guint64 in_use;

  g_mutex_lock (&budget_mutex);
  in_use = budget_in_use;
  g_mutex_unlock (&budget_mutex);
  return in_use;
}

/**
 * bw_image_get_memory_peak:
 *
 * Returns: the most bytes reserved at once since the last
 *   bw_image_reset_memory_peak()
 */
guint64
bw_image_get_memory_peak (void)
{
  guint64 peak;

  g_mutex_lock (&budget_mutex);
  peak = budget_peak;
  g_mutex_unlock (&budget_mutex);
  return peak;
}

void
bw_image_reset_memory_peak (void)
{
  g_mutex_lock (&budget_mutex);
  budget_peak = budget_in_use;
  g_mutex_unlock (&budget_mutex);
}

/**
 * bw_image_get_memory_waiters:
 *
 * Returns: how many decodes are waiting for memory now
 */
guint
bw_image_get_memory_waiters (void)
{
  guint waiters;

  g_mutex_lock (&budget_mutex);
  waiters = budget_waiters;
  g_mutex_unlock (&budget_mutex);
  return waiters;
}

static void
set_over_budget_error (GError     **error,
                       const char  *name,
                       guint64      bytes,
                       guint64      total)
{
  g_autofree char *need = g_format_size (bytes);
  g_autofree char *have = g_format_size (total);

  g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
               _("“%s” needs about %s of memory to decode, more than the %s Boxwood uses "
                 "for decoding; save it with fewer pixels (or as a baseline JPEG) to use it"),
               display_name (name), need, have);
}

/**
 * bw_image_reserve_memory:
 * @bytes: what a decode is about to allocate
 * @name: (nullable): the file, for the message
 * @error: a #GError
 *
 * Takes @bytes from the process's decode budget, waiting until other
 * decodes have given back enough. Fails at once, without waiting, when
 * @bytes is more than the whole budget. Every successful call is matched
 * by bw_image_release_memory().
 *
 * Returns: %TRUE when the memory is reserved
 */
gboolean
bw_image_reserve_memory (guint64      bytes,
                         const char  *name,
                         GError     **error)
{
  gboolean waited = FALSE;
  gboolean refused = FALSE;
  guint64 ticket;

  g_mutex_lock (&budget_mutex);

  if (bytes > budget_get_total_locked ())
    {
      guint64 total = budget_total;

      g_mutex_unlock (&budget_mutex);
      set_over_budget_error (error, name, bytes, total);
      return FALSE;
    }

  ticket = budget_next_ticket++;
  for (;;)
    {
      /* the budget may have been lowered while we waited */
      if (bytes > budget_total)
        {
          refused = TRUE;
          break;
        }
      if (ticket == budget_serving && budget_in_use + bytes <= budget_total)
        break;
      if (!waited)
        {
          budget_waiters++;
          waited = TRUE;
        }
      g_cond_wait (&budget_cond, &budget_mutex);
    }

  if (waited)
    budget_waiters--;
  budget_serving++;
  if (!refused)
    {
      budget_in_use += bytes;
      budget_peak = MAX (budget_peak, budget_in_use);
    }
  /* the next in line may fit as well */
  g_cond_broadcast (&budget_cond);

  if (refused)
    {
      guint64 total = budget_total;

      g_mutex_unlock (&budget_mutex);
      set_over_budget_error (error, name, bytes, total);
      return FALSE;
    }

  g_mutex_unlock (&budget_mutex);
  return TRUE;
}

/**
 * bw_image_release_memory:
 * @bytes: what bw_image_reserve_memory() reserved
 */
void
bw_image_release_memory (guint64 bytes)
{
  if (bytes == 0)
    return;

  g_mutex_lock (&budget_mutex);
  g_assert (budget_in_use >= bytes);
  budget_in_use -= bytes;
  g_cond_broadcast (&budget_cond);
  g_mutex_unlock (&budget_mutex);
}

/**
 * bw_image_check_size:
 * @info: a probed header
 * @max_pixels: the limit in pixels, 0 for %BW_IMAGE_DEFAULT_MAX_PIXELS
 * @name: (nullable): the file, for the message
 * @error: a #GError
 *
 * Checks a header's dimensions before anything is allocated for them.
 *
 * Returns: %TRUE when an image of that size may be decoded
 */
gboolean
bw_image_check_size (const BwImageInfo  *info,
                     guint64             max_pixels,
                     const char         *name,
                     GError            **error)
{
  guint64 pixels;

  g_return_val_if_fail (info != NULL, FALSE);

  if (max_pixels == 0)
    max_pixels = BW_IMAGE_DEFAULT_MAX_PIXELS;

  if (info->width <= 0 || info->height <= 0)
    {
      set_corrupt_error (error, name, _("the header gives no size"));
      return FALSE;
    }

  pixels = (guint64) info->width * (guint64) info->height;

  /* The row stride must fit TurboJPEG's int pitch and the buffer a gsize. */
  if (pixels > max_pixels ||
      (guint64) info->width > (guint64) G_MAXINT / 4 ||
      pixels > (guint64) G_MAXSIZE / 4)
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is %d × %d pixels (%.1f megapixels), more than the limit of %g megapixels"),
                   display_name (name), info->width, info->height,
                   (double) pixels / 1e6, (double) max_pixels / 1e6);
      return FALSE;
    }

  return TRUE;
}

/* Opens a regular file no larger than BW_IMAGE_MAX_FILE_SIZE for reading.
 * Not g_mapped_file: a mapped file that another program truncates while
 * we decode it kills the process with SIGBUS, and images come from shared
 * folders; one read of a file in the page cache costs a small fraction of
 * decoding it. */
static int
open_regular_file (const char   *path,
                   const char   *name,
                   struct stat  *st,
                   GError      **error)
{
  int fd;

  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: %s"), name, g_strerror (saved_errno));
      return -1;
    }

  if (fstat (fd, st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: %s"), name, g_strerror (saved_errno));
      return -1;
    }

  if (!S_ISREG (st->st_mode))
    {
      close (fd);
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: it is not a regular file"), name);
      return -1;
    }

  if (st->st_size > BW_IMAGE_MAX_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is larger than %d GiB; Boxwood does not read files that big"),
                   name, (int) (BW_IMAGE_MAX_FILE_SIZE >> 30));
      return -1;
    }

  return fd;
}

/* Reads up to @want bytes from @offset of @fd into @buffer; fewer when the
 * file is shorter (or shrank while we read it: what is there is decoded,
 * and a decoder says when that is not a whole image). */
static gboolean
read_at (int          fd,
         guint8      *buffer,
         gsize        want,
         goffset      offset,
         gsize       *out_have,
         const char  *name,
         GError     **error)
{
  gsize have = 0;

  while (have < want)
    {
      gssize n = pread (fd, buffer + have, want - have, offset + (goffset) have);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR || saved_errno == EAGAIN)
            continue;
          g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                       _("Could not read “%s”: %s"), name, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      have += (gsize) n;
    }

  *out_have = have;
  return TRUE;
}

/* The first @want bytes of @fd, as a GBytes. */
static GBytes *
read_head (int          fd,
           gsize        want,
           const char  *name,
           GError     **error)
{
  g_autofree guint8 *buffer = g_try_malloc (MAX (want, 1));
  gsize have = 0;

  if (buffer == NULL)
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: not enough memory"), name);
      return NULL;
    }
  if (!read_at (fd, buffer, want, 0, &have, name, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buffer), have);
}

static gboolean probe_tiff_file (int           fd,
                                 const guint8 *head,
                                 gsize         head_size,
                                 const char   *name,
                                 BwImageInfo  *info,
                                 GError      **error);

/* Format and size from @data, the first @size bytes of an open file
 * (all of it when @size is the file's size); never reads more than
 * JPEG_HEADER_MAX of it. */
static gboolean
probe_head (int                fd,
            const struct stat *st,
            const guint8      *data,
            gsize              size,
            const char        *name,
            BwImageInfo       *info,
            GError           **error)
{
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GError) local_error = NULL;
  BwImageFormat format;

  memset (info, 0, sizeof *info);
  format = bw_image_sniff_format (data, size);

  switch (format)
    {
    case BW_IMAGE_FORMAT_UNKNOWN:
      if (size == 0)
        set_corrupt_error (error, name, _("the file is empty"));
      else
        set_unsupported_error (error, name);
      return FALSE;

    case BW_IMAGE_FORMAT_JPEG:
      if (bw_image_probe_data (data, size, name, info, &local_error))
        return TRUE;
      if ((gsize) st->st_size <= size || size >= JPEG_HEADER_MAX)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* The header lies beyond the first bytes: look a little further. */
      head = read_head (fd, MIN ((gsize) st->st_size, JPEG_HEADER_MAX), name, error);
      if (head == NULL)
        return FALSE;
      data = g_bytes_get_data (head, &size);
      return bw_image_probe_data (data, size, name, info, error);

    case BW_IMAGE_FORMAT_TIFF:
      /* gdk-pixbuf's TIFF loader wants the whole file, and TIFF writers
       * often put the header (the first IFD) after the pixels. */
      return probe_tiff_file (fd, data, size, name, info, error);

    case BW_IMAGE_FORMAT_PNG:
    case BW_IMAGE_FORMAT_WEBP:
    case BW_IMAGE_FORMAT_BMP:
    case BW_IMAGE_FORMAT_GIF:
    default:
      /* Their sizes are in the first bytes. */
      return bw_image_probe_data (data, size, name, info, error);
    }
}

/* probe_head() on the first PROBE_HEAD_SIZE bytes of @fd. */
static gboolean
probe_file (int                fd,
            const struct stat *st,
            const char        *name,
            BwImageInfo       *info,
            GError           **error)
{
  g_autoptr(GBytes) head = NULL;
  const guint8 *data;
  gsize size;

  head = read_head (fd, MIN ((gsize) st->st_size, PROBE_HEAD_SIZE), name, error);
  if (head == NULL)
    return FALSE;

  data = g_bytes_get_data (head, &size);
  return probe_head (fd, st, data, size, name, info, error);
}

/* Whether a file of @file_size bytes could hold an image of @info's size
 * (see PLAUSIBLE_OVERHEAD). */
static gboolean
check_plausible_file_size (const BwImageInfo  *info,
                           gint64              file_size,
                           const char         *name,
                           GError            **error)
{
  guint64 pixels = (guint64) MAX (info->width, 0) * (guint64) MAX (info->height, 0);
  guint64 per_pixel = PLAUSIBLE_BYTES_A_PIXEL;
  g_autofree char *size_text = NULL;

  if (info->format == BW_IMAGE_FORMAT_GIF || info->format == BW_IMAGE_FORMAT_TIFF ||
      info->format == BW_IMAGE_FORMAT_WEBP)
    per_pixel = PLAUSIBLE_BYTES_A_PIXEL_MULTI;

  if (pixels >= (G_MAXUINT64 - PLAUSIBLE_OVERHEAD) / per_pixel ||
      (guint64) file_size <= pixels * per_pixel + PLAUSIBLE_OVERHEAD)
    return TRUE;

  size_text = g_format_size ((guint64) file_size);
  g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
               _("“%s” is %s, far more than a %s image of %d × %d pixels needs; it was not "
                 "read (something else may be stored in it, or it is damaged)"),
               name, size_text, bw_image_format_to_string (info->format),
               info->width, info->height);
  return FALSE;
}

/* The whole file, once its header says it is an image no larger than
 * @max_pixels (0: any size) and the file is no larger than such an image
 * can be. */
static GBytes *
read_image_file (const char   *path,
                 const char   *name,
                 guint64       max_pixels,
                 BwImageInfo  *out_info,
                 GError      **error)
{
  g_autofree guint8 *buffer = NULL;
  BwImageInfo info;
  struct stat st;
  gsize have = 0;
  int fd;

  if (name == NULL)
    name = path;

  fd = open_regular_file (path, name, &st, error);
  if (fd < 0)
    return NULL;

  /* A file no larger than the probe would read is read once, whole, and
   * probed in memory, rather than read for its header and then again:
   * most images an import meets are that small. */
  if ((gsize) st.st_size <= PROBE_HEAD_SIZE)
    {
      buffer = g_malloc (MAX ((gsize) st.st_size, 1));
      if (!read_at (fd, buffer, (gsize) st.st_size, 0, &have, name, error) ||
          !probe_head (fd, &st, buffer, have, name, &info, error) ||
          (max_pixels > 0 && !bw_image_check_size (&info, max_pixels, name, error)) ||
          !check_plausible_file_size (&info, st.st_size, name, error))
        {
          close (fd);
          return NULL;
        }
      close (fd);

      if (out_info != NULL)
        *out_info = info;
      return g_bytes_new_take (g_steal_pointer (&buffer), have);
    }

  if (!probe_file (fd, &st, name, &info, error) ||
      (max_pixels > 0 && !bw_image_check_size (&info, max_pixels, name, error)) ||
      !check_plausible_file_size (&info, st.st_size, name, error))
    {
      close (fd);
      return NULL;
    }

  buffer = g_try_malloc (MAX ((gsize) st.st_size, 1));
  if (buffer == NULL)
    {
      close (fd);
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                   _("Could not read “%s”: not enough memory"), name);
      return NULL;
    }

  if (!read_at (fd, buffer, (gsize) st.st_size, 0, &have, name, error))
    {
      close (fd);
      return NULL;
    }
  close (fd);

  if (out_info != NULL)
    *out_info = info;

  return g_bytes_new_take (g_steal_pointer (&buffer), have);
}

/**
 * bw_image_read_file:
 * @path: a file name
 * @name: (nullable): how messages name the file; @path when %NULL
 * @error: a #GError
 *
 * Reads a whole image file into memory with one read, refusing anything
 * that is not a regular file (a FIFO, a device), is larger than
 * %BW_IMAGE_MAX_FILE_SIZE, does not start like an image Boxwood reads, or
 * is much larger than an image of the size its header gives: those are
 * refused after reading the first bytes only. Callers check the pixel
 * limit; bw_image_read_file_full() does it before reading.
 *
 * Returns: (transfer full): the bytes of the file
 */
GBytes *
bw_image_read_file (const char  *path,
                    const char  *name,
                    GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return read_image_file (path, name, 0, NULL, error);
}

/**
 * bw_image_read_file_full:
 * @path: a file name
 * @name: (nullable): how messages name the file; @path when %NULL
 * @max_pixels: the pixel limit, 0 for %BW_IMAGE_DEFAULT_MAX_PIXELS
 * @out_info: (out) (optional): the header, as bw_image_probe() reads it
 * @error: a #GError
 *
 * bw_image_read_file(), with the pixel limit applied to the header before
 * the rest of the file is read.
 *
 * Returns: (transfer full): the bytes of the file
 */
GBytes *
bw_image_read_file_full (const char   *path,
                         const char   *name,
                         guint64       max_pixels,
                         BwImageInfo  *out_info,
                         GError      **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return read_image_file (path, name,
                          max_pixels > 0 ? max_pixels : BW_IMAGE_DEFAULT_MAX_PIXELS,
                          out_info, error);
}

/* EXIF orientation
 *
 * Neither TurboJPEG nor gdk_pixbuf_get_file_info() report it, so this walks
 * the JPEG markers up to the first scan and reads tag 0x0112 of IFD0 in an
 * APP1 "Exif" segment. Every read is bounds-checked against the segment;
 * anything unexpected means "no orientation". */

static guint
tiff_u16 (const guint8 *p,
          gboolean      big_endian)
{
  return big_endian ? ((guint) p[0] << 8) | p[1] : ((guint) p[1] << 8) | p[0];
}

static guint32
tiff_u32 (const guint8 *p,
          gboolean      big_endian)
{
  if (big_endian)
    return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static int
tiff_orientation (const guint8 *tiff,
                  gsize         size)
{
  gboolean big_endian;
  guint32 ifd;
  guint count;

  if (size < 8)
    return 0;

  if (tiff[0] == 'I' && tiff[1] == 'I')
    big_endian = FALSE;
  else if (tiff[0] == 'M' && tiff[1] == 'M')
    big_endian = TRUE;
  else
    return 0;

  if (tiff_u16 (tiff + 2, big_endian) != 42)
    return 0;

  ifd = tiff_u32 (tiff + 4, big_endian);
  if (ifd < 8 || (gsize) ifd > size - 2)
    return 0;

  count = tiff_u16 (tiff + ifd, big_endian);
  for (guint i = 0; i < count; i++)
    {
      gsize entry = (gsize) ifd + 2 + (gsize) i * 12;

      if (entry + 12 > size)
        break;

      if (tiff_u16 (tiff + entry, big_endian) == 0x0112)
        {
          guint type = tiff_u16 (tiff + entry + 2, big_endian);
          guint value = tiff_u16 (tiff + entry + 8, big_endian);

          /* 3 = SHORT, the type the EXIF standard gives this tag */
          if (type == 3 && value >= 1 && value <= 8)
            return (int) value;
          return 0;
        }
    }

  return 0;
}

#define TIFF_MAX_ENTRIES 4096

/* Width and height from the first IFD of a TIFF file, read with one
 * pread() wherever the IFD is. The decode checks them again. */
static gboolean
probe_tiff_file (int           fd,
                 const guint8 *head,
                 gsize         head_size,
                 const char   *name,
                 BwImageInfo  *info,
                 GError      **error)
{
  g_autofree guint8 *buffer = NULL;
  const guint8 *dir;
  gsize dir_size = 0;
  gboolean big_endian;
  guint32 ifd;
  guint64 width = 0, height = 0;
  guint count;

  if (head_size < 8)
    {
      set_corrupt_error (error, name, _("no image header"));
      return FALSE;
    }

  big_endian = head[0] == 'M';
  ifd = tiff_u32 (head + 4, big_endian);

  if ((guint64) ifd + 2 <= head_size)
    {
      dir = head + ifd;
      dir_size = head_size - ifd;
    }
  else
    {
      buffer = g_malloc (2 + 12 * TIFF_MAX_ENTRIES);
      if (!read_at (fd, buffer, 2 + 12 * TIFF_MAX_ENTRIES, ifd, &dir_size, name, error))
        return FALSE;
      dir = buffer;
    }

  count = dir_size >= 2 ? tiff_u16 (dir, big_endian) : 0;
  for (guint i = 0; i < count && 2 + 12 * ((gsize) i + 1) <= dir_size; i++)
    {
      const guint8 *entry = dir + 2 + 12 * (gsize) i;
      guint tag = tiff_u16 (entry, big_endian);
      guint type = tiff_u16 (entry + 2, big_endian);
      guint64 value;

      if (type == 3)        /* SHORT */
        value = tiff_u16 (entry + 8, big_endian);
      else if (type == 4)   /* LONG */
        value = tiff_u32 (entry + 8, big_endian);
      else
        continue;

      if (tag == 256)
        width = value;
      else if (tag == 257)
        height = value;
    }

  if (width == 0 || height == 0 || width > G_MAXINT || height > G_MAXINT)
    {
      set_corrupt_error (error, name, _("no image header"));
      return FALSE;
    }

  info->format = BW_IMAGE_FORMAT_TIFF;
  info->width = (int) width;
  info->height = (int) height;
  info->orientation = 1;
  return TRUE;
}

static int
jpeg_orientation (const guint8 *data,
                  gsize         size)
{
  gsize pos = 2;  /* after SOI */

  while (pos + 4 <= size)
    {
      guint marker;
      gsize length;

      if (data[pos] != 0xFF)
        return 1;

      marker = data[pos + 1];
      if (marker == 0xFF)
        {
          pos++;  /* fill byte */
          continue;
        }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
        {
          pos += 2;  /* markers without a length */
          continue;
        }
      if (marker == 0xDA || marker == 0xD9)
        return 1;  /* the image data starts: no metadata after this */

      length = ((gsize) data[pos + 2] << 8) | data[pos + 3];
      if (length < 2 || pos + 2 + length > size)
        return 1;

      if (marker == 0xE1 && length >= 2 + 6 + 8 &&
          memcmp (data + pos + 4, "Exif\0\0", 6) == 0)
        {
          int orientation = tiff_orientation (data + pos + 10, length - 8);

          if (orientation != 0)
            return orientation;
        }

      pos += 2 + length;
    }

  return 1;
}

/* JPEG scans and the coefficient memory libjpeg needs
 *
 * Every scan of a progressive JPEG is a pass over the whole image, and a
 * small file can hold hundreds of scans that each cost as much as a full
 * decode. They are counted here, by walking the markers, before anything
 * is decoded: the file is already in memory, the walk is a memchr() over
 * it, and a file with too many scans is refused before it costs anything.
 * (The other way, libjpeg's progress monitor, stops a decode only after
 * the scans it allows were paid for, and needs the decode written against
 * the libjpeg API instead of TurboJPEG's.) Entropy-coded data cannot hold
 * 0xFF followed by anything but 0x00 or a restart marker, so an SOS marker
 * found this way is one libjpeg would read too; the walk stops where
 * libjpeg stops, at EOI.
 *
 * The same walk reads the frame header for the memory a decode needs:
 * a JPEG with more than one scan (progressive, or its components in
 * separate scans) makes libjpeg keep every DCT coefficient of the image,
 * 2 bytes each, until the last scan. */

typedef struct
{
  gboolean progressive;
  guint    n_scans;
  guint64  coefficient_bytes;  /* all of the image's coefficients */
} JpegLayout;

static void
jpeg_read_frame (const guint8 *segment,
                 gsize         length,
                 JpegLayout   *layout)
{
  guint width, height, n_components;
  guint h_max = 1, v_max = 1;
  guint64 total = 0;

  /* P, Y (2), X (2), Nf, then 3 bytes a component */
  if (length < 6)
    return;
  height = ((guint) segment[1] << 8) | segment[2];
  width = ((guint) segment[3] << 8) | segment[4];
  n_components = segment[5];
  if (length < 6 + 3 * (gsize) n_components)
    return;

  for (guint i = 0; i < n_components; i++)
    {
      guint h = segment[6 + 3 * i + 1] >> 4;
      guint v = segment[6 + 3 * i + 1] & 0x0F;

      h_max = MAX (h_max, h);
      v_max = MAX (v_max, v);
    }

  for (guint i = 0; i < n_components; i++)
    {
      guint h = MAX (segment[6 + 3 * i + 1] >> 4, 1);
      guint v = MAX (segment[6 + 3 * i + 1] & 0x0F, 1);
      /* the component's size in 8 × 8 blocks, padded to whole MCUs */
      guint64 columns = (((guint64) width * h + h_max - 1) / h_max + 7) / 8;
      guint64 rows = (((guint64) height * v + v_max - 1) / v_max + 7) / 8;

      columns = (columns + h - 1) / h * h;
      rows = (rows + v - 1) / v * v;
      total += columns * rows * 64 * 2;
    }

  layout->coefficient_bytes = total;
}

static void
jpeg_read_layout (const guint8 *data,
                  gsize         size,
                  JpegLayout   *layout)
{
  gsize pos = 2;  /* after SOI */

  memset (layout, 0, sizeof *layout);

  while (pos + 2 <= size)
    {
      guint marker;
      gsize length;

      if (data[pos] != 0xFF)
        {
          /* bytes between segments, or entropy-coded data: libjpeg looks
           * for the next marker, and so do we */
          const guint8 *next = memchr (data + pos + 1, 0xFF, size - pos - 1);

          if (next == NULL)
            return;
          pos = (gsize) (next - data);
          continue;
        }

      marker = data[pos + 1];
      if (marker == 0xFF || marker == 0x00 || marker == 0x01 ||
          (marker >= 0xD0 && marker <= 0xD8))
        {
          /* fill byte, stuffed 0xFF in scan data, or a marker with no
           * length (TEM, RSTn, SOI) */
          pos += marker == 0xFF ? 1 : 2;
          continue;
        }
      if (marker == 0xD9)  /* EOI */
        return;

      if (pos + 4 > size)
        return;
      length = ((gsize) data[pos + 2] << 8) | data[pos + 3];
      if (length < 2 || pos + 2 + length > size)
        return;

      if (marker >= 0xC0 && marker <= 0xCF &&
          marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
        {
          layout->progressive = marker == 0xC2 || marker == 0xC6 ||
                                marker == 0xCA || marker == 0xCE;
          jpeg_read_frame (data + pos + 4, length - 2, layout);
        }
      else if (marker == 0xDA)
        layout->n_scans++;

      pos += 2 + length;
    }
}

/* The most scans a JPEG of @info's size may have. Each scan costs a pass
 * over the image, so the limit is on scans × megapixels: 2,500 lets a
 * 250-megapixel image have the 10 scans of libjpeg's standard progression,
 * and a 12-megapixel photo the 64 of BW_IMAGE_MAX_JPEG_SCANS. No real
 * encoder writes more than about 20 scans (libjpeg's standard progression
 * for four components has 18), the floor. */
static guint
jpeg_scan_limit (const BwImageInfo *info)
{
  guint64 megapixels = (guint64) info->width * (guint64) info->height / 1000000;

  if (megapixels == 0)
    return BW_IMAGE_MAX_JPEG_SCANS;
  return (guint) CLAMP (JPEG_SCAN_MEGAPIXELS / megapixels,
                        JPEG_MIN_SCAN_LIMIT, BW_IMAGE_MAX_JPEG_SCANS);
}

/* gdk-pixbuf's PNG loader hands back a half-filled pixbuf without an
 * error when the file ends early, so a PNG must show its whole chunk
 * structure, from the signature to IEND, before it is decoded; libpng
 * then checks the CRCs and the compressed data inside. */
static gboolean
png_is_complete (const guint8 *data,
                 gsize         size)
{
  gsize pos = 8;

  while (pos + 12 <= size)
    {
      guint64 length = ((guint32) data[pos] << 24) | ((guint32) data[pos + 1] << 16) |
                       ((guint32) data[pos + 2] << 8) | data[pos + 3];

      if (length > size - pos - 12)
        return FALSE;
      if (memcmp (data + pos + 4, "IEND", 4) == 0)
        return TRUE;
      pos += 12 + (gsize) length;
    }

  return FALSE;
}

/* The same holds for the WebP loader; a WebP file states its length in
 * its RIFF header. */
static gboolean
webp_is_complete (const guint8 *data,
                  gsize         size)
{
  guint64 riff_size;

  if (size < 12)
    return FALSE;

  riff_size = (guint64) data[4] | ((guint64) data[5] << 8) |
              ((guint64) data[6] << 16) | ((guint64) data[7] << 24);
  return riff_size + 8 <= size;
}

/* gdk-pixbuf's BMP loader grows its buffer to the header size and the
 * pixel data offset the file states, before it reports a size: 4 bytes
 * of a 100-byte file made it allocate 3 GB (found by the fuzzer). Both
 * must be what a BMP can hold, and within the bytes there are. */
static gboolean
bmp_header_is_sane (const guint8 *data,
                    gsize         size)
{
  static const guint32 header_sizes[] = { 12, 16, 40, 52, 56, 64, 108, 124 };
  guint32 data_offset, header_size;
  gboolean known = FALSE;

  if (size < 18)
    return FALSE;

  data_offset = (guint32) data[10] | ((guint32) data[11] << 8) |
                ((guint32) data[12] << 16) | ((guint32) data[13] << 24);
  header_size = (guint32) data[14] | ((guint32) data[15] << 8) |
                ((guint32) data[16] << 16) | ((guint32) data[17] << 24);

  for (guint i = 0; i < G_N_ELEMENTS (header_sizes); i++)
    if (header_size == header_sizes[i])
      known = TRUE;

  if (!known || data_offset < 14 + header_size || data_offset > size)
    return FALSE;

  /* A Windows header names how many palette colours follow it. gdk-pixbuf
   * allocates for that many before reading one (the fuzzer's 152-byte file
   * claimed 3.8 billion: 2.4 GB). A palette has at most 256 colours, of
   * 4 bytes each, and lies between the header and the pixels. */
  if (header_size >= 40)
    {
      guint32 colors_used;

      if (size < 50)
        return FALSE;
      colors_used = (guint32) data[46] | ((guint32) data[47] << 8) |
                    ((guint32) data[48] << 16) | ((guint32) data[49] << 24);
      if (colors_used > 256 || 14 + header_size + 4 * colors_used > data_offset)
        return FALSE;
    }
  return TRUE;
}

/* gdk-pixbuf's GIF loader asks for the row stride of a frame of width 0
 * (a critical, found by the fuzzer) instead of refusing it, and clips a
 * frame that lies outside the logical screen to nothing. Every frame of a
 * GIF is looked at here first, found the way the loader finds them (bytes
 * that start no block are skipped); a walk that runs off the end is left
 * to the loader, which reports it. */
static gboolean
skip_gif_sub_blocks (const guint8 *data,
                     gsize         size,
                     gsize        *pos)
{
  while (*pos < size && data[*pos] != 0)
    *pos += (gsize) data[*pos] + 1;
  if (*pos >= size)
    return FALSE;
  (*pos)++;  /* the terminator */
  return TRUE;
}

static gboolean
gif_frames_are_sane (const guint8 *data,
                     gsize         size)
{
  gsize pos = 13;  /* signature and logical screen descriptor */
  guint screen_width, screen_height;

  if (size < 13)
    return TRUE;
  screen_width = data[6] | ((guint) data[7] << 8);
  screen_height = data[8] | ((guint) data[9] << 8);
  if (data[10] & 0x80)
    pos += (gsize) 3 << ((data[10] & 7) + 1);

  while (pos < size)
    {
      switch (data[pos])
        {
        case 0x3B:  /* trailer */
          return TRUE;

        case 0x21:  /* extension: label, then sub-blocks */
          pos += 2;
          if (!skip_gif_sub_blocks (data, size, &pos))
            return TRUE;
          break;

        case 0x2C:  /* image descriptor */
          {
            guint left, top, width, height, flags;

            if (pos + 10 > size)
              return TRUE;
            left = data[pos + 1] | ((guint) data[pos + 2] << 8);
            top = data[pos + 3] | ((guint) data[pos + 4] << 8);
            width = data[pos + 5] | ((guint) data[pos + 6] << 8);
            height = data[pos + 7] | ((guint) data[pos + 8] << 8);
            if (width == 0 || height == 0 || left >= screen_width || top >= screen_height)
              return FALSE;
            flags = data[pos + 9];
            pos += 10;
            if (flags & 0x80)
              pos += (gsize) 3 << ((flags & 7) + 1);
            pos++;  /* LZW minimum code size */
            if (!skip_gif_sub_blocks (data, size, &pos))
              return TRUE;
          }
          break;

        default:
          pos++;
          break;
        }
    }

  return TRUE;
}

/* What gdk-pixbuf's loaders must not see: headers its loaders handle
 * badly (above). */
static gboolean
check_pixbuf_input (BwImageFormat   format,
                    const guint8   *data,
                    gsize           size,
                    const char     *name,
                    GError        **error)
{
  if (format == BW_IMAGE_FORMAT_BMP && !bmp_header_is_sane (data, size))
    {
      set_corrupt_error (error, name, _("the BMP header is damaged"));
      return FALSE;
    }
  if (format == BW_IMAGE_FORMAT_GIF && !gif_frames_are_sane (data, size))
    {
      set_corrupt_error (error, name, _("a frame of the GIF has no size or lies outside the image"));
      return FALSE;
    }
  return TRUE;
}

static const char *
pixbuf_type_name (BwImageFormat format)
{
  /* gdk-pixbuf's module names */
  return bw_image_format_to_string (format);
}

/* JPEG header through TurboJPEG */
/* TurboJPEG gives every libjpeg warning the same code, and keeps the text
 * of the last one. "Extraneous bytes before marker" (JWRN_EXTRANEOUS_DATA)
 * is padding some encoders leave between segments: the pixels are whole.
 * Every other warning (premature end of file or of a segment, bad Huffman
 * code, lost resync) means pixels are missing. The texts are libjpeg's own
 * jerror.h strings, which are never translated. */
static gboolean
jpeg_warning_is_benign (const char *message)
{
  return message != NULL && strstr (message, "extraneous bytes before marker") != NULL;
}

static gboolean
probe_jpeg (tjhandle      handle,
            const guint8 *data,
            gsize         size,
            const char   *name,
            BwImageInfo  *info,
            int          *out_colorspace,
            GError      **error)
{
  int width = 0, height = 0, subsamp = 0, colorspace = 0;

  if (tjDecompressHeader3 (handle, data, (unsigned long) size,
                           &width, &height, &subsamp, &colorspace) != 0 &&
      !(tjGetErrorCode (handle) == TJERR_WARNING && jpeg_warning_is_benign (tjGetErrorStr2 (handle))))
    {
      set_corrupt_error (error, name, tjGetErrorStr2 (handle));
      return FALSE;
    }

  /* Data that ends before the frame header reads as a "tables only"
   * stream: success, and no size. */
  if (width <= 0 || height <= 0)
    {
      set_corrupt_error (error, name, _("the JPEG has no frame header"));
      return FALSE;
    }

  info->format = BW_IMAGE_FORMAT_JPEG;
  info->width = width;
  info->height = height;
  info->orientation = jpeg_orientation (data, size);

  if (out_colorspace != NULL)
    *out_colorspace = colorspace;

  return TRUE;
}

typedef struct
{
  int      width;
  int      height;
  guint64  max_pixels;  /* 0: stop at the header */
  gboolean stopped;
  gboolean track_rows;
  guint8  *rows_seen;   /* one byte a row, when tracking */

  /* When decoding: the memory reserved once the size is known */
  gboolean     reserve;
  guint        denominator;
  guint64      extra_bytes;  /* what the caller's decoder keeps besides */
  const char  *name;
  guint64      reserved;
  GError      *budget_error;
} PixbufSizeCheck;

/* What decoding an image of @width × @height through gdk-pixbuf at
 * 1/@denominator holds at its peak: the loader's pixbuf (4 bytes a pixel
 * at most, rows padded), the scaled copy and our BGRA output. */
static guint64
pixbuf_decode_bytes (int   width,
                     int   height,
                     guint denominator)
{
  guint64 full = ((guint64) width * 4 + 4) * (guint64) height;
  guint64 scaled = ((guint64) width / denominator + 1) * 4 * ((guint64) height / denominator + 1);

  return full + (denominator > 1 ? 2 * scaled : full) + 1024 * 1024;
}

/* gdk-pixbuf's BMP loader, like its PNG loader, hands back a pixbuf
 * without an error when the file ends early, and a BMP has no end marker
 * to look for. The rows the loader reports as decoded tell instead. */
static void
pixbuf_area_updated_cb (GdkPixbufLoader *loader,
                        int              x,
                        int              y,
                        int              width,
                        int              height,
                        PixbufSizeCheck *check)
{
  int y0 = CLAMP (y, 0, check->height);
  int y1 = CLAMP ((gint64) y + height, 0, check->height);

  if (check->rows_seen != NULL && y1 > y0)
    memset (check->rows_seen + y0, 1, (gsize) (y1 - y0));
}

static gboolean
pixbuf_all_rows_seen (const PixbufSizeCheck *check)
{
  if (!check->track_rows)
    return TRUE;
  if (check->rows_seen == NULL)
    return FALSE;
  for (int y = 0; y < check->height; y++)
    if (!check->rows_seen[y])
      return FALSE;
  return TRUE;
}

static void
pixbuf_size_prepared_cb (GdkPixbufLoader *loader,
                         int              width,
                         int              height,
                         PixbufSizeCheck *check)
{
  check->width = width;
  check->height = height;

  /* A size of 0 × 0 makes gdk-pixbuf stop before it allocates anything
   * (gdk_pixbuf_get_file_info() stops the same way). */
  if (check->max_pixels == 0 || width <= 0 || height <= 0 ||
      (guint64) width * (guint64) height > check->max_pixels ||
      width > G_MAXINT / 4)
    {
      check->stopped = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  /* Before the loader allocates its pixbuf; this may wait for others. */
  if (check->reserve && check->reserved == 0 && check->budget_error == NULL)
    {
      guint64 bytes = pixbuf_decode_bytes (width, height, check->denominator) +
                      check->extra_bytes;

      if (!bw_image_reserve_memory (bytes, check->name, &check->budget_error))
        {
          check->stopped = TRUE;
          gdk_pixbuf_loader_set_size (loader, 0, 0);
          return;
        }
      check->reserved = bytes;
    }

  /* bounded by the pixel limit just checked */
  if (check->track_rows && check->rows_seen == NULL)
    check->rows_seen = g_try_malloc0 ((gsize) height);
}

/* e.g. WebP, whose gdk-pixbuf loader is a package of its own */
static void
set_no_loader_error (GError        **error,
                     const char     *name,
                     BwImageFormat   format)
{
  g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED,
               _("“%s” is a %s image, but no decoder for it is installed (gdk-pixbuf has no “%s” loader)"),
               display_name (name), bw_image_format_to_string (format), pixbuf_type_name (format));
}

static GdkPixbufLoader *
new_pixbuf_loader (BwImageFormat   format,
                   const char     *name,
                   PixbufSizeCheck *check,
                   GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  GdkPixbufLoader *loader;

  loader = gdk_pixbuf_loader_new_with_type (pixbuf_type_name (format), &local_error);
  if (loader == NULL)
    {
      set_no_loader_error (error, name, format);
      return NULL;
    }

  g_signal_connect (loader, "size-prepared", G_CALLBACK (pixbuf_size_prepared_cb), check);
  if (check->track_rows)
    g_signal_connect (loader, "area-updated", G_CALLBACK (pixbuf_area_updated_cb), check);
  return loader;
}

static gboolean
probe_pixbuf_data (BwImageFormat  format,
                   const guint8  *data,
                   gsize          size,
                   const char    *name,
                   BwImageInfo   *info,
                   GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  PixbufSizeCheck check = { 0, 0, 0, FALSE, FALSE, NULL, FALSE, 1, 0, NULL, 0, NULL };

  if (!check_pixbuf_input (format, data, size, name, error))
    return FALSE;

  loader = new_pixbuf_loader (format, name, &check, error);
  if (loader == NULL)
    return FALSE;

  /* Fed a little at a time, and no more once the size is known: given
   * the whole file at once, a loader goes on through all of it (a PNG is
   * inflated whole) even though it was told to make nothing. Errors after
   * the size is known are the expected way out. */
  for (gsize offset = 0; offset < size && check.width <= 0; offset += PROBE_CHUNK_SIZE)
    if (!gdk_pixbuf_loader_write (loader, data + offset, MIN (PROBE_CHUNK_SIZE, size - offset),
                                  &local_error))
      break;
  if (local_error == NULL)
    gdk_pixbuf_loader_close (loader, check.width <= 0 ? &local_error : NULL);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  if (check.width <= 0 || check.height <= 0)
    {
      set_corrupt_error (error, name,
                         local_error != NULL ? local_error->message : _("no image header"));
      return FALSE;
    }

  info->format = format;
  info->width = check.width;
  info->height = check.height;
  info->orientation = 1;
  return TRUE;
}

/**
 * bw_image_probe_data:
 * @data: the bytes of an image file (at least up to its header)
 * @size: how many
 * @name: (nullable): the file, for messages
 * @info: (out): the header
 * @error: a #GError
 *
 * Reads format, size and (for JPEG) EXIF orientation from an image's
 * header without decoding it.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_image_probe_data (const guint8  *data,
                     gsize          size,
                     const char    *name,
                     BwImageInfo   *info,
                     GError       **error)
{
  BwImageFormat format;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);

  if (size == 0)
    {
      set_corrupt_error (error, name, _("the file is empty"));
      return FALSE;
    }

  format = bw_image_sniff_format (data, size);

  if (format == BW_IMAGE_FORMAT_JPEG)
    {
      tjhandle handle = tjInitDecompress ();
      gboolean ret;

      if (handle == NULL)
        {
          g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                       _("Could not read “%s”: %s"), display_name (name), tjGetErrorStr2 (NULL));
          return FALSE;
        }
      ret = probe_jpeg (handle, data, size, name, info, NULL, error);
      tjDestroy (handle);
      return ret;
    }

  if (format == BW_IMAGE_FORMAT_UNKNOWN)
    {
      set_unsupported_error (error, name);
      return FALSE;
    }

  return probe_pixbuf_data (format, data, size, name, info, error);
}

/**
 * bw_image_probe:
 * @path: an image file
 * @info: (out): the header
 * @error: a #GError
 *
 * Reads format, size and (for JPEG) EXIF orientation of an image file
 * without decoding it, from its first bytes: JPEG through
 * tjDecompressHeader3(), TIFF from its first IFD, the other formats
 * through a gdk-pixbuf loader stopped at the header.
 *
 * Returns: %TRUE on success
 */
gboolean
bw_image_probe (const char   *path,
                BwImageInfo  *info,
                GError      **error)
{
  struct stat st;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);

  fd = open_regular_file (path, path, &st, error);
  if (fd < 0)
    return FALSE;
  ok = probe_file (fd, &st, path, info, error);
  close (fd);
  return ok;
}

static guint8 *
alloc_pixels (int          width,
              int          height,
              const char  *name,
              gsize       *out_stride,
              GError     **error)
{
  gsize stride;
  guint8 *buffer;

  g_assert (width > 0 && height > 0);

  /* bw_image_check_size() already bounds width × height; this is the
   * last line against an overflowing product. */
  if (width > G_MAXINT / 4 || (gsize) height > G_MAXSIZE / ((gsize) width * 4))
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                   _("“%s” is too large to decode (%d × %d pixels)"),
                   display_name (name), width, height);
      return NULL;
    }

  stride = (gsize) width * 4;
  buffer = g_try_malloc (stride * (gsize) height);
  if (buffer == NULL)
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                   _("Not enough memory to decode “%s” (%d × %d pixels)"),
                   display_name (name), width, height);
      return NULL;
    }

  *out_stride = stride;
  return buffer;
}

static BwPixels *
pixels_new_take (guint8 *buffer,
                 int     width,
                 int     height,
                 gsize   stride)
{
  BwPixels *pixels = g_new (BwPixels, 1);

  pixels->width = width;
  pixels->height = height;
  pixels->stride = stride;
  pixels->bytes = g_bytes_new_take (buffer, stride * (gsize) height);
  return pixels;
}

/* What a TurboJPEG decode at 1/@denominator holds at its peak: our
 * output, the coefficients of a multi-scan JPEG, and libjpeg's row
 * buffers (a few MCU rows of the full width, in every component). */
static guint64
jpeg_decode_bytes (const BwImageInfo *info,
                   const JpegLayout  *layout,
                   int                out_width,
                   int                out_height)
{
  guint64 bytes = (guint64) out_width * 4 * (guint64) out_height;

  if (layout->progressive || layout->n_scans > 1)
    bytes += layout->coefficient_bytes;
  return bytes + (guint64) info->width * 4 * 64 + 1024 * 1024;
}

static BwPixels *
decode_jpeg_into (tjhandle           handle,
                  const guint8      *data,
                  gsize              size,
                  const char        *name,
                  int                width,
                  int                height,
                  GError           **error)
{
  g_autofree guint8 *buffer = NULL;
  gsize stride = 0;

  buffer = alloc_pixels (width, height, name, &stride, error);
  if (buffer == NULL)
    return NULL;

  /* Straight into the final buffer; a truncated file or a damaged scan
   * is an error rather than a grey remainder. */
  if (tjDecompress2 (handle, data, (unsigned long) size, buffer,
                     width, (int) stride, height, TJPF_BGRA, JPEG_DECODE_FLAGS) != 0 &&
      !(tjGetErrorCode (handle) == TJERR_WARNING && jpeg_warning_is_benign (tjGetErrorStr2 (handle))))
    {
      g_autofree char *detail = NULL;

      /* A warning (premature end of data, corrupt entropy data) is what
       * a truncated or damaged file gives; a fatal error is a broken
       * header or stream. Both mean the pixels cannot be trusted. */
      if (tjGetErrorCode (handle) == TJERR_WARNING)
        detail = g_strdup_printf (_("the image data ends early or is damaged (%s)"),
                                  tjGetErrorStr2 (handle));
      else
        detail = g_strdup (tjGetErrorStr2 (handle));
      set_corrupt_error (error, name, detail);
      return NULL;
    }

  return pixels_new_take (g_steal_pointer (&buffer), width, height, stride);
}

static BwPixels *
decode_jpeg (tjhandle           handle,
             const guint8      *data,
             gsize              size,
             const char        *name,
             const BwImageInfo *info,
             const JpegLayout  *layout,
             guint              denominator,
             GError           **error)
{
  tjscalingfactor *factors;
  int n_factors = 0;
  gboolean have_factor = FALSE;
  int width, height;
  guint64 reserved;
  BwPixels *pixels;

  factors = tjGetScalingFactors (&n_factors);
  for (int i = 0; factors != NULL && i < n_factors; i++)
    if (factors[i].num == 1 && factors[i].denom == (int) denominator)
      have_factor = TRUE;

  if (!have_factor ||
      !bw_image_scaled_size (info->width, info->height, denominator, &width, &height))
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED,
                   _("Cannot decode “%s” at 1/%u of its size"),
                   display_name (name), denominator);
      return NULL;
    }

  reserved = jpeg_decode_bytes (info, layout, width, height);
  if (!bw_image_reserve_memory (reserved, name, error))
    return NULL;
  pixels = decode_jpeg_into (handle, data, size, name, width, height, error);
  bw_image_release_memory (reserved);

  return pixels;
}

static BwPixels *
pixels_from_pixbuf (GdkPixbuf   *pixbuf,
                    const char  *name,
                    GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  const guint8 *src;
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  gsize stride = 0;

  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB ||
      (n_channels != 3 && n_channels != 4))
    {
      set_unsupported_error (error, name);
      return NULL;
    }

  buffer = alloc_pixels (width, height, name, &stride, error);
  if (buffer == NULL)
    return NULL;

  src = gdk_pixbuf_read_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = buffer + (gsize) y * stride;

      if (n_channels == 4)
        {
          for (int x = 0; x < width; x++, s += 4, d += 4)
            {
              guint a = s[3];

              d[0] = (guint8) ((s[2] * a + 127) / 255);
              d[1] = (guint8) ((s[1] * a + 127) / 255);
              d[2] = (guint8) ((s[0] * a + 127) / 255);
              d[3] = (guint8) a;
            }
        }
      else
        {
          for (int x = 0; x < width; x++, s += 3, d += 4)
            {
              d[0] = s[2];
              d[1] = s[1];
              d[2] = s[0];
              d[3] = 255;
            }
        }
    }

  return pixels_new_take (g_steal_pointer (&buffer), width, height, stride);
}

static BwPixels *
decode_pixbuf_checked (BwImageFormat    format,
                       const guint8    *data,
                       gsize            size,
                       const char      *name,
                       guint            denominator,
                       guint64          max_pixels,
                       BwImageInfo     *info,
                       PixbufSizeCheck *check,
                       GError         **error);

/* @extra_bytes: memory the caller's own decoding holds meanwhile */
static BwPixels *
decode_pixbuf (BwImageFormat  format,
               const guint8  *data,
               gsize          size,
               const char    *name,
               guint          denominator,
               guint64        max_pixels,
               guint64        extra_bytes,
               BwImageInfo   *info,
               GError       **error)
{
  PixbufSizeCheck check = { 0, 0, max_pixels, FALSE, format == BW_IMAGE_FORMAT_BMP, NULL,
                            TRUE, denominator, extra_bytes, name, 0, NULL };
  BwPixels *pixels;

  pixels = decode_pixbuf_checked (format, data, size, name, denominator, max_pixels,
                                  info, &check, error);
  bw_image_release_memory (check.reserved);
  g_clear_error (&check.budget_error);
  g_free (check.rows_seen);
  return pixels;
}

static BwPixels *
decode_pixbuf_checked (BwImageFormat    format,
                       const guint8    *data,
                       gsize            size,
                       const char      *name,
                       guint            denominator,
                       guint64          max_pixels,
                       BwImageInfo     *info,
                       PixbufSizeCheck *check,
                       GError         **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *orientation;
  int width, height;
  gboolean ok;
  gboolean complete;

  if (!check_pixbuf_input (format, data, size, name, error))
    return NULL;

  loader = new_pixbuf_loader (format, name, check, error);
  if (loader == NULL)
    return NULL;

  if ((format == BW_IMAGE_FORMAT_PNG && !png_is_complete (data, size)) ||
      (format == BW_IMAGE_FORMAT_WEBP && !webp_is_complete (data, size)))
    {
      BwImageInfo header;

      /* the size limit still comes first in the message; the loader is
       * closed either way (gdk-pixbuf warns about one that is not) */
      gdk_pixbuf_loader_close (loader, NULL);
      if (probe_pixbuf_data (format, data, size, name, &header, NULL) &&
          !bw_image_check_size (&header, max_pixels, name, error))
        return NULL;
      set_corrupt_error (error, name, _("the file ends before the image data does"));
      return NULL;
    }

  ok = gdk_pixbuf_loader_write (loader, data, size, &local_error);
  if (ok)
    ok = gdk_pixbuf_loader_close (loader, &local_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  complete = pixbuf_all_rows_seen (check);

  info->format = format;
  info->width = check->width;
  info->height = check->height;
  info->orientation = 1;

  if (check->stopped)
    {
      if (check->budget_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&check->budget_error));
          return NULL;
        }
      if (!bw_image_check_size (info, max_pixels, name, error))
        return NULL;
      set_corrupt_error (error, name, _("no image header"));
      return NULL;
    }

  if (!ok || gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      set_corrupt_error (error, name,
                         local_error != NULL ? local_error->message : _("no image data"));
      return NULL;
    }

  if (!complete)
    {
      set_corrupt_error (error, name, _("the file ends before the image data does"));
      return NULL;
    }

  pixbuf = g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
  info->width = gdk_pixbuf_get_width (pixbuf);
  info->height = gdk_pixbuf_get_height (pixbuf);

  orientation = gdk_pixbuf_get_option (pixbuf, "orientation");
  if (orientation != NULL)
    {
      gint64 value = g_ascii_strtoll (orientation, NULL, 10);

      if (value >= 1 && value <= 8)
        info->orientation = (int) value;
    }

  if (!bw_image_scaled_size (info->width, info->height, denominator, &width, &height))
    {
      g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_UNSUPPORTED,
                   _("Cannot decode “%s” at 1/%u of its size"),
                   display_name (name), denominator);
      return NULL;
    }

  if (denominator > 1)
    {
      GdkPixbuf *scaled = gdk_pixbuf_scale_simple (pixbuf, width, height, GDK_INTERP_BILINEAR);

      if (scaled == NULL)
        {
          g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                       _("Not enough memory to decode “%s” (%d × %d pixels)"),
                       display_name (name), width, height);
          return NULL;
        }
      g_object_unref (pixbuf);
      pixbuf = scaled;
    }

  return pixels_from_pixbuf (pixbuf, name, error);
}

/**
 * bw_image_decode_data:
 * @data: the bytes of an image file
 * @size: how many
 * @name: (nullable): the file, for messages
 * @denominator: 1 for full size, or 2, 4, 8 for a scaled decode
 * @max_pixels: the pixel limit, 0 for %BW_IMAGE_DEFAULT_MAX_PIXELS
 * @out_info: (out) (optional): the header of the full image
 * @error: a #GError
 *
 * Decodes an image held in memory into premultiplied BGRA. A scaled
 * decode is (width + d - 1) / d × (height + d - 1) / d for every format;
 * JPEG decodes at that size directly, the others are decoded in full and
 * then scaled. The pixel limit applies to the full size and is checked
 * from the header before any pixel memory is allocated, and so is the
 * scan count of a JPEG. The memory the decode needs is reserved from the
 * process's budget first (see bw_image_reserve_memory()): this may wait
 * for other decodes to finish.
 *
 * Returns: (transfer full): the pixels, or %NULL with @error set
 */
BwPixels *
bw_image_decode_data (const guint8  *data,
                      gsize          size,
                      const char    *name,
                      guint          denominator,
                      guint64        max_pixels,
                      BwImageInfo   *out_info,
                      GError       **error)
{
  BwImageInfo info = { 0, };
  BwImageFormat format;
  BwPixels *pixels = NULL;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (max_pixels == 0)
    max_pixels = BW_IMAGE_DEFAULT_MAX_PIXELS;

  if (size == 0)
    {
      set_corrupt_error (error, name, _("the file is empty"));
      return NULL;
    }

  format = bw_image_sniff_format (data, size);

  if (format == BW_IMAGE_FORMAT_JPEG)
    {
      tjhandle handle = tjInitDecompress ();
      int colorspace = TJCS_RGB;

      if (handle == NULL)
        {
          g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_IO,
                       _("Could not read “%s”: %s"), display_name (name), tjGetErrorStr2 (NULL));
          return NULL;
        }

      if (probe_jpeg (handle, data, size, name, &info, &colorspace, error) &&
          bw_image_check_size (&info, max_pixels, name, error))
        {
          JpegLayout layout;

          jpeg_read_layout (data, size, &layout);

          if (layout.n_scans > jpeg_scan_limit (&info))
            g_set_error (error, BW_IMAGE_ERROR, BW_IMAGE_ERROR_TOO_LARGE,
                         _("“%s” is a JPEG in %u scans, more than the %u Boxwood decodes for "
                           "an image of %d × %d pixels (each scan costs a pass over the whole "
                           "image); save it again as an ordinary JPEG to use it"),
                         display_name (name), layout.n_scans, jpeg_scan_limit (&info),
                         info.width, info.height);
          /* TurboJPEG cannot turn CMYK into RGB; gdk-pixbuf's JPEG
           * loader can (print workflows still make such files). */
          else if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK)
            {
              int orientation = info.orientation;
              guint64 coefficients = layout.progressive || layout.n_scans > 1
                                     ? layout.coefficient_bytes : 0;

              pixels = decode_pixbuf (format, data, size, name, denominator,
                                      max_pixels, coefficients, &info, error);
              info.orientation = orientation;
            }
          else
            pixels = decode_jpeg (handle, data, size, name, &info, &layout, denominator, error);
        }

      tjDestroy (handle);
    }
  else if (format == BW_IMAGE_FORMAT_UNKNOWN)
    set_unsupported_error (error, name);
  else
    pixels = decode_pixbuf (format, data, size, name, denominator, max_pixels, 0, &info, error);

  if (pixels != NULL && out_info != NULL)
    *out_info = info;

  return pixels;
}

/**
 * bw_image_decode:
 * @path: an image file
 * @denominator: 1 for full size, or 2, 4, 8 for a scaled decode
 * @max_pixels: the pixel limit, 0 for %BW_IMAGE_DEFAULT_MAX_PIXELS
 * @out_info: (out) (optional): the header of the full image
 * @error: a #GError
 *
 * Reads @path with one read, once its header is known to be within
 * @max_pixels (see bw_image_read_file_full()), and decodes it; see
 * bw_image_decode_data().
 *
 * Returns: (transfer full): the pixels, or %NULL with @error set
 */
BwPixels *
bw_image_decode (const char   *path,
                 guint         denominator,
                 guint64       max_pixels,
                 BwImageInfo  *out_info,
                 GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = read_image_file (path, NULL,
                           max_pixels > 0 ? max_pixels : BW_IMAGE_DEFAULT_MAX_PIXELS,
                           NULL, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  return bw_image_decode_data (data, size, path, denominator, max_pixels, out_info, error);
}
