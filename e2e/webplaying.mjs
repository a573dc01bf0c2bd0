#!/usr/bin/env node
// webplaying.mjs checks the Sessions admin page's "Now playing" (web/src/admin/playing.tsx) in
// headless Chromium with two browser contexts: a user (--user2, whose bitrate cap forces a
// transcode) plays a movie (--title) in the web client while the admin's Sessions page shows that
// user playing that title, its play method, and a position that advances; once the user leaves
// the player, the entry goes. It keeps a screenshot of the page (web-admin-now-playing.png) and
// prints one JSON object on stdout like webclient.mjs (see README.md); exit 0 when every step
// passed, 1 otherwise, 2 on bad usage.
//
//   node e2e/webplaying.mjs --origin http://127.0.0.1:8096 --username admin --password PW \
//       --user2 bob --password2 PW2 --title 'Big Test' --method transcode --shots DIR

import { log, setup, signIn } from './lib.mjs';

const { opts, run, ms, until, shot, token, main } = setup('webplaying', {
	spec: {
		user2: { type: 'string' },
		password2: { type: 'string' },
		title: { type: 'string' },
		method: { type: 'string', default: 'transcode' },
	},
	required: ['user2', 'password2', 'title'],
	budget: 8,
	prefix: 'web-',
	fullPage: true,
});

async function signInAt(page, username, password) {
	await page.goto(opts.origin + '/', { waitUntil: 'load' });
	await signIn(page, username, password, ms());
}

// entries reads the admin page's now playing list.
const entries = (page) =>
	page.evaluate(() =>
		[...document.querySelectorAll('ul.now-playing > li')].map((li) => ({
			user: li.dataset.user,
			item: li.dataset.item,
			method: li.dataset.method,
			positionMs: Number(li.dataset.position),
			paused: li.dataset.paused === 'true',
			title: li.querySelector('h3 a')?.textContent ?? '',
			how: li.querySelector('.play-method')?.textContent ?? '',
			bar: li.querySelector('[role=progressbar]')?.getAttribute('aria-valuetext') ?? '',
		})),
	);

main(async () => {
	const admin = () => run.page;
	let user; // the second context's page
	await run.step('launch', async () => {
		const d = await run.launch();
		const ctx = await run.browser.newContext({ viewport: { width: 1280, height: 720 } });
		user = await ctx.newPage();
		user.setDefaultTimeout(ms());
		user.on('pageerror', (e) => run.addError({ source: 'pageerror', message: `${opts.user2}: ${e.message}` }));
		if (opts.verbose) user.on('console', (m) => log(`${opts.user2} console.${m.type()}: ${m.text()}`));
		return d;
	});

	await run.step('sign-in-both', async () => {
		await signInAt(admin(), opts.username, opts.password);
		await signInAt(user, opts.user2, opts.password2);
		return null;
	});

	await run.step('nothing-playing', async () => {
		await admin().goto(`${opts.origin}/#/admin/sessions`);
		await admin().getByRole('heading', { name: 'Now playing' }).waitFor({ timeout: ms() });
		await admin().getByText('Nothing is playing.').waitFor({ timeout: ms() });
		return null;
	});

	let movieId;
	await run.step('user-plays', async () => {
		const r = await fetch(`${opts.origin}/api/v1/items?type=movie&limit=100`, { headers: { Authorization: `Bearer ${await token(user)}` } });
		const list = await r.json();
		const it = list.items.find((x) => x.title === opts.title);
		if (!it) throw new Error(`no movie titled ${opts.title}`);
		movieId = it.id;
		await user.goto(`${opts.origin}/#/play/${movieId}`);
		await until('the user\'s video to play', () => user.evaluate(() => {
			const v = document.querySelector('video');
			return v && !v.paused && v.currentTime > 1 && v.currentTime;
		}));
		return { movieId };
	});

	let first;
	await run.step('admin-sees-it', async () => {
		first = await until('the admin page to list the play', async () => {
			const list = await entries(admin());
			return list.find((e) => e.item === movieId && e.user === opts.user2);
		});
		if (first.method !== opts.method) throw new Error(`method ${first.method}, want ${opts.method} (${first.how})`);
		const label = { direct: /^Direct play/, remux: /^Direct stream/, transcode: /^Transcode \(.+\)/ }[opts.method];
		if (label && !label.test(first.how)) throw new Error(`the method reads ${JSON.stringify(first.how)}`);
		if (!first.title.startsWith(opts.title)) throw new Error(`the entry names ${JSON.stringify(first.title)}`);
		return first;
	});

	await run.step('position-advances', async () => {
		// The player reports every 10 s, the page reads every 3 s.
		const later = await until('the position to advance', async () => {
			const e = (await entries(admin())).find((x) => x.item === movieId);
			return e && e.positionMs > first.positionMs + 2000 && !e.paused && e;
		});
		return { from: first.positionMs, to: later.positionMs, bar: later.bar, shot: await shot('admin-now-playing') };
	});

	await run.step('renditions-listed', async () => {
		// The table comes with the page's next read of the server's streams (every 3 s).
		const rows = await until(`a rendition of ${opts.title} listed`, async () => {
			const r = await admin().getByRole('table', { name: 'Renditions' }).getByRole('row').allInnerTexts();
			if (!r.some((x) => x.includes(opts.title))) throw new Error(`no rendition of ${opts.title}: ${JSON.stringify(r)}`);
			return r;
		});
		return { rows: rows.length - 1 };
	});

	await run.step('stop-removes-it', async () => {
		await user.getByRole('link', { name: 'Back' }).click();
		await until('the entry to go', async () => {
			const list = await entries(admin());
			return !list.some((e) => e.item === movieId) && (await admin().getByText('Nothing is playing.').isVisible());
		});
		return null;
	});

});
