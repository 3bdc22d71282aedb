/*
 * notify_send: the driver of tests/integration/test_notify_smtp.py.
 *
 *	notify_send [-W web] [-k kind] [-u user:password] -p port
 *	    rcpt ...
 *
 * Renders a letter of each kind (or of the one kind given) in Kazakh and
 * Russian with the notice stylesheet and catalogues of the web folder, makes its PDF and the MIME message, and sends it over one
 * SMTP transport handle to smtp://127.0.0.1:port for every recipient.
 * Prints one line per message: "KIND RCPT RESULT DETAIL", RESULT being
 * sent, tempfail or permfail.  Exits 0 when every message was handled
 * (whatever the server said), 1 on a rendering error, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "notify/notify.h"
#include "web/web.h"

#define FROM "noreply@auezov-edu.almaty.kz"
#define HOST "complaints.almaty.kz"

static const char *const kinds[] = { "forwarded", "extended", "decision",
	"overdue", "reminder" };
static const char *const uids[] = {
	"0b5e1c3a-7f24-4d8e-9a61-3c2f8e1d0a01",
	"0b5e1c3a-7f24-4d8e-9a61-3c2f8e1d0a02",
	"0b5e1c3a-7f24-4d8e-9a61-3c2f8e1d0a03",
	"0b5e1c3a-7f24-4d8e-9a61-3c2f8e1d0a04",
	"0b5e1c3a-7f24-4d8e-9a61-3c2f8e1d0a05",
};

static void
letter_init(struct notify_letter *l, const char *kind, const char *uid,
    const char *lang, const char *rcpt)
{
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->lang = lang;
	l->uid = uid;
	l->surname = "Әбілқасымова";
	l->name = "Гүлнұр";
	l->patronymic = "Серікқызы";
	l->address = "050046, Алматы қаласы, Әуезов ауданы,\n"
		     "Жетісу-1 ықшамауданы, 14-үй, 27-пәтер";
	l->email = rcpt;
	l->body_code = "almaty-auezov";
	l->body_name_kk = "Алматы қаласы Әуезов ауданының білім бөлімі";
	l->body_name_ru = "Отдел образования Ауэзовского района города "
			  "Алматы";
	l->body_address = "050062, Алматы қаласы, Жандосов көшесі, 51";
	l->body_phones = "+7 727 376 52 10";
	l->out_number = "1042/2026";
	l->date = "2026-12-03";
	l->talon = "2026-483920175-4";
	l->journal_number = "2318/2026";
	l->accepted_on = "2026-11-16";
	l->service = 5;
	l->service_title = "Мектепке дейінгі балалар ұйымдарына жіберу үшін "
			   "кезекке қою";
	l->due = "2026-12-01";
	l->new_due = "2026-12-31";
	l->extension_reason = "ҚҰЖАТТАРДЫ ҚОСЫМША ТЕКСЕРУ: ӘҒҚҢӨҰҮҺІ";
	l->forwarded_to_name = "Алматы қаласы Білім басқармасы";
	l->forward_reason = "Мәселе қалалық органның құзыретінде.";
	l->outcome = "upheld";
	l->reasoning = "Балаңыз кезекке 2026 жылғы 16 қарашадан бастап "
		       "қойылды. ӘҒҚҢӨҰҮҺІ";
	l->decided_by = "Бөлім басшысы Д. Қ. Ахметов";
	l->appeal_to_name = "Алматы қаласы Білім басқармасы";
	l->court_clause = "Регламент 5, 32-тармақ";
	l->status_url = "https://shagym.almaty.kz/t/2026-483920175-4";
}

/* Renders and sends one kind to one recipient; -1 on a rendering error. */
static int
send_one(const struct notify_transport *tr, void *h, size_t k, const char *rcpt)
{
	struct notify_letter kk, ru;
	struct notify_mime_in in;
	struct buf subj, subj_ru, text, text_ru, pdf, msg;
	char err[512], detail[512], name[64];
	int rc = -1, r;

	buf_init(&subj, 4096);
	buf_init(&subj_ru, 4096);
	buf_init(&text, 256 * 1024);
	buf_init(&text_ru, 256 * 1024);
	buf_init(&pdf, NOTIFY_PDF_MAX);
	buf_init(&msg, 4 * NOTIFY_PDF_MAX);
	letter_init(&kk, kinds[k], uids[k], "kk", rcpt);
	letter_init(&ru, kinds[k], uids[k], "ru", rcpt);
	if (notify_text(&kk, &subj, &text, err, sizeof(err)) != 0 ||
	    notify_text(&ru, &subj_ru, &text_ru, err, sizeof(err)) != 0 ||
	    notify_letter_pdf(&kk, text.data, &pdf, err, sizeof(err)) != 0) {
		fprintf(stderr, "notify_send: %s\n", err);
		goto out;
	}
	snprintf(name, sizeof(name), "letter-%s.pdf", kinds[k]);
	memset(&in, 0, sizeof(in));
	in.from = FROM;
	in.from_name = kk.body_name_kk;
	/* A bad envelope address is the transport's to refuse. */
	in.to = notify_email_valid(rcpt) ? rcpt : "invalid@example.kz";
	in.to_name = "Әбілқасымова Гүлнұр Серікқызы";
	in.subject = subj.data;
	in.date = time(NULL);
	in.uid = uids[k];
	in.host = HOST;
	in.text_kk = text.data;
	in.text_ru = text_ru.data;
	in.pdf = &pdf;
	in.pdf_name = name;
	if (notify_mime(&in, &msg) != 0) {
		fprintf(stderr, "notify_send: %s: MIME failed\n", kinds[k]);
		goto out;
	}
	r = tr->send(h, FROM, rcpt, &msg, detail, sizeof(detail));
	printf("%s %s %s %s\n", kinds[k], rcpt,
	    r == NOTIFY_SENT	     ? "sent" :
		r == NOTIFY_TEMPFAIL ? "tempfail" :
				       "permfail",
	    detail);
	fflush(stdout);
	rc = 0;
out:
	buf_free(&subj);
	buf_free(&subj_ru);
	buf_free(&text);
	buf_free(&text_ru);
	buf_free(&pdf);
	buf_free(&msg);
	return rc;
}

