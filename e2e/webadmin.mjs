#!/usr/bin/env node
// webadmin.mjs drives the admin pages of Walros's own web client (web/src/admin) in headless
// Chromium: an admin adds a movie library through the form and watches its scan's live progress,
// browses the items it found, edits one's metadata, creates a user with parental controls,
// creates an API key (shown once; it works) and revokes it (it stops working), revokes another
// device's session (--revoke-device NAME), reads the server's health and logs; then a non-admin
// gets no admin link and is refused the admin pages. It keeps a screenshot of each admin page
// (web-admin-*.png) and prints one JSON object on stdout like webclient.mjs (see README.md);
// exit 0 when every step passed, 1 otherwise, 2 on bad usage.
//
//   node e2e/webadmin.mjs --origin http://127.0.0.1:8096 --username admin --password PW \
//       --folder /path/to/Movies --title 'Big Test' --user2 bob --password2 PW2 \
//       --revoke-device 'Living room TV' --shots DIR

import { setup, signIn } from './lib.mjs';

const { opts, run, p, ms, until, shot, api, call, main } = setup('webadmin', {
	spec: {
		folder: { type: 'string' },
		title: { type: 'string' },
		library: { type: 'string', default: 'Films' },
		user2: { type: 'string' },
		revokeDevice: { type: 'string' },
		password2: { type: 'string' },
	},
	required: ['folder', 'title'],
	budget: 14,
	prefix: 'web-admin-',
	fullPage: true,
});

