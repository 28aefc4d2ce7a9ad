# Scoring runs and sales imports are kernel jobs (salesops.jobs.Job): the scoring run's
# `months_done`/`months_total` become `done`/`total`; a sales import gains status and counters,
# filled for the imports already made (they are done: every line was checked and written).

from django.db import migrations, models
from django.db.models import F


def fill_imports(apps, schema_editor):
    SalesImport = apps.get_model("sales", "SalesImport")
    lines = F("created") + F("updated") + F("unchanged")
    SalesImport.objects.update(status="done", done=lines, total=lines, finished_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="scoringrun", old_name="months_done", new_name="done"),
        migrations.RenameField(model_name="scoringrun", old_name="months_total", new_name="total"),
        migrations.AlterField(
            model_name="scoringrun",
            name="done",
            field=models.PositiveIntegerField(default=0, verbose_name="done"),
        ),
        migrations.AlterField(
            model_name="scoringrun",
            name="total",
            field=models.PositiveIntegerField(default=0, verbose_name="total"),
        ),
        migrations.AlterField(
            model_name="scoringrun",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
        ),
        migrations.AddField(
            model_name="salesimport",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="salesimport",
            name="done",
            field=models.PositiveIntegerField(default=0, verbose_name="done"),
        ),
        migrations.AddField(
            model_name="salesimport",
            name="total",
            field=models.PositiveIntegerField(default=0, verbose_name="total"),
        ),
        migrations.AddField(
            model_name="salesimport",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
        ),
        migrations.RunPython(fill_imports, migrations.RunPython.noop),
    ]
