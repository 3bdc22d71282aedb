// The staff desk in a real browser: Debian's chromium driven by
// playwright-core, axe-core on every page.  The story, one
// journey per role: a registrar signs in, registers a complaint about an
// institution of another district with the keyboard alone (the search
// step included), prints the slip and the 42-column receipt and forwards
// the complaint; the head of that district sees the workload, assigns,
// extends and decides; the answer goes out by post (the letter marked
// posted with its tracking number); the applicant's appeal is recorded
// and reaches the ministry's escalation desk, which opens it; the
// administrator checks the audit trail and disables the registrar's
// account.  No violation of impact "serious" or "critical" on any page;
// no console error (a CSP violation is one).  Screenshots of every page
// go to tests/output/desk-*.png.
//
//	node desk.test.mjs URL PASSWORD REGISTRAR HEAD OTHER-BODY
//
// tests/integration/test_desk.py starts the daemon, opens the accounts
// and runs this.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleErrors, loadTexts } from './texts.mjs';
import { deskKit } from './deskkit.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const OUT = path.join(REPO, 'tests', 'output');
const T = { en: loadTexts(REPO, 'en'), kk: loadTexts(REPO, 'kk'),
    ru: loadTexts(REPO, 'ru') };

const [url, password, registrar, head, other] = process.argv.slice(2);
if (!other) {
	console.error('usage: node desk.test.mjs URL PASSWORD REGISTRAR ' +
	    'HEAD OTHER-BODY');
	process.exit(2);
}

const { results, check, failures, browser, accessible, tabTo, typeInto,
    signIn } = deskKit({ url, password, out: OUT });

// Opens the form of an action (the first is open already).
async function openAction(page, action) {
	const d = page.locator(`details:has(form[action$="/${action}"])`);
	if (await d.getAttribute('open') === null)
		await d.locator('summary').click();
}

const reg = await browser('en-GB');
const page = await reg.ctx.newPage();
const errors = consoleErrors(page);
let talon = '', code = '';

try {
	await check('registrar signs in with the keyboard', () =>
	    signIn(page, registrar, 'registrar'));
	await accessible(page, 'registrar-inbox');

	await check('the register form, keyboard alone, with the search step',
	    async () => {
		await page.goto(url + '/desk/register');
		await accessible(page, 'register-empty');
		await tabTo(page, '#service');
		await page.keyboard.type('5');
		await typeInto(page, '#q', 'мектеп');
		await tabTo(page, 'button[name=find]');
		await Promise.all([page.waitForNavigation(),
		    page.keyboard.press('Enter')]);
		assert.equal(await page.inputValue('#q'), 'мектеп');
		assert.equal(await page.inputValue('#service'), '5');
		assert.ok(await page.locator('input[name=institution]')
		    .count() > 0, 'no institution found');
		await accessible(page, 'register-found');
		await typeInto(page, '#subject', '№ 14 мектеп');
		await typeInto(page, '#reasons', 'Баланы бірінші сыныпқа ' +
		    'қабылдамады.');
		await typeInto(page, '#demands', 'Қабылдауды талап етемін.');
		await typeInto(page, '#surname', 'Омарова');
		await typeInto(page, '#name', 'Дана');
		await typeInto(page, '#address', 'Алматы, Абай даңғылы, 1');
		await tabTo(page, 'button.primary');
		await Promise.all([page.waitForNavigation(),
		    page.keyboard.press('Enter')]);
		// The preview: where the routing rules send it and by when,
		// nothing registered yet.  Change brings the form back filled.
		await page.waitForSelector('#preview-due');
		await accessible(page, 'register-preview');
		await tabTo(page, 'button[name=change]');
		await Promise.all([page.waitForNavigation(),
		    page.keyboard.press('Enter')]);
		assert.equal(await page.inputValue('#surname'), 'Омарова');
		assert.equal(await page.inputValue('#reasons'),
		    'Баланы бірінші сыныпқа қабылдамады.');
		await tabTo(page, 'button.primary');
		await Promise.all([page.waitForNavigation(),
		    page.keyboard.press('Enter')]);
		const due = await page.getAttribute('#preview-due',
		    'datetime');
		assert.match(due, /^\d{4}-\d\d-\d\d$/);
		await tabTo(page, 'button[name=confirm]');
		await Promise.all([page.waitForNavigation(),
		    page.keyboard.press('Enter')]);
		talon = (await page.textContent('#talon-number')).trim();
		assert.equal(await page.getAttribute('section.talon time',
		    'datetime'), due);
		code = (await page.textContent('#access-code')).trim();
		assert.match(talon, /^\d{4}-\d{9}-\d$/);
		assert.match(code, /^[A-Z0-9]{8}$/);
	});
	await accessible(page, 'talon');

	await check('Print slip gives the A6 PDF', async () => {
		const csrf = await page.inputValue('input[name=csrf]');
		const r = await page.request.post(
		    `${url}/desk/talons/${talon}/slip`, {
			form: { csrf, code }, headers: { Origin: url } });
		assert.equal(r.status(), 200);
		assert.equal(r.headers()['content-type'], 'application/pdf');
		assert.ok((await r.body()).subarray(0, 5).toString() ===
		    '%PDF-');
	});

	await check('the receipt: text, 42 columns', async () => {
		const csrf = await page.inputValue('input[name=csrf]');
		const r = await page.request.post(
		    `${url}/desk/talons/${talon}/receipt`, {
			form: { csrf, code }, headers: { Origin: url } });
		assert.equal(r.status(), 200);
		assert.equal(r.headers()['content-type'],
		    'text/plain; charset=utf-8');
		const text = await r.text();
		assert.ok(text.includes(talon));
		assert.ok(text.includes(code.slice(0, 4) + '-' + code.slice(4)));
		for (const line of text.split('\n'))
			assert.ok([...line].length <= 42, line);
		fs.writeFileSync(path.join(OUT, 'desk-receipt.txt'), text);
	});

	await check('the registrar forwards it to the other district',
	    async () => {
		await page.click(`text=${T.en['desk.talon.open']}`);
		await accessible(page, 'case-registered');
		await openAction(page, 'forward');
		await page.fill('#forward-to', other);
		await page.fill('#forward-reason', 'The school is in ' +
		    'another district.');
		await Promise.all([page.waitForNavigation(),
		    page.click(`form[action$="/forward"] button`)]);
		assert.ok((await page.textContent('.state-line'))
		    .includes(T.en['state.forwarded']));
	});
	await accessible(page, 'case-forwarded');
	await check('no console error on the registrar\'s pages', () =>
	    assert.deepEqual(errors, []));
} finally {
	await reg.ctx.close();
	fs.rmSync(reg.dir, { recursive: true, force: true });
}

