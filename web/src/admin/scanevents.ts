// A library scan's live progress: GET /libraries/{id}/scan/events is a server-sent event stream
// ("progress" about twice a second, then one "done"). It is read with fetch, not EventSource,
// because EventSource cannot send the Authorization header the route requires.
import type { Api } from '../api';
import { ApiError } from '../api';

/** ScanStatus is the API's ScanStatus. */
export interface ScanStatus {
	libraryId: string;
	running: boolean;
	walking: boolean;
	startedAt: string;
	finishedAt: string | null;
	found: number;
	unchanged: number;
	toProbe: number;
	probed: number;
	failed: number;
	moved: number;
	missing: number;
	removed: number;
	offline: string[];
	error: string | null;
	filesPerSecond: number;
	etaSeconds: number;
}

/** SSEEvent is one dispatched server-sent event. */
export interface SSEEvent {
	event: string;
	data: string;
}

/** SSEParser turns a server-sent event stream, fed in arbitrary chunks, into events (the
 * WHATWG event-stream format: fields per line, a blank line dispatches, ':' starts a comment). */
export class SSEParser {
	private buf = '';
	private event = '';
	private data: string[] = [];

	push(chunk: string): SSEEvent[] {
		this.buf += chunk;
		const out: SSEEvent[] = [];
		for (;;) {
			const m = /\r\n|\r|\n/.exec(this.buf);
			// A lone '\r' at the end may be the first half of "\r\n": wait for more.
			if (!m || (m[0] === '\r' && m.index === this.buf.length - 1)) break;
			const line = this.buf.slice(0, m.index);
			this.buf = this.buf.slice(m.index + m[0].length);
			if (line === '') {
				if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n') });
				this.event = '';
				this.data = [];
				continue;
			}
			if (line.startsWith(':')) continue;
			const colon = line.indexOf(':');
			const field = colon < 0 ? line : line.slice(0, colon);
			let value = colon < 0 ? '' : line.slice(colon + 1);
			if (value.startsWith(' ')) value = value.slice(1);
			if (field === 'event') this.event = value;
			else if (field === 'data') this.data.push(value);
		}
		return out;
	}
}

/** scanPercent is how far a scan is, 0 to 100, or null while it still walks the folders (the
 * number of files to probe is not known yet). */
export function scanPercent(s: ScanStatus): number | null {
	if (!s.running) return 100;
	if (s.walking) return null;
	if (s.toProbe <= 0) return 100;
	return Math.min(100, Math.round(((s.probed + s.failed) / s.toProbe) * 100));
}

/** describeScan says in a line what a scan has done so far. */
export function describeScan(s: ScanStatus): string {
	const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
	if (s.error) return `Scan failed: ${s.error}`;
	const parts = [`found ${files(s.found)}`];
	if (s.toProbe > 0 || s.probed > 0) parts.push(`probed ${s.probed} of ${s.toProbe}`);
	if (s.failed > 0) parts.push(`${s.failed} failed`);
	if (s.missing > 0) parts.push(`${s.missing} missing`);
	if (s.offline.length > 0) parts.push(`offline: ${s.offline.join(', ')}`);
	if (!s.running) return `Scan finished: ${parts.join(', ')}`;
	const eta = s.etaSeconds > 0 ? `, about ${s.etaSeconds} s left` : '';
	return `${s.walking ? 'Looking for files' : 'Scanning'}: ${parts.join(', ')}${eta}`;
}

export interface WatchOptions {
	fetch?: typeof fetch;
	signal?: AbortSignal;
}

/** watchScan reads a library's scan events until the "done" event (or the stream's end), calling
 * onStatus with each status; it returns the last one. */
export async function watchScan(api: Api, libraryId: string, onStatus: (s: ScanStatus, event: string) => void, opts: WatchOptions = {}): Promise<ScanStatus | undefined> {
	const f = opts.fetch ?? ((i, init) => fetch(i, init));
	const token = await api.token();
	const resp = await f(api.url(`/libraries/${encodeURIComponent(libraryId)}/scan/events`), {
		headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
		signal: opts.signal,
	});
	if (!resp.ok || !resp.body) throw new ApiError(resp.status, resp.statusText || `HTTP ${resp.status}`, 'the scan events could not be read');
	const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
	const parser = new SSEParser();
	let last: ScanStatus | undefined;
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return last;
			for (const ev of parser.push(value)) {
				if (ev.event !== 'progress' && ev.event !== 'done') continue;
				last = JSON.parse(ev.data) as ScanStatus;
				onStatus(last, ev.event);
				if (ev.event === 'done') return last;
			}
		}
	} finally {
		reader.cancel().catch(() => {});
	}
}