int
main(int argc, char *argv[])
{
	const struct notify_transport *tr = &notify_transport_smtp;
	const char *web = "web", *kind = NULL, *port = NULL;
	char *user = NULL, *colon;
	struct notify_smtp_conf conf;
	char url[64], err[512];
	long long pn;
	void *h = NULL;
	int ch, rc = 1;

	while ((ch = getopt(argc, argv, "W:k:p:u:")) != -1) {
		switch (ch) {
		case 'W':
			web = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	notify_draw_here();
	if (port == NULL || argc == 0 || parse_ll(port, 1, 65535, &pn) == -1)
		goto usage;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	if (web_init(web, err, sizeof(err)) == -1) {
		fprintf(stderr, "notify_send: %s\n", err);
		return 1;
	}
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%lld", pn);
	memset(&conf, 0, sizeof(conf));
	conf.url = url;
	conf.tls = NOTIFY_TLS_NONE;
	conf.connect_timeout = 5;
	conf.timeout = 20;
	if (user != NULL) {
		if ((colon = strchr(user, ':')) == NULL)
			goto usage;
		*colon = '\0';
		conf.user = user;
		conf.password = colon + 1;
	}
	if ((h = tr->open(&conf)) == NULL) {
		fprintf(stderr, "notify_send: cannot open the transport\n");
		goto out;
	}
	for (int i = 0; i < argc; i++)
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			if (kind != NULL && strcmp(kind, kinds[k]) != 0)
				continue;
			if (send_one(tr, h, k, argv[i]) == -1)
				goto out;
		}
	rc = 0;
out:
	tr->close(h);
	web_cleanup();
	curl_global_cleanup();
	return rc;
usage:
	fprintf(stderr,
	    "usage: notify_send [-W web] [-k kind] "
	    "[-u user:password] -p port rcpt ...\n");
	return 2;
}
