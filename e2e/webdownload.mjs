#!/usr/bin/env node
// webdownload.mjs drives the downloads of Walros's own web client (web/, served at /) in headless
// Chromium: sign in, open a movie's page and download its original file, download it again as an
// MP4 at a quality, start that again and cancel it, then open a season's page and Download all;
// then a user whose downloads are off is offered none and refused by the server.
// Each download is caught as the browser's download event and saved under --out (original.*, transcode.mp4, season-N.*); its
// name and size are checked against the server's (--movie-size, --season-sizes), and the
// progress the page shows (bytes and percent) is recorded while it runs. Screenshots are kept as
// web-download-*.png. One JSON object on stdout, like webclient.mjs; exit 0 when every step
// passed, 1 otherwise, 2 on bad usage.
//
//   node e2e/webdownload.mjs --origin http://127.0.0.1:8096 --username admin --password PW \
//       --movie ID --movie-name 'Big Test (2020).mkv' --movie-size 2600000 --quality 240p \
//       --season ID --season-names 'a.mkv,b.mkv' --season-sizes 1,2 \
//       --no-downloads-user nod --no-downloads-password PW --out DIR --shots DIR

import { setup, signIn } from './lib.mjs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

const { opts, run, p, ms, until, shot, call, main } = setup('webdownload', {
	spec: {
		movie: { type: 'string' },
		movieName: { type: 'string' },
		movieSize: { type: 'number' },
		quality: { type: 'string', default: '240p' },
		season: { type: 'string' },
		seasonNames: { type: 'string' },
		seasonSizes: { type: 'string' },
		noDownloadsUser: { type: 'string' },
		noDownloadsPassword: { type: 'string' },
		out: { type: 'string' },
	},
	required: ['movie', 'movieName', 'movieSize', 'season', 'seasonNames', 'seasonSizes', 'noDownloadsUser', 'noDownloadsPassword', 'out'],
	budget: 9,
	prefix: 'web-download-',
	fullPage: true,
});
const seasonNames = opts.seasonNames.split(',');
const seasonSizes = opts.seasonSizes.split(',').map(Number);

// watchProgress records, in the page, every text the download list shows, so that a step can
// tell that bytes and percent were shown while the file came (not only once it was saved).
async function watchProgress() {
	await p().evaluate(() => {
		window.__downloadTexts = [];
		const seen = () => {
			for (const el of document.querySelectorAll('.download-bytes, .download-total')) {
				const t = el.textContent;
				if (window.__downloadTexts[window.__downloadTexts.length - 1] !== t) window.__downloadTexts.push(t);
			}
		};
		new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
}

const progressTexts = () => p().evaluate(() => window.__downloadTexts || []);

// percents are the percentages the texts showed, in order.
const percents = (texts) => texts.flatMap((t) => [...t.matchAll(/(\d+)%/g)].map((m) => Number(m[1])));

// openItem opens an item's page afresh by its URL and waits for its Download button.
async function openItem(id, button) {
	await p().goto(`${opts.origin}/#/item/${encodeURIComponent(id)}`, { waitUntil: 'load' });
	await p().reload({ waitUntil: 'load' }); // a hash change alone keeps the last download's rows
	await p().getByRole('button', { name: button }).waitFor({ timeout: ms() });
	await watchProgress();
}

// download chooses quality, clicks button and returns the n downloads the browser gets.
async function download(quality, button, n) {
	await p().getByLabel('Download quality').selectOption(quality);
	const got = [];
	let onDownload;
	const all = new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			p().off('download', onDownload);
			reject(new Error(`timed out after ${opts.timeout}s waiting for ${n} download(s); got ${got.length}`));
		}, ms() * n);
		onDownload = (d) => {
			got.push(d);
			if (got.length === n) {
				clearTimeout(timer);
				p().off('download', onDownload);
				resolve(got);
			}
		};
		p().on('download', onDownload);
	});
	await p().getByRole('button', { name: button }).click();
	return all;
}

// keep saves a download under --out and returns its name, size and path.
async function keep(d, as) {
	const failure = await d.failure();
	if (failure) throw new Error(`the download of ${d.suggestedFilename()} failed: ${failure}`);
	const path = join(opts.out, as);
	await d.saveAs(path);
	return { name: d.suggestedFilename(), size: (await stat(path)).size, path };
}

