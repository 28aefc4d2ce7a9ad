# The prospect import is a kernel job (salesops.jobs.Job): `processed` becomes `done`.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_sales_move_to_the_sales_app"),
    ]

    operations = [
        migrations.RenameField(model_name="importbatch", old_name="processed", new_name="done"),
        migrations.AlterField(
            model_name="importbatch",
            name="done",
            field=models.PositiveIntegerField(default=0, verbose_name="done"),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="total",
            field=models.PositiveIntegerField(default=0, verbose_name="total"),
        ),
    ]
