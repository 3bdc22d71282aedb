/*
 * web: the view layer.  Every page is an XSLT stylesheet (web/xsl/) over
 * an XML document, the one the matching /api/v1/... call returns; the
 * texts come from one catalogue per language (web/lang/LANG.xml), which
 * the stylesheets read through the function cx:text (a hash table per
 * language, built at load: no document is copied or indexed per page).
 * Stylesheets and catalogues are loaded by web_init, at start and on
 * SIGHUP; a reader-writer lock lets any number of threads render while
 * no reload runs.  Every stylesheet is compiled there, so that a broken
 * one stops the start or the reload, and then freed: a compiled sheet
 * takes half a megabyte to a megabyte (the desk's eighteen about 12 MB),
 * and a daemon that answers lookups draws no page.  A page compiles its
 * sheet again at its first use and keeps it until the next reload.
 *
 * The sandbox: a stylesheet writes no file, makes no folder, reaches no
 * network and reads no document: the loader below refuses every
 * document(), which fails the page.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLtree.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpathInternals.h>
#include <libxslt/documents.h>
#include <libxslt/extensions.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "web/web.h"

#define FILE_MAX   (256 * 1024)		/* a catalogue, the style sheet */
#define SHEETS_MAX 64			/* stylesheets in xsl/ */
#define PARAMS_MAX 16			/* name-value pairs a page gets */
#define MSG_MAX	   512			/* what a failed page logs */
#define WEB_NS	   "urn:complaints:web" /* cx:text, cx:has */

struct sheet {
	char name[48];
	char path[1200];
	xsltStylesheetPtr s; /* NULL until the page's first use */
};

/* What web_init loaded: replaced whole on a reload. */
struct views {
	struct sheet sheets[SHEETS_MAX];
	size_t nsheets;
	pthread_mutex_t compiling; /* a sheet's first use */
	xmlDocPtr cat[WEB_NLANG];
	xmlHashTablePtr texts[WEB_NLANG]; /* key -> text, in cat */
	char *css[WEB_NCSS];
	size_t css_len[WEB_NCSS];
};

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct views *V;
static xsltSecurityPrefsPtr sec;
static xsltDocLoaderFunc default_loader;

static const char *const css_files[WEB_NCSS] = { "status.css", "desk.css" };

static const char *const lang_files[WEB_NLANG] = { "lang/kk.xml", "lang/ru.xml",
	"lang/en.xml" };

/*
 * Stylesheets (xsl:import at compile time) come from the files; a
 * document() at transform time is refused, and stops the page (a silent
 * empty node-set would hide it).
 */
static xmlDocPtr
loader(const xmlChar *uri, xmlDictPtr dict, int options, void *ctxt,
    xsltLoadType type)
{
	if (type == XSLT_LOAD_START || type == XSLT_LOAD_STYLESHEET)
		return default_loader(uri, dict, options, ctxt, type);
	if (type == XSLT_LOAD_DOCUMENT && ctxt != NULL) {
		xsltTransformError(ctxt, NULL, NULL,
		    "document(): %s: a page "
		    "reads no document",
		    (const char *)uri);
		((xsltTransformContextPtr)ctxt)->state = XSLT_STATE_STOPPED;
	}
	return NULL;
}

/* cx:text(key, lang): the text, or the page stops. */
static void
fn_text(xmlXPathParserContextPtr ctxt, int nargs)
{
	xsltTransformContextPtr t;
	const xmlChar *v = NULL;
	xmlChar *key, *lang;

	if (nargs != 2) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	lang = xmlXPathPopString(ctxt);
	key = xmlXPathPopString(ctxt);
	for (int l = 0;
	     V != NULL && lang != NULL && key != NULL && l < WEB_NLANG; l++)
		if (strcmp((const char *)lang, web_lang_code(l)) == 0)
			v = xmlHashLookup(V->texts[l], key);
	if (v == NULL) {
		t = xsltXPathGetTransformContext(ctxt);
		xsltTransformError(t, NULL, NULL, "missing text: %s (%s)",
		    key ? (const char *)key : "",
		    lang ? (const char *)lang : "");
		if (t != NULL)
			t->state = XSLT_STATE_STOPPED;
		v = BAD_CAST "";
	}
	valuePush(ctxt, xmlXPathNewString(v));
	xmlFree(key);
	xmlFree(lang);
}

