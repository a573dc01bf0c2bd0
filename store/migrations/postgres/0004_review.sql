-- Items a scan could not match with confidence, for an admin to review.
ALTER TABLE items ADD COLUMN review TEXT NOT NULL DEFAULT '';
