// size.mjs prints the gzipped size of the JavaScript the page loads before it runs (the entry
// script and the modules it preloads, as dist/index.html names them) and of the lazy chunks, and
// fails the build when the initial JavaScript passes the budget of issue 8: 250 KB gzipped.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const budget = 250 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = new Set();
for (const m of html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.?\/?([^"]+\.js)"/g)) initial.add(m[1]);
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let init = 0;
for (const f of initial) init += gz(f);
let lazy = 0;
for (const f of readdirSync(join(dist, 'assets'))) {
	if (f.endsWith('.js') && !initial.has(`assets/${f}`)) lazy += gz(`assets/${f}`);
}
if (initial.size === 0) {
	console.error('size: found no script in dist/index.html');
	process.exit(1);
}
console.log(`web client: initial JS ${kb(init)} gzipped (${initial.size} file(s), budget ${kb(budget)}); lazy chunks ${kb(lazy)} gzipped`);
if (init > budget) {
	console.error(`size: the initial JavaScript (${kb(init)} gzipped) is over the ${kb(budget)} budget`);
	process.exit(1);
}
