/* bw-questions-window.c — the lead's queue of questions on ambiguous cases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists the open questions (and with Show Answered the answered ones; a
 * question answered here stays listed, to be promoted), oldest first, each with its image, the shape asked about, who asked and
 * the question. Open shows the image at the shape in the project window;
 * Answer saves the answer typed in the row, which the asker then sees at
 * the shape; Make Example / Make Counter-Example promote an answered
 * question's shape to an example of its category for everyone.
 */

#define G_LOG_DOMAIN "bw-questions-window"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "bw-questions-window.h"
#include "bw-dialog-util.h"

struct _BwQuestionsWindow
{
  AdwWindow        parent_instance;

  BwProject       *project;
  gint64           person_id;

  AdwToastOverlay *toast_overlay;
  GtkToggleButton *answered_toggle;
  GtkStack        *stack;
  GtkListBox      *list;
  GHashTable      *answered_here;   /* gint64* set: answered in this window,
                                     * listed until it closes (to promote) */
};

G_DEFINE_FINAL_TYPE (BwQuestionsWindow, bw_questions_window, ADW_TYPE_WINDOW)

enum {
  OPEN_QUESTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (BwQuestionsWindow *self,
       const char        *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 4);
  bw_toast_overlay_add (self->toast_overlay, t);
}

static gint64
row_question (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);
  gint64 *id = row != NULL ? g_object_get_data (G_OBJECT (row), "question-id") : NULL;

  return id != NULL ? *id : 0;
}

static void
open_clicked_cb (GtkButton         *button,
                 BwQuestionsWindow *self)
{
  gint64 id = row_question (GTK_WIDGET (button));

  if (id > 0)
    g_signal_emit (self, signals[OPEN_QUESTION], 0, id);
}

static void
answer_clicked_cb (GtkButton         *button,
                   BwQuestionsWindow *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  GtkEditable *entry = g_object_get_data (G_OBJECT (row), "answer-entry");
  g_autoptr(GError) error = NULL;
  gint64 id = row_question (GTK_WIDGET (button));

  if (id <= 0 || entry == NULL)
    return;
  /* Listed still when the project's "questions-changed" lists them again. */
  g_hash_table_add (self->answered_here, g_memdup2 (&id, sizeof id));
  if (!bw_project_answer_question (self->project, id, self->person_id, gtk_editable_get_text (entry), &error))
    {
      toast (self, error->message);
      return;
    }
  toast (self, _("Answered: the asker sees the answer at the shape."));
  /* The project's "questions-changed" lists the questions again. */
}

static void
promote (GtkButton         *button,
         BwQuestionsWindow *self,
         gboolean           positive)
{
  g_autoptr(GError) error = NULL;
  gint64 id = row_question (GTK_WIDGET (button));

  if (id <= 0)
    return;
  if (!bw_project_promote_question (self->project, id, self->person_id, positive, NULL, &error))
    {
      toast (self, error->message);
      return;
    }
  toast (self, positive ? _("The shape is now an example of its category for everyone.")
                        : _("The shape is now a counter-example of its category for everyone."));
}

static void
promote_clicked_cb (GtkButton         *button,
                    BwQuestionsWindow *self)
{
  promote (button, self, TRUE);
}

static void
promote_negative_clicked_cb (GtkButton         *button,
                             BwQuestionsWindow *self)
{
  promote (button, self, FALSE);
}

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
make_button (BwQuestionsWindow *self,
             const char        *label,
             const char        *tooltip,
             GCallback          callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_tooltip_text (button, tooltip);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static GtkWidget *
make_row (BwQuestionsWindow *self,
          const BwQuestion  *q)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *button;
  g_autofree char *title = NULL;
  g_autofree char *asked = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (q->asked_at / G_USEC_PER_SEC);
  g_autofree char *time_text = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("");
  g_autofree char *name = g_path_get_basename (q->image_path);

  if (q->annotation_id > 0)
    {
      g_autoptr(BwCategory) category = bw_project_get_category (self->project, q->category_id, NULL);

      /* TRANSLATORS: a question's image, and the shape asked about: its category and number */
      title = g_strdup_printf (_("%s — %s #%" PRId64), name, category != NULL ? category->name : "?",
                               q->annotation_id);
    }
  else
    /* TRANSLATORS: a question about a whole image */
    title = g_strdup_printf (_("%s — the whole image"), name);
  /* TRANSLATORS: who asked, and when */
  asked = g_strdup_printf (_("%s asked on %s:"), q->asker != NULL ? q->asker : _("Someone"), time_text);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_box_append (GTK_BOX (box), make_label (title, "heading"));
  gtk_box_append (GTK_BOX (box), make_label (asked, "dim-label"));
  gtk_box_append (GTK_BOX (box), make_label (q->text, NULL));

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Answer"));
  if (q->answer != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), q->answer);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Answer"), -1);
  g_signal_connect_object (entry, "activate", G_CALLBACK (answer_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (box), entry);
  g_object_set_data (G_OBJECT (row), "answer-entry", entry);

  button = make_button (self, _("_Open"), _("Show the image at the shape in the project window"),
                        G_CALLBACK (open_clicked_cb));
  gtk_box_append (GTK_BOX (buttons), button);
  button = make_button (self, q->answer != NULL ? _("_Change Answer") : _("_Answer"),
                        _("Save the answer; the asker sees it at the shape"),
                        G_CALLBACK (answer_clicked_cb));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), button);
  if (q->annotation_id > 0 && q->example_id == 0)
    {
      button = make_button (self, _("Make _Example"),
                            _("Pin the shape as an example of its category for everyone, with the answer as its note"),
                            G_CALLBACK (promote_clicked_cb));
      gtk_widget_set_sensitive (button, q->answer != NULL);
      gtk_box_append (GTK_BOX (buttons), button);
      button = make_button (self, _("Make _Counter-Example"),
                            _("Pin the shape as an example of what its category is not"),
                            G_CALLBACK (promote_negative_clicked_cb));
      gtk_widget_set_sensitive (button, q->answer != NULL);
      gtk_box_append (GTK_BOX (buttons), button);
    }
  else if (q->example_id > 0)
    gtk_box_append (GTK_BOX (buttons), make_label (_("A guideline example"), "dim-label"));
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "question-id", g_memdup2 (&q->id, sizeof q->id), g_free);
  return row;
}

