import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { message, useApi } from './context';
import { subtitle } from './format';
import { averageColor, placeholders } from './placeholder';
import { posterUrl } from './poster';
import { href } from './router';
import type { Item, UserData } from './types';

/** Poster is an item's primary image, or its initial on a tinted tile when it has none. Its URL
 * (posterUrl) names the picture by its tag (tag, known on an item's page, else the list's
 * item.imageTag), not "the first poster": the browser keeps it for good, and after an admin picks
 * another one, the new URL cannot come from the browser's cache. Until it has loaded an <img>
 * draws nothing, so what is behind it (a placeholder) shows; it is not faded in: a fade per
 * poster, dozens a second on a fast scroll, cost the grid a third of its frames. */
export function Poster({
	item,
	width = 300,
	tag,
	onLoad,
}: {
	item: Item;
	width?: number;
	tag?: string;
	onLoad?: () => void;
}) {
	const api = useApi();
	const [failed, setFailed] = useState(false);
	if (failed) {
		return (
			<div class="poster poster-empty" style={{ '--hue': String(hue(item.id)) }} aria-hidden="true">
				<span>{item.title.slice(0, 1).toUpperCase()}</span>
			</div>
		);
	}
	return (
		<img
			class="poster"
			src={posterUrl(api, item, width, tag)}
			alt=""
			loading="lazy"
			decoding="async"
			onLoad={onLoad}
			onError={() => setFailed(true)}
		/>
	);
}

/** usePlaceholder returns what a card shows until its poster loads: the average colour of hash at
 * once, and its blurred picture once decoded, which happens when the page is idle (placeholder.ts)
 * and not at all if the poster loaded first or the card left the screen. */
function usePlaceholder(hash: string | undefined, loaded: { current: boolean }): { color: string; url: string | undefined } {
	const [, redraw] = useState(0);
	const url = hash ? placeholders.get(hash) : undefined;
	useEffect(() => {
		if (!hash || url !== undefined) return;
		let live = true;
		placeholders.request(
			hash,
			() => live && !loaded.current,
			() => live && redraw((n) => n + 1),
		);
		return () => {
			live = false;
		};
	}, [hash, url]);
	return { color: hash ? averageColor(hash) : '', url };
}

/** Card is a poster with its title, linking to the item's page. Until the poster loads, its box
 * shows the item's BlurHash, when the server knows it. With deferPoster (a grid in a fling), a
 * card not yet showing its poster waits to ask for it; one that shows it keeps it. */
export function Card({ item, userData, deferPoster = false }: { item: Item; userData?: UserData; deferPoster?: boolean }) {
	const [posterWanted, setPosterWanted] = useState(!deferPoster);
	if (!deferPoster && !posterWanted) setPosterWanted(true);
	const sub = subtitle(item);
	const pct = userData && !userData.played ? userData.playedPercent : 0;
	const hash = item.blurHash;
	const loaded = useRef(false);
	const ph = usePlaceholder(hash, loaded);
	const style = hash ? { backgroundColor: ph.color || undefined, backgroundImage: ph.url ? `url(${ph.url})` : undefined } : undefined;
	return (
		<a class="card" href={href({ name: 'item', id: item.id })} data-id={item.id}>
			<div class="poster-box" data-placeholder={hash ? (ph.url ? 'drawn' : 'color') : undefined} style={style}>
				{posterWanted && <Poster item={item} onLoad={() => (loaded.current = true)} />}
				{pct > 0 && (
					<div class="progress" role="progressbar" aria-valuenow={Math.round(pct)} aria-valuemin={0} aria-valuemax={100} aria-label="Watched">
						<div style={{ width: `${pct}%` }} />
					</div>
				)}
				{userData?.played && <span class="badge">Played</span>}
			</div>
			<span class="card-title">{item.title}</span>
			<span class="card-sub">{sub || '\u00a0'}</span>
		</a>
	);
}

/** Shelf is a titled, horizontally scrolling row of cards on the home page. */
export function Shelf({ title, children, more }: { title: string; children: ComponentChildren; more?: string }) {
	const id = 'shelf-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
	return (
		<section class="shelf" aria-labelledby={id}>
			<h2 id={id}>
				{title}
				{more && (
					<a class="more" href={more}>
						See all
					</a>
				)}
			</h2>
			<div class="shelf-row">{children}</div>
		</section>
	);
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
	return (
		<div class="spinner" role="status">
			{label}…
		</div>
	);
}

export function ErrorBox({ error }: { error: string }) {
	return (
		<p class="error" role="alert">
			{error}
		</p>
	);
}

function hue(id: string): number {
	let h = 0;
	for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
	return h;
}

/** OwnedListHeader heads a page of one of the user's lists (a playlist, a custom list): a link
 * back to where they are all listed, the name, and Rename and Delete (asked twice) buttons. A list
 * shared with the user by someone else (readOnly, saying so) has no buttons. */
export function OwnedListHeader(p: {
	back: string;
	backLabel: string;
	name: string;
	noun: string;
	onDelete: () => void;
	onRename: (name: string) => Promise<unknown>;
	readOnly?: string;
}) {
	const [renaming, setRenaming] = useState(false);
	const [name, setName] = useState(p.name);
	const [error, setError] = useState('');
	async function save(e: Event) {
		e.preventDefault();
		if (!name.trim()) return setError(`Give the ${p.noun} a name.`);
		try {
			await p.onRename(name.trim());
			setRenaming(false);
			setError('');
		} catch (err) {
			setError(message(err));
		}
	}
	return (
		<>
			<p>
				<a class="up" href={p.back}>
					{p.backLabel}
				</a>
			</p>
			{renaming ? (
				<form class="inline-form" onSubmit={save}>
					<label for="list-rename">Name</label>
					<input id="list-rename" maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} autoFocus />
					<button type="submit" class="primary">
						Save name
					</button>
					<button type="button" onClick={() => (setRenaming(false), setError(''))}>
						Cancel
					</button>
					{error && <span role="alert">{error}</span>}
				</form>
			) : (
				<h1>{p.name}</h1>
			)}
			{p.readOnly ? (
				<p class="hint">{p.readOnly}</p>
			) : (
				<div class="actions">
					<button type="button" onClick={() => (setName(p.name), setRenaming(true))} disabled={renaming}>
						Rename {p.noun}
					</button>
					<button
						type="button"
						onClick={() => {
							if (confirm(`Delete the ${p.noun} ${p.name}?`)) p.onDelete();
						}}
					>
						Delete {p.noun}
					</button>
				</div>
			)}
		</>
	);
}
