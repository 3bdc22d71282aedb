// The citizens' status page in a real browser: Debian's chromium, driven
// by playwright-core, on a phone's viewport.
//
//   node tests/browser/status.test.mjs URL TALON CODE [STATE [OUTCOME]]
//
// URL is a running complaintsd (http://127.0.0.1:PORT), TALON a registered
// talon number and CODE its access code; STATE (default "registered") is
// the state the talon is in and OUTCOME the decision's outcome, when it has
// one.  tests/integration/test_status_page.py starts the daemon, registers
// the complaint and runs this.  The expected words are read from
// web/lang/*.xml, the catalogues the daemon shows.  Screenshots go to
// tests/output/.  Exits 0 when every check passed, 1 otherwise.
//
// Environment: CHROMIUM (default /usr/bin/chromium).

import { checker, chromiumOptions, consoleErrors, loadTexts } from
    './texts.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const OUT = path.join(REPO, 'tests', 'output');
const LANGS = ['kk', 'ru', 'en'];
const PHONE = { width: 390, height: 844 };

const [url, talon, code, state = 'registered', outcome = ''] =
    process.argv.slice(2);
if (!url || !talon || !code) {
	console.error('usage: node status.test.mjs URL TALON CODE ' +
	    '[STATE [OUTCOME]]');
	process.exit(2);
}

const T = Object.fromEntries(LANGS.map((l) => [l, loadTexts(REPO, l)]));