const hd = await browser('kk-KZ');
const hp = await hd.ctx.newPage();
const herrors = consoleErrors(hp);
try {
	await check('the head of the other district signs in (Kazakh)', () =>
	    signIn(hp, head, 'head'));
	await accessible(hp, 'head-inbox');
	await check('the head assigns, extends and decides', async () => {
		await hp.click('table.inbox tbody a');
		await openAction(hp, 'assign');
		await hp.fill('#assign-assignee', 'Нұрланова А.');
		await Promise.all([hp.waitForNavigation(),
		    hp.click('form[action$="/assign"] button')]);
		await openAction(hp, 'extend');
		await hp.fill('#extend-reason', 'Қосымша тексеру қажет.');
		await Promise.all([hp.waitForNavigation(),
		    hp.click('form[action$="/extend"] button')]);
		assert.ok((await hp.textContent('.state-line'))
		    .includes(T.kk['state.extended']));
		await accessible(hp, 'case-extended');
		await openAction(hp, 'decide');
		await hp.selectOption('#decide-outcome', 'partly-upheld');
		await hp.fill('#decide-reasoning', 'Шағымның бір бөлігі ' +
		    'расталды.');
		await Promise.all([hp.waitForNavigation(),
		    hp.click('form[action$="/decide"] button')]);
		assert.ok((await hp.textContent('.state-line'))
		    .includes(T.kk['state.decided']));
	});
	await accessible(hp, 'case-decided');
	let caseUrl = hp.url();
	await check('the answer goes out by post', async () => {
		await openAction(hp, 'answer');
		await hp.selectOption('#answer-channel', 'post');
		await Promise.all([hp.waitForNavigation(),
		    hp.click('form[action$="/answer"] button')]);
		// The outbox draws the letter; it waits for the post.
		let letter = null;
		for (let i = 0; i < 100 && !letter; i++) {
			await hp.goto(url + '/desk/post');
			const forms = hp.locator('form[action$="/posted"]');
			if (await forms.count() > 0)
				letter = await forms.first().getAttribute('action');
			else
				await hp.waitForTimeout(100);
		}
		assert.ok(letter, 'no letter waits for the post');
		await accessible(hp, 'post-letter');
		const form = hp.locator(`form[action="${letter}"]`);
		await form.locator('input[name=tracking]').fill('RR123456785KZ');
		await Promise.all([hp.waitForNavigation(),
		    form.locator('button').click()]);
		assert.equal(await hp.locator(`form[action="${letter}"]`)
		    .count(), 0);
		await hp.goto(caseUrl);
		assert.ok((await hp.textContent('.state-line'))
		    .includes(T.kk['state.answered']));
	});
	await accessible(hp, 'case-answered');
	await check('the applicant\'s appeal goes to the ministry', async () => {
		await openAction(hp, 'appeal');
		await hp.selectOption('#appeal-channel', 'post');
		await hp.fill('#appeal-reasons', 'Шешіммен келіспеймін.');
		await hp.fill('#appeal-demands', 'Қайта қарауды сұраймын.');
		await Promise.all([hp.waitForNavigation(),
		    hp.click('form[action$="/appeal"] button')]);
		assert.ok((await hp.textContent('main')).includes('mop'));
	});
	await accessible(hp, 'case-appealed');
	await check('Russian, and an error beside its field', async () => {
		await hp.goto(hp.url() + '?lang=ru');
		await openAction(hp, 'note');
		await hp.fill('#note-text', ' ');
		await hp.evaluate(() => document.querySelector('#note-text')
		    .removeAttribute('required'));
		await Promise.all([hp.waitForNavigation(),
		    hp.click('form[action$="/note"] button')]);
		assert.ok(await hp.locator('#error').count() === 1);
	});
	await accessible(hp, 'case-error-ru');
	await check('the post page', async () => {
		await hp.goto(url + '/desk/post');
		assert.ok((await hp.textContent('h1')).includes(
		    T.ru['desk.post.title']));
	});
	await accessible(hp, 'post');
	await check('no console error on the head\'s pages', () =>
	    assert.deepEqual(herrors, []));
} finally {
	await hd.ctx.close();
	fs.rmSync(hd.dir, { recursive: true, force: true });
}

