import type { Api } from './api';
import type { Item } from './types';

/** posterUrl is the one URL of an item's poster at a width. With the picture's tag (lists give
 * the primary image's as imageTag, an item's page each image's) the URL names that picture, and
 * the server lets the browser keep it for good: a grid's posters come from the cache on the next
 * visit, with no request each. Without a tag, "the first poster" may change when an admin picks
 * another, so the server answers no-cache and each page load revalidates it (decision 0042). */
export function posterUrl(api: Pick<Api, 'mediaUrl'>, item: Pick<Item, 'id' | 'imageTag'>, width: number, tag?: string): string {
	return api.mediaUrl(`/items/${item.id}/images/Primary/0`, { maxWidth: width, format: 'webp', quality: 80, tag: tag || item.imageTag });
}
