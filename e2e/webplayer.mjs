#!/usr/bin/env node
// webplayer.mjs drives the player of Walros's own web client (web/, served at /) in headless
// Chromium: a movie streamed with hls.js (its currentTime advances), a seek through the seek bar
// (with its thumbnail preview) and one with the keyboard, subtitles turned on through the menu
// (a text track showing, with a cue active), a switch to the second audio track, DASH chosen in
// the Streaming menu, Back (a play) and Resume from a resume point, an episode played as it is
// (the file, no stream) whose end counts down to the next episode, a picture (PGS) subtitle
// burnt in through the Subtitles menu (the stream reloads with subtitle=N, and the subtitle's
// white box is in the frame, sampled through a canvas) and turned off again, an album played as
// a queue in the music bar across pages, and an artist's Play all, whose queue and track are the
// same after a reload of the page. It keeps screenshots (web-player-*.png) and prints one JSON
// object on stdout, like webclient.mjs; exit 0 when every step passed, 1 otherwise, 2 on bad usage.
//
//   node e2e/webplayer.mjs --origin http://127.0.0.1:8096 --username admin --password PW \
//       --movie 'Big Test' --show 'Player Show' --album 'Player Album' --burn-movie 'Burn Test' \
//       --burn-box 80,45,240,135 --artist 'Player Artist' --artist-tracks 'Track 1|Track 2' --shots DIR

import { setup } from './lib.mjs';

const { opts, run, p, ms, until, shot, api, main } = setup('webplayer', {
	spec: {
		movie: { type: 'string' },
		show: { type: 'string' },
		album: { type: 'string' },
		burnMovie: { type: 'string' },
		burnBox: { type: 'string' },
		artist: { type: 'string' },
		artistTracks: { type: 'string' },
	},
	required: ['movie', 'show', 'album', 'burnMovie', 'burnBox', 'artist', 'artistTracks'],
	budget: 8,
	prefix: 'web-player-',
});

async function find(type, title) {
	const list = await api(`/items?type=${type}&limit=1000`);
	const it = list.items.find((x) => x.title === title);
	if (!it) throw new Error(`no ${type} titled ${title}: ${JSON.stringify(list.items.map((x) => x.title))}`);
	return it;
}

// media reads the state of the page's <video> or <audio>, and the text tracks shown.
const media = (sel = 'video') =>
	p().evaluate((sel) => {
		const v = document.querySelector(sel);
		if (!v) return null;
		const shown = [...v.textTracks].filter((t) => t.mode === 'showing');
		return {
			currentTime: v.currentTime,
			duration: v.duration,
			paused: v.paused,
			ended: v.ended,
			videoWidth: v.videoWidth || 0,
			src: v.currentSrc,
			error: v.error && (v.error.message || `code ${v.error.code}`),
			engine: document.querySelector('.player')?.dataset.engine,
			textTracks: v.textTracks.length,
			showing: shown.map((t) => ({ label: t.label, lang: t.language, cues: t.cues ? t.cues.length : 0, active: t.activeCues ? [...t.activeCues].map((c) => c.text) : [] })),
		};
	}, sel);

async function playerError() {
	if (await p().locator('.player-error').count()) throw new Error(await p().locator('.player-error').innerText());
}

// advances waits until the media plays on by `by` seconds from `from`; with item, only the
// media of that item counts (the <audio> keeps the last track's time until the next one loads).
// seen, if given, sees every state read.
async function advances(what, from, by = 1, sel = 'video', item = undefined, seen = undefined) {
	return until(what, async () => {
		const s = await media(sel);
		if (s && s.error) throw new Error(`<${sel}> error: ${s.error}`);
		await playerError();
		if (s && seen) seen(s);
		if (s && item && !s.src.includes(`/items/${item}/`)) throw new Error(`<${sel}> plays ${s.src}, not item ${item}`);
		return s && !s.paused && s.currentTime >= from + by && s;
	});
}

