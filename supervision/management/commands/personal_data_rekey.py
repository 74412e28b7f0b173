"""Rewrite every encrypted complainant identity under the current `PERSONAL_DATA_KEY` (docs/complaints.md).

Run after a key rotation, with the old key still among `PERSONAL_DATA_RETIRED_KEYS`; once it reports nothing left
under an old key, the old key can be dropped from the settings. Each complaint is rewritten in its own
transaction, under its row lock; running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from common import crypto
from supervision.models import Complaint
from supervision.services.complaints import identity_context


class Command(BaseCommand):
    help = "Re-encrypt complainants' identities under the current PERSONAL_DATA_KEY (after a key rotation)."

    def handle(self, *args: Any, **options: Any) -> None:
        current = crypto.current_key_id()
        prefix = f"{crypto.PREFIX}.{current}."
        stale = list(
            Complaint.objects.exclude(identity_sealed="")
            .exclude(identity_sealed__startswith=prefix)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        done = 0
        for pk in stale:
            with transaction.atomic():
                complaint = Complaint.objects.select_for_update().filter(pk=pk).first()
                if complaint is None or not complaint.identity_sealed:
                    continue
                token = crypto.rekey(complaint.identity_sealed, context=identity_context(complaint))
                if token != complaint.identity_sealed:
                    Complaint.objects.filter(pk=pk).update(identity_sealed=token)
                    done += 1
        self.stdout.write(f"{done} identities re-encrypted under key {current}.")
