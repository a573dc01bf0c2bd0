import { useEffect, useRef, useState } from 'preact/hooks';
import { message, useApi } from './context';
import { Downloader, formatBytes, overall, percent, qualities, type DownloadManifest, type FileProgress } from './download';

/** DownloadSource is what a download saves: an item (and what is under it) or a playlist. */
export type DownloadSource = { kind: 'item' | 'playlist'; id: string };

const stateLabel: Record<FileProgress['state'], string> = {
	waiting: 'Waiting',
	downloading: 'Downloading',
	saved: 'Saved',
	'handed-off': 'In your browser’s downloads',
	failed: 'Failed',
	cancelled: 'Cancelled',
};

/** DownloadButton saves an item, a season or series ("Download all"), or a playlist for offline
 * use, as the original files or as MP4 at a chosen quality, with each file's progress and a
 * Cancel button. Leaving the page cancels what is still being fetched. */
export function DownloadButton({ source, all = false }: { source: DownloadSource; all?: boolean }) {
	const api = useApi();
	const [quality, setQuality] = useState<string>('original');
	const [files, setFiles] = useState<FileProgress[] | null>(null);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const current = useRef<Downloader | null>(null);
	useEffect(() => () => current.current?.cancel(), []);

	const start = async () => {
		setError('');
		setFiles(null);
		setBusy(true);
		try {
			const path = source.kind === 'item' ? `/items/${source.id}/downloads` : `/playlists/${source.id}/downloads`;
			const m = await api.get<DownloadManifest>(path, { quality });
			if (m.items.length === 0) {
				setError('There is nothing to download here.');
				return;
			}
			const d = new Downloader(m, { onChange: setFiles });
			current.current = d;
			setFiles(d.files.map((f) => ({ ...f })));
			await d.run();
			setFiles(d.files.map((f) => ({ ...f })));
		} catch (e) {
			setError(message(e));
		} finally {
			setBusy(false);
		}
	};
	const sum = files && files.length > 1 ? overall(files) : null;
	// The server refuses them anyway (403); the button is not offered.
	if (api.store.current()?.noDownloads) return null;
	return (
		<div class="download">
			<div class="download-controls">
				<select aria-label="Download quality" value={quality} disabled={busy} onChange={(e) => setQuality((e.target as HTMLSelectElement).value)}>
					{qualities.map((q) => (
						<option key={q} value={q}>
							{q === 'original' ? 'Original file' : `MP4 ${q}`}
						</option>
					))}
				</select>
				<button type="button" onClick={start} disabled={busy}>
					{all ? '⤓ Download all' : '⤓ Download'}
				</button>
				{busy && files && (
					<button type="button" onClick={() => current.current?.cancel()}>
						Cancel
					</button>
				)}
			</div>
			{error && (
				<p class="error" role="alert">
					{error}
				</p>
			)}
			{sum && (
				<p class="download-total" aria-live="polite">
					{files!.filter((f) => f.state === 'saved').length} of {files!.length} files · {formatBytes(sum.loaded)} of {sum.estimated ? 'about ' : ''}
					{formatBytes(sum.total)} · {sum.percent}%
				</p>
			)}
			{files && (
				<ul class="download-files" aria-label="Downloads">
					{files.map((f) => {
						const pct = percent(f);
						return (
							<li key={f.entry.itemId} data-state={f.state}>
								<span class="download-name">{f.entry.fileName}</span>
								<progress max={100} value={pct} aria-label={`${f.entry.fileName} progress`} />
								<span class="download-bytes">
									{stateLabel[f.state]}
									{f.state !== 'handed-off' &&
										` · ${formatBytes(f.loaded)}${f.total > 0 ? ` of ${f.estimated ? 'about ' : ''}${formatBytes(f.total)} · ${pct}%` : ''}`}
									{f.error && ` · ${f.error}`}
								</span>
							</li>
						);
					})}
				</ul>
			)}
		</div>
	);
}
