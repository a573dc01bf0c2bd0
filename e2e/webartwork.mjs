#!/usr/bin/env node
// webartwork.mjs drives the metadata editor of Walros's own web client (web/src/admin) in headless
// Chromium against a server whose TMDb is a fake (webartwork_test.go): an admin fixes an item's
// match by TMDb id and sees its title and overview change, opens Artwork and sees the provider's
// candidate posters, picks the second and finds it on the item's page and on the home page's card
// (which asks for it by the tag the list gives, decision 0042), then uploads a picture that
// becomes the poster. Colours are "r,g,b": the test's pictures are solid colours, so the centre
// pixel of the poster an <img> shows tells which picture it is. It keeps a screenshot of each step
// (web-artwork-*.png) and prints one JSON object on stdout like webclient.mjs (see README.md);
// exit 0 when every step passed, 1 otherwise, 2 on bad usage.
//
//   node e2e/webartwork.mjs --origin http://127.0.0.1:8096 --username admin --password PW \
//       --item ID --title 'Big Test' --tmdb 4242 --new-title 'The Fixed Match' --overview TEXT \
//       --picked 30,190,60 --uploaded 200,40,200 --upload /path/to/picture.png --shots DIR

import { setup, signIn } from './lib.mjs';

const { opts, run, p, ms, until, shot, main } = setup('webartwork', {
	spec: {
		item: { type: 'string' },
		title: { type: 'string' },
		tmdb: { type: 'string' },
		newTitle: { type: 'string' },
		overview: { type: 'string' },
		picked: { type: 'string' },
		uploaded: { type: 'string' },
		upload: { type: 'string' },
	},
	required: ['item', 'title', 'tmdb', 'newTitle', 'overview', 'picked', 'uploaded', 'upload'],
	budget: 8,
	prefix: 'web-artwork-',
	fullPage: true,
});

const rgb = (s) => s.split(',').map(Number);
const near = (a, b) => a.length === 3 && a.every((v, i) => Math.abs(v - b[i]) < 40);

// centre returns the colour of the centre pixel of the picture an <img> shows, once loaded.
async function centre(img) {
	return img.evaluate(async (el) => {
		if (!el.complete || el.naturalWidth === 0) await new Promise((ok, fail) => ((el.onload = ok), (el.onerror = () => fail(new Error(`${el.src} did not load`)))));
		const c = document.createElement('canvas');
		c.width = el.naturalWidth;
		c.height = el.naturalHeight;
		const g = c.getContext('2d');
		g.drawImage(el, 0, 0);
		return Array.from(g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data.slice(0, 3));
	});
}

// posterOnItemPage opens the item's page (in the same document, as a click would) and waits for
// its poster to show the colour want.
async function posterOnItemPage(want) {
	await p().goto(`${opts.origin}/#/item/${encodeURIComponent(opts.item)}`, { waitUntil: 'load' });
	// Exact: the editor's heading, drawn until the hash change is, says "Edit <title>".
	await p().getByRole('heading', { name: opts.newTitle, exact: true, level: 1 }).waitFor({ timeout: ms() });
	const img = p().locator('.details-poster img.poster');
	let src = '';
	// No reload: the page itself must ask for the new picture, not reuse the one it cached.
	let last = null;
	await until(`the poster to show ${want}`, async () => {
		src = await img.getAttribute('src');
		last = await centre(img);
		return near(last, rgb(want));
	}, { every: 250 });
	const got = last;
	return { rgb: got, src: src.replace(/token=[^&]+/, 'token=…') };
}

// cardPoster opens the home page (in the same document) and waits for the item's card in the
// "Recently added" shelf to ask for the picture tagged tag, and to show the colour want when given.
async function cardPoster(tag, want) {
	const p = run.page;
	await p.goto(`${opts.origin}/#/`, { waitUntil: 'load' });
	const img = p.locator(`a.card[data-id="${opts.item}"] img.poster`).first();
	await img.waitFor({ timeout: ms() });
	let src = '';
	let last = null;
	await until(`the card to ask for the poster tagged ${tag}`, async () => {
		src = (await img.getAttribute('src')) || '';
		if (new URL(src, opts.origin).searchParams.get('tag') !== tag) return false;
		last = await centre(img);
		return !want || near(last, rgb(want));
	}, 250).catch((e) => {
		throw new Error(`${e.message}; the card shows ${last} from ${src.replace(/token=[^&]+/, 'token=…')}`);
	});
	return { rgb: last, src: src.replace(/token=[^&]+/, 'token=…') };
}

async function openEditor() {
	await p().goto(`${opts.origin}/#/item/${encodeURIComponent(opts.item)}`, { waitUntil: 'load' });
	await p().getByRole('link', { name: 'Edit metadata' }).click();
	await p().getByRole('heading', { name: /^Edit / }).waitFor({ timeout: ms() });
}

