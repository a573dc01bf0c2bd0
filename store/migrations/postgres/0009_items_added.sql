-- "Latest" lists (newest first, per library) walk this index and stop after a page, instead of
-- sorting every item of the library.
CREATE INDEX items_library_added ON items (library_id, created_at);
