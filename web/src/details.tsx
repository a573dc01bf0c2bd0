import { useState } from 'preact/hooks';
import { message, useApi, useAsync } from './context';
import { DownloadButton } from './downloadbutton';
import { clock, playable } from './format';
import { href } from './router';
import type { Item, ItemDetail, Page, UserData } from './types';
import { ArtistPlay } from './artistplay';
import { AlbumTracks } from './music';
import { Card, ErrorBox, Poster, Spinner } from './ui';
import { AddTo, Blurred, Children, CollectionLink, Versions } from './detailparts';
import type { FileDetail } from './wire';

/** Details is an item's page: its metadata, a play button, and the seasons and episodes of a series. */
export function Details({ id }: { id: string }) {
	const api = useApi();
	const item = useAsync(() => api.get<ItemDetail>(`/items/${id}`), [id]);
	const userData = useAsync(() => api.get<UserData>(`/items/${id}/userdata`), [id]);
	const lists = useAsync(() => api.get<{ watchlist: boolean }>(`/items/${id}/lists`), [id]);
	// What the buttons changed since the page loaded; null: as the server said.
	const [favorite, setFavorite] = useState<boolean | null>(null);
	const [watchlist, setWatchlist] = useState<boolean | null>(null);
	const [actionError, setActionError] = useState('');
	if (item.error) return <ErrorBox error={item.error} />;
	const it = item.data;
	if (!it) return <Spinner />;
	const ud = userData.data;
	const isFavorite = favorite ?? !!ud?.favorite;
	const onWatchlist = watchlist ?? !!lists.data?.watchlist;
	const toggleFavorite = async () => {
		setActionError('');
		try {
			const u = await api.call<UserData>('PATCH', `/items/${id}/userdata`, { favorite: !isFavorite });
			setFavorite(u.favorite);
		} catch (e) {
			setActionError(message(e));
		}
	};
	const toggleWatchlist = async () => {
		setActionError('');
		try {
			await api.call(onWatchlist ? 'DELETE' : 'PUT', `/users/me/watchlist/${id}`);
			setWatchlist(!onWatchlist);
		} catch (e) {
			setActionError(message(e));
		}
	};
	const resumeMs = ud && !ud.played ? ud.positionMs : 0;
	const runtime = it.runtimeMs || it.files[0]?.durationMs || 0;
	const cast = it.people.filter((p) => p.kind === 'Actor' || p.kind === 'GuestStar').slice(0, 24);
	const crew = it.people.filter((p) => p.kind === 'Director' || p.kind === 'Writer').slice(0, 8);
	return (
		<article class="page details">
			<div class="details-head">
				<div class="details-poster">
					<Blurred item={it}>
						<Poster item={it} width={400} tag={it.images.find((i) => i.kind === 'Primary' && i.index === 0)?.tag} />
					</Blurred>
				</div>
				<div class="details-text">
					{it.parentId && (it.type === 'season' || it.type === 'episode' || it.type === 'album' || it.type === 'track') && (
						<a class="up" href={href({ name: 'item', id: it.parentId })}>
							{{ season: 'Back to the series', episode: 'Back to the season', album: 'Back to the artist', track: 'Back to the album' }[it.type]}
						</a>
					)}
					<h1>{it.title}</h1>
					<p class="facts">
						{[it.year, it.officialRating, runtime ? clock(runtime) : '', it.genres.join(', ')].filter(Boolean).map((f, i) => (
							<span key={i}>{f}</span>
						))}
					</p>
					<CollectionLink name={it.collection} />
					{it.tagline && <p class="tagline">{it.tagline}</p>}
					<div class="actions">
						{playable(it) && it.files.length > 0 && (
							<a class="button primary" href={href({ name: 'play', id: it.id })}>
								{resumeMs > 0 ? `Resume from ${clock(resumeMs)}` : 'Play'}
							</a>
						)}
						<button type="button" aria-pressed={isFavorite} onClick={toggleFavorite}>
							{isFavorite ? '★ Favorite' : '☆ Favorite'}
						</button>
						<button type="button" aria-pressed={onWatchlist} onClick={toggleWatchlist}>
							{onWatchlist ? '✓ On watchlist' : '+ Watchlist'}
						</button>
						{playable(it) && <AddTo id={it.id} to="playlist" />}
						<AddTo id={it.id} to="list" />
						{ud?.played && <span class="badge">Played</span>}
						{api.store.current()?.admin && (
							<a class="button" href={href({ name: 'admin', section: 'item', id: it.id })}>
								Edit metadata
							</a>
						)}
					</div>
					{actionError && <ErrorBox error={actionError} />}
					{((playable(it) && it.files.length > 0) || it.type === 'season' || it.type === 'series') && (
						<DownloadButton key={it.id} source={{ kind: 'item', id: it.id }} all={!playable(it)} />
					)}
					{it.overview && <p class="overview">{it.overview}</p>}
					{crew.length > 0 && (
						<p class="crew">
							{crew.map((p, i) => (
								<span key={p.kind + p.name}>
									{i > 0 && ' · '}
									{p.kind}: <a href={href({ name: 'person', id: p.name })}>{p.name}</a>
								</span>
							))}
						</p>
					)}
				</div>
			</div>
			{cast.length > 0 && (
				<section aria-labelledby="cast-h">
					<h2 id="cast-h">Cast</h2>
					<ul class="cast">
						{cast.map((p) => (
							<li key={p.name + p.role}>
								<a class="cast-name" href={href({ name: 'person', id: p.name })}>
									{p.name}
								</a>
								{p.role && <span class="cast-role">{p.role}</span>}
							</li>
						))}
					</ul>
				</section>
			)}
			{playable(it) && <Versions files={it.files as unknown as FileDetail[]} />}
			{it.type === 'artist' && <ArtistPlay artist={it} />}
			{it.type === 'artist' && <Children parent={it} type="album" />}
			{it.type === 'album' && <Children parent={it} type="track" />}
			{it.type === 'series' && <Seasons series={it} />}
			{it.type === 'season' && <Episodes season={it.id} />}
			{it.type === 'album' && <AlbumTracks album={it} />}
		</article>
	);
}