main(async () => {
	await run.step('launch', () => run.launch());

	await run.step('sign-in', async () => {
		await p().goto(opts.origin + '/', { waitUntil: 'load' });
		await signIn(p(), opts.username, opts.password, ms());
		return null;
	});

	await run.step('admin-link', async () => {
		await p().getByRole('link', { name: 'Admin', exact: true }).click();
		await p().getByRole('heading', { name: 'Libraries', level: 1 }).waitFor({ timeout: ms() });
		const tabs = await p().getByRole('navigation', { name: 'Admin' }).getByRole('link').allInnerTexts();
		return { url: p().url(), tabs, shot: await shot('libraries-empty') };
	});

	await run.step('add-library', async () => {
		await p().getByRole('button', { name: 'Add library' }).click();
		const form = p().getByRole('form', { name: 'Add a library' });
		// Bad input first: the form says what is wrong and sends nothing.
		await form.getByLabel('Folders (one per line)').fill('relative/path');
		await form.getByRole('button', { name: 'Add' }).click();
		const problems = await form.getByRole('alert').innerText();
		if (!/name is required/.test(problems) || !/not an absolute path/.test(problems)) throw new Error(`form problems: ${problems}`);
		await form.getByLabel('Name').fill(opts.library);
		await form.getByLabel('Kind').selectOption('movies');
		await form.getByLabel('Folders (one per line)').fill(opts.folder);
		await form.getByRole('button', { name: 'Add' }).click();
		return { problems };
	});

	await run.step('scan-progress', async () => {
		// "Scan now" is ticked: the new library's row starts a scan and shows the stream's events.
		const status = p().getByRole('status', { name: `Scan of ${opts.library}` });
		await status.waitFor({ timeout: ms() });
		const samples = [];
		let runningShot = null;
		const final = await until('the scan to finish', async () => {
			const s = await status.evaluate((el) => ({ state: el.dataset.state, events: Number(el.dataset.events), text: el.innerText }));
			if (samples.length === 0 || samples[samples.length - 1].text !== s.text) samples.push(s);
			if (s.state === 'error') throw new Error(s.text);
			if (s.state === 'running' && s.events > 0 && !runningShot) runningShot = await shot('scan-running');
			return s.state === 'done' && /items? in/.test(s.text) && s;
		}, { every: 50 });
		const live = samples.filter((s) => s.state === 'running' && s.events > 0 && /^(Scanning|Looking for files)/.test(s.text));
		if (live.length === 0) throw new Error(`no live progress was shown before the end: ${JSON.stringify(samples)}`);
		const items = Number(/(\d+) items? in/.exec(final.text)[1]);
		if (!/Scan finished/.test(final.text) || items < 2) throw new Error(`final: ${final.text}`);
		return { events: final.events, progressShown: live.length, samples, items, shots: [runningShot, await shot('libraries')] };
	});

	await run.step('items-appear', async () => {
		await p().getByRole('navigation', { name: 'Libraries' }).getByRole('link', { name: opts.library }).click();
		await p().getByRole('heading', { name: opts.library, level: 1 }).waitFor({ timeout: ms() });
		const titles = await until('the grid to show the scanned items', async () => {
			const t = await p().locator('.vgrid a.card .card-title').allInnerTexts();
			return t.includes(opts.title) && t;
		});
		return { titles: [...new Set(titles)].length };
	});

	await run.step('last-scan', async () => {
		// Back on the page, the row tells the last scan from the server's own record of it.
		await p().getByRole('link', { name: 'Admin', exact: true }).click();
		const line = p().locator('[data-library] .last-scan');
		const text = await line.innerText({ timeout: ms() });
		if (!/found \d+ files/.test(text)) throw new Error(`last scan: ${text}`);
		await p().goBack();
		await p().getByRole('heading', { name: opts.library, level: 1 }).waitFor({ timeout: ms() });
		return { text };
	});

	await run.step('metadata', async () => {
		await p().locator('.vgrid a.card', { hasText: opts.title }).first().click();
		await p().getByRole('heading', { name: opts.title, level: 1 }).waitFor({ timeout: ms() });
		await p().getByRole('link', { name: 'Edit metadata' }).click();
		await p().getByRole('heading', { name: `Edit ${opts.title}` }).waitFor({ timeout: ms() });
		const tagline = 'Edited by the admin e2e test';
		await p().getByLabel('Tagline').fill(tagline);
		await p().getByLabel('Year').fill('1899x');
		await p().getByRole('button', { name: 'Save metadata' }).click();
		const bad = await p().getByRole('form', { name: 'Metadata' }).getByRole('alert').innerText();
		if (!/year/i.test(bad)) throw new Error(`a bad year was not refused: ${bad}`);
		await p().getByLabel('Year').fill('2020');
		await p().getByRole('button', { name: 'Save metadata' }).click();
		await p().getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ timeout: ms() });
		const id = decodeURIComponent(p().url().split('#/admin/item/')[1]);
		const it = await until('the server to hold the tagline', async () => {
			const r = await api(`/items/${id}`);
			return r.tagline === tagline && r;
		});
		await until('the tagline to be locked', async () => (await p().getByLabel(/Tagline/).count()) && (await p().locator('label[for=md-tagline] .badge').count()) > 0);
		const s = await shot('metadata');
		await p().getByRole('link', { name: 'Back to the item' }).click();
		await p().locator('.tagline', { hasText: tagline }).waitFor({ timeout: ms() });
		return { id, lockedFields: it.lockedFields, shot: s };
	});

	await run.step('user-parental', async () => {
		await p().getByRole('link', { name: 'Admin', exact: true }).click();
		await p().getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
		await p().getByRole('heading', { name: 'Users', level: 1 }).waitFor({ timeout: ms() });
		const form = p().getByRole('form', { name: 'New user' });
		await form.getByLabel('New username').fill('kid');
		await form.getByLabel('Password', { exact: true }).fill('kid-password-1');
		await form.getByRole('button', { name: 'Create user' }).click();
		// The new user's editor opens.
		const ed = p().getByRole('form', { name: 'Edit kid' });
		await ed.waitFor({ timeout: ms() });
		const rating = ed.getByLabel('Highest rating allowed');
		await until('the ratings to load', async () => (await rating.locator('option').count()) > 5);
		await rating.selectOption('13');
		await ed.getByRole('checkbox', { name: 'Movies' }).check();
		await ed.getByLabel('Blocked tags and genres (comma-separated)').fill('Horror, gore');
		await ed.getByRole('button', { name: 'Add allowed hours' }).click();
		const w = ed.getByRole('group', { name: 'Window 1' });
		await w.getByLabel('Days').selectOption('weekend');
		await w.getByLabel('Until').fill('19:30');
		await ed.getByRole('button', { name: 'Save kid' }).click();
		await ed.waitFor({ state: 'detached', timeout: ms() });
		const row = p().locator('[data-user=kid]');
		const summary = await until('the list to show the parental controls', async () => {
			const t = await row.innerText();
			return /rated up to 13/.test(t) && t;
		});
		const users = await api('/users');
		const kid = users.items.find((u) => u.username === 'kid');
		const pc = kid && kid.parentalControls;
		const want = { maxRatingLevel: 13, blockUnrated: ['movie'], blockedTags: ['horror', 'gore'], schedule: [{ day: 'weekend', start: 7, end: 19.5 }] };
		if (JSON.stringify(pc) !== JSON.stringify(want)) throw new Error(`kid's parental controls: ${JSON.stringify(pc)}, want ${JSON.stringify(want)}`);
		return { parentalControls: pc, summary, shot: await shot('users') };
	});

	await run.step('api-key', async () => {
		await p().getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'API keys' }).click();
		await p().getByRole('heading', { name: 'API keys', level: 1 }).waitFor({ timeout: ms() });
		await p().getByLabel('Key name').fill('e2e-key');
		await p().getByRole('button', { name: 'Create key' }).click();
		const secret = (await p().locator('.key-secret').innerText({ timeout: ms() })).trim();
		const works = await call('/libraries', { headers: { 'X-Api-Key': secret } });
		if (works.status !== 200) throw new Error(`the new key got ${works.status}`);
		const made = await shot('keys');
		await p().getByRole('button', { name: 'Done' }).click();
		await p().locator('.key-secret').waitFor({ state: 'detached', timeout: ms() }).catch(() => {
			throw new Error('the secret is still shown after Done');
		});
		const row = p().locator('[data-key=e2e-key]');
		await row.getByRole('button', { name: 'Revoke' }).click();
		await row.getByRole('button', { name: 'Yes, revoke' }).click();
		await row.waitFor({ state: 'detached', timeout: ms() });
		const after = await call('/libraries', { headers: { 'X-Api-Key': secret } });
		if (after.status !== 401) throw new Error(`the revoked key got ${after.status}, want 401`);
		return { prefix: secret.slice(0, 6), before: works.status, after: after.status, shot: made };
	});

	await run.step('sessions', async () => {
		await p().getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Sessions' }).click();
		const table = p().getByRole('table', { name: 'Sessions' });
		const mine = table.locator('tr', { hasText: 'this one' });
		await mine.waitFor({ timeout: ms() });
		const text = await mine.innerText();
		if (!text.includes(opts.username)) throw new Error(`the current session's row says ${text}`);
		const streams = await p().getByRole('status', { name: 'Streams' }).innerText({ timeout: ms() });
		if (!/Streaming now: 0 HLS\/DASH renditions, 0 encoder runs/.test(streams)) throw new Error(`streams: ${streams}`);
		const rows = await table.locator('tbody tr').count();
		const s = await shot('sessions');
		let revoked = null;
		if (opts.revokeDevice) {
			const tv = table.locator('tr', { hasText: opts.revokeDevice });
			await tv.getByRole('button', { name: 'Revoke' }).click();
			await tv.getByRole('button', { name: 'Yes, revoke' }).click();
			await tv.waitFor({ state: 'detached', timeout: ms() });
			revoked = opts.revokeDevice;
		}
		return { streams, rows, revoked, shot: s };
	});

	await run.step('server-logs', async () => {
		await p().getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Server' }).click();
		await p().getByText('Alive: yes').waitFor({ timeout: ms() });
		await p().getByText('Ready: yes').waitFor({ timeout: ms() });
		const list = p().getByRole('list', { name: 'Log records' });
		// The scan above is logged; the page shows info and above by default.
		const texts = await until('log records', async () => {
			const t = await list.locator('li').allInnerTexts();
			return t.length > 0 && t;
		});
		const s = await shot('server');
		await p().getByLabel('Level').selectOption('error');
		const errors = await until('the error filter', async () => {
			const levels = await list.locator('.log-level').allInnerTexts();
			const empty = await p().getByText('No log record at this level').count();
			return (empty > 0 || (levels.length > 0 && levels.every((l) => l === 'ERROR'))) && levels;
		});
		return { records: texts.length, newest: texts[0], errors: errors.length, shot: s };
	});

	await run.step('mobile', async () => {
		// At a phone's width nothing is wider than the screen: tables turn into stacked rows.
		await p().setViewportSize({ width: 390, height: 844 });
		const wide = [];
		const shots = [];
		const headings = { libraries: 'Libraries', users: 'Users', sessions: 'Sessions', server: 'Server' };
		for (const [section, heading] of Object.entries(headings)) {
			// A hash change: the section before stays drawn until the new one is, rows and all.
			await p().goto(`${opts.origin}/#/admin/${section}`, { waitUntil: 'load' });
			await p().getByRole('heading', { name: heading, exact: true, level: 1 }).waitFor({ timeout: ms() });
			await p().locator('.admin-row, .admin-table tbody tr, .logs li').first().waitFor({ timeout: ms() });
			const overflow = await p().evaluate(() => [document.documentElement.scrollWidth, document.querySelector('main').scrollWidth, innerWidth]);
			if (overflow[0] > overflow[2] || overflow[1] > overflow[2]) wide.push(`${section}: ${overflow.join(' ')}`);
			shots.push(await shot(`mobile-${section}`));
		}
		await p().setViewportSize({ width: 1280, height: 720 });
		if (wide.length > 0) throw new Error(`wider than a phone: ${wide.join('; ')}`);
		return { shots };
	});

	if (opts.user2) {
		await run.step('non-admin', async () => {
			await p().goto(opts.origin + '/#/', { waitUntil: 'load' });
			await p().getByRole('button', { name: opts.username }).click();
			await p().getByRole('menuitem', { name: 'Add user' }).click();
			await signIn(p(), opts.user2, opts.password2, ms());
			if (await p().getByRole('link', { name: 'Admin', exact: true }).count()) throw new Error(`${opts.user2} sees the Admin link`);
			await p().goto(opts.origin + '/#/admin/users', { waitUntil: 'load' });
			await p().getByRole('heading', { name: 'Admins only' }).waitFor({ timeout: ms() });
			const logs = await call('/system/logs');
			if (logs.status !== 404) throw new Error(`${opts.user2} got ${logs.status} from /system/logs, want 404`);
			return { shot: await shot('refused') };
		});
	}
});
