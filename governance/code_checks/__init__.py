"""Checks on code a team wants to publish: licenses of the third-party code in it, secrets and
internal references, repository hygiene, names. Pure: it reads an extracted tree and the
scan's per-file findings and returns a checklist; the database and the app stay outside."""
