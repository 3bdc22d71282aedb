// The desk's reports in a real browser (Debian's chromium, playwright-core,
// axe-core on every page): the head of a district opens the reports from
// the menu, asks for a period, follows a figure to the complaints behind
// it and one of them to its case, and looks at the page on a phone; the
// escalation desk asks for every body, downloads the workbook and reads
// the list behind a figure.  The charts must load (an image under the
// page's Content-Security-Policy) and nothing may be wider than the
// phone's screen but the tables, which scroll in their frame.  No
// violation of impact "serious" or "critical", no console error.
// Screenshots go to tests/output/reports-*.png.
//
//	node reports.test.mjs URL PASSWORD HEAD DESK FROM TO
//
// tests/integration/test_reports_desk.py writes the journal, opens the
// accounts and runs this.
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

const [url, password, head, desk, from, to] = process.argv.slice(2);
if (!to) {
	console.error('usage: node reports.test.mjs URL PASSWORD HEAD DESK ' +
	    'FROM TO');
	process.exit(2);
}
const { results, check, failures, browser, accessible, tabTo, signIn,
    close } = deskKit({ url, password, out: OUT, prefix: 'reports' });

// Every chart image has loaded, and says what it is.
async function chartsLoaded(page) {
	const imgs = await page.$$eval('figure.chart img', (l) => l.map((i) =>
	    ({ src: i.src, w: i.naturalWidth, alt: i.alt })));
	assert.equal(imgs.length, 3);
	for (const i of imgs) {
		assert.ok(i.w > 0, `not loaded: ${i.src}`);
		assert.ok(i.alt.length > 10, `no alt: ${i.src}`);
	}
}

// The page fits the window's width; only the tables' frames scroll.
async function fits(page) {
	const r = await page.evaluate(() => ({
		page: document.documentElement.scrollWidth,
		win: window.innerWidth,
		wide: [...document.querySelectorAll('main *')].filter((e) =>
		    e.getBoundingClientRect().right > window.innerWidth + 1 &&
		    !e.closest('.table-wrap')).map((e) => e.tagName + '.' +
		    e.className).slice(0, 5),
	}));
	assert.ok(r.page <= r.win, `page ${r.page}px in ${r.win}px: ` +
	    r.wide.join(', '));
}

// The first figure cell of the row headed rowName whose column is
// figure's, with a number above zero: its link and its number.
async function cell(page, rowName, figure) {
	return page.evaluate(([row, fig]) => {
		const t = document.querySelector('#summary');
		const heads = [...t.querySelectorAll('thead th')].map((h) =>
		    h.textContent.trim());
		const col = heads.indexOf(fig);
		for (const tr of t.querySelectorAll('tbody tr')) {
			if (tr.querySelector('th').textContent.trim() !== row)
				continue;
			const a = tr.children[col].querySelector('a');
			return { href: a.getAttribute('href'),
			    n: Number(a.textContent) };
		}
		return null;
	}, [rowName, figure]);
}

fs.mkdirSync(OUT, { recursive: true });

