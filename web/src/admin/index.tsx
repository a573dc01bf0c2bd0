// Admin is the admin area: a tab bar over libraries, users, API keys, sessions and the server.
import type { Route } from '../router';
import { href } from '../router';
import type { Account } from '../store';
import { Libraries } from './libraries';
import { Users } from './users';
import { Keys } from './keys';
import { Sessions } from './sessions';
import { Server } from './server';
import { Metadata } from './metadata';
import './admin.css';

const tabs = [
	['libraries', 'Libraries'],
	['users', 'Users'],
	['keys', 'API keys'],
	['sessions', 'Sessions'],
	['server', 'Server'],
] as const;

export function Admin({ route }: { account: Account; route: Extract<Route, { name: 'admin' }> }) {
	let page;
	switch (route.section) {
		case 'libraries':
			page = <Libraries />;
			break;
		case 'users':
			page = <Users />;
			break;
		case 'keys':
			page = <Keys />;
			break;
		case 'sessions':
			page = <Sessions />;
			break;
		case 'server':
			page = <Server />;
			break;
		case 'item':
			page = <Metadata key={route.id} id={route.id ?? ''} />;
			break;
	}
	return (
		<section class="page admin">
			<nav class="admin-tabs" aria-label="Admin">
				{tabs.map(([section, label]) => (
					<a key={section} href={href({ name: 'admin', section })} aria-current={route.section === section ? 'page' : undefined}>
						{label}
					</a>
				))}
			</nav>
			{page}
		</section>
	);
}
