-- Which picture files items still show (decision 0044): the sweep of orphaned uploads asks for
-- batches of paths, which this index answers without reading every image row. Rows with no path
-- (a provider's URL) are most of the table and are never asked for, so they stay out of it.
CREATE INDEX item_images_path ON item_images (path) WHERE path <> '';
