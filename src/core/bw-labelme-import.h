/* bw-labelme-import.h — labelme JSON import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bw-import-util.h"
#include "bw-project.h"

G_BEGIN_DECLS

gboolean bw_labelme_import (BwProject                 *project,
                            GFile * const             *paths,
                            guint                      n_paths,
                            BwAnnotationImportResult  *result,
                            GCancellable              *cancellable,
                            GError                   **error);

G_END_DECLS
