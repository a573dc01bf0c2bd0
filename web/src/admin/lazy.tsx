// AdminLoader loads the admin pages on first use: people who never open them (most, and every
// non-admin) do not download them with the initial bundle.
import { useEffect, useState } from 'preact/hooks';
import type { FunctionComponent } from 'preact';
import type { Route } from '../router';
import type { Account } from '../store';
import { ErrorBox, Spinner } from '../ui';

type AdminRoute = Extract<Route, { name: 'admin' }>;
type Props = { account: Account; route: AdminRoute };

let loaded: FunctionComponent<Props> | undefined;

export function AdminLoader(props: Props) {
	const [Page, setPage] = useState(() => loaded);
	const [error, setError] = useState('');
	useEffect(() => {
		if (Page || !props.account.admin) return;
		import('./index').then(
			(m) => {
				loaded = m.Admin;
				setPage(() => m.Admin);
			},
			(e) => setError(`The admin pages could not be loaded: ${e instanceof Error ? e.message : String(e)}`),
		);
	}, [Page, props.account.admin]);
	if (!props.account.admin) return <Refused />;
	if (error) return <ErrorBox error={error} />;
	return Page ? <Page {...props} /> : <Spinner />;
}

/** Refused is what a non-admin sees at an admin address; the server refuses them too. */
export function Refused() {
	return (
		<section class="page">
			<h1>Admins only</h1>
			<p>
				These pages are for the server's admins. <a href="#/">Back home</a>
			</p>
		</section>
	);
}
