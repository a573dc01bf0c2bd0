// #/person/NAME: a person's picture, parts and filmography (GET /people/{name}, /items?person=).
import { useState } from 'preact/hooks';
import { useApi, useAsync } from './context';
import type { Item, Page } from './types';
import { Card, ErrorBox, Spinner } from './ui';
import type { Person } from './wire';

export function PersonPage({ name }: { name: string }) {
	const api = useApi();
	const path = `/people/${encodeURIComponent(name)}`;
	const person = useAsync(() => api.get<Person>(path), [name]);
	const items = useAsync(() => api.get<Page<Item>>('/items', { person: name, type: 'movie,series,episode,video,album', sort: 'year', order: 'desc', limit: 200 }), [name]);
	const [noImage, setNoImage] = useState(false);
	if (person.error) return <ErrorBox error={person.error} />;
	const p = person.data;
	if (!p) return <Spinner />;
	return (
		<article class="page person">
			<div class="details-head">
				<div class="details-poster">
					{p.hasImage && !noImage ? (
						<img class="poster" src={api.mediaUrl(`${path}/image`, { maxWidth: 400, format: 'webp', quality: 80 })} alt={p.name} onError={() => setNoImage(true)} />
					) : (
						<div class="poster poster-empty" aria-hidden="true">
							<span>{p.name.slice(0, 1).toUpperCase()}</span>
						</div>
					)}
				</div>
				<div class="details-text">
					<h1>{p.name}</h1>
					<p class="facts">
						<span>{p.kinds.join(', ')}</span>
						<span>{p.itemCount === 1 ? '1 title' : `${p.itemCount} titles`}</span>
					</p>
				</div>
			</div>
			<section aria-labelledby="filmography-h">
				<h2 id="filmography-h">Filmography</h2>
				{items.error && <ErrorBox error={items.error} />}
				{!items.data && !items.error && <Spinner />}
				<div class="episodes" role="list" aria-label="Filmography">
					{(items.data?.items ?? []).map((it) => (
						<div role="listitem" key={it.id}>
							<Card item={it} />
						</div>
					))}
				</div>
			</section>
		</article>
	);
}

/** CollectionPage is #/collection/NAME: the movies of a box set, oldest first. */
export function CollectionPage({ name }: { name: string }) {
	const api = useApi();
	const items = useAsync(() => api.get<Page<Item>>('/items', { collection: name, sort: 'year', limit: 500 }), [name]);
	return (
		<section class="page collection">
			<h1>{name}</h1>
			{items.error && <ErrorBox error={items.error} />}
			{!items.data && !items.error && <Spinner />}
			{items.data && items.data.items.length === 0 && <p class="empty">Nothing in this collection that you can see.</p>}
			<div class="episodes" role="list" aria-label="Movies">
				{(items.data?.items ?? []).map((it) => (
					<div role="listitem" key={it.id}>
						<Card item={it} />
					</div>
				))}
			</div>
		</section>
	);
}
