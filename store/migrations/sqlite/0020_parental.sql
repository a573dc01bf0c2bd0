-- Parental controls: each user's rules, and each item's effective rating level (its own or its
-- ancestors', the highest) and the folded tags and genres of the item and its ancestors
-- ("|horror|gore|"). parental_tags is NULL until computed: the server fills it at start for items
-- stored before this migration (a rating is parsed in Go, not in SQL).
ALTER TABLE users ADD COLUMN parental TEXT NOT NULL DEFAULT '{}';
ALTER TABLE items ADD COLUMN parental_level INTEGER;
ALTER TABLE items ADD COLUMN parental_tags TEXT;
CREATE INDEX items_parental_pending ON items (parent_id) WHERE parental_tags IS NULL;
