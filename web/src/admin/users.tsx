// Users: list, create, delete, and edit a user's admin flag, library access, password and
// parental controls.
import { useState } from 'preact/hooks';
import { message, useApi, useAsync } from '../context';
import { ErrorBox, Spinner } from '../ui';
import { parentalSummary, userErrors } from './forms';
import { Parental } from './parental';
import type { AdminUser, LibraryInfo, List, ParentalControls } from './types';
import { Confirm, Problems, when } from './widgets';

export function Users() {
	const api = useApi();
	const [version, setVersion] = useState(0);
	const users = useAsync(() => api.get<List<AdminUser>>('/users'), [version]);
	const libs = useAsync(() => api.get<List<LibraryInfo>>('/libraries'), []);
	const [editing, setEditing] = useState('');
	const reload = () => setVersion((v) => v + 1);
	const me = api.store.current()?.userId;

	return (
		<>
			<div class="admin-head">
				<h1>Users</h1>
			</div>
			<NewUser
				onCreated={(u) => {
					reload();
					setEditing(u.id);
				}}
			/>
			{users.error && <ErrorBox error={users.error} />}
			{!users.data && users.loading && <Spinner />}
			<ul class="admin-list" aria-label="Users">
				{users.data?.items.map((u) => (
					<li key={u.id} class="admin-row" data-user={u.username}>
						<div class="row-main">
							<div>
								<h2>
									{u.displayName || u.username}
									{u.admin && <span class="badge">admin</span>}
									{u.disabled && <span class="badge">disabled</span>}
								</h2>
								<p class="muted">
									{u.username} · {u.allLibraries ? 'all libraries' : `${u.libraryIds.length} librar${u.libraryIds.length === 1 ? 'y' : 'ies'}`} · {parentalSummary(u.parentalControls)} · last sign-in {when(u.lastLoginAt)}
								</p>
							</div>
							<div class="row-actions">
								<button type="button" aria-expanded={editing === u.id} onClick={() => setEditing(editing === u.id ? '' : u.id)}>
									Edit
								</button>
								{u.id !== me && (
									<Confirm
										label="Delete"
										question={`Delete ${u.username}, with their history?`}
										onConfirm={async () => {
											await api.call('DELETE', `/users/${u.id}`);
											reload();
										}}
									/>
								)}
							</div>
						</div>
						{editing === u.id && (
							<UserEditor
								user={u}
								libraries={libs.data?.items ?? []}
								onSaved={() => {
									setEditing('');
									reload();
								}}
								onCancel={() => setEditing('')}
							/>
						)}
					</li>
				))}
			</ul>
		</>
	);
}

function NewUser({ onCreated }: { onCreated: (u: AdminUser) => void }) {
	const api = useApi();
	const [username, setUsername] = useState('');
	const [password, setPassword] = useState('');
	const [passwordless, setPasswordless] = useState(false);
	const [admin, setAdmin] = useState(false);
	const [problems, setProblems] = useState<string[]>([]);
	const [busy, setBusy] = useState(false);

	async function submit(e: Event) {
		e.preventDefault();
		const f = { username: username.trim(), password, passwordless };
		const p = userErrors(f);
		setProblems(p);
		if (p.length > 0) return;
		setBusy(true);
		try {
			const u = await api.call<AdminUser>('POST', '/users', { username: f.username, password: passwordless ? '' : password, passwordless, admin });
			setUsername('');
			setPassword('');
			setAdmin(false);
			onCreated(u);
		} catch (err) {
			setProblems([message(err)]);
		}
		setBusy(false);
	}

	return (
		<form class="form admin-form inline-form" onSubmit={submit} aria-label="New user">
			<label for="new-username">New username</label>
			<input id="new-username" autocomplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
			<label for="new-password">Password</label>
			<input id="new-password" type="password" autocomplete="new-password" disabled={passwordless} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
			<label class="check">
				<input type="checkbox" checked={passwordless} onChange={(e) => setPasswordless(e.currentTarget.checked)} /> No password
			</label>
			<label class="check">
				<input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.currentTarget.checked)} /> Admin
			</label>
			<button type="submit" class="primary" disabled={busy}>
				Create user
			</button>
			<Problems items={problems} />
		</form>
	);
}

function UserEditor({ user, libraries, onSaved, onCancel }: { user: AdminUser; libraries: LibraryInfo[]; onSaved: () => void; onCancel: () => void }) {
	const api = useApi();
	const [admin, setAdmin] = useState(user.admin);
	const [disabled, setDisabled] = useState(user.disabled);
	const [downloads, setDownloads] = useState(user.allowDownloads);
	const [all, setAll] = useState(user.allLibraries);
	const [libs, setLibs] = useState<string[]>(user.libraryIds);
	const [password, setPassword] = useState('');
	const [parental, setParental] = useState<ParentalControls>(user.parentalControls);
	const [parentalProblems, setParentalProblems] = useState<string[]>([]);
	const [problems, setProblems] = useState<string[]>([]);
	const [busy, setBusy] = useState(false);
	const id = `user-${user.id}`;

	async function submit(e: Event) {
		e.preventDefault();
		if (parentalProblems.length > 0) {
			setProblems(parentalProblems);
			return;
		}
		const body: Record<string, unknown> = { admin, disabled, allowDownloads: downloads, allLibraries: all, parentalControls: parental };
		if (!all) body.libraryIds = libs;
		if (password) body.password = password;
		setBusy(true);
		setProblems([]);
		try {
			await api.call('PATCH', `/users/${user.id}`, body);
			onSaved();
		} catch (err) {
			setProblems([message(err)]);
		}
		setBusy(false);
	}

	return (
		<form class="admin-form user-editor" onSubmit={submit} aria-label={`Edit ${user.username}`}>
			<fieldset>
				<legend>Account</legend>
				<label class="check">
					<input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.currentTarget.checked)} /> Admin
				</label>
				<label class="check">
					<input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.currentTarget.checked)} /> Disabled (cannot sign in)
				</label>
				<label class="check">
					<input type="checkbox" checked={downloads} onChange={(e) => setDownloads(e.currentTarget.checked)} /> Allow downloads (saving files for offline use)
				</label>
				<label for={`${id}-password`}>New password (empty: unchanged)</label>
				<input id={`${id}-password`} type="password" autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
			</fieldset>
			<fieldset>
				<legend>Library access</legend>
				<label class="check">
					<input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> All libraries, present and future
				</label>
				{!all &&
					libraries.map((l) => (
						<label key={l.id} class="check">
							<input
								type="checkbox"
								checked={libs.includes(l.id)}
								onChange={(e) => setLibs(e.currentTarget.checked ? [...libs, l.id] : libs.filter((x) => x !== l.id))}
							/>{' '}
							{l.name}
						</label>
					))}
			</fieldset>
			<Parental
				id={id}
				value={parental}
				onChange={(p, errs) => {
					setParental(p);
					setParentalProblems(errs);
				}}
			/>
			<Problems items={problems} />
			<div class="row-actions">
				<button type="submit" class="primary" disabled={busy}>
					Save {user.username}
				</button>
				<button type="button" onClick={onCancel}>
					Cancel
				</button>
			</div>
		</form>
	);
}
