"""Submissions scored before ad-linkage reported coverage and the predicted-cluster counts for
the whole file in every split keep per-split figures in their public and private scores, from
which a one-ad file could tell a Public ad from a Private one. Replace them with the whole-file
figures (their ``all`` scores); primary scores and standings are unaffected (none of these is a
ranking metric)."""

from django.db import migrations

FILE_FIGURES = ("coverage", "n_predicted_clusters", "largest_predicted_cluster")


def whole_file_counts(apps, schema_editor) -> None:
    Submission = apps.get_model("competitions", "Submission")
    scored = (
        Submission.objects.filter(phase__challenge__task="ad-linkage")
        .exclude(all_scores={})
        .only("id", "all_scores", "public_scores", "private_scores")
    )
    for submission in scored.iterator(chunk_size=1000):
        whole = submission.all_scores or {}
        changed = False
        for field in ("public_scores", "private_scores"):
            scores = dict(getattr(submission, field) or {})
            for name in FILE_FIGURES:
                if name in scores and name in whole and scores[name] != whole[name]:
                    scores[name] = whole[name]
                    changed = True
            setattr(submission, field, scores)
        if changed:
            submission.save(update_fields=["public_scores", "private_scores"])


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0010_announcements_template_jobs"),
    ]

    operations = [migrations.RunPython(whole_file_counts, migrations.RunPython.noop)]