/* cx:has(key): whether the catalogues have the key. */
static void
fn_has(xmlXPathParserContextPtr ctxt, int nargs)
{
	xmlChar *key;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	key = xmlXPathPopString(ctxt);
	valuePush(ctxt,
	    xmlXPathNewBoolean(V != NULL && key != NULL &&
		xmlHashLookup(V->texts[WEB_EN], key) != NULL));
	xmlFree(key);
}

static int
refuse(xsltSecurityPrefsPtr p, xsltTransformContextPtr t, const char *v)
{
	return 0;
}

/* Where libxslt and libxml2 complain while compiling: into err. */
struct msgs {
	char s[MSG_MAX];
	int terminated;
};

static void
collect(void *ctx, const char *fmt, ...)
{
	struct msgs *m = ctx;
	size_t n = strlen(m->s);
	va_list ap;

	if (n + 1 >= sizeof(m->s))
		return;
	va_start(ap, fmt);
	vsnprintf(m->s + n, sizeof(m->s) - n, fmt, ap);
	va_end(ap);
}

static void
views_free(struct views *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nsheets; i++)
		xsltFreeStylesheet(v->sheets[i].s);
	pthread_mutex_destroy(&v->compiling);
	for (int l = 0; l < WEB_NLANG; l++) {
		xmlHashFree(v->texts[l], NULL);
		xmlFreeDoc(v->cat[l]);
	}
	for (int i = 0; i < WEB_NCSS; i++)
		free(v->css[i]);
	free(v);
}

/* The first <text> element at or after n, or NULL. */
static xmlNodePtr
next_text(xmlNodePtr n)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

static xmlNodePtr
find_text(xmlDocPtr d, const char *key)
{
	xmlNodePtr n;
	xmlChar *k;
	int eq;

	for (n = next_text(xmlDocGetRootElement(d)->children); n != NULL;
	     n = next_text(n->next)) {
		k = xmlGetProp(n, BAD_CAST "key");
		eq = k != NULL && strcmp((char *)k, key) == 0;
		xmlFree(k);
		if (eq)
			return n;
	}
	return NULL;
}

/*
 * Reads one catalogue: <catalogue lang="LANG"> with <text key="K"> elements
 * holding only text, each key once.
 */
static xmlDocPtr
catalogue_load(const char *dir, int l, char *err, size_t errlen)
{
	char path[1024];
	xmlDocPtr d = NULL;
	xmlNodePtr root, n, c;
	xmlChar *k = NULL, *lang = NULL;
	size_t len;
	char *s;

	snprintf(path, sizeof(path), "%s/%s", dir, lang_files[l]);
	if ((s = read_whole_file(path, FILE_MAX, &len, err, errlen)) == NULL)
		return NULL;
	d = xmlReadMemory(s, (int)len, path, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
		XML_PARSE_NOCDATA);
	free(s);
	if (d == NULL) {
		snprintf(err, errlen, "%s: not well-formed XML", path);
		return NULL;
	}
	root = xmlDocGetRootElement(d);
	if (d->intSubset != NULL || root == NULL ||
	    strcmp((const char *)root->name, "catalogue") != 0) {
		snprintf(
		    err, errlen, "%s: not a <catalogue> (or has a DTD)", path);
		goto fail;
	}
	lang = xmlGetProp(root, BAD_CAST "lang");
	if (lang == NULL || strcmp((char *)lang, web_lang_code(l)) != 0) {
		snprintf(err, errlen, "%s: line %ld: lang is not \"%s\"", path,
		    xmlGetLineNo(root), web_lang_code(l));
		goto fail;
	}
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		k = xmlGetProp(n, BAD_CAST "key");
		if (strcmp((const char *)n->name, "text") != 0 || k == NULL ||
		    *k == '\0') {
			snprintf(err, errlen,
			    "%s: line %ld: expected <text "
			    "key=\"...\">",
			    path, xmlGetLineNo(n));
			goto fail;
		}
		for (c = n->children; c != NULL; c = c->next)
			if (c->type != XML_TEXT_NODE) {
				snprintf(err, errlen,
				    "%s: line %ld: the text "
				    "of %s is not plain text",
				    path, xmlGetLineNo(n), (char *)k);
				goto fail;
			}
		if (find_text(d, (char *)k) != n) {
			snprintf(err, errlen,
			    "%s: line %ld: %s is there "
			    "twice",
			    path, xmlGetLineNo(n), (char *)k);
			goto fail;
		}
		xmlFree(k);
		k = NULL;
	}
	xmlFree(lang);
	return d;
fail:
	xmlFree(k);
	xmlFree(lang);
	xmlFreeDoc(d);
	return NULL;
}

