// plexapi.cjs drives Walros's Plex facade through plex-api 5.3.2 (npm), the
// thin query(path) client many Plex scripts are built on: server info and
// identity, sections, paging with X-Plex-Container headers, an item's
// Media/Part/Stream tree, a range of a part's bytes, scrobble, timeline and
// progress reports read back from a second client, on deck, hub search and a
// bad token. CommonJS, because plex-api is; lib.mjs is loaded with import().
//
// Usage: node plexapi.cjs --host HOST --port PORT --token TOKEN --location DIR
//        --file PATH --size BYTES --head HEX [--movie TITLE] [--other TITLE]
//        [--timeout SEC]
// --movie is the movie whose metadata and bytes are checked (its file is
// --file, of --size bytes, starting with the bytes --head gives in hex) and
// which is then played; --other is the movie that is scrobbled. Prints one
// JSON object (see lib.mjs) on stdout.

'use strict';

const PlexAPI = require('plex-api');

// The identifier python-plexapi and Plex Web send with play-state calls.
const LIBRARY = 'com.plexapp.plugins.library';

async function main() {
	const { Run, StepError, UsageError, log, parseArgs, watchdog } = await import('./lib.mjs');
	const spec = {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'int' },
		token: { type: 'string' },
		location: { type: 'string' },
		file: { type: 'string' },
		size: { type: 'int' },
		head: { type: 'string' },
		movie: { type: 'string', default: 'Big Test' },
		other: { type: 'string', default: 'Long Subs' },
		timeout: { type: 'int', default: 120 },
	};
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2), spec);
		if (opts.help || !opts.port || !opts.token || !opts.location || !opts.file || !opts.size || !opts.head) {
			throw new UsageError('--port, --token, --location, --file, --size and --head are required');
		}
	} catch (e) {
		if (!(e instanceof UsageError)) throw e;
		process.stderr.write(`${e.message}\nusage: node plexapi.cjs --host HOST --port PORT --token TOKEN --location DIR --file PATH --size BYTES --head HEX [--movie TITLE] [--other TITLE]\n`);
		process.exit(2);
	}

	const run = new Run(opts);
	watchdog(run, opts.timeout);

	// check throws a step failure with what was seen when cond is false.
	const check = (cond, what, seen) => {
		if (!cond) throw new StepError({ message: what, seen });
	};
	const isInt = (v) => Number.isInteger(v);

	// client is one plex-api client (one Plex device). plex-api hands back only
	// the parsed body, so the response parser also keeps the last status and
	// headers in c.last; it then parses exactly as plex-api's own parser does.
	function client(identifier, token) {
		const c = new PlexAPI({
			hostname: opts.host,
			port: opts.port,
			https: false,
			token,
			timeout: 15000,
			options: { identifier, product: 'walros-conformance', version: '1.0', deviceName: 'e2e' },
			responseParser(response, body) {
				c.last = { status: response.statusCode, headers: response.headers, type: response.headers['content-type'] ?? null };
				return PlexAPI.prototype._defaultResponseParser(response, body);
			},
		});
		c.last = null;
		return c;
	}

	const plex = client('walros-e2e-device-1', opts.token);
	const other = client('walros-e2e-device-2', opts.token);
	const state = {};

	// json checks that the last answer of c was JSON, as exactly application/json.
	const json = (c, body, what) => {
		check(c.last && c.last.status === 200 && c.last.type === 'application/json' && body && body.MediaContainer,
			`${what}: a 200 with a JSON MediaContainer, as exactly application/json`, { last: c.last && { status: c.last.status, type: c.last.type }, body: typeof body === 'string' ? body.slice(0, 300) : body });
		return body.MediaContainer;
	};
	const metadata = async (c, ratingKey) => {
		const mc = json(c, await c.query(`/library/metadata/${ratingKey}`), `metadata ${ratingKey}`);
		check(Array.isArray(mc.Metadata) && mc.Metadata.length === 1 && mc.Metadata[0].ratingKey === ratingKey, `one item with ratingKey ${ratingKey}`, mc);
		return mc.Metadata[0];
	};

	await run.step('connect', async () => {
		const mc = json(plex, await plex.query('/'), 'GET /');
		// Sonarr and Radarr's version parse: four numeric groups, each followed by "." or "-".
		check(typeof mc.machineIdentifier === 'string' && mc.machineIdentifier !== '', 'a machineIdentifier', mc);
		check(typeof mc.version === 'string' && /^(\d+[.-]){4}/.test(mc.version), 'a version Sonarr can parse (^(\\d+[.-]){4})', mc.version);
		check(Array.isArray(mc.Directory) && mc.Directory.some((d) => d.key === 'library'), 'a library Directory', mc.Directory);
		state.machineIdentifier = mc.machineIdentifier;
		state.version = mc.version;
		return { machineIdentifier: mc.machineIdentifier, version: mc.version, friendlyName: mc.friendlyName, platform: mc.platform };
	});

	await run.step('identity', async () => {
		// Clients read /identity before they have a token.
		const anon = client('walros-e2e-anonymous');
		const mc = json(anon, await anon.query('/identity'), 'GET /identity without a token');
		check(mc.machineIdentifier === state.machineIdentifier && mc.version === state.version, 'the machineIdentifier and version of /', mc);
		const signed = json(plex, await plex.query('/identity'), 'GET /identity');
		check(signed.machineIdentifier === state.machineIdentifier, 'the same with a token', signed);
		return { machineIdentifier: mc.machineIdentifier, version: mc.version, claimed: mc.claimed };
	});

	await run.step('sections', async () => {
		const mc = json(plex, await plex.query('/library/sections'), 'GET /library/sections');
		check(Array.isArray(mc.Directory), 'a Directory list', mc);
		const movies = mc.Directory.find((d) => d.type === 'movie');
		check(movies, 'a movie section', mc.Directory);
		// Sonarr and Radarr read key as an int, and match their folders against Location.path.
		check(typeof movies.key === 'string' && /^\d+$/.test(movies.key), 'a numeric key', movies.key);
		const paths = (movies.Location || []).map((l) => l.path);
		check(paths.includes(opts.location) && movies.Location.every((l) => isInt(l.id)), `a Location at ${opts.location}`, movies.Location);
		state.section = movies.key;
		return { key: movies.key, title: movies.title, agent: movies.agent, locations: paths };
	});

	await run.step('paging', async () => {
		const page = async (start, size) => {
			const mc = json(plex, await plex.query({
				uri: `/library/sections/${state.section}/all`,
				extraHeaders: { 'X-Plex-Container-Start': String(start), 'X-Plex-Container-Size': String(size) },
			}), `page ${start}+${size}`);
			const items = mc.Metadata || [];
			check(mc.offset === start && mc.size === items.length && items.length <= size && isInt(mc.totalSize),
				`page ${start}+${size}: offset ${start}, size = the items it holds`, { offset: mc.offset, size: mc.size, totalSize: mc.totalSize, items: items.length });
			const h = plex.last.headers;
			check(h['x-plex-container-start'] === String(start) && h['x-plex-container-total-size'] === String(mc.totalSize),
				'X-Plex-Container-Start and -Total-Size headers', { start: h['x-plex-container-start'], total: h['x-plex-container-total-size'] });
			return { mc, items };
		};
		const first = await page(0, 1);
		const total = first.mc.totalSize;
		check(total >= 2 && first.items.length === 1, 'at least two movies, one on a page of one', first.mc);
		const second = await page(1, 1);
		check(second.items.length === 1 && second.mc.totalSize === total && second.items[0].ratingKey !== first.items[0].ratingKey,
			'the second page holds another movie', { first: first.items[0], second: second.items[0] });
		const all = await page(0, 50);
		check(all.items.length === total, 'a page of 50 holds them all', all.mc);
		const past = await page(total, 10);
		check(past.items.length === 0 && past.mc.totalSize === total, 'a page past the end is empty', past.mc);
		for (const m of all.items) {
			check(m.type === 'movie' && typeof m.ratingKey === 'string' && /^\d+$/.test(m.ratingKey) && m.key === `/library/metadata/${m.ratingKey}`,
				'movies with a numeric string ratingKey and their key', m);
		}
		const movie = all.items.find((m) => m.title === opts.movie);
		const second2 = all.items.find((m) => m.title === opts.other);
		check(movie && second2, `the movies ${opts.movie} and ${opts.other}`, all.items.map((m) => m.title));
		state.movie = movie.ratingKey;
		state.other = second2.ratingKey;
		return { totalSize: total, titles: all.items.map((m) => `${m.ratingKey}:${m.title}`) };
	});

	await run.step('metadata', async () => {
		const m = await metadata(plex, state.movie);
		check(m.type === 'movie' && m.title === opts.movie && m.year === 2020 && isInt(m.duration) && Math.abs(m.duration - 40000) <= 1000,
			`${opts.movie}: a 2020 movie of about 40 s`, m);
		const media = m.Media && m.Media[0];
		const part = media && media.Part && media.Part[0];
		check(part && isInt(media.id) && isInt(part.id) && /^\/library\/parts\/\d+\/\d+\/file\.mkv$/.test(part.key),
			'Media[0].Part[0] with integer ids and a /library/parts/{id}/{stamp}/file.mkv key', m.Media);
		check(part.size === opts.size && part.file === opts.file && part.container === 'mkv', `the part is ${opts.file}, ${opts.size} bytes`, part);
		const streams = part.Stream || [];
		const video = streams.filter((s) => s.streamType === 1);
		const audio = streams.filter((s) => s.streamType === 2);
		const subs = streams.filter((s) => s.streamType === 3);
		check(video.length === 1 && video[0].codec === 'h264' && video[0].width === 640 && video[0].height === 360,
			'one 640x360 H.264 video stream', video);
		check(audio.length === 2 && audio.every((s) => s.codec === 'aac') && audio.filter((s) => s.selected === true).length === 1,
			'two AAC audio streams, one selected', audio);
		check(subs.length >= 1, 'subtitle streams', streams);
		check(streams.every((s) => isInt(s.id) && isInt(s.index)), 'integer stream ids and indexes', streams);
		state.part = part;
		return {
			ratingKey: m.ratingKey, duration: m.duration, media: { id: media.id, container: media.container, videoCodec: media.videoCodec, videoResolution: media.videoResolution },
			part: { id: part.id, key: part.key, size: part.size }, streams: streams.map((s) => `${s.index}:${s.streamType}:${s.codec}${s.language ? ':' + s.language : ''}`),
		};
	});

	await run.step('part-range', async () => {
		const body = await plex.query({ uri: state.part.key, extraHeaders: { Range: 'bytes=0-1023' } });
		const h = plex.last.headers;
		check(Buffer.isBuffer(body), 'plex-api hands back a Buffer', { type: plex.last.type, got: typeof body });
		check(plex.last.status === 206 && body.length === 1024 && h['content-range'] === `bytes 0-1023/${opts.size}`,
			'a 206 of 1024 bytes with its Content-Range', { status: plex.last.status, length: body.length, range: h['content-range'] });
		check(body.toString('hex') === opts.head.toLowerCase(), 'the first 1024 bytes of the file on disk',
			{ got: body.subarray(0, 32).toString('hex'), want: opts.head.slice(0, 64) });
		return { status: plex.last.status, type: plex.last.type, range: h['content-range'], bytes: body.length };
	});

	// The other movie is scrobbled, and the movie is played below while still
	// unplayed: Walros keeps no visible resume point on a played item (no
	// viewOffset, not on deck), so reports on one movie would mix the two.
	await run.step('scrobble', async () => {
		const before = await metadata(plex, state.other);
		check(before.viewCount === undefined, `${opts.other} starts unplayed`, before);
		const body = await plex.query(`/:/scrobble?key=${state.other}&identifier=${LIBRARY}`);
		check(body === '' && plex.last.status === 200 && plex.last.type === null, 'an empty 200 without a Content-Type (plex-api gives \'\')',
			{ body: typeof body === 'string' ? body.slice(0, 300) : typeof body, last: { status: plex.last.status, type: plex.last.type } });
		const after = await metadata(plex, state.other);
		check(after.viewCount === 1 && isInt(after.lastViewedAt) && after.viewOffset === undefined, 'viewCount 1, lastViewedAt, no viewOffset', after);
		return { viewCount: after.viewCount, lastViewedAt: after.lastViewedAt };
	});

	await run.step('timeline', async () => {
		const key = encodeURIComponent(`/library/metadata/${state.movie}`);
		const report = async (send, time) => {
			const uri = `/:/timeline?ratingKey=${state.movie}&key=${key}&identifier=${LIBRARY}&state=playing&time=${time}&duration=40000`;
			const body = await send({ uri, extraHeaders: { 'X-Plex-Session-Identifier': 'walros-e2e-session' } });
			json(plex, body, `timeline at ${time} ms`);
		};
		// Plex Web reports with GET, plexjs with POST: the last report wins.
		await report((o) => plex.query(o), 8000);
		await report((o) => plex.postQuery(o), 12000);
		const seen = await metadata(other, state.movie);
		check(seen.viewOffset === 12000 && seen.viewCount === undefined, 'the other device sees viewOffset 12000 and no viewCount', seen);
		return { viewOffset: seen.viewOffset, reportedBy: plex.getIdentifier(), readBy: other.getIdentifier() };
	});

	await run.step('on-deck', async () => {
		const mc = json(other, await other.query('/library/onDeck'), 'GET /library/onDeck');
		const items = mc.Metadata || [];
		const movie = items.find((m) => m.ratingKey === state.movie);
		check(movie && movie.viewOffset === 12000, `${opts.movie} is on deck at 12 s`, items);
		check(!items.some((m) => m.ratingKey === state.other), `the played ${opts.other} is not`, items);
		return { onDeck: items.map((m) => `${m.title}@${m.viewOffset}`) };
	});

	await run.step('progress', async () => {
		const body = await plex.query(`/:/progress?key=${state.movie}&identifier=${LIBRARY}&time=20000&state=playing`);
		check(body === '' && plex.last.status === 200, 'an empty 200', { body, status: plex.last.status });
		const seen = await metadata(other, state.movie);
		check(seen.viewOffset === 20000, 'the other device sees viewOffset 20000', seen);
		return { viewOffset: seen.viewOffset };
	});

	await run.step('hub-search', async () => {
		const term = opts.movie.split(' ')[0].toLowerCase();
		const find = async (uri) => {
			const mc = json(plex, await plex.query(uri), uri);
			const hubs = mc.Hub || [];
			const hub = hubs.find((h) => h.type === 'movie');
			return { mc, hubs, found: !!(hub && (hub.Metadata || []).some((m) => m.ratingKey === state.movie && m.title === opts.movie)) };
		};
		const all = await find(`/hubs/search?query=${encodeURIComponent(term)}&limit=10`);
		check(all.found, `"${term}" finds ${opts.movie} in the movie hub`, all.mc);
		const section = await find(`/hubs/search?query=${encodeURIComponent(term)}&sectionId=${state.section}`);
		check(section.found, 'and so does a search in its section', section.mc);
		const none = await find('/hubs/search?query=zzqxnothing');
		check(none.hubs.every((h) => !(h.Metadata || []).length), 'a word no title has finds nothing', none.mc);
		return { term, hubs: all.hubs.map((h) => `${h.type}:${(h.Metadata || []).map((m) => m.title).join('|')}`) };
	});

	await run.step('playlists', async () => {
		// python-plexapi's createPlaylist uri, then the calls behind addItems, moveItem, removeItems and delete.
		const uri = (...keys) => encodeURIComponent(`server://${state.machineIdentifier}/com.plexapp.plugins.library/library/metadata/${keys.join(',')}`);
		const created = json(plex, await plex.postQuery(`/playlists?smart=0&title=${encodeURIComponent('E2E list')}&type=video&uri=${uri(state.movie)}`), 'create');
		const pl = created.Metadata && created.Metadata[0];
		check(pl && pl.title === 'E2E list' && pl.leafCount === 1 && pl.type === 'playlist', 'the new playlist holds one entry', created);
		const listed = json(plex, await plex.query('/playlists?playlistType=video'), 'list');
		check((listed.Metadata || []).some((p) => p.ratingKey === pl.ratingKey), 'it is listed', listed);
		const added = json(plex, await plex.putQuery(`/playlists/${pl.ratingKey}/items?uri=${uri(state.other)}`), 'add');
		check(added.Metadata[0].leafCount === 2, 'adding makes two entries', added);
		let items = json(plex, await plex.query(`/playlists/${pl.ratingKey}/items`), 'items').Metadata || [];
		check(items.map((m) => m.ratingKey).join() === [state.movie, state.other].join(), 'in the order added', items);
		await plex.putQuery(`/playlists/${pl.ratingKey}/items/${items[1].playlistItemID}/move`);
		items = json(plex, await plex.query(`/playlists/${pl.ratingKey}/items`), 'items').Metadata || [];
		check(items[0].ratingKey === state.other, 'move without after puts the entry first', items);
		await plex.deleteQuery(`/playlists/${pl.ratingKey}/items/${items[0].playlistItemID}`);
		items = json(plex, await plex.query(`/playlists/${pl.ratingKey}/items`), 'items').Metadata || [];
		check(items.length === 1 && items[0].ratingKey === state.movie, 'removing leaves one', items);
		await plex.deleteQuery(`/playlists/${pl.ratingKey}`);
		const after = json(plex, await plex.query('/playlists'), 'list after delete');
		check(!(after.Metadata || []).some((p) => p.ratingKey === pl.ratingKey), 'deleted', after);
		return { playlist: pl.ratingKey };
	});

	await run.step('bad-token', async () => {
		const want = 'Plex Server denied request, you must provide a way to authenticate!';
		const denied = async (c, uri) => {
			try {
				const body = await c.query(uri);
				throw new StepError({ message: `${uri} answered without a valid token`, status: c.last && c.last.status, body });
			} catch (e) {
				if (e instanceof StepError) throw e;
				check(String(e.message).startsWith(want), `${uri}: plex-api's 401 error`, String(e.message));
				return e.message.slice(0, want.length);
			}
		};
		const bad = client('walros-e2e-bad-token', 'walros-e2e-not-a-token');
		const errors = {
			badToken: await denied(bad, '/library/sections'),
			noToken: await denied(client('walros-e2e-no-token'), '/'),
		};
		return errors;
	});

	run.result.clients = [plex.getIdentifier(), other.getIdentifier()];
	await run.finish();
	log('done');
}

main().catch((e) => {
	process.stderr.write(`${e && e.stack || e}\n`);
	process.exit(1);
});
