// API keys: create one (its secret is shown once), list them, revoke one.
import { useState } from 'preact/hooks';
import { message, useApi, useAsync } from '../context';
import { ErrorBox, Spinner } from '../ui';
import type { ApiKey, List } from './types';
import { Confirm, Problems, when } from './widgets';

export function Keys() {
	const api = useApi();
	const [version, setVersion] = useState(0);
	const keys = useAsync(() => api.get<List<ApiKey>>('/apikeys'), [version]);
	const [name, setName] = useState('');
	const [created, setCreated] = useState<{ name: string; key: string }>();
	const [copied, setCopied] = useState(false);
	const [problems, setProblems] = useState<string[]>([]);

	async function create(e: Event) {
		e.preventDefault();
		if (!name.trim()) {
			setProblems(['A name is required: say what the key is for.']);
			return;
		}
		setProblems([]);
		try {
			const k = await api.call<ApiKey & { key: string }>('POST', '/apikeys', { name: name.trim() });
			setCreated({ name: k.name, key: k.key });
			setCopied(false);
			setName('');
			setVersion((v) => v + 1);
		} catch (err) {
			setProblems([message(err)]);
		}
	}

	return (
		<>
			<div class="admin-head">
				<h1>API keys</h1>
			</div>
			<p class="muted">A key acts as an admin for scripts and integrations (X-Api-Key header). Its secret is shown once, when it is made.</p>
			<form class="form admin-form inline-form" onSubmit={create} aria-label="New API key">
				<label for="key-name">Key name</label>
				<input id="key-name" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="Overseerr" />
				<button type="submit" class="primary">
					Create key
				</button>
				<Problems items={problems} />
			</form>
			{created && (
				<div class="secret" role="status" aria-label="New key">
					<p>
						The key <strong>{created.name}</strong>: copy it now, it will not be shown again.
					</p>
					<code class="key-secret">{created.key}</code>
					<div class="row-actions">
						<button
							type="button"
							onClick={async () => {
								await navigator.clipboard?.writeText(created.key).then(() => setCopied(true), () => setCopied(false));
							}}
						>
							{copied ? 'Copied' : 'Copy'}
						</button>
						<button type="button" onClick={() => setCreated(undefined)}>
							Done
						</button>
					</div>
				</div>
			)}
			{keys.error && <ErrorBox error={keys.error} />}
			{!keys.data && keys.loading && <Spinner />}
			{keys.data && keys.data.items.length === 0 && <p class="empty">No API key.</p>}
			<ul class="admin-list" aria-label="API keys">
				{keys.data?.items.map((k) => (
					<li key={k.id} class="admin-row" data-key={k.name}>
						<div class="row-main">
							<div>
								<h2>{k.name}</h2>
								<p class="muted">
									<code>{k.prefix}…</code> · made {when(k.createdAt)} · last used {when(k.lastUsedAt)}
								</p>
							</div>
							<div class="row-actions">
								<Confirm
									label="Revoke"
									question={`Revoke ${k.name}? What uses it stops working.`}
									onConfirm={async () => {
										await api.call('DELETE', `/apikeys/${k.id}`);
										setVersion((v) => v + 1);
									}}
								/>
							</div>
						</div>
					</li>
				))}
			</ul>
		</>
	);
}
