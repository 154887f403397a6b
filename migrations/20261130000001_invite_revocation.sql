-- Issue 10: deactivating a person revokes the invite links they made and did not see used,
-- so an old link can neither let a stranger in nor bring the deactivated person back.
ALTER TABLE invites ADD COLUMN revoked_at TEXT;
