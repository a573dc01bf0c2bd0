// ArtworkEditor is the metadata editor's Artwork section: every picture of the item by kind
// (GET /items/{id}/images), the one shown marked; a click or Enter on another makes it the one
// shown, Delete removes one, and Upload adds a picture of a chosen kind that becomes the one shown.
import { useState } from 'preact/hooks';
import { message, useApi, useAsync } from '../context';
import { ErrorBox, Spinner } from '../ui';
import { type ArtImage, artKinds, describe, groupByKind, kindName, uploadProblem } from './artwork';
import { Confirm, Problems } from './widgets';

export function ArtworkEditor({ id, version, onChanged }: { id: string; version: number; onChanged: (what: string) => void }) {
	const api = useApi();
	const list = useAsync(() => api.get<{ items: ArtImage[] }>(`/items/${id}/images`), [id, version]);
	const [busy, setBusy] = useState(false);
	const [problems, setProblems] = useState<string[]>([]);

	async function act(run: () => Promise<unknown>, done: string) {
		setBusy(true);
		setProblems([]);
		try {
			await run();
			onChanged(done);
		} catch (e) {
			setProblems([message(e)]);
		}
		setBusy(false);
	}

	const groups = list.data ? groupByKind(list.data.items) : [];
	return (
		<section aria-labelledby="art-h" class="admin-form artwork-editor">
			<h2 id="art-h">Artwork</h2>
			<p class="hint">The first picture of each kind is the one shown. Choosing, uploading or deleting one locks the item's artwork: refreshes keep it.</p>
			{list.error && <ErrorBox error={list.error} />}
			{!list.data && !list.error && <Spinner />}
			{list.data && groups.length === 0 && <p class="empty">No artwork.</p>}
			{groups.map((g) => (
				<div key={g.kind} role="group" aria-labelledby={`art-${g.kind}`}>
					<h3 id={`art-${g.kind}`}>
						{kindName(g.kind)} ({g.images.length})
					</h3>
					<ul class="artwork">
						{g.images.map((im) => {
							const name = `${kindName(im.kind)} ${im.index + 1}`;
							const current = im.index === 0;
							return (
								<li key={im.tag} data-kind={im.kind} data-index={im.index} data-tag={im.tag} class={current ? 'current' : undefined} aria-label={name}>
									<button
										type="button"
										class="art-pick"
										aria-pressed={current}
										aria-label={current ? `${name}, shown now` : `Show ${name}`}
										disabled={busy}
										onClick={() => !current && act(() => api.call('POST', `/items/${id}/images/${im.kind}/${im.index}/select`), `${name} is now the ${kindName(im.kind).toLowerCase()} shown.`)}
									>
										<img src={api.mediaUrl(`/items/${id}/images/${im.kind}/${im.index}`, { maxWidth: 200, tag: im.tag })} alt="" loading="lazy" />
									</button>
									<span>
										{current ? <strong>Shown</strong> : `#${im.index + 1}`} · {describe(im)}
									</span>
									<Confirm label="Delete" question={`Delete ${name}?`} onConfirm={() => act(() => api.call('DELETE', `/items/${id}/images/${im.kind}/${im.index}`), `${name} was deleted.`)} />
								</li>
							);
						})}
					</ul>
				</div>
			))}
			<Problems items={problems} />
			<Upload id={id} busy={busy} act={act} />
		</section>
	);
}

function Upload({ id, busy, act }: { id: string; busy: boolean; act: (run: () => Promise<unknown>, done: string) => Promise<void> }) {
	const api = useApi();
	const [kind, setKind] = useState('Primary');
	const [file, setFile] = useState<File | undefined>();
	const [problem, setProblem] = useState('');

	async function submit(e: Event) {
		e.preventDefault();
		const p = uploadProblem(file);
		setProblem(p);
		if (p || !file) return;
		await act(() => api.call('POST', `/items/${id}/images/${kind}`, file), `${file.name} was uploaded: it is now the ${kindName(kind).toLowerCase()} shown.`);
		setFile(undefined);
		(e.target as HTMLFormElement).reset();
	}

	return (
		<form class="form art-upload" onSubmit={submit} aria-label="Upload artwork">
			<h3>Upload</h3>
			<label for="art-kind">Kind</label>
			<select id="art-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
				{artKinds.map(([k, name]) => (
					<option key={k} value={k}>
						{name}
					</option>
				))}
			</select>
			<label for="art-file">Picture (JPEG, PNG or WebP, up to 20 MB)</label>
			<input id="art-file" type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
			<Problems items={problem ? [problem] : []} />
			<button type="submit" disabled={busy}>
				Upload
			</button>
		</form>
	);
}