// boxLuma is the mean luma, from a canvas copy of the <video>'s frame, of the middle of the
// burn-in subtitle's box (--burn-box, in the 320x180 picture's pixels): bright when the box is
// drawn in, the dark blue background (about 62) when not. alpha says a frame was drawn at all.
async function boxLuma() {
	const [x0, y0, x1, y1] = opts.burnBox.split(',').map(Number);
	const inner = { x: (x0 + (x1 - x0) / 4) / 320, y: (y0 + (y1 - y0) / 4) / 180, w: (x1 - x0) / 2 / 320, h: (y1 - y0) / 2 / 180 };
	return p().evaluate((b) => {
		const v = document.querySelector('video');
		const c = document.createElement('canvas');
		c.width = v.videoWidth;
		c.height = v.videoHeight;
		const g = c.getContext('2d');
		g.drawImage(v, 0, 0);
		const px = g.getImageData(Math.round(b.x * c.width), Math.round(b.y * c.height), Math.round(b.w * c.width), Math.round(b.h * c.height)).data;
		let luma = 0;
		let alpha = 0;
		for (let i = 0; i < px.length; i += 4) {
			luma += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
			alpha += px[i + 3];
		}
		const n = px.length / 4;
		return { luma: Math.round(luma / n), alpha: Math.round(alpha / n), at: v.currentTime, size: `${c.width}x${c.height}` };
	}, inner);
}

// noBox samples the frame every 150 ms for 1.5 s of playback: the subtitle's cues come every
// second with 50 ms between them, so a box drawn in would be seen.
async function noBox(what) {
	// After a reload through the decision (Subtitles → Off) the element may have no frame to draw
	// yet even as its time moves on (alpha 0): sample once it shows one.
	await until(`${what}: a frame to sample`, async () => (await boxLuma()).alpha === 255);
	const seen = [];
	for (let i = 0; i < 10; i++) {
		const l = await boxLuma();
		seen.push(l);
		if (l.alpha !== 255 || l.luma < 30 || l.luma > 110) throw new Error(`${what}: luma ${l.luma} (alpha ${l.alpha}) at ${l.at} s; want the dark blue background`);
		await new Promise((r) => setTimeout(r, 150));
	}
	return { luma: seen.map((l) => l.luma), from: seen[0].at, to: seen[seen.length - 1].at };
}

// openMenu opens one of the player's menus, unless it is open: its button toggles it.
async function openMenu(menu) {
	const button = p().getByRole('button', { name: menu, exact: true });
	if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
	const m = p().getByRole('menu', { name: menu });
	await m.waitFor({ timeout: ms() });
	return m;
}

// checked is the item checked in one of the player's menus.
async function checked(menu) {
	const m = await openMenu(menu);
	const c = await m.locator('[aria-checked=true]').innerText();
	// The menu takes the focus once drawn, and Escape closes it from there: pressed before (a busy
	// CI), it went elsewhere, the menu stayed open and the next click on its button closed it.
	await m.locator(':focus').waitFor({ timeout: ms() });
	await p().keyboard.press('Escape');
	await m.waitFor({ state: 'detached', timeout: ms() });
	return c;
}

// choose opens one of the player's menus and picks an item by its name.
async function choose(menu, item) {
	await (await openMenu(menu)).getByRole('menuitemradio', { name: item }).click();
}

// queueList opens the music bar's queue, unless it is open (its button toggles it), and reads it.
async function queueList(bar) {
	const b = bar.getByRole('button', { name: 'Queue' });
	if ((await b.getAttribute('aria-expanded')) !== 'true') await b.click();
	return bar.getByRole('list', { name: 'Queue' }).locator('li').allInnerTexts();
}

// queueIs waits until the music bar's queue lists want, in order.
async function queueIs(what, bar, want) {
	return until(what, async () => {
		const q = await queueList(bar);
		if (q.join('|') !== want.join('|')) throw new Error(`the queue is ${JSON.stringify(q)}`);
		return q;
	});
}