main(async () => {
	await run.step('launch', () => run.launch());

	await run.step('sign-in', async () => {
		await p().goto(opts.origin + '/', { waitUntil: 'load' });
		await signIn(p(), opts.username, opts.password, ms());
		return null;
	});

	await run.step('fix-match', async () => {
		await openEditor();
		await p().getByRole('heading', { name: `Edit ${opts.title}` }).waitFor({ timeout: ms() });
		const before = await p().getByLabel('Overview').inputValue();
		const form = p().getByRole('form', { name: 'Fix match' });
		await form.getByLabel(/Provider ids/).fill(`tmdb=${opts.tmdb}`);
		await form.getByRole('button', { name: 'Identify' }).click();
		await p().getByRole('status').filter({ hasText: 'Identified' }).waitFor({ timeout: ms() });
		await p().getByRole('heading', { name: `Edit ${opts.newTitle}` }).waitFor({ timeout: ms() });
		let seen = '';
		const overview = await until('the overview to change', async () => {
			seen = await p().getByLabel('Overview').inputValue();
			return seen === opts.overview && seen;
		}).catch((e) => {
			throw new Error(`${e.message}; the form shows ${JSON.stringify(seen)}`);
		});
		return { before, after: { title: opts.newTitle, overview }, shot: await shot('fix-match') };
	});

	let candidates = [];
	await run.step('candidates', async () => {
		const posters = p().getByRole('group', { name: /^Poster \(/ });
		await posters.waitFor({ timeout: ms() });
		const items = posters.locator('li');
		await until('three candidate posters', async () => (await items.count()) === 3);
		for (let i = 0; i < 3; i++) {
			const li = items.nth(i);
			candidates.push({
				index: Number(await li.getAttribute('data-index')),
				tag: await li.getAttribute('data-tag'),
				text: (await li.innerText()).trim(),
				rgb: await centre(li.locator('img')),
			});
		}
		if (!/Shown/.test(candidates[0].text) || !/from a provider/.test(candidates[1].text)) throw new Error(`labels: ${JSON.stringify(candidates)}`);
		if (!near(candidates[1].rgb, rgb(opts.picked))) throw new Error(`the second candidate shows ${candidates[1].rgb}, want ${opts.picked}`);
		if (await posters.getByRole('button', { name: 'Poster 1, shown now', pressed: true }).count() !== 1) throw new Error('the current poster is not marked');
		return { candidates };
	});

	// The card's poster before the pick, by its tag: the page keeps that picture in its memory.
	await run.step('card-before', async () => {
		const card = await cardPoster(candidates[0].tag, null);
		await openEditor(); // back where the pick is made
		await p().getByRole('group', { name: /^Poster \(/ }).locator('li').nth(2).waitFor({ timeout: ms() });
		return card;
	});

	await run.step('pick-poster', async () => {
		// With the keyboard: focus the second poster and press Enter.
		const pick = p().getByRole('button', { name: 'Show Poster 2' });
		await pick.focus();
		await p().keyboard.press('Enter');
		await p().getByRole('status').filter({ hasText: 'Poster 2 is now the poster shown.' }).waitFor({ timeout: ms() });
		const first = p().getByRole('group', { name: /^Poster \(/ }).locator('li').first();
		await until('the picked poster to come first', async () => (await first.getAttribute('data-tag')) === candidates[1].tag);
		const locked = await p().locator('label', { hasText: 'images' }).count();
		const s = await shot('artwork', p().getByRole('heading', { name: 'Artwork', level: 2 }));
		const shown = await posterOnItemPage(opts.picked);
		return { ...shown, lockedShown: locked > 0, shot: s, itemShot: await shot('picked') };
	});

	// No reload: by index alone, the card's URL would be the one the page already has a picture for.
	await run.step('card-after', async () => ({ ...(await cardPoster(candidates[1].tag, opts.picked)), shot: await shot('card') }));

	await run.step('upload', async () => {
		await openEditor();
		const form = p().getByRole('form', { name: 'Upload artwork' });
		await form.getByLabel('Kind').selectOption('Primary');
		// Nothing chosen: the form says so and sends nothing.
		await form.getByRole('button', { name: 'Upload' }).click();
		const problem = await form.getByRole('alert').innerText({ timeout: ms() });
		if (!/Choose a picture/.test(problem)) throw new Error(`no file: ${problem}`);
		await form.getByLabel(/^Picture/).setInputFiles(opts.upload);
		await form.getByRole('button', { name: 'Upload' }).click();
		await p().getByRole('status').filter({ hasText: 'was uploaded' }).waitFor({ timeout: ms() });
		const first = p().getByRole('group', { name: /^Poster \(/ }).locator('li').first();
		const text = await until('the upload to be listed first', async () => {
			const t = await first.innerText();
			return /uploaded/.test(t) && t.trim();
		});
		const shown = await posterOnItemPage(opts.uploaded);
		return { ...shown, listed: text, shot: await shot('uploaded') };
	});
});