// The Damm check digit, as complaints/talon.c computes it.
const DAMM = [
	[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
	[4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
	[6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
	[5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
	[9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];
function damm(digits) {
	let i = 0;
	for (const c of digits)
		i = DAMM[i][Number(c)];
	return i;
}

// One digit typed wrong: the check digit no longer matches.
function mistyped(number) {
	const d = number.replace(/-/g, '');
	const wrong = d.slice(0, 6) + String((Number(d[6]) + 1) % 10) +
	    d.slice(7);
	assert.notEqual(damm(wrong.slice(0, 13)), Number(wrong[13]));
	return `${wrong.slice(0, 4)}-${wrong.slice(4, 13)}-${wrong[13]}`;
}

// WCAG 2 contrast of two CSS colours "rgb(r, g, b)".
function luminance(css) {
	const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map(Number)
	    .map((v) => {
		v /= 255;
		return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a, b) {
	const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
	return (x + 0.05) / (y + 0.05);
}

const results = checker();
const { check, failures } = results;

function launchArgs(dir) {
	return {
		...chromiumOptions(),
		viewport: PHONE,
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'kk-KZ',
		timeout: 60000,
		env: { ...process.env, HOME: dir },
	};
}

// A fresh profile in its own folder (--user-data-dir).
async function browser(options = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-chromium-'));
	const ctx = await chromium.launchPersistentContext(dir,
	    { ...launchArgs(dir), ...options });
	ctx.setDefaultTimeout(15000);
	return { ctx, dir };
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(OUT, name), fullPage: true });
}

// The console errors, and the style sheet failing to load.
function watch(page) {
	const errors = consoleErrors(page);
	page.on('response', (r) => {
		if (r.url().endsWith('/status.css') && r.status() !== 200)
			errors.push(`${r.url()}: ${r.status()}`);
	});
	return errors;
}

async function submit(page, number, accessCode) {
	await page.locator('#number').fill(number);
	await page.locator('#code').fill(accessCode || '');
	const [resp] = await Promise.all([
		page.waitForNavigation(),
		page.locator('form.lookup button[type=submit]').click(),
	]);
	return resp;
}

async function main() {
	fs.mkdirSync(OUT, { recursive: true });
	const { ctx, dir } = await browser();
	const page = ctx.pages()[0] || await ctx.newPage();
	const errors = watch(page);

	await check('the form, in Kazakh by default (locale kk-KZ)', async () => {
		const resp = await page.goto(`${url}/status`);
		assert.equal(resp.status(), 200);
		assert.equal(await page.locator('html').getAttribute('lang'), 'kk');
		assert.equal(await page.locator('h1').textContent(),
		    T.kk['site.title']);
		assert.equal(await page.locator('h1').count(), 1);
		assert.equal(await page.locator('main').count(), 1);
		const h = resp.headers();
		assert.match(h['content-security-policy'], /default-src 'none'/);
		assert.equal(h['x-frame-options'], 'DENY');
		await shot(page, 'status-form-kk.png');
	});

	await check('the style loads under the policy; no console errors',
	    async () => {
		const bg = await page.locator('button[type=submit]').evaluate(
		    (b) => getComputedStyle(b).backgroundColor);
		assert.equal(bg, 'rgb(11, 78, 162)');	// --accent of status.css
		assert.deepEqual(errors, []);
	});

	await check('every field has its label; the number field is for a ' +
	    'phone keypad', async () => {
		for (const id of ['number', 'code']) {
			const label = page.locator(`label[for=${id}]`);
			assert.equal(await label.count(), 1, id);
			assert.ok((await label.textContent()).trim().length > 0);
		}
		const n = page.locator('#number');
		assert.equal(await n.getAttribute('inputmode'), 'numeric');
		assert.equal(await n.getAttribute('autocomplete'), 'off');
		// The pattern compiles (a bad one is ignored): letters fail it.
		await n.fill('abc');
		assert.equal(await n.evaluate((e) => e.validity.patternMismatch),
		    true);
		await n.fill(talon);
		assert.equal(await n.evaluate((e) => e.validity.valid), true);
		await n.fill(talon.replace(/-/g, ' '));
		assert.equal(await n.evaluate((e) => e.validity.valid), true);
	});

	await check('typing the talon and submitting shows its status',
	    async () => {
		const resp = await submit(page, talon, '');
		assert.equal(resp.status(), 200);
		assert.equal(resp.request().method(), 'POST');
		assert.equal(await page.locator('#status-heading').textContent(),
		    T.kk['status.heading'].replace('{number}', talon));
		assert.equal(await page.locator('#state').textContent(),
		    T.kk[`state.${state}`]);
		assert.ok(await page.locator('dl.facts').count() >= 1);
		// Without the code: the hint, no decision.
		assert.equal(await page.locator('#decision').count(), 0);
		assert.equal(await page.locator('.code-hint').textContent(),
		    T.kk['status.code-hint']);
		await shot(page, 'status-kk.png');
	});

	await check('nothing personal on the page', async () => {
		const text = await page.locator('body').textContent();
		// The phone whole, never a piece of it: three digits can come
		// from a date and a time side by side in the text.
		for (const w of ['Әбілқасымова', 'Әйгерім', 'Әл-Фараби',
		    'example.kz', '+7 701', '234-56-78', 'Баламды',
		    'Жұмабекова', code])
			assert.ok(!text.includes(w), `the page shows ${w}`);
	});

	for (const lang of ['ru', 'en', 'kk']) {
		await check(`the link to ${T[lang]['lang.name']} switches the ` +
		    'page', async () => {
			await Promise.all([
				page.waitForNavigation(),
				page.locator(`nav.langs a[hreflang=${lang}]`).click(),
			]);
			assert.equal(await page.locator('html').getAttribute('lang'),
			    lang);
			assert.equal(await page.locator('h1').textContent(),
			    T[lang]['site.title']);
			assert.equal(await page.locator('#state').textContent(),
			    T[lang][`state.${state}`]);
			assert.equal(await page.locator('#state + .note')
			    .textContent(), T[lang][`state.${state}.note`]);
			assert.equal(await page.locator(
			    'nav.langs a[aria-current=page]').getAttribute(
			    'hreflang'), lang);
			assert.equal(await page.locator('label[for=number]')
			    .textContent(), T[lang]['form.number']);
			// The number stays; the code never goes into a URL.
			assert.ok(page.url().includes(talon));
			assert.ok(!page.url().includes(code));
			await shot(page, `status-${lang}.png`);
		});
	}

	await check('on a phone nothing is wider than the screen', async () => {
		const w = await page.evaluate(
		    () => document.documentElement.scrollWidth);
		assert.ok(w <= PHONE.width, `the page is ${w} px wide`);
		const fs = await page.locator('#number').evaluate(
		    (e) => parseFloat(getComputedStyle(e).fontSize));
		assert.ok(fs >= 16, 'a field under 16 px zooms on phones');
	});

	await check('text and controls have enough contrast', async () => {
		const pairs = await page.evaluate(() => {
			const bgOf = (e) => {
				for (; e; e = e.parentElement) {
					const c = getComputedStyle(e).backgroundColor;
					if (c !== 'rgba(0, 0, 0, 0)')
						return c;
				}
				return 'rgb(255, 255, 255)';
			};
			return ['body', 'h1', 'dt', 'dd', '.hint', 'label',
			    'button', '.state', 'nav.langs a', 'footer p']
			    .map((s) => document.querySelector(s))
			    .filter(Boolean)
			    .map((e) => [e.tagName + '.' + e.className,
				getComputedStyle(e).color, bgOf(e)]);
		});
		for (const [what, fg, bg] of pairs)
			assert.ok(contrast(fg, bg) >= 7, `${what}: ${fg} on ${bg}` +
			    ` is ${contrast(fg, bg).toFixed(1)}:1`);
	});

	await check('a mistyped number: "check the digits"', async () => {
		await page.goto(`${url}/status?lang=en`);
		const typo = mistyped(talon);
		const resp = await submit(page, typo, '');
		assert.equal(resp.status(), 400);
		const alert = page.locator('[role=alert]');
		assert.equal(await alert.count(), 1);
		assert.equal(await alert.locator('h2').textContent(),
		    T.en['error.bad-check-digit.title']);
		assert.equal(await page.locator('#number').inputValue(), typo);
		assert.equal(await page.locator('#number')
		    .getAttribute('aria-invalid'), 'true');
		assert.equal(await page.locator('#state').count(), 0);
		await shot(page, 'status-mistyped-en.png');
	});

	await check('the same in Russian', async () => {
		await page.goto(`${url}/status?lang=ru`);
		const resp = await submit(page, mistyped(talon), '');
		assert.equal(resp.status(), 400);
		assert.equal(await page.locator('[role=alert] h2').textContent(),
		    T.ru['error.bad-check-digit.title']);
	});

	await check('a wrong access code is refused', async () => {
		await page.goto(`${url}/status?lang=en`);
		const wrong = code[0] === 'A' ? 'B' + code.slice(1) :
		    'A' + code.slice(1);
		const resp = await submit(page, talon, wrong);
		assert.equal(resp.status(), 403);
		assert.equal(await page.locator('[role=alert] h2').textContent(),
		    T.en['error.wrong-access-code.title']);
		assert.equal(await page.locator('#code')
		    .getAttribute('aria-invalid'), 'true');
	});

	for (const lang of LANGS) {
		await check(`the access code shows the decision (${lang})`,
		    async () => {
			await page.goto(`${url}/status?lang=${lang}`);
			const resp = await submit(page, talon,
			    code.toLowerCase());
			assert.equal(resp.status(), 200);
			assert.ok(!page.url().includes(code) &&
			    !page.url().includes(code.toLowerCase()),
			    'the code is in the URL');
			const d = page.locator('#decision');
			assert.equal(await d.count(), 1);
			assert.equal(await d.locator('h3').textContent(),
			    T[lang]['status.decision']);
			if (outcome) {
				assert.equal(await d.locator('dd.outcome')
				    .textContent(), T[lang][`outcome.${outcome}`]);
				assert.ok((await d.textContent()).includes(
				    T[lang]['status.answered-on']));
			} else {
				assert.equal(await d.locator('p').textContent(),
				    T[lang]['status.no-decision']);
			}
			const body = await page.locator('body').textContent();
			assert.ok(!body.includes(code), 'the code is shown');
			await shot(page, `status-decision-${lang}.png`);
		});
	}

	await check('at night: dark mode keeps the contrast', async () => {
		await page.emulateMedia({ colorScheme: 'dark' });
		await page.goto(`${url}/status/${talon}?lang=kk`);
		const [fg, bg] = await page.evaluate(() => [
		    getComputedStyle(document.body).color,
		    getComputedStyle(document.body).backgroundColor]);
		assert.ok(contrast(fg, bg) >= 7, `${fg} on ${bg}`);
		assert.ok(luminance(bg) < 0.05, 'the background is not dark');
		await shot(page, 'status-dark-kk.png');
		await page.emulateMedia({ colorScheme: 'light' });
	});

	await check('no console errors, no policy violations', async () => {
		assert.deepEqual(errors, []);
	});
	await ctx.close();
	fs.rmSync(dir, { recursive: true, force: true });

	// The same page with JavaScript off: a plain form still works.
	const nojs = await browser({ javaScriptEnabled: false });
	const p2 = nojs.ctx.pages()[0] || await nojs.ctx.newPage();
	await check('with JavaScript disabled the form works', async () => {
		await p2.goto(`${url}/status?lang=en`);
		const resp = await submit(p2, talon, code);
		assert.equal(resp.status(), 200);
		assert.equal(await p2.locator('#state').textContent(),
		    T.en[`state.${state}`]);
		assert.equal(await p2.locator('#decision').count(), 1);
		await Promise.all([
			p2.waitForNavigation(),
			p2.locator('nav.langs a[hreflang=ru]').click(),
		]);
		assert.equal(await p2.locator('#state').textContent(),
		    T.ru[`state.${state}`]);
		await shot(p2, 'status-nojs-ru.png');
	});
	await check('with JavaScript disabled a mistyped number is named',
	    async () => {
		await p2.goto(`${url}/status?lang=kk`);
		const resp = await submit(p2, mistyped(talon), '');
		assert.equal(resp.status(), 400);
		assert.equal(await p2.locator('[role=alert] h2').textContent(),
		    T.kk['error.bad-check-digit.title']);
	});
	await nojs.ctx.close();
	fs.rmSync(nojs.dir, { recursive: true, force: true });
}

const timer = setTimeout(() => {
	console.log('FAIL the browser test took more than 5 minutes');
	process.exit(1);
}, 300000);
try {
	await main();
} catch (e) {
	failures.push('the browser: ' + e.message);
	console.log(`FAIL ${e.stack}`);
}
clearTimeout(timer);
console.log(`${results.passed} checks passed, ${failures.length} failed; ` +
    `screenshots in ${OUT}`);
process.exit(failures.length ? 1 : 0);