const ad = await browser('ru-RU');
const ap = await ad.ctx.newPage();
const aerrors = consoleErrors(ap);
try {
	await check('the administrator signs in (Russian)', async () => {
		await ap.goto(url + '/desk/login');
		await ap.fill('#login', 'admin');
		await ap.fill('#password', password);
		await Promise.all([ap.waitForNavigation(),
		    ap.click('form[action="/desk/login"] button')]);
		assert.equal(new URL(ap.url()).pathname, '/desk/admin');
	});
	await accessible(ap, 'admin');
	await check('the ministry\'s escalation desk', async () => {
		const eb = await browser('en-GB');
		const ep = await eb.ctx.newPage();
		const eerrors = consoleErrors(ep);
		await ep.goto(url + '/desk/login');
		await ep.fill('#login', 'desk.mop');
		await ep.fill('#password', password);
		await Promise.all([ep.waitForNavigation(),
		    ep.click('form[action="/desk/login"] button')]);
		assert.equal(new URL(ep.url()).pathname, '/desk/escalation');
		await accessible(ep, 'escalation');
		// The appeal is among the complaints addressed to the ministry.
		const link = ep.locator('section:has(#list-ministry) ' +
		    'table.inbox tbody a');
		assert.ok(await link.count() > 0, 'no appeal at the ministry');
		await Promise.all([ep.waitForNavigation(), link.first().click()]);
		assert.ok((await ep.textContent('.state-line')).includes(
		    T.en['state.registered']));
		await accessible(ep, 'escalation-case');
		assert.deepEqual(eerrors, []);
		await eb.ctx.close();
		fs.rmSync(eb.dir, { recursive: true, force: true });
	});
	await check('the administrator verifies and disables the registrar',
	    async () => {
		await Promise.all([ap.waitForNavigation(),
		    ap.click('form[action="/desk/admin"] button')]);
		assert.ok((await ap.textContent('main')).includes(
		    T.ru['desk.admin.verify.ok'].split(':')[0]));
		await Promise.all([ap.waitForNavigation(), ap.click(
		    `form[action="/desk/admin/users/${registrar}/disable"] ` +
		    'button')]);
		assert.equal(await ap.locator(
		    `form[action="/desk/admin/users/${registrar}/disable"]`)
		    .count(), 0);
	});
	await accessible(ap, 'admin-disabled');
	await check('no console error on the administrator\'s pages', () =>
	    assert.deepEqual(aerrors, []));
} finally {
	await ad.ctx.close();
	fs.rmSync(ad.dir, { recursive: true, force: true });
}

console.log(`${results.passed} checks passed, ${failures.length} failed; ` +
    `screenshots in tests/output/desk-*.png`);
process.exit(failures.length ? 1 : 0);
