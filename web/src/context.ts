import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Api } from './api';
import { ApiError } from './api';

export const ApiContext = createContext<Api | null>(null);

/** useApi is the Api of the app. */
export function useApi(): Api {
	const api = useContext(ApiContext);
	if (!api) throw new Error('no Api in context');
	return api;
}

export interface Async<T> {
	data?: T;
	error?: string;
	loading: boolean;
}

/** useAsync runs load when deps change and keeps its latest result; an answer that arrives
 * after deps changed again is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
	const [state, setState] = useState<Async<T>>({ loading: true });
	useEffect(() => {
		let live = true;
		setState((s) => ({ data: s.data, loading: true }));
		load().then(
			(data) => live && setState({ data, loading: false }),
			(e) => live && setState({ error: message(e), loading: false }),
		);
		return () => {
			live = false;
		};
	}, deps);
	return state;
}

/** message is what to show people for an error. */
export function message(e: unknown): string {
	if (e instanceof ApiError) {
		if (e.status === 401) return 'Wrong username or password.';
		if (e.status === 429) return 'Too many attempts; wait a minute and try again.';
		if (e.status === 0) return 'The server cannot be reached.';
		return e.detail || e.title;
	}
	return e instanceof Error ? e.message : String(e);
}
