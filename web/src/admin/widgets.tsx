// Small pieces the admin pages share.
import { useState } from 'preact/hooks';
import { message } from '../context';

/** Problems lists a form's problems, or nothing when there are none. */
export function Problems({ items }: { items: string[] }) {
	if (items.length === 0) return null;
	return (
		<ul class="error problems" role="alert">
			{items.map((p) => (
				<li key={p}>{p}</li>
			))}
		</ul>
	);
}

/** Confirm is a button that asks once more, in place, before it runs a destructive action. */
export function Confirm({ label, question, onConfirm }: { label: string; question: string; onConfirm: () => Promise<void> }) {
	const [asking, setAsking] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	if (!asking) {
		return (
			<button type="button" class="danger" onClick={() => setAsking(true)}>
				{label}
			</button>
		);
	}
	return (
		<span class="confirm" role="group" aria-label={question}>
			<span>{question}</span>
			<button
				type="button"
				class="danger"
				disabled={busy}
				onClick={async () => {
					setBusy(true);
					setError('');
					try {
						await onConfirm();
						setAsking(false);
					} catch (e) {
						setError(message(e));
					}
					setBusy(false);
				}}
			>
				Yes, {label.toLowerCase()}
			</button>
			<button type="button" onClick={() => setAsking(false)}>
				Cancel
			</button>
			{error && <span class="error">{error}</span>}
		</span>
	);
}

/** when writes an API time for people, or "never". */
export function when(t: string | null | undefined): string {
	if (!t) return 'never';
	const d = new Date(t);
	return Number.isNaN(d.getTime()) ? t : d.toLocaleString();
}

/** librariesChanged tells the app shell to reload its list of libraries (its navigation). */
export function librariesChanged() {
	dispatchEvent(new Event('walros-libraries-changed'));
}
