#!/usr/bin/env node
// webclient.mjs drives Walros's own web client (web/, served at /) in headless Chromium as a
// person would: sign in with the keyboard, open a library, search, open an item's page, play it
// (its currentTime must advance), pause (the server must hold the position), leave the player
// (the server must count the play), then add a second user and switch back to the first without
// a password. It keeps a screenshot of each page and prints one JSON object on stdout, like
// hlsplay.mjs (see README.md); exit 0 when every step passed, 1 otherwise, 2 on bad usage.
//
//   node e2e/webclient.mjs --origin http://127.0.0.1:8096 --username admin --password PW \
//       --user2 bob --password2 PW2 --library Movies --search big --title 'Big Test' --shots DIR

import { setup, signIn } from './lib.mjs';

const { opts, run, p, ms, until, shot, api, main } = setup('webclient', {
	spec: {
		user2: { type: 'string' },
		password2: { type: 'string' },
		library: { type: 'string', default: 'Movies' },
		search: { type: 'string' },
		title: { type: 'string' },
	},
	required: ['search', 'title'],
	budget: 12,
	prefix: 'web-',
});

const videoState = () => p().evaluate(() => {
	const v = document.querySelector('video');
	return v && { currentTime: v.currentTime, paused: v.paused, readyState: v.readyState, videoWidth: v.videoWidth, error: v.error && v.error.message };
});

