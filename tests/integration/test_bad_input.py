"""Bad input: every refusal is a clear <error> with the right status, and
nothing is stored."""

import os
import random
import threading
import unittest

from harness import (DaemonTestCase, FileWatch, Response, complaint_xml,
                     line_of, raw_exchange, text_of)

MAX_BODY = 65536
PATH = "/api/v1/complaints"


class BadInputTest(DaemonTestCase):
    CONF = {"max_body": MAX_BODY}

    def setUp(self):
        self.before = self.daemon.count_complaints()

    def tearDown(self):
        # Whatever the input, the daemon is still up and answering.
        self.assertTrue(self.daemon.running(), "complaintsd died")
        self.assertEqual(self.daemon.get("/healthz").status, 200)

    def assertNothingStored(self):
        self.assertEqual(self.daemon.count_complaints(), self.before,
                         "a refused document was stored")

    def refused(self, r, status, codes):
        code, msg = self.assertError(r, status, codes)
        self.assertNothingStored()
        return code, msg

    def post(self, doc, **kw):
        return self.daemon.post_xml(PATH, doc, **kw)

    # --- Not XML, or not the right XML -------------------------------------

    def test_malformed_xml(self):
        for doc in [complaint_xml().replace("</applicant>", ""),
                    "<complaint><body>almaty-edu</body>",
                    "not xml at all",
                    complaint_xml() + "<trailing/>",
                    b""]:
            self.refused(self.post(doc), 400, "malformed-xml")

    def test_schema_failure_names_element_and_line(self):
        doc = complaint_xml().replace("<surname>", "<surnam>").replace(
            "</surname>", "</surnam>")
        code, msg = self.refused(self.post(doc), 400, "invalid-document")
        self.assertIn("surnam", msg)
        self.assertIn("line %d" % line_of(doc, "<surnam>"), msg)

        doc = complaint_xml(channel="pigeon")
        code, msg = self.refused(self.post(doc), 400, "invalid-document")
        self.assertIn("channel", msg)
        self.assertIn("line %d" % line_of(doc, "<channel>"), msg)

        # A required element left out.
        doc = complaint_xml(demands=None)
        code, msg = self.refused(self.post(doc), 400, "invalid-document")
        self.assertIn("line ", msg)

    def test_unknown_service(self):
        for service in (12, 0, -1, "бір", 99999999999999999999):
            doc = complaint_xml(service=service)
            code, msg = self.refused(self.post(doc), 400,
                                     ["invalid-document", "unknown-service"])
            self.assertIn("service", msg)

    def test_empty_surname(self):
        for surname in ("", "   ", "\n"):
            doc = complaint_xml(surname=surname)
            code, msg = self.refused(self.post(doc), 400, "invalid-document")
            self.assertIn("surname", msg)
            self.assertIn("line %d" % line_of(doc, "<surname>"), msg)

    def test_unknown_body(self):
        """The body comes from the session: a document naming another
        body, even one that does not exist, is refused."""
        code, msg = self.refused(self.post(complaint_xml(
            body="almaty-nowhere")), 403, "other-body")
        self.assertIn("almaty-nowhere", msg)

    def test_unknown_institution(self):
        code, msg = self.refused(self.post(complaint_xml(
            subject_institution="no-such-school")), 400,
            "unknown-institution")
        self.assertIn("no-such-school", msg)

    def test_wrong_root_element(self):
        for doc in [complaint_xml(root="talon"),
                    complaint_xml(root="shagym"),
                    complaint_xml().replace(
                        "<complaint>", '<complaint xmlns="urn:x">')]:
            self.refused(self.post(doc), 400,
                         ["wrong-document", "invalid-document"])

    def test_received_at_without_zone(self):
        self.refused(self.post(complaint_xml(
            received_at="2026-11-26T10:15:00")), 400, "invalid-document")

    def test_too_many_attachments(self):
        atts = [("қосымша-%d.pdf" % i, "application/pdf", "0" * 64)
                for i in range(101)]
        self.refused(self.post(complaint_xml(attachments=atts)), 400,
                     ["invalid-document", "too-many-attachments"])

    def test_too_deep(self):
        doc = complaint_xml(reasons="X").replace(
            "<reasons>X", "<reasons>" + "<a>" * 5000 + "x" + "</a>" * 5000)
        self.refused(self.post(doc), 400,
                     ["malformed-xml", "invalid-document"])

    # --- Bytes -------------------------------------------------------------

    def test_invalid_utf8(self):
        good = complaint_xml().encode("utf-8")
        name = "Әйгерім".encode("utf-8")
        for bad in [b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf",
                    name[:3]]:
            doc = good.replace(name, bad)
            self.assertNotEqual(doc, good)
            self.refused(self.post(doc), 400, "malformed-xml")
        # Latin-1 text under a Latin-1 declaration: the API takes UTF-8.
        doc = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'.encode() +
               complaint_xml(declaration=False, surname="Müller").encode(
                   "latin-1", "replace"))
        self.refused(self.post(doc), 400, "malformed-xml")

    def test_nul_bytes(self):
        good = complaint_xml().encode("utf-8")
        for doc in [good.replace("Әйгерім".encode(), b"\x00"),
                    b"\x00" + good, good + b"\x00",
                    good.replace(b"<body>", b"<bo\x00dy>")]:
            self.refused(self.post(doc), 400, "malformed-xml")

    def test_control_characters(self):
        self.refused(self.post(complaint_xml(surname="Әбіл\x01қасымова")),
                     400, "malformed-xml")

    # --- DTDs and entities -------------------------------------------------

    def entity_docs(self, target):
        body = complaint_xml(declaration=False)
        with_ref = complaint_xml(declaration=False, surname="@REF@")
        return {
            "xxe": '<?xml version="1.0"?>\n<!DOCTYPE complaint [\n'
                   '<!ENTITY x SYSTEM "file://%s">\n]>\n' % target +
                   with_ref.replace("@REF@", "&x;"),
            "parameter-entity": '<?xml version="1.0"?>\n'
                   '<!DOCTYPE complaint [\n<!ENTITY %% p SYSTEM "file://%s">'
                   '\n%%p;\n]>\n' % target + body,
            "external-dtd": '<?xml version="1.0"?>\n<!DOCTYPE complaint '
                   'SYSTEM "file://%s">\n' % target + body,
            "network-dtd": '<?xml version="1.0"?>\n<!DOCTYPE complaint '
                   'SYSTEM "http://127.0.0.1:9/evil.dtd">\n' + body,
            "billion-laughs": '<?xml version="1.0"?>\n<!DOCTYPE complaint [\n'
                   '<!ENTITY a "lol">\n' + "".join(
                       '<!ENTITY %s "%s">\n' % (chr(98 + i),
                                                ("&%s;" % chr(97 + i)) * 10)
                       for i in range(9)) + ']>\n' +
                   with_ref.replace("@REF@", "&j;"),
            "internal-dtd": '<?xml version="1.0"?>\n<!DOCTYPE complaint>\n'
                   + body,
            "undeclared-entity": with_ref.replace("@REF@", "&zz;"),
        }

    def test_dtd_and_entities(self):
        secret = os.path.join(self.daemon.tmp, "secret.txt")
        marker = "ҚҰПИЯ-MARKER-7f3a9c"
        with open(secret, "w", encoding="utf-8") as f:
            f.write(marker + "\n")
        watch = FileWatch(secret)
        try:
            for name, doc in self.entity_docs(secret).items():
                with self.subTest(name):
                    r = self.post(doc, timeout=10)
                    self.refused(r, 400, ["forbidden-xml", "malformed-xml"])
                    self.assertNotIn(marker, r.text)
            opened = watch.events()
            # The watch itself works: our own read is seen.
            with open(secret, encoding="utf-8") as f:
                f.read()
            if watch.available and watch.events():
                self.assertEqual(opened, [], "complaintsd opened %s"
                                 % secret)
        finally:
            watch.close()
        self.assertEqual(self.daemon.query(
            "SELECT count(*) FROM complaint WHERE surname LIKE ?",
            ("%MARKER%",))[0][0], 0)

    # --- HTTP --------------------------------------------------------------

    def big_doc(self, size):
        base = complaint_xml(reasons="R")
        pad = size - len(base.encode("utf-8"))
        doc = complaint_xml(reasons="R" + "ы" * (pad // 2) + "z" * (pad % 2))
        doc = doc.encode("utf-8")
        self.assertEqual(len(doc), size)
        return doc

    def test_body_at_limit_accepted(self):
        r = self.post(self.big_doc(MAX_BODY))
        self.assertEqual(r.status, 201, r)
        self.assertValid(r.body, "talon")
        self.before += 1

    def test_body_too_large_content_length(self):
        for size in (MAX_BODY + 1, 4 * MAX_BODY):
            doc = self.big_doc(size)
            head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Authorization: Bearer %s\r\n"
                    "Content-Type: application/xml\r\n"
                    "Content-Length: %d\r\n\r\n"
                    % (PATH, self.token(), len(doc))).encode()
            self.refused(raw_exchange(self.daemon.port, head + doc), 413,
                         "body-too-large")
            # Announced too large to a client that waits to hear before
            # it sends (Expect: 100-continue): answered at once.  (One
            # that sends at once reads its answer after the body.)
            self.refused(raw_exchange(self.daemon.port, head.replace(
                b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n")),
                413, "body-too-large")
        # Through http.client as well.
        self.refused(self.post(self.big_doc(MAX_BODY + 1)), 413,
                     "body-too-large")

    def test_body_too_large_chunked(self):
        doc = self.big_doc(MAX_BODY * 2)

        def chunks():
            for i in range(0, len(doc), 7000):
                yield doc[i:i + 7000]

        con = self.daemon.connection()
        try:
            con.request("POST", PATH, body=chunks(), encode_chunked=True,
                        headers={"Content-Type": "application/xml",
                                 "Authorization": "Bearer " + self.token()})
            resp = con.getresponse()
            r = Response(resp.status, resp.reason, resp.headers, resp.read())
        finally:
            con.close()
        self.refused(r, 413, "body-too-large")

    def test_chunked_within_limit_accepted(self):
        doc = complaint_xml().encode("utf-8")

        def chunks():
            for i in range(0, len(doc), 100):
                yield doc[i:i + 100]

        con = self.daemon.connection()
        try:
            con.request("POST", PATH, body=chunks(), encode_chunked=True,
                        headers={"Content-Type": "application/xml",
                                 "Authorization": "Bearer " + self.token()})
            resp = con.getresponse()
            body = resp.read()
        finally:
            con.close()
        self.assertEqual(resp.status, 201, body)
        self.assertValid(body, "talon")
        self.before += 1

    def test_wrong_content_type(self):
        for ct in ["text/plain", "application/json", "application/xmlx",
                   "application/x-www-form-urlencoded",
                   "application/xml; charset=ISO-8859-1",
                   "application/xml; charset=utf-16", None]:
            with self.subTest(ct):
                self.refused(self.post(complaint_xml(), content_type=ct),
                             415, "unsupported-media-type")

    def test_charset_must_be_exactly_utf8(self):
        """"utf-8x" is not UTF-8; only the prefix is compared now."""
        for ct in ["application/xml; charset=utf-8x",
                   "application/xml; charset=utf-88"]:
            with self.subTest(ct):
                self.refused(self.post(complaint_xml(), content_type=ct),
                             415, "unsupported-media-type")

    def test_content_types_accepted(self):
        for ct in ["application/xml", "text/xml", "Application/XML",
                   "application/xml;charset=UTF-8",
                   'text/xml; charset="utf-8"']:
            with self.subTest(ct):
                r = self.post(complaint_xml(), content_type=ct)
                self.assertEqual(r.status, 201, r)
                self.before += 1

    def test_unknown_url(self):
        for path in ["/", "/api", "/api/v1", "/api/v2/complaints",
                     "/api/v1/complaints/x/y/z", "/api/v1/talons",
                     "/api/v1/talons/2026-123456789-0/talon/x",
                     "/healthz/x", "/" + "a" * 100, "/a/b/c/d/e/f/g/h/i/j"]:
            with self.subTest(path):
                self.refused(self.daemon.get(path), 404, "not-found")
        self.refused(self.daemon.post_xml("/api/v1/nothing", complaint_xml()),
                     404, "not-found")

    def test_wrong_method(self):
        cases = [("PUT", PATH, "POST"),
                 ("DELETE", PATH, "POST"), ("POST", "/healthz", "GET"),
                 ("DELETE", "/api/v1/talons/2026-123456789-0", "GET"),
                 ("PATCH", "/api/v1/talons/2026-123456789-0/talon", "GET")]
        for method, path, allow in cases:
            with self.subTest((method, path)):
                r = self.daemon.request(method, path)
                self.refused(r, 405, "method-not-allowed")
                self.assertIsNotNone(r.header("Allow"), r.headers)
                allowed = [m.strip() for m in r.header("Allow").split(",")]
                self.assertIn(allow, allowed)
                self.assertNotIn(method, allowed)

    def test_unexpected_body_answered(self):
        """A GET with a body gets an answer (400 unexpected-body), not a
        dropped connection."""
        head = (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Length: 3\r\n\r\nabc")
        try:
            r = raw_exchange(self.daemon.port, head, timeout=10)
        except OSError as e:
            self.fail("no answer to a GET with a body: %s" % e)
        self.refused(r, 400, "unexpected-body")

    def test_long_error_message_is_valid_utf8(self):
        """Long Kazakh values in a schema error: the message is cut to fit,
        but never inside a UTF-8 sequence, so <error> stays well-formed."""
        for prefix in ("", "x"):
            with self.subTest(prefix=prefix):
                doc = complaint_xml(surname=prefix + "ә" * 400 + " ")
                r = self.post(doc)
                self.assertEqual(r.status, 400, r)
                try:
                    r.body.decode("utf-8")
                except UnicodeDecodeError as e:
                    self.fail("the <error> answer is not UTF-8 (%s): %r"
                              % (e, r.body[-80:]))
                self.refused(r, 400, "invalid-document")

    # --- Failures use no journal numbers ----------------------------------

    def test_refusals_leave_no_gap(self):
        body = "almaty-zhetysu"

        def number():
            r = self.post(complaint_xml(body=body))
            self.assertEqual(r.status, 201, r)
            self.before += 1
            return int(text_of(r.xml(), "journal-number"))

        first = number()
        for doc in [complaint_xml(body=body, surname=""),
                    complaint_xml(body=body, service=12),
                    complaint_xml(body=body,
                                  subject_institution="no-such-school"),
                    complaint_xml(body=body).replace("</applicant>", ""),
                    complaint_xml(body=body, received_at="2026-01-01T00:00")]:
            self.assertEqual(self.post(doc).status, 400)
        self.assertEqual(number(), first + 1)

    def test_mixed_good_and_bad_concurrently(self):
        """Bad documents in the same commit batch as good ones do not
        spoil them or leave gaps (each job has its own savepoint)."""
        good, bad, errors = [], [], []
        lock = threading.Lock()

        def client(i):
            rng = random.Random(i)
            con = self.daemon.connection()
            try:
                for k in range(60):
                    if rng.random() < 0.5:
                        doc = complaint_xml(body="almaty-alatau")
                        r = self.daemon.post_xml(PATH, doc, conn=con)
                        with lock:
                            (good if r.status == 201 else errors).append(r)
                    else:
                        # Refused inside the commit batch: the
                        # institution is looked up by the writer.
                        doc = complaint_xml(
                            body="almaty-alatau",
                            subject_institution="no-such-school-%d" % k)
                        r = self.daemon.post_xml(PATH, doc, conn=con)
                        with lock:
                            (bad if r.status == 400 else errors).append(r)
            except OSError as e:
                with lock:
                    errors.append(e)
            finally:
                con.close()

        threads = [threading.Thread(target=client, args=(i,))
                   for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        for r in bad[:3]:
            self.assertError(r, 400, "unknown-institution")
        self.before += len(good)
        self.assertNothingStored()
        rows = self.daemon.query(
            "SELECT c.journal_no FROM complaint c JOIN body b ON "
            "b.id = c.body_id WHERE b.code = 'almaty-alatau' "
            "ORDER BY 1")
        self.assertEqual([n for (n,) in rows],
                         list(range(1, len(rows) + 1)))
        self.assertEqual(len(rows), len(good))

    def test_zz_still_serving(self):
        """Run last in the class: after all of the above, still serving."""
        r = self.daemon.get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"ok\n")
        r = self.post(complaint_xml())
        self.assertEqual(r.status, 201, r)
        self.before += 1
        self.assertNothingStored()


if __name__ == "__main__":
    unittest.main()
