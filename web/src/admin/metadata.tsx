// Metadata is an item's metadata editor: edit fields (PATCH /items/{id}, which locks what it
// changes against later scans), fix the match by provider ids (POST /items/{id}/identify), and
// pick, upload or delete its artwork (artworkeditor.tsx).
import { useState } from 'preact/hooks';
import { message, useApi, useAsync } from '../context';
import { href } from '../router';
import { ErrorBox, Spinner } from '../ui';
import { ArtworkEditor } from './artworkeditor';
import { formatProviderIds, parseProviderIds } from './forms';
import { formOf, listFields, metadataPatch, textFields } from './metadatafields';
import type { ItemMetadata } from './types';
import { Problems } from './widgets';

export function Metadata({ id }: { id: string }) {
	const api = useApi();
	const [version, setVersion] = useState(0);
	const item = useAsync(() => api.get<ItemMetadata>(`/items/${id}`), [id, version]);
	// Kept here: a save reloads the item and starts its form afresh.
	const [done, setDone] = useState('');
	const changed = (what: string) => {
		setDone(what);
		setVersion((v) => v + 1);
	};
	if (item.error) return <ErrorBox error={item.error} />;
	if (!item.data) return <Spinner />;
	const it = item.data;
	return (
		<>
			<div class="admin-head">
				<h1>Edit {it.title}</h1>
				<a class="button" href={href({ name: 'item', id })}>
					Back to the item
				</a>
			</div>
			{done && <p role="status">{done}</p>}
			{/* Keyed on the load too: while a change reloads the item, useAsync keeps the old one, and
			    a form started from it would keep showing the old values (Fix match's new overview). */}
			<Fields key={`${it.id}-${version}-${item.loading ? 'reloading' : 'loaded'}`} item={it} onSaved={() => changed('Saved.')} />
			<Identify item={it} onDone={() => changed('Identified: the metadata was fetched again.')} />
			<ArtworkEditor id={id} version={version} onChanged={changed} />
		</>
	);
}

function Fields({ item, onSaved }: { item: ItemMetadata; onSaved: () => void }) {
	const api = useApi();
	const [f, setF] = useState(() => formOf(item));
	const [unlock, setUnlock] = useState<string[]>([]);
	const [problems, setProblems] = useState<string[]>([]);
	const input = (k: string, label: string, multi = false) => (
		<>
			<label for={`md-${k}`}>
				{label}
				{item.lockedFields.includes(k) && <span class="badge">locked</span>}
			</label>
			{multi ? (
				<textarea id={`md-${k}`} rows={4} value={f[k]} onInput={(e) => setF({ ...f, [k]: e.currentTarget.value })} />
			) : (
				<input id={`md-${k}`} value={f[k]} onInput={(e) => setF({ ...f, [k]: e.currentTarget.value })} />
			)}
		</>
	);

	async function submit(e: Event) {
		e.preventDefault();
		let body: Record<string, unknown>;
		try {
			body = metadataPatch(item, f);
		} catch (err) {
			setProblems([message(err)]);
			return;
		}
		if (unlock.length > 0) body.unlock = unlock;
		if (Object.keys(body).length === 0) {
			setProblems(['Nothing changed.']);
			return;
		}
		setProblems([]);
		try {
			await api.call('PATCH', `/items/${item.id}`, body);
			onSaved();
		} catch (err) {
			setProblems([message(err)]);
		}
	}

	return (
		<form class="form admin-form" onSubmit={submit} aria-label="Metadata">
			{textFields.map(([k, label]) => input(k, label))}
			{input('year', 'Year')}
			{input('premiere', 'Premiere (YYYY-MM-DD)')}
			{input('communityScore', 'Community score (0–10)')}
			{listFields.map(([k, label]) => input(k, `${label} (comma-separated)`))}
			{input('overview', 'Overview', true)}
			{item.lockedFields.length > 0 && (
				<fieldset>
					<legend>Locked fields: a scan leaves them alone. Unlock to let the scan refresh them.</legend>
					{item.lockedFields.map((k) => (
						<label key={k} class="check">
							<input type="checkbox" checked={unlock.includes(k)} onChange={(e) => setUnlock(e.currentTarget.checked ? [...unlock, k] : unlock.filter((x) => x !== k))} /> {k}
						</label>
					))}
				</fieldset>
			)}
			<Problems items={problems} />
			<button type="submit" class="primary">
				Save metadata
			</button>
		</form>
	);
}

function Identify({ item, onDone }: { item: ItemMetadata; onDone: () => void }) {
	const api = useApi();
	const [text, setText] = useState(formatProviderIds(item.providerIds));
	const [problems, setProblems] = useState<string[]>([]);
	const [busy, setBusy] = useState(false);

	async function submit(e: Event) {
		e.preventDefault();
		let ids: Record<string, string>;
		try {
			ids = parseProviderIds(text);
		} catch (err) {
			setProblems([message(err)]);
			return;
		}
		if (Object.keys(ids).length === 0) {
			setProblems(['Give at least one provider id, like tmdb=603.']);
			return;
		}
		setProblems([]);
		setBusy(true);
		try {
			await api.call('POST', `/items/${item.id}/identify`, { providerIds: ids });
			onDone();
		} catch (err) {
			setProblems([message(err)]);
		}
		setBusy(false);
	}

	return (
		<form class="form admin-form" onSubmit={submit} aria-label="Fix match">
			<h2>Fix match</h2>
			<label for="md-ids">Provider ids (tmdb=603, imdb=tt0133093)</label>
			<input id="md-ids" value={text} spellcheck={false} onInput={(e) => setText(e.currentTarget.value)} />
			<Problems items={problems} />
			<button type="submit" disabled={busy}>
				{busy ? 'Identifying…' : 'Identify'}
			</button>
		</form>
	);
}
