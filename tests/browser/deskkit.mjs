// What the desk's browser journeys share (desk.test.mjs, reports.test.mjs):
// a browser per locale, axe-core with a screenshot of every page, the
// keyboard helpers and signing in, for one daemon (url) and password.
// Screenshots go to out/PREFIX-NAME.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { checker, chromiumOptions } from './texts.mjs';

export function deskKit({ url, password, out, prefix = 'desk' }) {
	const results = checker();
	const { check } = results;

	async function browser(locale, viewport = { width: 1280,
	    height: 900 }) {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cx-desk-'));
		const ctx = await chromium.launchPersistentContext(dir, {
			...chromiumOptions(),
			viewport,
			locale,
			timeout: 60000,
			acceptDownloads: true,
			env: { ...process.env, HOME: dir },
		});
		ctx.setDefaultTimeout(15000);
		return { ctx, dir };
	}

	// axe-core on the page as it is: nothing serious or critical.
	async function accessible(page, name) {
		await check(`${name}: axe-core finds nothing serious`,
		    async () => {
			const r = await new AxeBuilder({ page }).analyze();
			const bad = r.violations.filter((v) =>
			    v.impact === 'serious' || v.impact === 'critical');
			assert.deepEqual(bad.map((v) =>
			    `${v.id} (${v.impact}): ` + v.nodes.map((n) =>
			    n.target.join(' ')).join(', ')), []);
		});
		await page.screenshot({ path: path.join(out,
		    `${prefix}-${name}.png`), fullPage: true });
	}

	// Presses Tab until the element matching sel has the focus.
	async function tabTo(page, sel) {
		for (let i = 0; i < 80; i++) {
			if (await page.evaluate((s) => document.activeElement &&
			    document.activeElement.matches(s), sel))
				return;
			await page.keyboard.press('Tab');
		}
		throw new Error(`Tab never reached ${sel}`);
	}

	async function typeInto(page, sel, text) {
		await tabTo(page, sel);
		await page.keyboard.type(text);
	}

	// Signs in with the keyboard; the page the desk sends login to.
	async function signIn(page, login, name, landing = '/desk/') {
		await page.goto(url + '/desk/login');
		await accessible(page, `${name}-login`);
		await typeInto(page, '#login', login);
		await typeInto(page, '#password', password);
		await Promise.all([page.waitForNavigation(),
		    page.keyboard.press('Enter')]);
		assert.equal(new URL(page.url()).pathname, landing);
	}

	async function close(b) {
		await b.ctx.close();
		fs.rmSync(b.dir, { recursive: true, force: true });
	}

	fs.mkdirSync(out, { recursive: true });
	return { results, check, failures: results.failures, browser,
	    accessible, tabTo, typeInto, signIn, close };
}
