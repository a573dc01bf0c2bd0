import { useEffect, useRef, useState } from 'preact/hooks';
import { message, useApi } from './context';
import { ProgressReporter } from './progress';
import { href } from './router';
import type { ItemDetail, UserData } from './types';

/** Player plays an item's HLS stream (hls.js, or the browser's own HLS on Safari) from the user's
 * resume point, and reports progress to the server. hls.js is loaded only here, so that it stays
 * out of the initial JavaScript. */
export function Player({ id }: { id: string }) {
	const api = useApi();
	const videoRef = useRef<HTMLVideoElement>(null);
	const [title, setTitle] = useState('');
	const [back, setBack] = useState(href({ name: 'item', id }));
	const [error, setError] = useState('');

	useEffect(() => {
		const v = videoRef.current!;
		let live = true;
		let destroy = () => {};
		let reporter: ProgressReporter | undefined;
		const on = (ev: string, fn: () => void) => {
			v.addEventListener(ev, fn);
			const prev = destroy;
			destroy = () => {
				v.removeEventListener(ev, fn);
				prev();
			};
		};
		(async () => {
			const [item, ud, mt] = await Promise.all([
				api.get<ItemDetail>(`/items/${id}`),
				api.get<UserData>(`/items/${id}/userdata`),
				// A media token lasts a day: the stream outlives the minutes an access token does.
				api.call<{ token: string }>('POST', `/items/${id}/media-token`),
			]);
			if (!live) return;
			setTitle(item.title);
			if (item.parentId && item.type === 'episode') setBack(href({ name: 'item', id: item.parentId }));
			// Resume in the version the resume point was reached in: another cut may not line up.
			const file = item.files.find((f) => f.id === ud.positionFileId) ?? item.files[0];
			if (!file) throw new Error('This item has no media file.');
			const start = ud.played ? 0 : ud.positionMs / 1000;
			const src = api.url(`/items/${id}/hls/master.m3u8`, { file: file.id, token: mt.token });
			reporter = new ProgressReporter((body) => api.call('POST', `/items/${id}/progress`, body, undefined, !!body.stopped), () => v.currentTime, { fileId: file.id });
			const r = reporter;
			// Closing the tab ends playback too; keepalive lets that last report outlive the page.
			const onHide = () => r.stopped();
			addEventListener('pagehide', onHide);
			const prevDestroy = destroy;
			destroy = () => {
				removeEventListener('pagehide', onHide);
				prevDestroy();
			};
			on('playing', () => r.playing());
			on('pause', () => !v.ended && r.paused());
			on('seeked', () => v.paused && r.paused());
			on('ended', () => r.stopped());
			const { default: Hls } = await import('hls.js');
			if (!live) return;
			if (Hls.isSupported()) {
				const hls = new Hls({ startPosition: start > 0 ? start : -1 });
				hls.on(Hls.Events.ERROR, (_e, d) => {
					if (d.fatal) setError(`Playback failed: ${d.details}`);
				});
				hls.loadSource(src);
				hls.attachMedia(v);
				const prev = destroy;
				destroy = () => {
					prev();
					hls.destroy();
				};
			} else if (v.canPlayType('application/vnd.apple.mpegurl')) {
				v.src = src;
				if (start > 0) v.addEventListener('loadedmetadata', () => (v.currentTime = start), { once: true });
			} else {
				throw new Error('This browser cannot play HLS streams.');
			}
			v.play().catch(() => {
				// Autoplay refused: the controls are there to start it.
			});
		})().catch((e) => live && setError(message(e)));
		return () => {
			live = false;
			reporter?.stopped();
			destroy();
		};
	}, [api, id]);

	return (
		<div class="player">
			<div class="player-bar">
				<a class="button" href={back}>
					Back
				</a>
				<h1>{title}</h1>
			</div>
			<video ref={videoRef} controls playsInline aria-label={title || 'Video'} />
			{error && (
				<p class="error player-error" role="alert">
					{error}
				</p>
			)}
		</div>
	);
}
