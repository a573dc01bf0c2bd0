// The parts of an item's page beyond its head: the versions and their tracks, the collection a
// movie belongs to, adding to a playlist or a list, an artist's albums and an album's tracks, and the
// BlurHash placeholder behind the poster.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { dataURL } from './blurhash';
import { message, useApi, useAsync } from './context';
import { clock } from './format';
import { href } from './router';
import type { Item, ItemDetail, Page } from './types';
import { Card, ErrorBox, Spinner } from './ui';
import type { FileDetail, Stream } from './wire';

/** Blurred shows the item's BlurHash (of the image of kind) behind children while they load. */
export function Blurred({ item, kind = 'Primary', children }: { item: ItemDetail; kind?: string; children: ComponentChildren }) {
	const hash = item.images.find((i) => i.kind === kind && i.blurHash)?.blurHash;
	const url = hash ? dataURL(hash) : '';
	return (
		<div class="blurred" data-blurhash={url ? 'drawn' : undefined} style={url ? { backgroundImage: `url(${url})` } : undefined}>
			{children}
		</div>
	);
}

function lang(s: Stream): string {
	return s.language && s.language !== 'und' ? s.language : 'Unknown language';
}

/** trackLabel describes an audio or subtitle track as a person reads it. */
export function trackLabel(s: Stream): string {
	const bits = [s.title && s.title !== s.language ? `${lang(s)} – ${s.title}` : lang(s), s.codec.toUpperCase()];
	if (s.type === 'audio' && s.channelLayout) bits.push(s.channelLayout);
	else if (s.type === 'audio' && s.channels) bits.push(`${s.channels} ch`);
	if (s.default) bits.push('default');
	if (s.forced) bits.push('forced');
	if (s.hearingImpaired) bits.push('SDH');
	if (s.external) bits.push('external file');
	return bits.join(' · ');
}

function versionName(f: FileDetail, i: number): string {
	const v = f.streams.find((s) => s.type === 'video');
	const res = v?.height ? `${v.height}p` : '';
	return f.version || [res, v?.hdr, f.container.split(',')[0]].filter(Boolean).join(' ') || `Version ${i + 1}`;
}

/** Versions lists the item's files (versions and parts) with their audio and subtitle tracks. */
export function Versions({ files }: { files: FileDetail[] }) {
	const [chosen, setChosen] = useState(0);
	if (files.length === 0) return null;
	const f = files[Math.min(chosen, files.length - 1)];
	const audio = f.streams.filter((s) => s.type === 'audio');
	const subs = f.streams.filter((s) => s.type === 'subtitle');
	const video = f.streams.find((s) => s.type === 'video');
	return (
		<section aria-labelledby="versions-h" class="versions">
			<h2 id="versions-h">{files.length > 1 ? `${files.length} versions` : 'Media'}</h2>
			{files.length > 1 && (
				<label class="field">
					<span>Version</span>
					<select value={String(chosen)} onChange={(e) => setChosen(Number(e.currentTarget.value))}>
						{files.map((x, i) => (
							<option key={x.id} value={String(i)}>
								{versionName(x, i)}
								{x.part > 0 ? ` (part ${x.part})` : ''}
							</option>
						))}
					</select>
				</label>
			)}
			<p class="version-facts">
				{[video && `${video.codec.toUpperCase()} ${video.width ?? '?'}×${video.height ?? '?'}`, video?.hdr, f.durationMs ? clock(f.durationMs) : '', f.bitrate ? `${Math.round(f.bitrate / 1000)} kb/s` : '']
					.filter(Boolean)
					.map((x, i) => (
						<span key={i}>{x}</span>
					))}
			</p>
			<div class="tracks">
				<div>
					<h3>Audio</h3>
					{audio.length ? (
						<ul aria-label="Audio tracks">
							{audio.map((s) => (
								<li key={s.index}>{trackLabel(s)}</li>
							))}
						</ul>
					) : (
						<p class="hint">None</p>
					)}
				</div>
				<div>
					<h3>Subtitles</h3>
					{subs.length ? (
						<ul aria-label="Subtitle tracks">
							{subs.map((s) => (
								<li key={`${s.index}${s.external ?? ''}`}>{trackLabel(s)}</li>
							))}
						</ul>
					) : (
						<p class="hint">None</p>
					)}
				</div>
			</div>
		</section>
	);
}