/* Whether the keys of a and b are the same; err names the first apart. */
static int
same_keys(xmlDocPtr a, const char *an, xmlDocPtr b, const char *bn, char *err,
    size_t errlen)
{
	xmlNodePtr n;
	xmlChar *k;

	for (n = next_text(xmlDocGetRootElement(a)->children); n != NULL;
	     n = next_text(n->next)) {
		k = xmlGetProp(n, BAD_CAST "key");
		if (find_text(b, (char *)k) == NULL) {
			snprintf(err, errlen,
			    "%s lacks the text \"%s\" that "
			    "%s has",
			    bn, (char *)k, an);
			xmlFree(k);
			return 0;
		}
		xmlFree(k);
	}
	return 1;
}

/* The texts of a catalogue by key; the values stay in the document. */
static xmlHashTablePtr
texts_of(xmlDocPtr d)
{
	xmlHashTablePtr h;
	xmlNodePtr n;
	xmlChar *k;
	int rc;

	if ((h = xmlHashCreate(512)) == NULL)
		return NULL;
	for (n = next_text(xmlDocGetRootElement(d)->children); n != NULL;
	     n = next_text(n->next)) {
		k = xmlGetProp(n, BAD_CAST "key");
		rc = k == NULL ?
		    -1 :
		    xmlHashAddEntry(
			h, k, n->children ? n->children->content : BAD_CAST "");
		xmlFree(k);
		if (rc != 0) {
			xmlHashFree(h, NULL);
			return NULL;
		}
	}
	return h;
}

/* A stylesheet compiled, or NULL with libxslt's complaint in m. */
static xsltStylesheetPtr
compile(const char *path, struct msgs *m)
{
	xsltStylesheetPtr s;

	memset(m, 0, sizeof(*m));
	xsltSetGenericErrorFunc(m, collect);
	xmlSetGenericErrorFunc(m, collect);
	s = xsltParseStylesheetFile(BAD_CAST path);
	xsltSetGenericErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, NULL);
	if (s != NULL && s->errors > 0) {
		xsltFreeStylesheet(s);
		s = NULL;
	}
	if (s == NULL && m->s[0] == '\0')
		snprintf(m->s, sizeof(m->s), "cannot be compiled");
	return s;
}

static int
sheets_load(struct views *v, const char *dir, char *err, size_t errlen)
{
	char xdir[1024], path[1200];
	xsltStylesheetPtr s;
	struct msgs m;
	struct dirent *de;
	size_t n;
	DIR *dp;
	int rc = -1;

	snprintf(xdir, sizeof(xdir), "%s/xsl", dir);
	if ((dp = opendir(xdir)) == NULL) {
		snprintf(err, errlen, "%s: cannot be read", xdir);
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".xsl") != 0)
			continue;
		if (v->nsheets == SHEETS_MAX ||
		    n - 4 >= sizeof(v->sheets[0].name)) {
			snprintf(err, errlen,
			    "%s: too many stylesheets or "
			    "too long a name",
			    xdir);
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", xdir, de->d_name);
		if ((s = compile(path, &m)) == NULL) {
			snprintf(err, errlen, "%s: %s", path, m.s);
			err[strcspn(err, "\n")] = '\0';
			goto out;
		}
		xsltFreeStylesheet(s);
		snprintf(v->sheets[v->nsheets].path,
		    sizeof(v->sheets[v->nsheets].path), "%s", path);
		memcpy(v->sheets[v->nsheets].name, de->d_name, n - 4);
		v->sheets[v->nsheets].name[n - 4] = '\0';
		v->nsheets++;
	}
	rc = 0;
out:
	closedir(dp);
	return rc;
}

