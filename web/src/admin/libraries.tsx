// Libraries: list, add, edit, delete, and scan with live progress.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { message, useApi, useAsync } from '../context';
import { href } from '../router';
import { ErrorBox, Spinner } from '../ui';
import { libraryErrors, libraryTypes, parseList } from './forms';
import { describeScan, scanPercent, watchScan, type ScanStatus } from './scanevents';
import type { LibraryInfo, List } from './types';
import { Confirm, Problems, librariesChanged, when } from './widgets';

export function Libraries() {
	const api = useApi();
	const [version, setVersion] = useState(0);
	const libs = useAsync(() => api.get<List<LibraryInfo>>('/libraries'), [version]);
	const [adding, setAdding] = useState(false);
	// Scans started from this page, by library; a new one is watched by its row.
	const [scans, setScans] = useState<Record<string, number>>({});
	const reload = () => {
		setVersion((v) => v + 1);
		librariesChanged();
	};
	const scan = (id: string) => setScans((s) => ({ ...s, [id]: (s[id] ?? 0) + 1 }));

	return (
		<>
			<div class="admin-head">
				<h1>Libraries</h1>
				{!adding && (
					<button type="button" class="primary" onClick={() => setAdding(true)}>
						Add library
					</button>
				)}
			</div>
			{adding && (
				<LibraryForm
					onDone={(lib, scanNow) => {
						setAdding(false);
						if (lib) {
							reload();
							if (scanNow) scan(lib.id);
						}
					}}
				/>
			)}
			{libs.error && <ErrorBox error={libs.error} />}
			{!libs.data && libs.loading && <Spinner />}
			{libs.data && libs.data.items.length === 0 && <p class="empty">No library yet: add one to start.</p>}
			<ul class="admin-list" aria-label="Libraries">
				{libs.data?.items.map((l) => (
					<LibraryRow key={l.id} lib={l} scanRun={scans[l.id] ?? 0} onScan={() => scan(l.id)} onChanged={reload} />
				))}
			</ul>
		</>
	);
}

function LibraryRow({ lib, scanRun, onScan, onChanged }: { lib: LibraryInfo; scanRun: number; onScan: () => void; onChanged: () => void }) {
	const api = useApi();
	const [editing, setEditing] = useState(false);
	// The library's last scan, when the server still has it (404: none since it started): one
	// that runs, started elsewhere (a schedule, another admin), is followed live.
	const last = useAsync(() => api.get<ScanStatus>(`/libraries/${lib.id}/scan`).catch((e) => (e instanceof ApiError && e.status === 404 ? undefined : Promise.reject(e))), [lib.id]);
	const kind = libraryTypes.find(([t]) => t === lib.type)?.[1] ?? lib.type;
	return (
		<li class="admin-row" data-library={lib.name}>
			<div class="row-main">
				<div>
					<h2>
						<a href={href({ name: 'library', id: lib.id })}>{lib.name}</a>
					</h2>
					<p class="muted">
						{kind} · {lib.paths.join(', ')}
						{lib.offlineSince && <span class="badge">offline</span>}
					</p>
				</div>
				<div class="row-actions">
					<button type="button" onClick={onScan}>
						Scan
					</button>
					<button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
						Edit
					</button>
					<Confirm
						label="Delete"
						question={`Delete ${lib.name}? Its items go; the files stay.`}
						onConfirm={async () => {
							await api.call('DELETE', `/libraries/${lib.id}`);
							onChanged();
						}}
					/>
				</div>
			</div>
			{editing && (
				<LibraryForm
					lib={lib}
					onDone={(l) => {
						setEditing(false);
						if (l) onChanged();
					}}
				/>
			)}
			{scanRun > 0 ? (
				<ScanProgress key={scanRun} library={lib} start />
			) : last.data?.running ? (
				<ScanProgress library={lib} start={false} />
			) : (
				last.data && (
					<p class="muted last-scan">
						Last scan {when(last.data.finishedAt)}: {describeScan(last.data).replace(/^Scan finished: /, '')}
					</p>
				)
			)}
		</li>
	);
}

/** ScanProgress starts a scan of the library (or, with start false, follows the one running) and
 * shows its progress as the server streams it. */
