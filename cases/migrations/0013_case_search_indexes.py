"""The indexes of finding any case (cases.selectors.search): the number and the applicant's and organisation's
names by their first characters (pattern indexes, which serve LIKE 'prefix%' in any collation on PostgreSQL;
elsewhere plain indexes), the ID number and the credit code exactly; each over the rows that have one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_caseevent_seal")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=~models.Q(number=""),
                fields=["number"],
                name="case_number_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["applicant_name"], name="case_applicant_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=~models.Q(organisation_name=""),
                fields=["organisation_name"],
                name="case_organisation_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=~models.Q(applicant_id_number=""),
                fields=["applicant_id_number"],
                name="case_id_number",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=~models.Q(credit_code=""), fields=["credit_code"], name="case_credit_code"
            ),
        ),
    ]
