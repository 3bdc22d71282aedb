// The texts of a language, web/lang/LANG.xml: <text key="K">text</text>
// elements of a <catalogue>, read as complaintsd reads them.
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
