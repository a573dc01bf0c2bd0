import { render } from 'preact';
import { Api } from './api';
import { App } from './app';
import { ApiContext } from './context';
import { MemoryKV, TokenStore, type KV } from './store';
import './style.css';

function storage(): KV {
	try {
		localStorage.setItem('walros.probe', '1');
		localStorage.removeItem('walros.probe');
		return localStorage;
	} catch {
		return new MemoryKV(); // private modes without storage: signed in for this page only
	}
}

const api = new Api(new TokenStore(storage()), { deviceName: navigator.userAgent.includes('Mobile') ? 'Mobile browser' : 'Web browser' });

render(
	<ApiContext.Provider value={api}>
		<App />
	</ApiContext.Provider>,
	document.getElementById('app')!,
);
