import { useApi, useAsync } from './context';
import { topTypes } from './format';
import { href } from './router';
import type { Item, ItemWithData, Library, Page } from './types';
import { Card, ErrorBox, Shelf, Spinner } from './ui';

const shelfSize = 20;

/** Home shows continue watching, next up, recently added per library, favorites and the watchlist. */
export function Home({ libraries, loading, error }: { libraries: Library[]; loading: boolean; error?: string }) {
	const api = useApi();
	const resume = useAsync(() => api.get<Page<ItemWithData>>('/users/me/resume', { limit: shelfSize }), []);
	const nextUp = useAsync(() => api.get<Page<ItemWithData>>('/users/me/nextup', { limit: shelfSize }), []);
	const favorites = useAsync(() => api.get<Page<ItemWithData>>('/users/me/favorites', { limit: shelfSize, sort: 'added', order: 'desc' }), []);
	const watchlist = useAsync(() => api.get<Page<ItemWithData>>('/users/me/watchlist', { limit: shelfSize }), []);
	const recent = useAsync(
		() =>
			Promise.all(
				libraries.map((l) =>
					api
						.get<Page<Item>>('/items', { library: l.id, type: topTypes(l.type), sort: 'added', order: 'desc', limit: shelfSize })
						.then((p) => ({ library: l, items: p.items })),
				),
			),
		[libraries],
	);
	const withData = (p?: Page<ItemWithData>) => p?.items ?? [];
	const empty =
		!loading && !resume.loading && !recent.loading &&
		withData(resume.data).length + withData(nextUp.data).length + withData(favorites.data).length + withData(watchlist.data).length === 0 &&
		(recent.data ?? []).every((r) => r.items.length === 0);
	return (
		<div class="page home">
			<h1 class="visually-hidden">Home</h1>
			{error && <ErrorBox error={error} />}
			{(loading || resume.loading) && <Spinner />}
			{withData(resume.data).length > 0 && (
				<Shelf title="Continue watching">
					{withData(resume.data).map((it) => (
						<Card key={it.id} item={it} userData={it.userData} />
					))}
				</Shelf>
			)}
			{withData(nextUp.data).length > 0 && (
				<Shelf title="Next up">
					{withData(nextUp.data).map((it) => (
						<Card key={it.id} item={it} userData={it.userData} />
					))}
				</Shelf>
			)}
			{(recent.data ?? [])
				.filter((r) => r.items.length > 0)
				.map((r) => (
					<Shelf key={r.library.id} title={`Recently added in ${r.library.name}`} more={href({ name: 'library', id: r.library.id })}>
						{r.items.map((it) => (
							<Card key={it.id} item={it} />
						))}
					</Shelf>
				))}
			{withData(favorites.data).length > 0 && (
				<Shelf title="Favorites">
					{withData(favorites.data).map((it) => (
						<Card key={it.id} item={it} userData={it.userData} />
					))}
				</Shelf>
			)}
			{withData(watchlist.data).length > 0 && (
				<Shelf title="Watchlist">
					{withData(watchlist.data).map((it) => (
						<Card key={it.id} item={it} userData={it.userData} />
					))}
				</Shelf>
			)}
			{empty && (
				<section class="empty">
					<h2>Nothing here yet</h2>
					<p>{libraries.length === 0 ? 'No library is shared with you yet. An admin adds libraries with walros library add.' : 'Your libraries are empty, or still being scanned.'}</p>
				</section>
			)}
		</div>
	);
}
