// #/settings: the signed-in user's own account (PATCH /users/me): display name, PIN for switching
// users, and playback preferences. A new PIN needs the current password when the user has one.
import { useState } from 'preact/hooks';
import { message, useApi, useAsync } from './context';
import { pinError, pinSaveMessage } from './pin';
import { ErrorBox, Spinner } from './ui';
import type { Me, PlaybackPrefs, SubtitleMode } from './wire';

const modes: { value: SubtitleMode; label: string }[] = [
	{ value: 'default', label: 'Default (forced or flagged default)' },
	{ value: 'always', label: 'Always, in my language' },
	{ value: 'onlyForced', label: 'Only forced' },
	{ value: 'smart', label: 'When the audio is in another language' },
	{ value: 'none', label: 'Never' },
];

export function Settings() {
	const api = useApi();
	const [reload, setReload] = useState(0);
	const [notice, setNotice] = useState('');
	const me = useAsync(() => api.get<Me>('/users/me'), [reload]);
	if (me.error) return <ErrorBox error={me.error} />;
	if (!me.data) return <Spinner />;
	// A save reloads the account (the PIN's state comes from the server) and says what it did.
	const saved = (what: string) => {
		setNotice(what);
		setReload((n) => n + 1);
	};
	return (
		<section class="page settings">
			<h1>Settings</h1>
			<p role="status" class="notice">
				{notice}
			</p>
			<PinForm me={me.data} onSaved={saved} onEdit={() => setNotice('')} />
			<PlaybackForm prefs={me.data.playback} onSaved={saved} onEdit={() => setNotice('')} />
		</section>
	);
}

function PinForm({ me, onSaved, onEdit }: { me: Me; onSaved: (what: string) => void; onEdit: () => void }) {
	const api = useApi();
	const [pin, setPin] = useState('');
	const [password, setPassword] = useState('');
	const [error, setError] = useState('');

	async function save(newPin: string) {
		setError('');
		onEdit();
		if (newPin !== '') {
			const bad = pinError(newPin);
			if (bad) return setError(bad);
		}
		if (me.hasPassword && !password) return setError('Enter your current password to change the PIN.');
		try {
			await api.call('PATCH', '/users/me', { pin: newPin, currentPassword: password || undefined });
			setPin('');
			setPassword('');
			onSaved(newPin ? 'PIN saved.' : 'PIN removed.');
		} catch (e) {
			setError(pinSaveMessage(e));
		}
	}

	const state = me.pinLocked ? 'Your PIN is locked after too many wrong tries; set it again.' : me.hasPin ? 'You have a PIN.' : 'You have no PIN.';
	return (
		<form
			class="form settings-form"
			aria-labelledby="pin-h"
			onSubmit={(e) => {
				e.preventDefault();
				void save(pin);
			}}
		>
			<h2 id="pin-h">PIN</h2>
			<p class="hint" data-pin-state>
				{state} A PIN (4 to 8 digits) lets you switch to your profile on a signed-in device.
			</p>
			<label for="new-pin">New PIN</label>
			<input id="new-pin" type="password" inputMode="numeric" autocomplete="off" maxLength={8} value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
			{me.hasPassword && (
				<>
					<label for="pin-password">Current password</label>
					<input id="pin-password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
				</>
			)}
			{error && <ErrorBox error={error} />}
			<div class="actions">
				<button type="submit" class="primary">
					Save PIN
				</button>
				{(me.hasPin || me.pinLocked) && (
					<button type="button" onClick={() => save('')}>
						Remove PIN
					</button>
				)}
			</div>
		</form>
	);
}

function PlaybackForm({ prefs, onSaved, onEdit }: { prefs: PlaybackPrefs; onSaved: (what: string) => void; onEdit: () => void }) {
	const api = useApi();
	const [p, setP] = useState(prefs);
	const [error, setError] = useState('');
	const lang = /^([a-z]{2,3}(-[A-Za-z]{2})?)?$/;

	async function save(e: Event) {
		e.preventDefault();
		setError('');
		onEdit();
		if (!lang.test(p.audioLanguage.trim()) || !lang.test(p.subtitleLanguage.trim())) {
			return setError('Languages are ISO 639 codes such as eng, fr or pt-BR.');
		}
		try {
			await api.call('PATCH', '/users/me', { playback: { ...p, audioLanguage: p.audioLanguage.trim(), subtitleLanguage: p.subtitleLanguage.trim() } });
			onSaved('Playback preferences saved.');
		} catch (err) {
			setError(message(err));
		}
	}

	return (
		<form class="form settings-form" aria-labelledby="playback-h" onSubmit={save}>
			<h2 id="playback-h">Playback</h2>
			<label for="audio-lang">Audio language</label>
			<input id="audio-lang" placeholder="eng" value={p.audioLanguage} onInput={(e) => setP({ ...p, audioLanguage: e.currentTarget.value })} />
			<label for="sub-lang">Subtitle language</label>
			<input id="sub-lang" placeholder="eng" value={p.subtitleLanguage} onInput={(e) => setP({ ...p, subtitleLanguage: e.currentTarget.value })} />
			<label for="sub-mode">Subtitles</label>
			<select id="sub-mode" value={p.subtitleMode} onChange={(e) => setP({ ...p, subtitleMode: e.currentTarget.value as SubtitleMode })}>
				{modes.map((m) => (
					<option key={m.value} value={m.value}>
						{m.label}
					</option>
				))}
			</select>
			<label class="check">
				<input type="checkbox" checked={p.playDefaultAudio} onChange={(e) => setP({ ...p, playDefaultAudio: e.currentTarget.checked })} />
				Play the file's default audio track rather than my language
			</label>
			{error && <ErrorBox error={error} />}
			<div class="actions">
				<button type="submit" class="primary">
					Save playback
				</button>
			</div>
		</form>
	);
}
