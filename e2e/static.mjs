#!/usr/bin/env node
// static.mjs serves a directory over HTTP on 127.0.0.1, with the content
// types HLS and DASH players expect, to test hlsplay.mjs and dashplay.mjs
// against a fixture (see fixture.mjs) instead of a Walros server.
//
//   node e2e/static.mjs DIR [--port 0] [--log]
//
// It prints one line on stdout, the origin it listens on
// (http://127.0.0.1:PORT), once it is ready. GET /healthz answers 200 "ok".
// Query strings are ignored (so ?token=… works); Range requests are served.

import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { UsageError, log, parseArgs } from './lib.mjs';

const TYPES = {
	'.m3u8': 'application/vnd.apple.mpegurl',
	'.m4s': 'video/iso.segment',
	'.mp4': 'video/mp4',
	'.m4a': 'audio/mp4',
	'.m4v': 'video/mp4',
	'.ts': 'video/mp2t',
	'.aac': 'audio/aac',
	'.vtt': 'text/vtt; charset=utf-8',
	'.webvtt': 'text/vtt; charset=utf-8',
	'.mpd': 'application/dash+xml',
	'.webm': 'video/webm',
	'.html': 'text/html; charset=utf-8',
	'.json': 'application/json',
	'.js': 'text/javascript',
	'.txt': 'text/plain; charset=utf-8',
};

let opts, root;
try {
	const argv = process.argv.slice(2);
	const dir = argv[0] && !argv[0].startsWith('--') ? argv.shift() : null;
	opts = parseArgs(argv, { port: { type: 'int', default: 0 }, log: { type: 'bool', default: false } });
	if (opts.help || !dir) throw new UsageError('a directory is required');
	root = resolve(dir);
	if (!statSync(root).isDirectory()) throw new UsageError(`${dir} is not a directory`);
} catch (e) {
	process.stderr.write(`static: ${e.message}\nusage: node e2e/static.mjs DIR [--port 0] [--log]\n`);
	process.exit(2);
}

const server = createServer((req, res) => {
	const url = new URL(req.url, 'http://x');
	const done = (status, body, headers = {}) => {
		res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
		res.end(body);
		if (opts.log) log(`${req.method} ${req.url} ${status}`);
	};
	if (req.method !== 'GET' && req.method !== 'HEAD') return done(405, 'method not allowed\n');
	if (url.pathname === '/healthz') return done(200, 'ok\n');
	let rel;
	try {
		rel = normalize(decodeURIComponent(url.pathname));
	} catch {
		return done(400, 'bad path\n');
	}
	const file = join(root, rel);
	if (file !== root && !file.startsWith(root + sep)) return done(403, 'forbidden\n');
	let st;
	try {
		st = statSync(file);
	} catch {
		return done(404, 'not found\n');
	}
	if (!st.isFile()) return done(404, 'not found\n');
	const headers = {
		'Content-Type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
		'Accept-Ranges': 'bytes',
		'Cache-Control': 'no-cache',
	};
	let start = 0, end = st.size - 1, status = 200;
	const range = req.headers.range && /^bytes=(\d*)-(\d*)$/.exec(req.headers.range);
	if (range) {
		if (range[1] === '') {
			start = Math.max(0, st.size - Number(range[2]));
		} else {
			start = Number(range[1]);
			if (range[2] !== '') end = Math.min(end, Number(range[2]));
		}
		if (start > end || start >= st.size) return done(416, 'range not satisfiable\n', { 'Content-Range': `bytes */${st.size}` });
		status = 206;
		headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
	}
	headers['Content-Length'] = String(end - start + 1);
	res.writeHead(status, headers);
	if (opts.log) log(`${req.method} ${req.url} ${status}`);
	if (req.method === 'HEAD' || st.size === 0) return res.end();
	createReadStream(file, { start, end }).pipe(res);
});

server.listen(opts.port, '127.0.0.1', () => {
	process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
	log(`serving ${root}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {
	server.close(() => process.exit(0));
	server.closeAllConnections();
});
