// Server: health (/healthz, /readyz) and the latest log records (GET /system/logs), filtered by
// level and refreshed every few seconds while the page is open.
import { useEffect, useState } from 'preact/hooks';
import { useApi, useAsync } from '../context';
import { ErrorBox, Spinner } from '../ui';
import type { List, LogEntry } from './types';
import { when } from './widgets';

const levels = ['debug', 'info', 'warn', 'error'] as const;

/** probe asks one health route; the origin is the API's (the routes sit beside /api). */
async function probe(path: string): Promise<{ ok: boolean; text: string }> {
	try {
		const r = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
		const body = await r.json().catch(() => ({}));
		return { ok: r.ok, text: body.status ?? body.detail ?? `HTTP ${r.status}` };
	} catch (e) {
		return { ok: false, text: e instanceof Error ? e.message : String(e) };
	}
}

export function Server() {
	const api = useApi();
	const [tick, setTick] = useState(0);
	const [level, setLevel] = useState<(typeof levels)[number]>('info');
	const [live, setLive] = useState(true);
	const root = api.base.replace(/\/api\/v1$/, '');
	const health = useAsync(async () => ({ live: await probe(`${root}/healthz`), ready: await probe(`${root}/readyz`) }), [tick]);
	const logs = useAsync(() => api.get<List<LogEntry>>('/system/logs', { level, limit: 200 }), [level, tick]);
	useEffect(() => {
		if (!live) return;
		const t = setInterval(() => setTick((n) => n + 1), 5000);
		return () => clearInterval(t);
	}, [live]);
	const entries = [...(logs.data?.items ?? [])].reverse(); // newest first

	return (
		<>
			<div class="admin-head">
				<h1>Server</h1>
				<button type="button" onClick={() => setTick((n) => n + 1)}>
					Refresh
				</button>
			</div>
			<section aria-labelledby="health-h">
				<h2 id="health-h">Health</h2>
				{health.data ? (
					<ul class="health">
						<li data-ok={health.data.live.ok}>Alive: {health.data.live.ok ? 'yes' : `no (${health.data.live.text})`}</li>
						<li data-ok={health.data.ready.ok}>Ready: {health.data.ready.ok ? 'yes' : `no (${health.data.ready.text})`}</li>
					</ul>
				) : (
					<Spinner />
				)}
			</section>
			<section aria-labelledby="logs-h">
				<div class="admin-head">
					<h2 id="logs-h">Logs</h2>
					<label class="field">
						Level{' '}
						<select value={level} onChange={(e) => setLevel(e.currentTarget.value as (typeof levels)[number])}>
							{levels.map((l) => (
								<option key={l} value={l}>
									{l} and above
								</option>
							))}
						</select>
					</label>
					<label class="check">
						<input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} /> Follow
					</label>
				</div>
				{logs.error && <ErrorBox error={logs.error} />}
				{!logs.data && logs.loading && <Spinner />}
				{logs.data && entries.length === 0 && <p class="empty">No log record at this level since the server started.</p>}
				<ol class="logs" aria-label="Log records">
					{entries.map((e, i) => (
						<li key={`${e.time}-${i}`} class={`log log-${e.level}`}>
							<time dateTime={e.time}>{when(e.time)}</time> <span class="log-level">{e.level.toUpperCase()}</span> <span class="log-msg">{e.message}</span>{' '}
							<span class="log-attrs">
								{Object.entries(e.attrs)
									.map(([k, v]) => `${k}=${v}`)
									.join(' ')}
							</span>
						</li>
					))}
				</ol>
			</section>
		</>
	);
}