function ScanProgress({ library, start }: { library: LibraryInfo; start: boolean }) {
	const api = useApi();
	const [status, setStatus] = useState<ScanStatus>();
	const [events, setEvents] = useState(0);
	const [error, setError] = useState('');
	const [items, setItems] = useState<number>();
	const started = useRef(false);
	useEffect(() => {
		if (started.current) return;
		started.current = true;
		const stop = new AbortController();
		(async () => {
			try {
				if (start) setStatus(await api.call<ScanStatus>('POST', `/libraries/${library.id}/scan`));
				const last = await watchScan(
					api,
					library.id,
					(s) => {
						setStatus(s);
						setEvents((n) => n + 1);
					},
					{ signal: stop.signal },
				);
				if (last && !last.running) {
					const page = await api.get<{ total: number }>('/items', { library: library.id, limit: 1 });
					setItems(page.total);
					librariesChanged();
				}
			} catch (e) {
				if (!stop.signal.aborted) setError(message(e));
			}
		})();
		return () => stop.abort();
	}, [library.id]);
	const pct = status ? scanPercent(status) : null;
	const state = error ? 'error' : !status ? 'starting' : status.running ? 'running' : 'done';
	return (
		<div class="scan" role="status" aria-label={`Scan of ${library.name}`} data-state={state} data-events={events}>
			<progress max={100} value={pct ?? undefined} aria-label="Scan progress" />
			<span>{error ? `Scan failed: ${error}` : status ? describeScan(status) : 'Starting the scan…'}</span>
			{items !== undefined && (
				<span class="scan-items">
					{items} item{items === 1 ? '' : 's'} in {library.name}
				</span>
			)}
		</div>
	);
}

/** LibraryForm adds a library (lib undefined) or edits one; onDone gets the saved library, or
 * nothing when cancelled. A kind cannot change once the library exists. */
function LibraryForm({ lib, onDone }: { lib?: LibraryInfo; onDone: (saved: LibraryInfo | undefined, scanNow: boolean) => void }) {
	const api = useApi();
	const [name, setName] = useState(lib?.name ?? '');
	const [type, setType] = useState(lib?.type ?? 'movies');
	const [paths, setPaths] = useState(lib?.paths.join('\n') ?? '');
	const [scanNow, setScanNow] = useState(true);
	const [problems, setProblems] = useState<string[]>([]);
	const [busy, setBusy] = useState(false);
	const id = lib ? `lib-${lib.id}` : 'lib-new';

	async function submit(e: Event) {
		e.preventDefault();
		const form = { name: name.trim(), type, paths: parseList(paths) };
		const p = libraryErrors(form);
		setProblems(p);
		if (p.length > 0) return;
		setBusy(true);
		try {
			const saved = lib
				? await api.call<LibraryInfo>('PATCH', `/libraries/${lib.id}`, { name: form.name, paths: form.paths })
				: await api.call<LibraryInfo>('POST', '/libraries', form);
			onDone(saved, !lib && scanNow);
		} catch (err) {
			setProblems([message(err)]);
		}
		setBusy(false);
	}

	return (
		<form class="form admin-form" onSubmit={submit} aria-label={lib ? `Edit ${lib.name}` : 'Add a library'}>
			<label for={`${id}-name`}>Name</label>
			<input id={`${id}-name`} value={name} onInput={(e) => setName(e.currentTarget.value)} />
			<label for={`${id}-type`}>Kind</label>
			<select id={`${id}-type`} value={type} disabled={!!lib} onChange={(e) => setType(e.currentTarget.value)}>
				{libraryTypes.map(([t, label]) => (
					<option key={t} value={t}>
						{label}
					</option>
				))}
			</select>
			<label for={`${id}-paths`}>Folders (one per line)</label>
			<textarea id={`${id}-paths`} rows={3} value={paths} spellcheck={false} onInput={(e) => setPaths(e.currentTarget.value)} />
			{!lib && (
				<label class="check">
					<input type="checkbox" checked={scanNow} onChange={(e) => setScanNow(e.currentTarget.checked)} /> Scan now
				</label>
			)}
			<Problems items={problems} />
			<div class="row-actions">
				<button type="submit" class="primary" disabled={busy}>
					{lib ? 'Save' : 'Add'}
				</button>
				<button type="button" onClick={() => onDone(undefined, false)}>
					Cancel
				</button>
			</div>
		</form>
	);
}