/**
 * bw_questions_window_reload:
 *
 * Lists the questions again, as the store has them.
 */
void
bw_questions_window_reload (BwQuestionsWindow *self)
{
  g_autoptr(GPtrArray) questions = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  guint n = 0;

  g_return_if_fail (BW_IS_QUESTIONS_WINDOW (self));

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, 0))) != NULL)
    gtk_list_box_remove (self->list, child);

  questions = bw_project_list_questions (self->project, FALSE, 0, &error);
  if (questions == NULL)
    {
      toast (self, error->message);
      return;
    }
  for (guint i = 0; i < questions->len; i++)
    {
      const BwQuestion *q = questions->pdata[i];

      if (q->answer == NULL || gtk_toggle_button_get_active (self->answered_toggle) ||
          g_hash_table_contains (self->answered_here, &q->id))
        {
          gtk_list_box_append (self->list, make_row (self, q));
          n++;
        }
    }
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");

  /* The keyboard starts in the first answer. */
  if (n > 0)
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->list, 0);

      gtk_widget_grab_focus (g_object_get_data (G_OBJECT (first), "answer-entry"));
    }
}

guint
bw_questions_window_get_n_rows (BwQuestionsWindow *self)
{
  guint n = 0;

  g_return_val_if_fail (BW_IS_QUESTIONS_WINDOW (self), 0);

  while (gtk_list_box_get_row_at_index (self->list, n) != NULL)
    n++;
  return n;
}

static void
project_changed_cb (BwQuestionsWindow *self)
{
  bw_questions_window_reload (self);
}

static void
changed_externally_cb (BwQuestionsWindow      *self,
                       const BwProjectChanges *changes)
{
  if (changes->work_changed)
    bw_questions_window_reload (self);
}

static void
bw_questions_window_dispose (GObject *object)
{
  BwQuestionsWindow *self = BW_QUESTIONS_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BW_TYPE_QUESTIONS_WINDOW);
  g_clear_object (&self->project);
  g_clear_pointer (&self->answered_here, g_hash_table_unref);

  G_OBJECT_CLASS (bw_questions_window_parent_class)->dispose (object);
}

static void
bw_questions_window_class_init (BwQuestionsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bw_questions_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/bw-questions-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BwQuestionsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BwQuestionsWindow, answered_toggle);
  gtk_widget_class_bind_template_child (widget_class, BwQuestionsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BwQuestionsWindow, list);
  gtk_widget_class_bind_template_callback (widget_class, bw_questions_window_reload);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  signals[OPEN_QUESTION] =
    g_signal_new ("open-question", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
bw_questions_window_init (BwQuestionsWindow *self)
{
  self->answered_here = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

BwQuestionsWindow *
bw_questions_window_new (BwProject *project,
                         gint64     person_id)
{
  BwQuestionsWindow *self;

  g_return_val_if_fail (BW_IS_PROJECT (project), NULL);

  self = g_object_new (BW_TYPE_QUESTIONS_WINDOW, NULL);
  self->project = g_object_ref (project);
  self->person_id = person_id;
  g_signal_connect_object (project, "questions-changed", G_CALLBACK (project_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "changed-externally", G_CALLBACK (changed_externally_cb), self,
                           G_CONNECT_SWAPPED);
  bw_questions_window_reload (self);
  return self;
}