main(async () => {
	await run.step('launch', () => run.launch());

	await run.step('sign-in', async () => {
		await p().goto(opts.origin + '/', { waitUntil: 'load' });
		// The form focuses the Username field once drawn (an effect, after the paint that shows it):
		// typed before, the name would go nowhere.
		await until('the Username field to have the focus', async () => p().evaluate(() => document.activeElement?.id === 'username'));
		await p().keyboard.type(opts.username);
		await p().keyboard.press('Tab');
		await p().keyboard.type(opts.password);
		await p().keyboard.press('Enter');
		await p().getByRole('button', { name: opts.username }).waitFor({ timeout: ms() });
	});

	await run.step('original', async () => {
		await openItem(opts.movie, 'Download');
		const [d] = await download('original', 'Download', 1);
		const f = await keep(d, 'original' + opts.movieName.slice(opts.movieName.lastIndexOf('.')));
		if (f.name !== opts.movieName || f.size !== opts.movieSize) {
			throw new Error(`saved ${f.name} of ${f.size} bytes, want ${opts.movieName} of ${opts.movieSize}`);
		}
		// The row shows 100% as the last bytes come, and says saved once the file is handed over.
		const row = p().locator('.download-files li');
		await row.filter({ hasText: '100%' }).waitFor({ timeout: ms() });
		const state = await until('the row to say saved', async () => {
			const st = await row.getAttribute('data-state');
			if (st !== 'saved') throw new Error(`the row says ${st}`);
			return st;
		});
		const texts = await progressTexts();
		return { ...f, state, shown: texts, shot: await shot('original') };
	});

	await run.step('transcode', async () => {
		await openItem(opts.movie, 'Download');
		const base = opts.movieName.slice(0, opts.movieName.lastIndexOf('.'));
		const pending = download(opts.quality, 'Download', 1);
		// Mid-way: the row shows bytes of an estimated total, and a Cancel button (unless the
		// encode was done before the page could show a percent).
		const row = p().locator('.download-files li');
		await Promise.race([
			row.filter({ hasText: /· [1-9]\d?%/ }).waitFor({ timeout: ms() }),
			p().locator('.download-files li[data-state="saved"]').waitFor({ timeout: ms() }),
		]);
		const mid = await shot('transcode-progress');
		const [d] = await pending;
		const f = await keep(d, 'transcode.mp4');
		const want = `${base} - ${opts.quality}.mp4`;
		if (f.name !== want || f.size < 10_000) throw new Error(`saved ${f.name} of ${f.size} bytes, want ${want}`);
		await p().locator('.download-files li[data-state="saved"]').waitFor({ timeout: ms() });
		const texts = await progressTexts();
		const pcts = percents(texts);
		if (!pcts.some((x) => x > 0 && x < 100)) throw new Error(`no progress between 0 and 100% was shown: ${JSON.stringify(texts)}`);
		if (!texts.some((t) => /of about [\d.]+ [KM]B/.test(t))) throw new Error(`the estimated size was not shown: ${JSON.stringify(texts)}`);
		return { ...f, percents: pcts, shown: texts.slice(0, 20), midShot: mid, shot: await shot('transcode') };
	});

	await run.step('cancel', async () => {
		await openItem(opts.movie, 'Download');
		await p().getByLabel('Download quality').selectOption(opts.quality);
		let saved = 0;
		const count = () => saved++;
		p().on('download', count);
		await p().getByRole('button', { name: 'Download' }).click();
		await p().locator('.download-files li[data-state="downloading"]').waitFor({ timeout: ms() });
		await p().getByRole('button', { name: 'Cancel' }).click();
		await p().locator('.download-files li[data-state="cancelled"]').waitFor({ timeout: ms() });
		await new Promise((r) => setTimeout(r, 1000));
		p().off('download', count);
		if (saved > 0) throw new Error('a cancelled download was saved');
		await until('the Download button enabled again after Cancel', () => p().getByRole('button', { name: 'Download' }).isEnabled());
		return { shown: (await progressTexts()).slice(-3), shot: await shot('cancel') };
	});

	await run.step('season', async () => {
		await openItem(opts.season, 'Download all');
		const ds = await download('original', 'Download all', seasonNames.length);
		const files = [];
		for (const [i, d] of ds.entries()) {
			const f = await keep(d, `season-${i + 1}` + seasonNames[i].slice(seasonNames[i].lastIndexOf('.')));
			if (f.name !== seasonNames[i] || f.size !== seasonSizes[i]) {
				throw new Error(`file ${i + 1}: saved ${f.name} of ${f.size} bytes, want ${seasonNames[i]} of ${seasonSizes[i]}`);
			}
			files.push(f);
		}
		await p().locator('.download-total', { hasText: `${seasonNames.length} of ${seasonNames.length} files` }).waitFor({ timeout: ms() });
		const states = await p().locator('.download-files li').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
		if (!states.every((s) => s === 'saved')) throw new Error(`the rows say ${JSON.stringify(states)}`);
		const total = await p().locator('.download-total').innerText();
		return { files, states, total, shown: (await progressTexts()).slice(0, 20), shot: await shot('season') };
	});

	await run.step('turned-off', async () => {
		// A user whose downloads an admin turned off is offered no Download button, and the
		// server refuses them anyway.
		await p().goto(`${opts.origin}/#/signin/add`, { waitUntil: 'load' });
		await signIn(p(), opts.noDownloadsUser, opts.noDownloadsPassword, ms());
		await p().goto(`${opts.origin}/#/item/${encodeURIComponent(opts.movie)}`, { waitUntil: 'load' });
		await p().getByRole('link', { name: /^(Play|Resume from)/ }).waitFor({ timeout: ms() });
		// The button is drawn with the Play link. Its name is "⤓ Download": a /^Download/ never matched.
		const buttons = await p().getByRole('button', { name: /Download/ }).count();
		if (buttons !== 0) throw new Error(`${buttons} Download button(s) offered`);
		const r = await call(`/items/${opts.movie}/download`);
		if (r.status !== 403) throw new Error(`the server answered ${r.status} to the download`);
		return { status: r.status, shot: await shot('turned-off') };
	});

});
