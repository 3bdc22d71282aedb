"""The inbox, as GET /api/v1/complaints and the desk's GET /desk/ give it
with the same arguments: open complaints first by due date, then the
others with the latest due date first; pages that follow one another
without gap or repeat; the filters (state, service, institution, the
days accepted) and the search over the applicant's name and the reasons,
case-insensitive in Kazakh and Russian.  The expected order is computed
here from the rows themselves; the workload of a body's officials."""

import datetime
import re
import urllib.parse

from harness import DaemonTestCase, PASSWORD, complaint_xml, text_of
from test_desk import Browser, Page

BODY = "almaty-alatau"
LWC = "left-without-consideration"
OPEN = ("registered", "in-review", "extended")


def action(root, **fields):
    return ("<%s>" % root + "".join("<%s>%s</%s>" % (k, v, k)
                                   for k, v in fields.items())
            + "</%s>" % root)


class InboxTest(DaemonTestCase):
    CONF = {"lookup_burst": "100000"}

    def register(self, **fields):
        fields.setdefault("body", BODY)
        r = self.daemon.register(complaint_xml(**fields))
        self.assertEqual(r.status, 201, r)
        return text_of(r.xml(), "number")

    def act(self, number, doc):
        r = self.daemon.post_xml(
            "/api/v1/complaints/%s/actions" % number, doc)
        self.assertEqual(r.status, 200, r)

    def listing(self, query):
        """Every page of the list, followed by next-after: the talons."""
        got, after, pages = [], None, 0
        while True:
            q = dict(query)
            if after:
                q["after"] = after
            r = self.daemon.get("/api/v1/complaints?" +
                                urllib.parse.urlencode(q))
            self.assertEqual(r.status, 200, r)
            self.assertValid(r.body, "complaints")
            x = r.xml()
            got += [i.findtext("number") for i in x.findall("item")]
            after = x.findtext("next-after")
            pages += 1
            if not after:
                return got, pages

    def expected(self, where="1", args=()):
        """The order computed from the rows: open by (due, id), then the
        rest by (due, id) descending."""
        rows = self.daemon.query(
            "SELECT c.talon, c.state, c.due, c.id FROM complaint c "
            "JOIN body b ON b.id = c.body_id WHERE b.code = ? AND " + where,
            (BODY,) + tuple(args))
        opened = sorted((r for r in rows if r[1] in OPEN),
                        key=lambda r: (r[2], r[3]))
        done = sorted((r for r in rows if r[1] not in OPEN),
                      key=lambda r: (r[2], r[3]), reverse=True)
        return [r[0] for r in opened + done]

    def newest_first(self, where="1", args=()):
        """A search's order computed from the rows: the newest
        registration (the largest id) first."""
        rows = self.daemon.query(
            "SELECT c.talon, c.id FROM complaint c JOIN body b ON "
            "b.id = c.body_id WHERE b.code = ? AND " + where,
            (BODY,) + tuple(args))
        return [r[0] for r in sorted(rows, key=lambda r: r[1],
                                     reverse=True)]

    def make_journal(self):
        """Nine complaints: three extended to later days, two withdrawn,
        one about an institution of its own, two applicants named in
        Kazakh and Russian; made once for the class's daemon, which the
        tests only read."""
        if getattr(type(self), "made", None):
            return type(self).made
        made = [self.register(service=1 + i % 3) for i in range(9)]
        for i, who in ((1, "Ахметов Б."), (4, "Ахметов Б."),
                       (5, "Серікова А."), (6, "Ахметов Б.")):
            self.act(made[i], action("assign", assignee=who))
        for i, days in ((1, 6), (4, 2), (6, 9)):
            due = self.daemon.query(
                "SELECT due FROM complaint WHERE talon = ?",
                (made[i],))[0][0]
            until = (datetime.date.fromisoformat(due) +
                     datetime.timedelta(days=days)).isoformat()
            self.act(made[i], action("extend", reason="Тексеру керек",
                                     until=until))
        for i in (2, 7):
            self.act(made[i], action("withdraw", reason="Өтініш кері "
                                     "қайтарылды"))
        made.append(self.register(surname="ӘЛІМЖАНОВА", name="Гүлнар",
                                  reasons="Мектепке ҚАБЫЛДАМАДЫ"))
        made.append(self.register(surname="Ёлкина", name="Мария",
                                  patronymic=None,
                                  reasons="Ребёнка не приняли в детский "
                                          "сад без объяснения причин"))
        made.append(self.register(subject_institution="preschool-1",
                                  service=1))
        type(self).made = made
        return made

    def test_order_and_pages(self):
        made = self.make_journal()
        want = self.expected()
        self.assertEqual(sorted(want), sorted(made))
        got, pages = self.listing({"body": BODY, "limit": 2})
        self.assertEqual(got, want)
        # A full last page still names next-after: one empty page more.
        self.assertEqual(pages, len(made) // 2 + 1)
        # The closed ones come last, the latest due date first.
        states = dict(self.daemon.query(
            "SELECT talon, state FROM complaint"))
        self.assertEqual([states[t] for t in got[-2:]], [LWC] * 2)
        # A page of one, and the same list in one page.
        self.assertEqual(self.listing({"body": BODY, "limit": 1})[0], want)
        self.assertEqual(self.listing({"body": BODY})[0], want)
        r = self.daemon.get("/api/v1/complaints?body=%s&after=999999" % BODY)
        self.assertEqual(r.status, 400, r)

    def test_filters(self):
        self.make_journal()
        for query, where, args in (
                ({"state": "extended"}, "c.state = ?", ("extended",)),
                ({"state": LWC}, "c.state = ?", (LWC,)),
                ({"service": 2}, "c.service = ?", (2,)),
                ({"institution": "preschool-1"},
                 "c.subject_institution = ?", ("preschool-1",)),
                ({"state": "registered", "service": 1},
                 "c.state = ? AND c.service = ?", ("registered", 1)),
                ({"overdue": 0}, "c.overdue_at IS NULL", ())):
            with self.subTest(query=query):
                want = self.expected(where, args)
                self.assertTrue(want or query.get("overdue") is not None)
                q = dict(query, body=BODY, limit=2)
                self.assertEqual(self.listing(q)[0], want)
        today = datetime.date.today()
        for frm, to, n in ((today - datetime.timedelta(days=1),
                            today + datetime.timedelta(days=1), 12),
                           (today + datetime.timedelta(days=1), None, 0),
                           (None, today - datetime.timedelta(days=1), 0)):
            q = {"body": BODY}
            if frm:
                q["from"] = frm.isoformat()
            if to:
                q["to"] = to.isoformat()
            self.assertEqual(len(self.listing(q)[0]), n, q)
        for bad in ("state=lost", "service=12", "from=2026-13-01",
                    "q=%22%2A%28", "q=" + "a" * 201, "after=x"):
            r = self.daemon.get("/api/v1/complaints?body=%s&%s" % (BODY, bad))
            self.assertEqual(r.status, 400, (bad, r))
            self.assertEqual(text_of(r.xml(), "code"), "bad-parameter")

    def test_search(self):
        made = self.make_journal()
        for q, want in (("әлімжанова", [made[9]]),
                        ("ӘЛІМЖАН", [made[9]]),
                        ("гүлнар қабылдамады", [made[9]]),
                        ("қабылдамады ёлкина", []),
                        ("ЁЛКИНА", [made[10]]),
                        ("детский сад", [made[10]]),
                        ("ребёнка", [made[10]]),
                        ("ребенка", []),
                        ("Әбілқасымова", self.newest_first(
                            "c.surname = ?", ("Әбілқасымова",)))):
            with self.subTest(q=q):
                self.assertEqual(self.listing(
                    {"body": BODY, "q": q, "limit": 3})[0], want)
        # Searching within a state and a body of another district.
        self.assertEqual(self.listing(
            {"body": BODY, "q": "Әбілқасымова", "state": LWC})[0],
            self.newest_first("c.state = ?", (LWC,)))
        # Pages of a search: each starts below the last row seen.
        self.assertEqual(self.listing(
            {"body": BODY, "q": "Әбілқасымова", "limit": 2})[0],
            self.newest_first("c.surname = ?", ("Әбілқасымова",)))
        self.assertEqual(self.listing(
            {"body": "almaty-medeu", "q": "ӘЛІМЖАНОВА"})[0], [])

    def test_desk_inbox_is_the_list(self):
        made = self.make_journal()
        self.daemon.account("registrar", BODY)
        b = Browser(self.daemon)
        b.sign_in("registrar.%s" % BODY)
        seen, path = [], "/desk/?limit=4&q=" + urllib.parse.quote(
            "Әбілқасымова")
        while path:
            r = b.get(path)
            self.assertEqual(r.status, 200, r)
            seen += re.findall(r'<a href="/desk/complaints/\d+">'
                               r'(\d{4}-\d{9}-\d)</a>', r.text)
            p = Page(r.text)
            self.assertEqual(p.form("/desk/")["fields"]["q"],
                             "Әбілқасымова")
            self.assertIn("the newest registered first", r.text)
            nxt = [h for h in p.links if "after=" in h]
            path = nxt[0].replace("&amp;", "&") if nxt else None
        want = self.listing({"body": BODY, "q": "Әбілқасымова"})[0]
        self.assertEqual(seen, want)
        self.assertEqual(len(want), len(made) - 2)
        # Overdue and due within remind_days are marked on the page.
        r = b.get("/desk/")
        self.assertIn("row-done", r.text)
        r = b.get("/desk/?state=lost")
        self.assertEqual(r.status, 400, r)

    def test_workload(self):
        self.make_journal()
        # An official of the body with nothing assigned yet.
        self.daemon.account("registrar", BODY, name="Мұратова Ж.",
                            position="маман")
        tok = self.daemon.account("head", BODY)
        r = self.daemon.get("/api/v1/workload?body=" + BODY,
                            headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 200, r)
        self.assertValid(r.body, "workload")
        got = [(e.tag, e.text, int(e.get("open")), int(e.get("overdue")))
               for e in r.xml()]
        # Computed from the rows: open ones per assignee, then the
        # body's registrars and heads with none.
        load = {}
        for who, late in self.daemon.query(
                "SELECT c.assignee, c.overdue_at IS NOT NULL FROM "
                "complaint c JOIN body b ON b.id = c.body_id WHERE "
                "b.code = ? AND c.state IN (?, ?, ?)", (BODY,) + OPEN):
            n, o = load.get(who, (0, 0))
            load[who] = (n + 1, o + late)
        for (name,) in self.daemon.query(
                "SELECT s.full_name FROM staff s JOIN body b ON "
                "b.id = s.body_id WHERE b.code = ? AND s.active = 1 AND "
                "s.role IN ('registrar', 'head')", (BODY,)):
            load.setdefault(name, (0, 0))
        want = sorted(((("unassigned", None) if who is None else
                        ("official", who)) + load[who] for who in load),
                      key=lambda w: (-w[3], -w[2], w[1] is None,
                                     w[1] or ""))
        self.assertEqual(got, want)
        self.assertEqual(load["Ахметов Б."], (3, 0))
        self.assertEqual(load["Мұратова Ж."], (0, 0))
        # The head's inbox shows it; a registrar's does not.
        b = Browser(self.daemon)
        b.sign_in("head.%s" % BODY)
        page = b.get("/desk/").text
        self.assertIn("Ахметов Б.", page)
        self.assertIn('id="workload-h"', page)
        b = Browser(self.daemon)
        b.sign_in("registrar.%s" % BODY)
        self.assertNotIn('id="workload-h"', b.get("/desk/").text)
        # Another district's head may not read it.
        tok = self.daemon.account("head", "almaty-medeu")
        r = self.daemon.get("/api/v1/workload?body=" + BODY,
                            headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 403, r)


class DeskAccountTest(DaemonTestCase):
    def test_monitor_has_no_desk(self):
        """A monitor's or an Open311 partner's account is refused at the
        desk's sign-in, once its password is right, with a clear message
        in the page's language and no session."""
        from test_desk import T
        self.daemon.account("monitor", "mop")
        self.daemon.account("partner", "almaty-edu")
        for lang, login in (("en", "monitor.mop"), ("kk", "monitor.mop"),
                            ("ru", "monitor.mop"),
                            ("en", "partner.almaty-edu")):
            b = Browser(self.daemon, lang)
            f = Page(b.get("/desk/login").text).form("/desk/login")
            r = b.post("/desk/login", dict(f["fields"], login=login,
                                           password=PASSWORD))
            self.assertEqual(r.status, 403, r)
            self.assertIn(T[lang]["desk.error.no-desk"], r.text)
            self.assertNotIn("desk", b.cookies)
            self.assertEqual(Page(r.text).ids["login"][1]["value"], login)
        # The API's sign-in still serves it (it reads /metrics).
        self.assertTrue(self.daemon.account("monitor", "mop"))

    def test_no_account_at_an_ended_body(self):
        """The Ministry of Education and Science ended in 2022: an
        account there is refused, naming the body that took its place;
        the ministry of the day takes it."""
        tok = self.daemon.account("admin", "mop")
        doc = ("<account><login>%s</login><name>Ахметова Жанар</name>"
               "<position>маман</position><body>%s</body>"
               "<role>desk</role><password>%s</password></account>")
        r = self.daemon.post_xml(
            "/api/v1/users", doc % ("zhanar", "mes", PASSWORD),
            headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(text_of(r.xml(), "code"), "body-ended")
        self.assertIn("mop", text_of(r.xml(), "message"))
        self.assertEqual(self.daemon.query(
            "SELECT count(*) FROM staff WHERE login = 'zhanar'")[0][0], 0)
        r = self.daemon.post_xml(
            "/api/v1/users", doc % ("zhanar", "mop", PASSWORD),
            headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 201, r)


def multipart(fields, files):
    """A multipart/form-data body: (content type, bytes)."""
    boundary = "----desk-test-%d" % len(files)
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n%s\r\n" % (boundary, k, v)).encode("utf-8"))
    for name, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; "
                    "name=\"attachment\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n"
                    % (boundary, name, ctype)).encode("utf-8") + data +
                   b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return "multipart/form-data; boundary=" + boundary, b"".join(out)


class DeskAttachmentTest(DaemonTestCase):
    CONF = {"lookup_burst": "100000"}

    def post_files(self, b, fields, files):
        ctype, body = multipart(fields, files)
        h = {"Content-Type": ctype, "Origin": self.daemon.url(),
             "Cookie": "; ".join("%s=%s" % kv for kv in b.cookies.items())}
        return self.daemon.request("POST", "/desk/register", body, h,
                                   auth=False)

    def test_files_are_recorded_by_name_type_and_hash(self):
        """Files posted with the register form are read once: the preview
        lists them and carries them on, and the complaint registered has
        each one's name, type and SHA-256 (computed here from the bytes),
        as the API's <attachments> records them."""
        import hashlib
        self.daemon.account("registrar", BODY)
        b = Browser(self.daemon)
        b.sign_in("registrar.%s" % BODY)
        form = Page(b.get("/desk/register").text).form("/desk/register")
        self.assertIn('enctype="multipart/form-data"',
                      b.get("/desk/register").text)
        fields = dict(form["fields"], service="5", subject="№ 14 мектеп",
                      surname="Омарова", name="Дана",
                      address="Алматы, Абай даңғылы 1",
                      reasons="Баланы қабылдамады.",
                      demands="Қабылдауды талап етемін.",
                      channel="in-person")
        fields.pop("attachment", None)
        files = [("арыз-скан.pdf", "application/pdf",
                  b"%PDF-1.4\n" + bytes(range(256)) * 300),
                 ("photo.JPG", "image/jpeg", b"\xff\xd8\xff" + b"x" * 5000),
                 ("", "application/octet-stream", b"")]
        r = self.post_files(b, fields, files)
        self.assertEqual(r.status, 200, r)
        p = Page(r.text)
        self.assertIn("арыз-скан.pdf", r.text)
        want = [(n, t, hashlib.sha256(d).hexdigest())
                for n, t, d in files if n]
        attached = re.findall(r'name="attached" value="([^"]+)"', r.text)
        self.assertEqual(attached, ["%s %s %s" % (h, t, n)
                                    for n, t, h in want])
        # Confirm (URL-encoded now: the hidden fields carry the files).
        f = p.form("/desk/register")["fields"]
        body = urllib.parse.urlencode(
            [(k, v) for k, v in f.items() if k != "attached"] +
            [("attached", a) for a in attached] + [("confirm", "1")])
        r = self.daemon.request("POST", "/desk/register", body.encode(), {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.daemon.url(),
            "Cookie": "; ".join("%s=%s" % kv for kv in b.cookies.items())},
            auth=False)
        self.assertEqual(r.status, 201, r)
        talon = re.search(r'id="talon-number">([0-9-]{16})<',
                          r.text).group(1)
        rec = self.daemon.get("/api/v1/complaints/%s" % talon).xml()
        got = [(a.get("name"), a.get("media-type"), a.get("sha256"))
               for a in rec.iter("attachment")]
        self.assertEqual(got, want)
        # More than the API takes: refused beside the field, all typed
        # kept, nothing registered.
        n = self.daemon.count_complaints()
        many = [("f%d.png" % i, "image/png", b"%d" % i) for i in range(101)]
        r = self.post_files(b, fields, many)
        self.assertEqual(r.status, 400, r)
        self.assertIn('id="attachment-error"', r.text)
        self.assertEqual(Page(r.text).ids["surname"][1]["value"], "Омарова")
        self.assertEqual(self.daemon.count_complaints(), n)
        # A hidden field that is not an attachment is refused.
        r = self.daemon.request("POST", "/desk/register", urllib.parse.urlencode(
            dict(f, attached="not a hash", confirm="1")).encode(), {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.daemon.url(),
            "Cookie": "; ".join("%s=%s" % kv for kv in b.cookies.items())},
            auth=False)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(self.daemon.count_complaints(), n)


class DeskErrorTest(DaemonTestCase):
    """An error of the domain comes back beside the field it concerns, in
    the page's language, never as the schema's English, with everything
    typed kept."""
    CONF = {"lookup_burst": "100000"}

    def test_errors_beside_their_fields(self):
        from test_desk import T
        r = self.daemon.register(complaint_xml(body=BODY))
        talon = text_of(r.xml(), "number")
        cid = self.daemon.complaint_id(talon)
        path = "/desk/complaints/%d" % cid
        self.daemon.account("head", BODY)
        for lang in ("kk", "ru", "en"):
            h = Browser(self.daemon, lang)
            h.sign_in("head.%s" % BODY)
            p = Page(h.get(path).text)
            if lang == "kk":
                f = dict(p.form(path + "/assign")["fields"],
                         assignee="Нұрланова А.")
                self.assertEqual(h.post(path + "/assign", f).status, 303)
                p = Page(h.get(path).text)
            # A day beyond what the law allows: beside "until", with the
            # last day allowed, in the page's words.
            f = dict(p.form(path + "/extend")["fields"],
                     reason="Қосымша тексеру қажет.", until="2099-01-01")
            r = h.post(path + "/extend", f)
            self.assertEqual(r.status, 400, r)
            p2 = Page(r.text)
            self.assertIn("extend-until-error", p2.ids)
            self.assertEqual(p2.ids["extend-until"][1].get("aria-invalid"),
                             "true")
            want = T[lang]["desk.error.extension-too-long"].split("{")[0]
            self.assertIn(want, r.text)
            self.assertNotIn("can be extended to", r.text)
            self.assertIn("Қосымша тексеру қажет.", r.text)
            self.assertEqual(p2.ids["extend-until"][1]["value"],
                             "2099-01-01")
            # A field the document needs, left empty: its label in the
            # sentence, not the schema's message.
            f = dict(p.form(path + "/decide")["fields"], outcome="rejected",
                     reasoning="")
            r = h.post(path + "/decide", f)
            self.assertEqual(r.status, 400, r)
            self.assertIn("decide-reasoning-error", Page(r.text).ids)
            self.assertIn(T[lang]["desk.error.invalid-field"].replace(
                "{field}", T[lang]["field.reasoning"]).split(".")[0],
                r.text)
            self.assertNotIn("Expected is", r.text)
            self.assertNotIn("Element '", r.text)
        self.assertEqual(text_of(self.daemon.get(
            "/api/v1/complaints/%d" % cid).xml(), "state"), "in-review")
