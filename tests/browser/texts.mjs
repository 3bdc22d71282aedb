// What the browser tests share: the texts of a language (web/lang/LANG.xml,
// <text key="K">text</text> elements of a <catalogue>, read as complaintsd
// reads them) and the named checks with their count.
import fs from 'node:fs';
import path from 'node:path';

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(s) {
	return s.replace(/&(amp|lt|gt|quot|apos);/g, (m, e) => ENTITIES[e])
	    .replace(/&#(\d+);/g, (m, n) => String.fromCodePoint(Number(n)));
}

export function loadTexts(repo, lang) {
	const file = path.join(repo, 'web', 'lang', lang + '.xml');
	const xml = fs.readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g,
	    '');
	const texts = {};
	const re = /<text\s+key="([^"]+)"\s*(?:\/>|>([\s\S]*?)<\/text>)/g;
	for (const m of xml.matchAll(re))
		texts[unescape(m[1])] = unescape(m[2] ?? '');
	if (Object.keys(texts).length === 0)
		throw new Error(file + ': no texts');
	return texts;
}

// Named checks: a failure is printed and counted, the run goes on.
export function checker() {
	const r = { passed: 0, failures: [] };
	r.check = async (name, fn) => {
		try {
			await fn();
			r.passed++;
			console.log(`ok   ${name}`);
		} catch (e) {
			r.failures.push(name);
			console.log(`FAIL ${name}\n     ${String(e.message)
			    .split('\n').join('\n     ')}`);
		}
	};
	return r;
}

// The page's console errors as they come (a Content-Security-Policy
// violation is one).  A page answered 4xx is logged by the browser as
// "Failed to load resource": that is the test, not a fault.
export function consoleErrors(page) {
	const errors = [];
	page.on('console', (m) => {
		if (m.type() === 'error' &&
		    !m.text().startsWith('Failed to load resource: the server ' +
		    'responded with a status of'))
			errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(String(e)));
	return errors;
}

// Debian's chromium, headless, quiet, without a network of its own.
export function chromiumOptions() {
	return {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-background-networking',
		    '--disable-component-update', '--disable-sync',
		    '--no-first-run'],
	};
}