/** CollectionLink names the box set a movie belongs to, linking to its page. */
export function CollectionLink({ name }: { name?: string }) {
	if (!name) return null;
	return (
		<p class="collection-link">
			Part of <a href={href({ name: 'collection', id: name })}>{name}</a>
		</p>
	);
}

/** Collector is where AddTo puts items: the user's playlists or their custom lists, whose
 * routes have the same shapes (GET base, POST base {name, items}, POST base/ID/add {items}). */
interface Collector {
	base: '/playlists' | '/lists';
	add: 'entries' | 'items';
	noun: string;
}

const collectors: Record<'playlist' | 'list', Collector> = {
	playlist: { base: '/playlists', add: 'entries', noun: 'playlist' },
	list: { base: '/lists', add: 'items', noun: 'list' },
};

/** AddTo adds the item to one of the user's playlists or lists, or to a new one. */
export function AddTo({ id, to }: { id: string; to: 'playlist' | 'list' }) {
	const api = useApi();
	const c = collectors[to];
	const Noun = c.noun[0].toUpperCase() + c.noun.slice(1);
	const [open, setOpen] = useState(false);
	const [name, setName] = useState('');
	const [status, setStatus] = useState('');
	const [error, setError] = useState('');
	const lists = useAsync(() => (open ? api.get<{ items: { id: string; name: string }[] }>(c.base) : Promise.resolve({ items: [] })), [open]);
	async function add(p: { id: string; name: string }) {
		setError('');
		try {
			await api.call('POST', `${c.base}/${p.id}/${c.add}`, { items: [id] });
			setStatus(`Added to ${p.name}.`);
			setOpen(false);
		} catch (e) {
			setError(message(e));
		}
	}
	async function create(e: Event) {
		e.preventDefault();
		setError('');
		if (!name.trim()) return setError(`Give the ${c.noun} a name.`);
		try {
			const p = await api.call<{ name: string }>('POST', c.base, { name: name.trim(), items: [id] });
			setStatus(`Added to the new ${c.noun} ${p.name}.`);
			setName('');
			setOpen(false);
		} catch (err) {
			setError(message(err));
		}
	}
	return (
		<div class="add-playlist">
			<button type="button" aria-expanded={open} onClick={() => (setOpen(!open), setStatus(''))}>
				+ {Noun}
			</button>
			{status && <span role="status">{status}</span>}
			{open && (
				<div class="popover" role="group" aria-label={`Add to ${c.noun}`}>
					{lists.loading && <Spinner />}
					{(lists.data?.items ?? []).map((p) => (
						<button key={p.id} type="button" onClick={() => add(p)}>
							Add to {p.name}
						</button>
					))}
					<form onSubmit={create} class="inline-form">
						<label for={`new-${c.noun}`} class="visually-hidden">
							New {c.noun}
						</label>
						<input id={`new-${c.noun}`} placeholder={`New ${c.noun}`} maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
						<button type="submit">Create</button>
					</form>
				</div>
			)}
			{error && <ErrorBox error={error} />}
		</div>
	);
}

/** Children lists an artist's albums (as cards) or an album's tracks (as a numbered list). */
export function Children({ parent, type }: { parent: Item; type: 'album' | 'track' }) {
	const api = useApi();
	const kids = useAsync(() => api.get<Page<Item>>('/items', { parent: parent.id, type, sort: type === 'track' ? 'index' : 'year', limit: 1000 }), [parent.id, type]);
	if (kids.error) return <ErrorBox error={kids.error} />;
	if (!kids.data) return <Spinner />;
	if (kids.data.items.length === 0) return null;
	if (type === 'album') {
		return (
			<section aria-labelledby="albums-h">
				<h2 id="albums-h">Albums</h2>
				<div class="episodes" role="list" aria-label="Albums">
					{kids.data.items.map((a) => (
						<div role="listitem" key={a.id}>
							<Card item={a} />
						</div>
					))}
				</div>
			</section>
		);
	}
	return (
		<section aria-labelledby="tracks-h">
			<h2 id="tracks-h">Tracks</h2>
			<ol class="track-list" aria-label="Tracks">
				{kids.data.items.map((t) => (
					<li key={t.id}>
						<span class="track-no">{t.parentIndexNumber && t.parentIndexNumber > 1 ? `${t.parentIndexNumber}-` : ''}{t.indexNumber ?? ''}</span>
						<a href={href({ name: 'item', id: t.id })}>{t.title}</a>
						<span class="track-time">{t.runtimeMs ? clock(t.runtimeMs) : ''}</span>
					</li>
				))}
			</ol>
		</section>
	);
}