int
web_init(const char *dir, char *err, size_t errlen)
{
	struct views *v, *old;
	char path[1024];

	if (sec == NULL) {
		/* Once: the sandbox and the loader hold for every page. */
		xsltInit();
		default_loader = xsltDocDefaultLoader;
		xsltSetLoaderFunc(loader);
		if ((sec = xsltNewSecurityPrefs()) == NULL ||
		    xsltSetSecurityPrefs(
			sec, XSLT_SECPREF_WRITE_FILE, refuse) == -1 ||
		    xsltSetSecurityPrefs(
			sec, XSLT_SECPREF_CREATE_DIRECTORY, refuse) == -1 ||
		    xsltSetSecurityPrefs(
			sec, XSLT_SECPREF_WRITE_NETWORK, refuse) == -1 ||
		    xsltSetSecurityPrefs(
			sec, XSLT_SECPREF_READ_NETWORK, refuse) == -1 ||
		    xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_FILE, refuse) ==
			-1 ||
		    xsltRegisterExtModuleFunction(
			BAD_CAST "text", BAD_CAST WEB_NS, fn_text) != 0 ||
		    xsltRegisterExtModuleFunction(
			BAD_CAST "has", BAD_CAST WEB_NS, fn_has) != 0) {
			snprintf(err, errlen, "xslt: out of memory");
			return -1;
		}
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&v->compiling, NULL);
	for (int l = 0; l < WEB_NLANG; l++)
		if ((v->cat[l] = catalogue_load(dir, l, err, errlen)) == NULL)
			goto fail;
	for (int l = 0; l < WEB_NLANG; l++)
		if (l != WEB_EN &&
		    (!same_keys(v->cat[WEB_EN], lang_files[WEB_EN], v->cat[l],
			 lang_files[l], err, errlen) ||
			!same_keys(v->cat[l], lang_files[l], v->cat[WEB_EN],
			    lang_files[WEB_EN], err, errlen)))
			goto fail;
	for (int l = 0; l < WEB_NLANG; l++)
		if ((v->texts[l] = texts_of(v->cat[l])) == NULL) {
			snprintf(
			    err, errlen, "%s: out of memory", lang_files[l]);
			goto fail;
		}
	for (int i = 0; i < WEB_NCSS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, css_files[i]);
		if ((v->css[i] = read_whole_file(
			 path, FILE_MAX, &v->css_len[i], err, errlen)) == NULL)
			goto fail;
	}
	if (sheets_load(v, dir, err, errlen) == -1)
		goto fail;
	pthread_rwlock_wrlock(&lock);
	old = V;
	V = v;
	pthread_rwlock_unlock(&lock);
	views_free(old);
	return 0;
fail:
	views_free(v);
	return -1;
}

void
web_cleanup(void)
{
	pthread_rwlock_wrlock(&lock);
	views_free(V);
	V = NULL;
	pthread_rwlock_unlock(&lock);
	if (sec != NULL) {
		xsltFreeSecurityPrefs(sec);
		sec = NULL;
		xsltSetLoaderFunc(NULL);
	}
}

const char *
web_text(enum web_lang l, const char *key)
{
	if (V == NULL || (unsigned)l >= WEB_NLANG)
		return NULL;
	return xmlHashLookup(V->texts[l], BAD_CAST key);
}

int
web_texts(enum web_lang l, const char *const *keys, size_t n, struct buf *out,
    char *err, size_t errlen)
{
	const xmlChar *v;
	int rc = 0;

	pthread_rwlock_rdlock(&lock);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		v = V != NULL && (unsigned)l < WEB_NLANG ?
		    xmlHashLookup(V->texts[l], BAD_CAST keys[i]) :
		    NULL;
		if (v == NULL) {
			snprintf(err, errlen, "missing text: %s (%s)", keys[i],
			    web_lang_code(l));
			rc = -1;
		} else if (buf_add(out, v, strlen((const char *)v) + 1) == -1) {
			snprintf(err, errlen, "%s: too long", keys[i]);
			rc = -1;
		}
	}
	pthread_rwlock_unlock(&lock);
	return rc;
}

int
web_css(enum web_css which, struct buf *out)
{
	int rc = -1;

	pthread_rwlock_rdlock(&lock);
	if (V != NULL && (unsigned)which < WEB_NCSS)
		rc = buf_add(out, V->css[which], V->css_len[which]);
	pthread_rwlock_unlock(&lock);
	return rc;
}

/*
 * Writes the result as HTML.  xsltSaveResultTo would add a second charset
 * declaration (<meta http-equiv>) beside the page's own <meta charset>,
 * so the nodes are written one by one; the doctype is the stylesheet's
 * unescaped text before the root.
 */
static int
dump_html(xmlDocPtr res, struct buf *out)
{
	xmlOutputBufferPtr ob;
	const xmlChar *s;
	xmlNodePtr n;
	int rc = -1;

	if ((ob = xmlAllocOutputBuffer(NULL)) == NULL)
		return -1;
	for (n = res->children; n != NULL; n = n->next)
		htmlNodeDumpFormatOutput(ob, res, n, "UTF-8", 0);
	xmlOutputBufferFlush(ob);
	if (ob->error == 0 && (s = xmlOutputBufferGetContent(ob)) != NULL)
		rc = buf_add(out, s, xmlOutputBufferGetSize(ob));
	xmlOutputBufferClose(ob);
	return rc;
}