/** Seasons lists a series' seasons as tabs, and the episodes of the chosen one. */
function Seasons({ series }: { series: Item }) {
	const api = useApi();
	const seasons = useAsync(() => api.get<Page<Item>>('/items', { parent: series.id, type: 'season', sort: 'index', limit: 1000 }), [series.id]);
	const [chosen, setChosen] = useState<string | null>(null);
	if (seasons.error) return <ErrorBox error={seasons.error} />;
	const list = seasons.data?.items ?? [];
	if (seasons.loading && list.length === 0) return <Spinner />;
	if (list.length === 0) return null;
	const current = chosen ?? list[0].id;
	return (
		<section aria-labelledby="seasons-h">
			<h2 id="seasons-h">Seasons</h2>
			<div class="tabs" role="tablist" aria-label="Seasons">
				{list.map((s) => (
					<button
						key={s.id}
						type="button"
						role="tab"
						aria-selected={s.id === current}
						onClick={() => setChosen(s.id)}
					>
						{s.title || (s.indexNumber === 0 ? 'Specials' : `Season ${s.indexNumber}`)}
					</button>
				))}
			</div>
			<Episodes key={current} season={current} />
		</section>
	);
}

function Episodes({ season }: { season: string }) {
	const api = useApi();
	const eps = useAsync(() => api.get<Page<Item>>('/items', { parent: season, type: 'episode', sort: 'index', limit: 1000 }), [season]);
	if (eps.error) return <ErrorBox error={eps.error} />;
	if (!eps.data) return <Spinner />;
	return (
		<div class="episodes" role="list" aria-label="Episodes">
			{eps.data.items.map((e) => (
				<div role="listitem" key={e.id}>
					<Card item={e} />
				</div>
			))}
		</div>
	);
}