main(async () => {
	await run.step('launch', () => run.launch());

	await run.step('open', async () => {
		const resp = await p().goto(opts.origin + '/', { waitUntil: 'load' });
		await p().getByLabel('Username').waitFor({ timeout: ms() });
		// The form focuses the field once drawn (an effect, after the paint that shows the field).
		await until('the Username field to have the focus', async () => {
			const focused = await p().evaluate(() => document.activeElement && document.activeElement.id);
			if (focused !== 'username') throw new Error(`the focus is on ${JSON.stringify(focused)}`);
			return true;
		});
		return { status: resp && resp.status(), csp: resp && resp.headers()['content-security-policy'], shot: await shot('signin') };
	});

	await run.step('sign-in', async () => {
		// With the keyboard only: the field has the focus, Tab moves to the password, Enter submits.
		await p().keyboard.type(opts.username);
		await p().keyboard.press('Tab');
		await p().keyboard.type(opts.password);
		await p().keyboard.press('Enter');
		await p().getByRole('button', { name: opts.username }).waitFor({ timeout: ms() });
		await p().getByRole('heading', { name: `Recently added in ${opts.library}` }).waitFor({ timeout: ms() });
		const shelves = await p().locator('.shelf h2').allInnerTexts();
		return { shelves, shot: await shot('home') };
	});

	let total = 0;
	await run.step('browse', async () => {
		await p().getByRole('navigation', { name: 'Libraries' }).getByRole('link', { name: opts.library }).click();
		await p().getByRole('heading', { name: opts.library, level: 1 }).waitFor({ timeout: ms() });
		total = await until('the grid to show its items', async () => {
			const n = Number(await p().locator('.vgrid').getAttribute('data-total'));
			const cards = await p().locator('.vgrid a.card').count();
			return n > 0 && cards === Math.min(n, cards) && cards > 0 && n;
		});
		const titles = await p().locator('.vgrid a.card .card-title').allInnerTexts();
		if (!titles.includes(opts.title)) throw new Error(`the grid shows ${JSON.stringify(titles)}, not ${opts.title}`);
		return { total, titles, shot: await shot('browse') };
	});

	await run.step('search', async () => {
		await p().getByLabel('Search').fill(opts.search);
		const titles = await until(`the search for ${opts.search}`, async () => {
			const t = await p().locator('.vgrid a.card .card-title').allInnerTexts();
			const n = Number(await p().locator('.vgrid').getAttribute('data-total'));
			return n > 0 && n < total && t.length === n && t;
		});
		if (!titles.every((t) => t.toLowerCase().includes(opts.search.toLowerCase()))) throw new Error(`search results ${JSON.stringify(titles)}`);
		return { titles, shot: await shot('search') };
	});

	await run.step('details', async () => {
		await p().locator('.vgrid a.card', { hasText: opts.title }).click();
		await p().getByRole('heading', { name: opts.title, level: 1 }).waitFor({ timeout: ms() });
		const facts = await p().locator('.facts').innerText();
		return { url: p().url(), facts, shot: await shot('details') };
	});

	await run.step('favorite-watchlist', async () => {
		await p().getByRole('button', { name: /Favorite/ }).click();
		await p().getByRole('button', { name: /Watchlist/i }).click();
		await until('both buttons pressed', async () => {
			const fav = await p().getByRole('button', { name: /Favorite/ }).getAttribute('aria-pressed');
			const wl = await p().getByRole('button', { name: /watchlist/i }).getAttribute('aria-pressed');
			return fav === 'true' && wl === 'true';
		});
		return null;
	});

	let itemId = '';
	await run.step('play', async () => {
		itemId = decodeURIComponent(p().url().split('#/item/')[1]);
		await p().getByRole('link', { name: /^(Play|Resume)/ }).click();
		const st = await until('currentTime ≥ 3 s', async () => {
			const s = await videoState();
			if (s && s.error) throw new Error(`<video> error: ${s.error}`);
			const err = await p().locator('.player-error').count();
			if (err) throw new Error(await p().locator('.player-error').innerText());
			return s && s.currentTime >= 3 && s.videoWidth > 0 && s;
		});
		return { ...st, shot: await shot('player') };
	});

	await run.step('pause-reports-position', async () => {
		await p().evaluate(() => document.querySelector('video').pause());
		const at = await videoState();
		// The player also reports every 10 s while it plays: an earlier report may be on the
		// server before the pause's, so wait for the paused position, not for any.
		const ud = await until('the server to hold the paused position', async () => {
			const u = await api(`/items/${itemId}/userdata`);
			if (u.positionMs > 0 && Math.abs(u.positionMs - at.currentTime * 1000) <= 1500) return u;
			throw new Error(`paused at ${at.currentTime} s, the server says ${u.positionMs} ms`);
		});
		return { pausedAt: at.currentTime, positionMs: ud.positionMs };
	});

	await run.step('stop-reports-play', async () => {
		const was = await api(`/items/${itemId}/userdata`);
		await p().getByRole('link', { name: 'Back' }).click();
		// The player's own heading names the item too: the item page is the one with Play.
		await p().getByRole('link', { name: /^(Play|Resume)/ }).waitFor({ timeout: ms() });
		// A stop in an item shorter than five minutes is a complete play (the progress rules).
		const ud = await until('the server to count the play', async () => {
			const u = await api(`/items/${itemId}/userdata`);
			return u.playCount > was.playCount && u;
		});
		return { played: ud.played, playCount: ud.playCount };
	});

	if (opts.user2) {
		await run.step('add-user', async () => {
			await p().getByRole('button', { name: opts.username }).click();
			await p().getByRole('menuitem', { name: 'Add user' }).click();
			await signIn(p(), opts.user2, opts.password2, ms());
			return { shot: await shot('user2-home') };
		});

		await run.step('switch-user', async () => {
			await p().getByRole('button', { name: opts.user2 }).click();
			await p().getByRole('menuitem', { name: `Switch to ${opts.username}` }).click();
			await p().getByRole('button', { name: opts.username }).waitFor({ timeout: ms() });
			const me = await api('/users/me');
			if (me.username !== opts.username) throw new Error(`switched, but the API says ${me.username}`);
			const accounts = await p().evaluate(() => JSON.parse(localStorage.getItem('walros.accounts')).map((a) => a.username));
			return { me: me.username, remembered: accounts, shot: await shot('switched') };
		});
	}

	await run.step('home-shelves', async () => {
		// Back on the first user's home: what they did shows in their shelves.
		await p().getByRole('link', { name: 'Home' }).click();
		const want = ['Favorites', 'Watchlist'];
		for (const name of want) {
			const shelf = p().getByRole('region', { name });
			await shelf.waitFor({ timeout: ms() });
			const titles = await shelf.locator('.card-title').allInnerTexts();
			if (!titles.includes(opts.title)) throw new Error(`the ${name} shelf holds ${JSON.stringify(titles)}, not ${opts.title}`);
		}
		return { shelves: await p().locator('.shelf h2').allInnerTexts(), shot: await shot('home-shelves') };
	});

	await run.step('mobile', async () => {
		await p().setViewportSize({ width: 390, height: 844 });
		await p().getByRole('link', { name: 'Home' }).click();
		const nav = await p().getByRole('navigation', { name: 'Libraries' }).boundingBox();
		const overflow = await p().evaluate(() => document.documentElement.scrollWidth > innerWidth);
		if (overflow) throw new Error('the page is wider than a phone screen');
		const home = await shot('mobile-home');
		await p().getByRole('navigation', { name: 'Libraries' }).getByRole('link', { name: opts.library }).click();
		await p().locator('.vgrid a.card').first().waitFor({ timeout: ms() });
		const columns = await p().evaluate(() => getComputedStyle(document.querySelector('.vrow')).gridTemplateColumns.split(' ').length);
		const browse = await shot('mobile-browse');
		await p().setViewportSize({ width: 1280, height: 720 });
		return { nav, columns, shots: [home, browse] };
	});
	await run.step('big-grid', async () => {
		// The library's list answers are replaced by a synthetic library of 50,000 items: the grid
		// must keep only the rows in view in the DOM, fetch the pages it shows, and scroll.
		const total = 50_000;
		await p().route((u) => u.pathname === '/api/v1/items' && u.searchParams.has('library'), (route) => {
			const u = new URL(route.request().url());
			const offset = Number(u.searchParams.get('offset') || 0);
			const limit = Number(u.searchParams.get('limit') || 100);
			const items = [];
			for (let i = offset; i < Math.min(total, offset + limit); i++) {
				items.push({ id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, type: 'movie', title: `Item ${String(i).padStart(5, '0')}`, year: 2000 + (i % 25), libraryId: 'x', parentId: null });
			}
			route.fulfill({ json: { items, total } });
		});
		// Their posters do not exist: answer at once rather than ask the server 50,000 times.
		await p().route((u) => /^\/api\/v1\/items\/00000000-0000-7000-8000-/.test(u.pathname), (route) => route.fulfill({ status: 404, body: '' }));
		await p().getByRole('link', { name: 'Home' }).click();
		await p().getByRole('navigation', { name: 'Libraries' }).getByRole('link', { name: opts.library }).click();
		await until('the big grid', async () => Number(await p().locator('.vgrid').getAttribute('data-total')) === total);
		// Scroll to the middle over two seconds, counting frames.
		const scroll = await p().evaluate(async () => {
			const g = document.querySelector('.vgrid');
			const target = g.scrollHeight / 2;
			const frames = [];
			const t0 = performance.now();
			await new Promise((done) => {
				const tick = (t) => {
					frames.push(t);
					const f = Math.min(1, (t - t0) / 2000);
					g.scrollTop = target * f;
					if (f < 1) requestAnimationFrame(tick);
					else done();
				};
				requestAnimationFrame(tick);
			});
			let worst = 0;
			for (let i = 1; i < frames.length; i++) worst = Math.max(worst, frames[i] - frames[i - 1]);
			const secs = (frames[frames.length - 1] - frames[0]) / 1000;
			return { frames: frames.length, fps: +(frames.length / secs).toFixed(1), worstFrameMs: +worst.toFixed(1), scrollTop: g.scrollTop, scrollHeight: g.scrollHeight };
		});
		const mid = await until('the middle rows to load', async () => {
			const titles = await p().locator('.vgrid a.card .card-title').allInnerTexts();
			return titles.length > 0 && titles.some((t) => t >= 'Item 20000' && t <= 'Item 30000') && titles;
		});
		const inDom = await p().locator('.vgrid .card').count();
		if (inDom > 300) throw new Error(`${inDom} cards in the DOM for a 50,000-item grid: it is not virtualized`);
		return { total, cardsInDom: inDom, first: mid[0], last: mid[mid.length - 1], ...scroll, shot: await shot('big-grid') };
	});
});
