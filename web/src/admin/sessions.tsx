// Sessions: what every client plays now and the server's HLS/DASH renditions (playing.tsx), then
// every signed-in device of every user (revoking one signs that device out).
import { useState } from 'preact/hooks';
import { useApi, useAsync } from '../context';
import { ErrorBox, Spinner } from '../ui';
import { NowPlayingList } from './playing';
import type { AdminUser, List, Session } from './types';
import { Confirm, when } from './widgets';

export function Sessions() {
	const api = useApi();
	const [version, setVersion] = useState(0);
	const sessions = useAsync(() => api.get<List<Session>>('/sessions', { all: true }), [version]);
	const users = useAsync(() => api.get<List<AdminUser>>('/users'), []);
	const name = (id: string) => users.data?.items.find((u) => u.id === id)?.username ?? id;
	const list = [...(sessions.data?.items ?? [])].sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));

	return (
		<>
			<div class="admin-head">
				<h1>Sessions</h1>
				<button type="button" onClick={() => setVersion((v) => v + 1)}>
					Refresh
				</button>
			</div>
			<NowPlayingList version={version} />
			<h2>Devices</h2>
			{sessions.error && <ErrorBox error={sessions.error} />}
			{!sessions.data && sessions.loading && <Spinner />}
			<table class="admin-table" aria-label="Sessions">
				<thead>
					<tr>
						<th scope="col">User</th>
						<th scope="col">Device</th>
						<th scope="col">Client</th>
						<th scope="col">Address</th>
						<th scope="col">Last seen</th>
						<th scope="col">
							<span class="visually-hidden">Actions</span>
						</th>
					</tr>
				</thead>
				<tbody>
					{list.map((s) => (
						<tr key={s.id} data-session={s.id}>
							<td>{name(s.userId)}</td>
							<td>
								{s.deviceName}
								{s.current && <span class="badge">this one</span>}
							</td>
							<td>{s.client}</td>
							<td>{s.address}</td>
							<td>{when(s.lastSeenAt)}</td>
							<td>
								{!s.current && (
									<Confirm
										label="Revoke"
										question={`Sign ${s.deviceName} out?`}
										onConfirm={async () => {
											await api.call('DELETE', `/sessions/${s.id}`);
											setVersion((v) => v + 1);
										}}
									/>
								)}
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</>
	);
}
