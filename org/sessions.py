"""Staff sessions, kept in the database as Django's `db` engine keeps them (`SESSION_ENGINE = "org.sessions"`),
in `org.StaffSession`: Django's session table with the key of the user signed in.

Every signed-in request reads its session, then its user. The ORM builds `Session.objects.get(session_key=...,
expire_date__gt=now)` anew on each request, about twice the database's own work for a one-row read by key
(measured on the workbench: 0.62 ms against 0.22 ms for the same statement written out), and the user was a
second statement, and the user's role grants a third. Here one statement, written out once per process, reads
the live session with its user, the user's staff profile and its centre (`signed_in`), and the user's grants
(kept on the user as `org.access` keeps them); `org.auth` takes that user instead of reading it again when it is
the one the session names. Everything else — saving, rotating the key on sign-in, flushing on sign-out,
clearing expired sessions (`clearsessions`) — is Django's engine unchanged; saving also stores the user's key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from common import sql


@lru_cache(maxsize=8)
def _statement(vendor: str) -> tuple[str, sql.Layout]:
    """The live session by its key, with its user, their staff profile and its centre (all outer-joined), and
    the user's grants, the centres they reach and the windows of their posts (`org.access.grant_ctes`) in one
    last column: each row as `centre:window:role` (an empty part for none, `~` for a reached centre's missing
    role), the rows joined by commas. The parameters: the session's key and the moment, twice."""
    from .access import grant_ctes
    from .auth import user_columns
    from .models import StaffSession

    q = connection.ops.quote_name
    user_model = get_user_model()
    session_table = q(StaffSession._meta.db_table)
    live = f"t.{q('session_key')} = %s AND t.{q('expire_date')} > %s"
    ctes, grant_rows = grant_ctes("(SELECT k FROM signed)")
    row = "COALESCE(CAST(c AS TEXT), '') || ':' || COALESCE(CAST(w AS TEXT), '') || ':' || COALESCE(r, '~')"
    joined = f"string_agg({row}, ',')" if vendor == "postgresql" else f"group_concat({row}, ',')"
    users, joins, user_layout = user_columns()
    columns, layout = sql.joined_columns([("t", StaffSession)])
    statement = (
        f"WITH RECURSIVE signed(k) AS (SELECT t.{q('user_key')} FROM {session_table} t WHERE {live}), "  # noqa: S608 - names from the models
        f"{ctes}, grant_rows(c, w, r) AS ({grant_rows}) "
        f"SELECT {', '.join(columns + users)}, (SELECT {joined} FROM grant_rows) FROM {session_table} t "
        f"LEFT OUTER JOIN {q(user_model._meta.db_table)} u "
        f"ON u.{q(str(user_model._meta.pk.column))} = t.{q('user_key')} {joins} WHERE {live}"
    )
    return statement, layout + user_layout


def _grant_rows(joined: str | None) -> list[tuple[int | None, int | None, str | None]]:
    """The rows of the statement's last column (`_statement`)."""
    rows = []
    for part in (joined or "").split(","):
        if part:
            center, window, role = part.split(":")
            rows.append(
                (
                    int(center) if center else None,
                    int(window) if window else None,
                    None if role == "~" else role,
                )
            )
    return rows


class SessionStore(DatabaseSessionStore):
    # The user read with the session (with profile and centre), None when the row names none or was not read.
    signed_in: Any = None

    @classmethod
    def get_model_class(cls) -> Any:
        from .models import StaffSession

        return StaffSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        """Django's row, with the key of the user the data names (none, or not a key: no user)."""
        session: Any = super().create_model_instance(data)
        try:
            key = get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
        except ValidationError:
            key = None
        session.user_key = key if isinstance(key, int) else None
        return session

    def _get_session_from_db(self) -> Any:
        """The session's row while it has not expired (the same condition as Django's engine), with its user
        kept in `signed_in`; None, and no key, otherwise."""
        from .access import keep_grants
        from .auth import assembled_user

        statement, layout = _statement(connection.vendor)
        now = sql.adapt(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(statement, [self.session_key, now, self.session_key, now])
            row = cursor.fetchone()
        self.signed_in = None
        if row is None:
            self._session_key = None
            return None
        session, user, profile, center = sql.joined_instances(layout, row[:-1])
        if user.pk is not None:
            self.signed_in = assembled_user(user, profile, center)
            keep_grants(self.signed_in, _grant_rows(row[-1]))
        return session
