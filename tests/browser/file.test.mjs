// Filing a complaint through /file in a real browser: Debian's chromium,
// driven by playwright-core, axe-core on every page, on a phone's
// viewport.
//
//   node tests/browser/file.test.mjs URL MAILDIR EMAIL
//
// URL is a running complaintsd (http://127.0.0.1:PORT) whose status_url
// is URL/status/ and whose mail goes to a test SMTP server that writes
// the text of each message it receives to MAILDIR (NNN.txt);
// tests/integration/test_file_form.py starts both and runs this.  The
// journey: the services page in each language, service 11, the
// institution found by part of its address, the form sent once with a
// field left empty (its error beside it, everything typed kept), then
// whole with a PDF; "check your email"; the link from the mail; the
// confirmation; the talon and Download slip.  The expected words are
// read from web/lang/*.xml.  Screenshots go to tests/output/.  Exits 0
// when every check passed, 1 otherwise.
//
// Environment: CHROMIUM (default /usr/bin/chromium).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { deskKit } from './deskkit.mjs';
import { chromiumOptions, consoleErrors, loadTexts } from './texts.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
    '..', '..');
const OUT = path.join(REPO, 'tests', 'output');
const LANGS = ['kk', 'ru', 'en'];
const PHONE = { width: 390, height: 844 };	/* a phone's viewport */

const [url, maildir, email] = process.argv.slice(2);
if (!url || !maildir || !email) {
	console.error('usage: node file.test.mjs URL MAILDIR EMAIL');
	process.exit(2);
}
const T = Object.fromEntries(LANGS.map((l) => [l, loadTexts(REPO, l)]));
fs.mkdirSync(OUT, { recursive: true });
// The checks, and axe-core with a screenshot (OUT/file-NAME.png) of
// every page, as the desk's journeys have them.
const { results, check, failures, accessible } = deskKit({ url,
    password: '', out: OUT, prefix: 'file' });

// The link in the first mail that has one, waiting for it to come.
async function mailedLink(timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		for (const f of fs.readdirSync(maildir).sort()) {
			const text = fs.readFileSync(path.join(maildir, f), 'utf8');
			const m = text.match(/https?:\/\/\S+\/file\/confirm\?token=[0-9a-f]{64}/);
			if (m)
				return m[0];
		}
		if (Date.now() > deadline)
			throw new Error('no mail with a link in ' + maildir);
		await new Promise((r) => setTimeout(r, 200));
	}
}

const browser = await chromium.launch(chromiumOptions());
const context = await browser.newContext({ viewport: PHONE,
    acceptDownloads: true });
const page = await context.newPage();
const errors = consoleErrors(page);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-file-'));
const pdf = path.join(tmp, 'өтініш.pdf');
fs.writeFileSync(pdf, '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

try {
	for (const lang of LANGS) {
		await page.goto(`${url}/file?lang=${lang}`);
		await check(`services page in ${lang}: title and choices`,
		    async () => {
			assert.equal(await page.title(),
			    T[lang]['filing.service.title']);
			assert.equal(await page.locator('input[type=radio]')
			    .count(), 3);
			await page.getByText(T[lang]['service.11'], { exact: true })
			    .first().waitFor();
		});
		await accessible(page, `1-services-${lang}`);
	}

	const t = T.ru;
	await page.goto(`${url}/file?lang=ru`);
	await page.getByLabel(t['service.11'], { exact: true }).check();
	await page.getByRole('button', { name: t['filing.next'] }).click();
	await check('institution step', async () => {
		assert.equal(await page.title(), t['filing.institution.title']);
		assert.equal(await page.locator('#chosen-service').textContent(),
		    t['service.11']);
	});
	await page.getByLabel(t['filing.f.q']).fill('Бұхар Жырау 50б');
	await page.getByRole('button', { name: t['filing.search'] }).click();
	await accessible(page, '2-found');
	await page.locator('#found a[href*="institution=school-10"]').first()
	    .click();
	await check('the form, for the institution chosen', async () => {
		assert.equal(await page.title(), t['filing.form.title']);
		assert.match(await page.locator('#chosen-institution')
		    .textContent(), /№ 10/);
	});
	await accessible(page, '3-form');

	// Sent once without the email: the error beside it, nothing lost.
	const typed = {
		surname: 'Жұмабаева', name: 'Әлия', patronymic: 'Нұрланқызы',
		address: 'Алматы, ул. Бухар Жырау, 52, кв. 7',
		phone: '+7 701 234 56 78',
		reasons: 'Школа не выдаёт бесплатное питание с ноября.',
		demands: 'Прошу восстановить бесплатное питание.',
	};
	for (const [k, v] of Object.entries(typed))
		await page.locator(`#${k}`).fill(v);
	// The browser's own check would stop an empty required field before
	// it is sent: this journey shows the server's.
	await page.locator('#email').evaluate((e) => e.removeAttribute(
	    'required'));
	await page.getByRole('button', { name: t['filing.submit'] }).click();
	await check('an error beside the field left empty', async () => {
		assert.equal((await page.locator('#email-error').textContent())
		    .trim(), t['filing.err.required']);
		assert.equal(await page.locator('#email')
		    .getAttribute('aria-invalid'), 'true');
		for (const [k, v] of Object.entries(typed))
			assert.equal(await page.locator(`#${k}`).inputValue(), v, k);
	});
	await accessible(page, '4-error');

	await page.locator('#email').fill(email);
	await page.locator('#files').setInputFiles(pdf);
	await page.getByRole('button', { name: t['filing.submit'] }).click();
	await check('check your email', async () => {
		assert.equal(await page.title(), t['filing.sent.title']);
		assert.match(await page.locator('#sent').textContent(),
		    new RegExp(email.replace(/\./g, '\\.')));
	});
	await accessible(page, '5-sent');

	const link = await mailedLink(30000);
	await check('the mailed link is this server\'s', async () => {
		assert.ok(link.startsWith(url + '/file/confirm?token='), link);
	});
	await page.goto(link + '&lang=ru');
	await accessible(page, '6-confirm');
	await page.getByRole('button', { name: t['file.confirm.button'] })
	    .click();
	let number = '', code = '';
	await check('the talon', async () => {
		assert.equal(await page.title(), t['file.done.title']);
		number = (await page.locator('#talon-number').textContent())
		    .trim();
		assert.match(number, /^\d{4}-\d{9}-\d$/);
		code = (await page.locator('#access-code').textContent()).trim();
		assert.match(code, /^[A-Z0-9-]{6,}$/);
	});
	await accessible(page, '7-talon');
	await check('Download slip saves the PDF, named by the talon',
	    async () => {
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: t['file.done.slip'] })
			    .click(),
		]);
		assert.equal(download.suggestedFilename(), `${number}.pdf`);
		const saved = fs.readFileSync(await download.path());
		assert.equal(saved.subarray(0, 5).toString(), '%PDF-');
		// The talon page is still there.
		assert.equal((await page.locator('#talon-number')
		    .textContent()).trim(), number);
	});
	await check('no console error, no CSP violation', async () => {
		assert.deepEqual(errors, []);
	});
	console.log(`talon ${number}`);
} finally {
	await browser.close();
	fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${results.passed} checks passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
