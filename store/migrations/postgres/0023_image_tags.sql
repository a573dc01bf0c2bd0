-- Poster tags for lists (decision 0042). items.image_tag copies core.ImageTag of the item's first
-- Primary image, so that lists give poster URLs that browsers keep for good, reading nothing but
-- the row they read anyway. Every write of an item's images sets it; the rows already there are
-- filled in Go right after this file (migrationSteps: neither dialect hashes the same way).
ALTER TABLE items ADD COLUMN image_tag TEXT NOT NULL DEFAULT '';