// --- The head of a district, in Kazakh ---------------------------------------
const hb = await browser('kk-KZ');
const hp = await hb.ctx.newPage();
const herrors = consoleErrors(hp);
try {
	const L = T.kk;
	await check('the head signs in and opens the reports from the menu',
	    async () => {
		await signIn(hp, head, 'head');
		await tabTo(hp, 'a[href="/desk/reports"]');
		await Promise.all([hp.waitForNavigation(),
		    hp.keyboard.press('Enter')]);
		assert.equal(new URL(hp.url()).pathname, '/desk/reports');
		assert.equal((await hp.textContent('h1')).trim(),
		    L['desk.reports.title']);
	});
	await accessible(hp, 'head-this-month');
	await check('the head asks for the period by service, keyboard alone',
	    async () => {
		await hp.fill('#r-from', from);
		await hp.fill('#r-to', to);
		await hp.selectOption('#r-group', 'service');
		await tabTo(hp, 'form.filters button');
		await Promise.all([hp.waitForNavigation(),
		    hp.keyboard.press('Enter')]);
		const u = new URL(hp.url());
		assert.equal(u.searchParams.get('from'), from);
		assert.equal(u.searchParams.get('group'), 'service');
		assert.equal(await hp.locator('#r-body option').count(), 1);
		await chartsLoaded(hp);
	});
	await accessible(hp, 'head-by-service');
	let talon = '';
	await check('a figure leads to its complaints, and one to its case',
	    async () => {
		const c = await cell(hp, L['desk.reports.total'],
		    L['report.figure.received']);
		assert.ok(c && c.n > 0, 'no complaint received');
		await Promise.all([hp.waitForNavigation(),
		    hp.click(`#summary a[href="${c.href}"]`)]);
		assert.equal(await hp.locator('#trace tbody tr').count(), c.n);
		await accessible(hp, 'head-complaints');
		talon = (await hp.textContent('#trace tbody th a')).trim();
		await Promise.all([hp.waitForNavigation(),
		    hp.click('#trace tbody th a')]);
		assert.equal(new URL(hp.url()).pathname,
		    `/desk/complaints/${talon}`);
		assert.ok((await hp.textContent('main')).includes(talon));
	});
	await accessible(hp, 'head-case');
	await check('on a phone the page is no wider than the screen',
	    async () => {
		await hp.setViewportSize({ width: 390, height: 844 });
		await hp.goBack();
		await hp.goBack();
		await hp.waitForSelector('#summary');
		await fits(hp);
		await chartsLoaded(hp);
		await hp.locator('figure.chart').last().screenshot({
		    path: path.join(OUT, 'reports-head-phone-chart.png') });
	});
	await accessible(hp, 'head-phone');
	await check('no console error on the head\'s pages', () =>
	    assert.deepEqual(herrors, []));
} finally {
	await close(hb);
}

// --- The ministry's escalation desk, in Russian ------------------------------
const db = await browser('ru-RU');
const dp = await db.ctx.newPage();
const derrors = consoleErrors(dp);
try {
	const L = T.ru;
	await check('the escalation desk opens the reports of every body',
	    async () => {
		await signIn(dp, desk, 'desk', '/desk/escalation');
		await Promise.all([dp.waitForNavigation(),
		    dp.click('a[href="/desk/reports"]')]);
		await dp.fill('#r-from', from);
		await dp.fill('#r-to', to);
		await Promise.all([dp.waitForNavigation(),
		    dp.click('form.filters button')]);
		assert.ok(await dp.locator('#r-body option').count() > 2);
		assert.ok(await cell(dp, L['desk.reports.total'],
		    L['report.figure.received']));
		await chartsLoaded(dp);
	});
	await accessible(dp, 'desk-all-bodies');
	await check('the workbook downloads', async () => {
		const [dl] = await Promise.all([dp.waitForEvent('download'),
		    dp.click('a[href*="format=xlsx"]')]);
		assert.equal(dl.suggestedFilename(), 'report.xlsx');
		const file = path.join(OUT, 'reports-download.xlsx');
		await dl.saveAs(file);
		const b = fs.readFileSync(file);
		assert.ok(b.length > 1000);
		assert.equal(b.subarray(0, 2).toString(), 'PK');
	});
	await check('the list behind the overdue figure', async () => {
		const c = await cell(dp, L['desk.reports.total'],
		    L['report.figure.became-overdue']);
		assert.ok(c && c.n > 0, 'nothing became overdue');
		await Promise.all([dp.waitForNavigation(),
		    dp.click(`#summary a[href="${c.href}"]`)]);
		assert.equal(await dp.locator('#trace tbody tr').count(), c.n);
	});
	await accessible(dp, 'desk-complaints');
	await check('no console error on the escalation desk\'s pages', () =>
	    assert.deepEqual(derrors, []));
} finally {
	await close(db);
}

console.log(`${results.passed} checks passed, ${failures.length} failed; ` +
    `screenshots in tests/output/reports-*.png`);
process.exit(failures.length ? 1 : 0);