main(async () => {
	await run.step('launch', () => run.launch());
	const audioRequests = [];
	const masters = []; // the HLS master playlists asked for, as URLs
	p().on('request', (r) => {
		const m = /\/hls\/a(\d+)-[^/]+\/\d+\.m4s/.exec(r.url());
		if (m) audioRequests.push(Number(m[1]));
		if (r.url().includes('/hls/master.m3u8')) masters.push(new URL(r.url()));
	});

	await run.step('sign-in', async () => {
		await p().goto(opts.origin + '/', { waitUntil: 'load' });
		await p().getByLabel('Username').fill(opts.username);
		await p().getByLabel('Password').fill(opts.password);
		await p().keyboard.press('Enter');
		await p().getByRole('button', { name: opts.username }).waitFor({ timeout: ms() });
		return null;
	});

	let movie;
	await run.step('play-hls', async () => {
		movie = await find('movie', opts.movie);
		await p().goto(`${opts.origin}/#/item/${movie.id}`);
		await p().getByRole('link', { name: /^(Play|Resume)/ }).click();
		const s = await advances('currentTime ≥ 2 s with frames', 0, 2);
		if (!s.videoWidth) throw new Error('no frame decoded');
		if (s.engine !== 'hls') throw new Error(`the engine is ${s.engine}, want hls (the movie is mkv: remuxed)`);
		return { ...s, shot: await shot('hls') };
	});

	await run.step('seek-bar-preview', async () => {
		// Paused while the thumbnails are made (up to a minute on a busy machine), the movie neither
		// ends nor reaches by itself the time the click below seeks to.
		await p().evaluate(() => document.querySelector('video').pause());
		const bar = p().getByRole('slider', { name: 'Seek' });
		const box = await bar.boundingBox();
		const y = box.y + box.height / 2;
		const previewLabel = () => p().locator('.seek-preview span').innerText();
		// The thumbnails are made on the first request (202 until then): point at the bar until
		// the preview shows one.
		const preview = await until('a thumbnail in the seek preview', async () => {
			await p().mouse.move(box.x + box.width * 0.2, y);
			await p().mouse.move(box.x + box.width * 0.75, y, { steps: 2 });
			const th = p().locator('.seek-thumb');
			return (await th.count()) > 0 && th.evaluate((el) => ({ image: el.style.backgroundImage, position: el.style.backgroundPosition, w: el.offsetWidth, h: el.offsetHeight }));
		}, { timeout: 60_000 });
		const label = await previewLabel();
		// The preview follows the pointer once drawn again: its time says when it has.
		await p().mouse.move(box.x + box.width * 0.1, y);
		let earlyLabel;
		const early = await until('the preview at 10 %', async () => {
			earlyLabel = await previewLabel();
			return earlyLabel !== label && p().locator('.seek-thumb').evaluate((el) => ({ image: el.style.backgroundImage, position: el.style.backgroundPosition }));
		});
		if (early.position === preview.position && early.image === preview.image) throw new Error(`the previews at 10 % and 75 % show the same tile (${early.position})`);
		const shotPath = await shot('seek-preview');
		// Click at 40 %: the video must land at the time the preview says, and play on. (Not
		// further: the steps up to stop-and-resume play on from there, and the movie is 40 s.)
		await p().mouse.move(box.x + box.width * 0.4, y);
		const at = await until('the preview at 40 %', async () => {
			const l = await previewLabel();
			return l !== earlyLabel && l;
		});
		const target = at.split(':').reduce((acc, x) => acc * 60 + Number(x), 0);
		await p().evaluate(() => document.querySelector('video').play().catch(() => {}));
		const before = await advances('playback again before the seek', (await media()).currentTime, 0.2);
		if (Math.abs(before.currentTime - target) < 6) throw new Error(`the video is at ${before.currentTime} s, too near the seek's ${target} s to tell the seek`);
		await p().mouse.click(box.x + box.width * 0.4, y);
		const s = await until('the seek to land', async () => {
			const m = await media();
			if (Math.abs(m.currentTime - target) < 3) return m;
			throw new Error(`at ${m.currentTime} s, slider ${await p().getByRole('slider', { name: 'Seek' }).inputValue()}`);
		});
		const after = await advances('playback after the seek', s.currentTime, 1);
		return { preview, label, early: { ...early, label: earlyLabel }, at, target, from: before.currentTime, landed: s.currentTime, playing: after.currentTime, shot: shotPath };
	});

	await run.step('seek-keyboard', async () => {
		await p().evaluate(() => document.activeElement && document.activeElement.blur());
		const before = (await media()).currentTime;
		await p().keyboard.press('ArrowLeft');
		const back = await until('← to go back 10 s', async () => {
			const m = await media();
			return Math.abs(m.currentTime - (before - 10)) < 2 && m;
		});
		await advances('playback after ←', back.currentTime, 1);
		await p().keyboard.press('k');
		await until('k to pause', async () => (await media()).paused);
		await p().keyboard.press('k');
		await until('k to play', async () => !(await media()).paused);
		await p().keyboard.press('?');
		await p().getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ timeout: ms() });
		const keys = await p().locator('.shortcut-help tr').count();
		const helpShot = await shot('help');
		await p().keyboard.press('Escape');
		await p().getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached', timeout: ms() });
		return { before, back: back.currentTime, helpRows: keys, shot: helpShot };
	});

	await run.step('subtitles-on', async () => {
		const menu = await openMenu('Subtitles');
		const items = await menu.getByRole('menuitemradio').allInnerTexts();
		await menu.getByRole('menuitemradio', { name: 'English' }).click();
		// The French sidecar file shows before (the server's default choice): wait for an English
		// cue ("Cue 4 at 9.5s"), not for any track showing.
		const s = await until('an English text track showing, with a cue active', async () => {
			const m = await media();
			return m.showing.length === 1 && m.showing[0].cues > 0 && m.showing[0].active.some((c) => /^Cue \d+ at /.test(c)) && m;
		});
		const active = s.showing[0].active[0];
		// The fixture's cues say when they start ("Cue 4 at 9.5s"); the one shown must be the
		// source's cue at the playhead.
		const at = Number(/at (\d+(?:\.\d+)?)s/.exec(active)?.[1]);
		if (!(at <= s.currentTime + 0.5 && s.currentTime <= at + 3)) throw new Error(`cue "${active}" is active at ${s.currentTime} s`);
		const shotPath = await shot('subtitles');
		// c turns them off and on again.
		await p().keyboard.press('c');
		await until('c to hide the subtitles', async () => (await media()).showing.length === 0);
		await p().keyboard.press('c');
		await until('c to show them again', async () => {
			const again = (await media()).showing;
			if (again.length === 1 && again[0].label === s.showing[0].label) return true;
			const modes = await p().evaluate(() => [...document.querySelector('video').textTracks].map((t) => `${t.label}:${t.mode}`));
			const menu = await p().getByRole('button', { name: 'Subtitles', exact: true }).getAttribute('title');
			throw new Error(`text tracks ${modes.join(', ')}; ${menu}`);
		});
		return { menu: items, currentTime: s.currentTime, track: s.showing[0], shot: shotPath };
	});

	await run.step('audio-switch', async () => {
		const it = await api(`/items/${movie.id}`);
		const fre = it.files[0].streams.find((s) => s.type === 'audio' && s.language === 'fre');
		if (!fre) throw new Error('the movie has no French audio track');
		audioRequests.length = 0;
		await choose('Audio', 'French');
		await until(`a segment of audio stream ${fre.index}`, async () => audioRequests.includes(fre.index) || null);
		const from = (await media()).currentTime;
		const s = await advances('playback in French', from, 1);
		const menu = await checked('Audio');
		if (menu !== 'French') throw new Error(`the Audio menu checks ${menu}`);
		return { stream: fre.index, currentTime: s.currentTime, checked: menu };
	});

	await run.step('quality-menu-keyboard', async () => {
		// With the keyboard only: Enter opens the menu on the checked item, ↓/↑ move (and leave the
		// volume alone), Enter picks, focus goes back to the button.
		const button = p().getByRole('button', { name: 'Quality', exact: true });
		const focused = () => p().evaluate(() => document.activeElement && document.activeElement.textContent);
		const volume = await p().evaluate(() => document.querySelector('video').volume);
		await button.focus();
		await p().keyboard.press('Enter');
		const menu = p().getByRole('menu', { name: 'Quality' });
		await menu.waitFor({ timeout: ms() });
		const items = await menu.getByRole('menuitemradio').allInnerTexts();
		if (items[0] !== 'Auto' || items.length < 2) throw new Error(`the Quality menu offers ${JSON.stringify(items)}`);
		// The menu moves the focus onto its checked item once drawn: wait for that, not only for
		// the menu (a busy CI read the focus still on the button).
		const first = await until('the focus on the checked item', async () => {
			const f = await focused();
			return f !== 'Quality' && f;
		});
		await p().keyboard.press('ArrowDown');
		const second = await focused();
		await p().keyboard.press('ArrowUp');
		const back = await focused();
		if (first !== 'Auto' || second !== items[1] || back !== 'Auto') throw new Error(`focus went ${first} → ${second} → ${back}`);
		await p().keyboard.press('Enter');
		await menu.waitFor({ state: 'detached', timeout: ms() });
		if ((await focused()) !== 'Quality') throw new Error(`the focus is on ${await focused()} after the menu closed`);
		const after = await p().evaluate(() => document.querySelector('video').volume);
		if (after !== volume) throw new Error(`the arrows in the menu changed the volume from ${volume} to ${after}`);
		return { items };
	});

	await run.step('dash', async () => {
		const from = (await media()).currentTime;
		await choose('Streaming', 'DASH');
		await until('the DASH engine', async () => (await media()).engine === 'dash');
		const s = await advances('playback with dash.js', Math.max(0, from - 1), 1.5);
		if (Math.abs(s.currentTime - from) > 8) throw new Error(`DASH started at ${s.currentTime} s, not near ${from} s`);
		const shotPath = await shot('dash');
		await choose('Streaming', 'Automatic'); // back to the default for what follows
		await until('the HLS engine again', async () => (await media()).engine === 'hls');
		return { from, currentTime: s.currentTime, shot: shotPath };
	});

	await run.step('stop-and-resume', async () => {
		// Back leaves the player: its stop report counts a play (a stop in an item under five
		// minutes is a complete play, which drops the resume point).
		const was = await api(`/items/${movie.id}/userdata`);
		await p().getByRole('link', { name: 'Back' }).click();
		// The player's own heading names the movie too: the item page is the one with Play.
		await p().getByRole('link', { name: /^(Play|Resume)/ }).waitFor({ timeout: ms() });
		const played = await until('the server to count the play', async () => {
			const u = await api(`/items/${movie.id}/userdata`);
			if (u.played && u.playCount > was.playCount) return u;
			throw new Error(`the server holds ${JSON.stringify(u)}, and held ${JSON.stringify(was)} before Back`);
		});
		// A resume point made elsewhere (another device): Resume starts there.
		await api(`/items/${movie.id}/userdata`, 'PATCH', { played: false, positionMs: 20_000 });
		await p().reload();
		await p().getByRole('link', { name: 'Resume from 0:20' }).click();
		// Playing on from the start would reach 20 s as well, within the step's time: the first
		// position seen playing must be the resume point's.
		let first;
		const s = await advances('playback from the resume point', 19.5, 0.5, 'video', undefined, (m) => {
			if (first === undefined && !m.paused && m.currentTime > 0) first = m.currentTime;
		});
		if (first < 15) throw new Error(`playback started at ${first} s, the position was 20 s`);
		if (s.currentTime > 25) throw new Error(`resumed at ${s.currentTime} s, the position was 20 s`);
		return { playCount: played.playCount, first, currentTime: s.currentTime };
	});

	await run.step('next-episode', async () => {
		const series = await find('series', opts.show);
		const eps = (await api(`/items?type=episode&limit=100`)).items.filter((e) => e.title && e.parentId);
		const seasons = (await api(`/items?parent=${series.id}&type=season`)).items;
		const list = (await api(`/items?parent=${seasons[0].id}&type=episode&sort=index`)).items;
		if (list.length < 2) throw new Error(`the show has ${list.length} episodes: ${JSON.stringify(eps.map((e) => e.title))}`);
		const [e1, e2] = list;
		await p().goto(`${opts.origin}/#/item/${e1.id}`);
		await p().getByRole('link', { name: /^(Play|Resume)/ }).click();
		const s = await advances('episode 1 to play', 0, 1);
		if (s.engine !== 'native') throw new Error(`the engine is ${s.engine}, want native (an mp4 plays as it is)`);
		if (!s.src.includes('/stream?')) throw new Error(`the episode plays ${s.src}, not the file`);
		// Another audio track: the element cannot switch, so the player streams the episode with it.
		const fre = (await api(`/items/${e1.id}`)).files[0].streams.find((x) => x.type === 'audio' && x.language === 'fre');
		if (!fre) throw new Error('episode 1 has no French audio track');
		audioRequests.length = 0;
		const at = (await media()).currentTime;
		await choose('Audio', 'French');
		await until('the episode streamed with hls.js', async () => (await media()).engine === 'hls');
		await until(`a segment of audio stream ${fre.index}`, async () => audioRequests.includes(fre.index) || null);
		const streamed = await advances('playback in French', Math.max(0, at - 1), 0.5);
		// The player looks the next episode up as it opens; an end before it knows has nothing to
		// count down to. Its Next episode link says it knows.
		await p().getByRole('link', { name: 'Next episode' }).waitFor({ state: 'attached', timeout: ms() });
		// End on the seek bar jumps to the end.
		await p().getByRole('slider', { name: 'Seek' }).focus();
		await p().keyboard.press('End');
		const dialog = p().getByRole('alertdialog', { name: 'Next episode' });
		await until('the next-episode countdown', async () => {
			if (await dialog.count()) return true;
			const m = await media();
			throw new Error(`no countdown; the video is at ${m.currentTime} of ${m.duration} s, paused ${m.paused}, ended ${m.ended}, engine ${m.engine}`);
		});
		const text = await dialog.innerText();
		if (!/Next episode in \d+ s/.test(text) || !text.includes(e2.title)) throw new Error(`the countdown says ${JSON.stringify(text)}`);
		const shotPath = await shot('next-up');
		await until('episode 2 to start by itself', async () => p().url().endsWith(`#/play/${e2.id}`));
		const s2 = await advances('episode 2 to play', 0, 1);
		const title = await p().locator('.player-bar h1').innerText();
		if (title !== e2.title) throw new Error(`the player shows ${title}, want ${e2.title}`);
		if (s2.engine !== 'native') throw new Error(`episode 2 plays with ${s2.engine}, want native`);
		return { e1: e1.title, e2: e2.title, countdown: text, engine: s.engine, switchedAt: at, streamedAt: streamed.currentTime, episode2At: s2.currentTime, shot: shotPath };
	});

	await run.step('burn-subtitles', async () => {
		const movie = await find('movie', opts.burnMovie);
		const pgs = (await api(`/items/${movie.id}`)).files[0].streams.find((s) => s.type === 'subtitle' && s.codec === 'hdmv_pgs_subtitle');
		if (!pgs) throw new Error(`${opts.burnMovie} has no PGS subtitle stream`);
		// The server's own choice first: with subtitles always on in English, its decision burns the
		// PGS track in, and the menu shows it chosen.
		const was = (await api('/users/me')).playback;
		let byServer;
		await api('/users/me', 'PATCH', { playback: { subtitleMode: 'always', subtitleLanguage: 'eng' } });
		try {
			masters.length = 0;
			await p().goto(`${opts.origin}/#/play/${movie.id}`);
			await until(`a master playlist with subtitle=${pgs.index} by the server's choice`, async () => masters.find((u) => u.searchParams.get('subtitle') === String(pgs.index)));
			await advances('the movie to play with the server\'s subtitle', 0, 0.5);
			byServer = await checked('Subtitles');
			if (byServer !== 'English (burned in)') throw new Error(`with the server's choice burnt in, the Subtitles menu checks ${byServer}`);
		} finally {
			await api('/users/me', 'PATCH', { playback: { subtitleMode: was.subtitleMode, subtitleLanguage: was.subtitleLanguage } });
		}
		await p().goto(`${opts.origin}/#/item/${movie.id}`);
		await p().getByRole('link', { name: /^(Play|Resume)/ }).click();
		await advances('the movie to play', 0, 1);
		// Without the subtitle: the background, in a frame that was drawn.
		const plain = await noBox('without the subtitle');
		const menu = await openMenu('Subtitles');
		const items = await menu.getByRole('menuitemradio').allInnerTexts();
		const at = (await media()).currentTime;
		masters.length = 0;
		await menu.getByRole('menuitemradio', { name: 'English (burned in)' }).click();
		const burnUrl = await until(`a master playlist with subtitle=${pgs.index}`, async () => masters.find((u) => u.searchParams.get('subtitle') === String(pgs.index)));
		const s = await advances('playback with the subtitle burnt in', Math.max(0, at - 1), 1);
		if (s.engine !== 'hls') throw new Error(`the burnt-in stream plays with ${s.engine}`);
		if (s.currentTime > at + 6) throw new Error(`the reload lost the position: ${at} s before, ${s.currentTime} s after`);
		const burnt = await until('the white box in the frame', async () => {
			const l = await boxLuma();
			if (l.luma > 180) return l;
			throw new Error(`luma ${l.luma} at ${l.at} s`);
		});
		const menuBurnt = await checked('Subtitles');
		if (menuBurnt !== 'English (burned in)') throw new Error(`the Subtitles menu checks ${menuBurnt}`);
		const shotPath = await shot('burn-in');
		// Off streams it again without the subtitle.
		const atOff = (await media()).currentTime;
		masters.length = 0;
		await choose('Subtitles', 'Off');
		const offUrl = await until('a master playlist without a subtitle', async () => masters.find((u) => !u.searchParams.has('subtitle')));
		const s2 = await advances('playback without the subtitle', Math.max(0, atOff - 1), 1);
		const off = await noBox('after Off');
		const menuOff = await checked('Subtitles');
		if (menuOff !== 'Off') throw new Error(`the Subtitles menu checks ${menuOff} after Off`);
		return { byServer, menu: items, stream: pgs.index, plain, burnt, off, burnUrl: burnUrl.pathname + burnUrl.search.replace(/token=[^&]+/, 'token=…'), offQuery: offUrl.search.replace(/token=[^&]+/, 'token=…'), at, burntAt: s.currentTime, offAt: s2.currentTime, shot: shotPath };
	});

	await run.step('music-queue', async () => {
		const album = await find('album', opts.album);
		const tracks = (await api(`/items?parent=${album.id}&type=track&sort=index`)).items;
		if (tracks.length < 3) throw new Error(`the album has ${tracks.length} tracks`);
		const titles = tracks.map((t) => t.title);
		await p().goto(`${opts.origin}/#/item/${album.id}`);
		await p().getByRole('button', { name: 'Play album' }).click();
		const bar = p().getByRole('region', { name: 'Music player' });
		await bar.waitFor({ timeout: ms() });
		const title = () => bar.locator('.mini-title').innerText();
		await until('track 1 in the bar', async () => (await title()) === tracks[0].title);
		await advances('track 1 to play', 0, 1, 'audio', tracks[0].id);
		await bar.getByRole('button', { name: 'Next track' }).click();
		await until('track 2 in the bar', async () => (await title()) === tracks[1].title);
		await advances('track 2 to play', 0, 0.5, 'audio', tracks[1].id);
		// Track 1 was stopped after more than a second of a short track: a play for the server.
		const ud = await until('the server to count track 1 as played', async () => {
			const u = await api(`/items/${tracks[0].id}/userdata`);
			return u.playCount > 0 && u;
		});
		// The music goes on across pages.
		await p().getByRole('link', { name: 'Home' }).click();
		await p().getByRole('heading', { name: /Recently added/ }).first().waitFor({ timeout: ms() });
		const home = await advances('music on the home page', (await media('audio')).currentTime, 0.5, 'audio', tracks[1].id);
		// Repeat all, while track 2 plays: set after track 3 began, a slow click could come after
		// its end too, which stops the music.
		await bar.getByRole('button', { name: 'Repeat: off' }).click();
		await bar.getByRole('button', { name: 'Repeat: all' }).waitFor({ timeout: ms() });
		const queue = await queueIs(`the queue to list ${JSON.stringify(titles)}`, bar, titles);
		const shotPath = await shot('music');
		// Track 2 ends by itself: track 3 follows; after the last track, the first again.
		await until('track 3 after track 2 ended', async () => (await title()) === tracks[2].title);
		await until('track 1 again after the last one', async () => (await title()) === tracks[0].title);
		return { tracks: titles, playCount: ud.playCount, onHome: home.currentTime, queue, shot: shotPath };
	});

	await run.step('artist-play-all', async () => {
		const want = opts.artistTracks.split('|');
		const artist = await find('artist', opts.artist);
		const second = await find('track', want[1]);
		await p().goto(`${opts.origin}/#/item/${artist.id}`);
		const buttons = p().locator('.artist-play');
		await buttons.getByRole('button', { name: 'Play all' }).click();
		const bar = p().getByRole('region', { name: 'Music player' });
		const title = () => bar.locator('.mini-title').innerText();
		// The bar still plays the album of the step before (Track 1 again, by Repeat all): wait for
		// Play all's queue to replace it, not for a title the old queue shows as well.
		const queued = await queueIs(`Play all to queue ${JSON.stringify(want)}`, bar, want);
		await until(`${want[0]} in the bar`, async () => (await title()) === want[0]);
		// The second track, paused a little into it: what a reload must bring back.
		await bar.getByRole('button', { name: 'Next track' }).click();
		await until(`${want[1]} in the bar`, async () => (await title()) === want[1]);
		await advances(`${want[1]} to play`, 0, 0.5, 'audio', second.id);
		await bar.getByRole('button', { name: 'Pause', exact: true }).click();
		const paused = await until('the music to pause', async () => {
			const m = await media('audio');
			return m.paused && m;
		});
		await p().reload();
		await until(`${want[1]} in the bar after the reload`, async () => (await title()) === want[1]);
		const after = await queueIs('the queue after the reload', bar, want);
		const current = await bar.getByRole('list', { name: 'Queue' }).locator('li[aria-current=true]').innerText();
		if (current !== want[1]) throw new Error(`after the reload the queue marks ${current} as playing`);
		// Restored paused where it was (to the tenth of a second it was saved at).
		const restored = await until('the restored track to load where it was', async () => {
			const m = await media('audio');
			if (m.src.includes(`/items/${second.id}/`) && m.duration > 0 && Math.abs(m.currentTime - paused.currentTime) < 0.3) return m;
			throw new Error(`at ${m.currentTime} s of ${m.duration} of ${m.src}, paused ${m.paused}; it was paused at ${paused.currentTime} s`);
		});
		if (!restored.paused) throw new Error('the restored queue plays by itself');
		await bar.getByRole('button', { name: 'Play', exact: true }).click();
		await advances('the restored track to play on', restored.currentTime, 0.3, 'audio', second.id);
		const shotPath = await shot('queue-restored');
		// Shuffle: the same tracks, another order, the bar's Shuffle on (Play all's queue is not
		// shuffled: the bar's button tells the new queue).
		await buttons.getByRole('button', { name: 'Shuffle' }).click();
		await bar.getByRole('button', { name: 'Shuffle', pressed: true }).waitFor({ timeout: ms() });
		const shuffled = await queueList(bar);
		if ([...shuffled].sort().join('|') !== [...want].sort().join('|')) throw new Error(`Shuffle queued ${JSON.stringify(shuffled)}`);
		return { queued, pausedAt: paused.currentTime, restoredAt: restored.currentTime, after, shuffled, shot: shotPath };
	});
});
