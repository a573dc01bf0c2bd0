// NowPlayingList: what every client plays now (GET /system/playing), refreshed every few seconds
// while the Sessions page is open, with the renditions the stream manager holds
// (GET /system/transcodes).
import { useEffect, useState } from 'preact/hooks';
import { useApi, useAsync } from '../context';
import { href } from '../router';
import { ErrorBox, Poster } from '../ui';
import { clock, method, percent, title } from './nowplaying';
import './playing.css';
import type { Item } from '../types';
import type { List, NowPlaying, Transcodes } from './types';
import { when } from './widgets';

/** refreshEvery is how often the list is read again while it is shown, in milliseconds. */
export const refreshEvery = 3000;

export function NowPlayingList({ version }: { version: number }) {
	const api = useApi();
	const [tick, setTick] = useState(0);
	useEffect(() => {
		const t = setInterval(() => setTick((n) => n + 1), refreshEvery);
		return () => clearInterval(t);
	}, []);
	const playing = useAsync(() => api.get<List<NowPlaying>>('/system/playing'), [version, tick]);
	const streams = useAsync(() => api.get<Transcodes>('/system/transcodes'), [version, tick]);
	const list = playing.data?.items ?? [];

	return (
		<section aria-labelledby="now-playing-head">
			<h2 id="now-playing-head">Now playing</h2>
			{playing.error && <ErrorBox error={playing.error} />}
			{playing.data && list.length === 0 && <p class="empty">Nothing is playing.</p>}
			<ul class="now-playing" aria-label="Now playing">
				{list.map((p) => (
					<PlayingEntry key={p.id} p={p} />
				))}
			</ul>
			{streams.data && (
				<>
					<p class="streams" role="status" aria-label="Streams">
						Streaming now: {streams.data.renditions} HLS/DASH rendition{streams.data.renditions === 1 ? '' : 's'}, {streams.data.encoders} encoder run
						{streams.data.encoders === 1 ? '' : 's'} ({streams.data.transcodes} encoding video, the rest copying or audio); {streams.data.started} started since the
						server started.
					</p>
					{streams.data.items.length > 0 && (
						<table class="admin-table" aria-label="Renditions">
							<thead>
								<tr>
									<th scope="col">Item</th>
									<th scope="col">Rendition</th>
									<th scope="col">Work</th>
									<th scope="col">Users</th>
									<th scope="col">Last used</th>
								</tr>
							</thead>
							<tbody>
								{streams.data.items.map((r) => (
									<tr key={r.fileId + r.rendition} data-rendition={r.rendition}>
										<td>{r.itemId ? <a href={href({ name: 'item', id: r.itemId })}>{r.itemTitle}</a> : <span title={r.fileId}>file {r.fileId.slice(0, 8)}</span>}</td>
										<td>
											<code>{r.rendition}</code>
										</td>
										<td>{r.work === 'encode' ? 'Encoding' : r.work === 'copy' ? 'Copying' : 'Cached'}</td>
										<td>{r.users.join(', ')}</td>
										<td>{when(r.lastUsed)}</td>
									</tr>
								))}
							</tbody>
						</table>
					)}
				</>
			)}
		</section>
	);
}

function PlayingEntry({ p }: { p: NowPlaying }) {
	const name = title(p);
	const how = method(p);
	const pct = percent(p);
	// Episodes show their series' poster, which every scanned show has.
	const poster = { id: p.item.seriesId ?? p.item.id, title: p.item.seriesTitle ?? p.item.title } as Item;
	return (
		<li data-playing={p.id} data-item={p.item.id} data-user={p.userName} data-method={p.method ?? ''} data-position={p.positionMs} data-paused={String(p.paused)}>
			<a href={href({ name: 'item', id: p.item.id })} aria-label={name} tabIndex={-1}>
				<Poster item={poster} width={120} />
			</a>
			<div>
				<h3>
					<a href={href({ name: 'item', id: p.item.id })}>{name}</a> <span class="play-state">{p.paused ? 'Paused' : 'Playing'}</span>
				</h3>
				<p>
					<strong>{p.userName || p.userId}</strong> on {p.deviceName || 'an unknown device'}
					{p.client && ` (${p.client}, ${p.api})`}
				</p>
				<div
					class="play-bar"
					role="progressbar"
					aria-label={`Progress of ${name}`}
					aria-valuemin={0}
					aria-valuemax={p.durationMs ?? undefined}
					aria-valuenow={p.positionMs}
					aria-valuetext={p.durationMs ? `${clock(p.positionMs)} of ${clock(p.durationMs)}` : clock(p.positionMs)}
				>
					<div style={{ width: `${pct}%` }} />
				</div>
				<p>
					<span class="play-position">{clock(p.positionMs)}</span>
					{p.durationMs ? ` / ${clock(p.durationMs)}` : ''} · <span class="play-method" data-method={p.method ?? ''}>{how}</span>
				</p>
			</div>
		</li>
	);
}