/* web_view and web_render: the transform, with what went wrong in m. */
static int
view_run(const char *page, xmlDocPtr doc, enum web_lang lang,
    const char *const *params, struct buf *out, struct msgs *m)
{
	const char *p[2 * PARAMS_MAX + 3];
	xsltTransformContextPtr ctxt = NULL;
	xsltStylesheetPtr s = NULL;
	struct sheet *sh = NULL;
	xmlDocPtr res = NULL;
	xmlChar *mem = NULL;
	size_t np = 0;
	int len = 0, rc = -1;

	memset(m, 0, sizeof(*m));
	p[np++] = "lang";
	p[np++] = web_lang_code(lang);
	for (; params != NULL && params[0] != NULL && np < 2 * PARAMS_MAX;
	     params += 2) {
		p[np++] = params[0];
		p[np++] = params[1] != NULL ? params[1] : "";
	}
	p[np] = NULL;
	pthread_rwlock_rdlock(&lock);
	for (size_t i = 0; V != NULL && i < V->nsheets; i++)
		if (strcmp(V->sheets[i].name, page) == 0)
			sh = &V->sheets[i];
	if (sh == NULL) {
		snprintf(m->s, sizeof(m->s), "no such page");
		goto out;
	}
	pthread_mutex_lock(&V->compiling);
	if (sh->s == NULL)
		sh->s = compile(sh->path, m);
	s = sh->s;
	pthread_mutex_unlock(&V->compiling);
	if (s == NULL)
		goto out;
	if ((ctxt = xsltNewTransformContext(s, doc)) == NULL ||
	    xsltSetCtxtSecurityPrefs(sec, ctxt) == -1)
		goto out;
	xsltSetTransformErrorFunc(ctxt, m, collect);
	if (xsltQuoteUserParams(ctxt, p) != 0)
		goto out;
	res = xsltApplyStylesheetUser(s, doc, NULL, NULL, NULL, ctxt);
	if (res == NULL || ctxt->state != XSLT_STATE_OK)
		goto out;
	if (s->method != NULL && strcmp((const char *)s->method, "html") == 0)
		rc = dump_html(res, out);
	else if (xsltSaveResultToString(&mem, &len, res, s) == 0)
		rc = mem == NULL ? 0 : buf_add(out, mem, (size_t)len);
	if (rc == -1 && m->s[0] == '\0')
		snprintf(m->s, sizeof(m->s), "the page is too long");
out:
	pthread_rwlock_unlock(&lock);
	if (rc == -1) {
		/* libxslt says where, then what: one line of both. */
		for (char *c = m->s; (c = strchr(c, '\n')) != NULL; c++)
			*c = c[1] == '\0' ? '\0' : ' ';
		if (m->s[0] == '\0')
			snprintf(m->s, sizeof(m->s), "the stylesheet failed");
	}
	xmlFree(mem);
	xmlFreeDoc(res);
	if (ctxt != NULL)
		xsltFreeTransformContext(ctxt);
	return rc;
}

int
web_view(const char *page, xmlDocPtr doc, enum web_lang lang,
    const char *const *params, struct buf *out)
{
	struct msgs m;
	int rc;

	if ((rc = view_run(page, doc, lang, params, out, &m)) == -1)
		log_warnx("web: %s: %s", page, m.s);
	return rc;
}

int
web_render(const char *page, xmlDocPtr doc, enum web_lang lang,
    const char *const *params, struct buf *out, char *err, size_t errlen)
{
	struct msgs m;
	int rc;

	if ((rc = view_run(page, doc, lang, params, out, &m)) == -1)
		snprintf(err, errlen, "%s: %s", page, m.s);
	return rc;
}

int
web_clean(const char *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n, left = strlen(s);
	const char *rep;

	if (outlen == 0)
		return -1;
	while (*p) {
		rep = NULL;
		n = 1;
		if (*p == 0x7f || (*p < 0x20 && *p != '\n' && *p != '\t'))
			rep = "\xef\xbf\xbd";
		else if (*p >= 0x80 &&
		    (n = utf8_dec((const char *)p, left, NULL)) == 0) {
			rep = "\xef\xbf\xbd";
			n = 1;
		}
		if (o + (rep ? 3 : n) >= outlen)
			break;
		memcpy(out + o, rep ? rep : (const char *)p, rep ? 3 : n);
		o += rep ? 3 : n;
		p += n;
		left -= n;
	}
	out[o] = '\0';
	return *p ? 1 : 0;
}
