"""Registration, talons, status lookups, restarts and concurrency."""

import datetime
import os
import random
import re
import subprocess
import threading
import time
import unittest

from harness import (BODIES, CTL_BIN, PASSWORD, SCHEMA_DIR, Daemon,
                     DaemonTestCase,
                     PerTestDaemonCase, adjacent_swaps,
                     complaint_xml, make_talon, random_complaint,
                     single_digit_typos, talon_digits, talon_valid, text_of)

NUMBER_RE = re.compile(r"^(\d{4})-\d{9}-\d$")
ACCESS_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{8}$")
# Local time in Asia/Almaty: +05:00 (a single zone since 2024-03-01).
ACCEPTED_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(\.\d+)?\+05:00$")

ALMATY = datetime.timezone(datetime.timedelta(hours=5))


def talon_fields(root):
    jn = root.find("journal-number")
    body = root.find("body")
    return {
        "number": text_of(root, "number"),
        "access-code": text_of(root, "access-code"),
        "journal-number": int(jn.text),
        "journal-year": int(jn.get("year")),
        "body-code": body.get("code"),
        "body-name": body.text,
        "body-name-ru": body.get("name-ru"),
        "accepted-at": text_of(root, "accepted-at"),
        "accepted-by-name": text_of(root, "accepted-by/name"),
        "accepted-by-position": text_of(root, "accepted-by/position"),
        "due": text_of(root, "due"),
        "rules": text_of(root, "rules"),
        "service": int(text_of(root, "service")),
        "received-at": text_of(root, "received-at"),
        "clause": text_of(root, "clause"),
        "counted-from": text_of(root, "counted-from"),
        "basis": text_of(root, "basis"),
        "ground": text_of(root, "ground"),
        "forward-by": text_of(root, "forward-by"),
        "intake": text_of(root, "intake"),
    }


def registered_fields(root):
    """The talon fields with those only the registration's answer has."""
    t = talon_fields(root)
    t["forward-proposed"] = text_of(root, "forward-proposed")
    t["intake-missing"] = text_of(root, "intake-missing")
    return t


def parse_accepted(s):
    return datetime.datetime.fromisoformat(s)


class RegisterTest(DaemonTestCase):
    """One daemon for the class.  Bodies almaty-medeu and almaty-turksib
    are used only by test_journal_numbers_per_body."""

    def register_ok(self, **fields):
        r = self.daemon.register(**fields)
        root = self.assertTalon(r, 201)
        return talon_fields(root)

    def test_register_gives_talon(self):
        doc = dict(body="almaty-bostandyk", service=4)
        before = datetime.datetime.now(datetime.timezone.utc)
        t = self.register_ok(**doc)
        after = datetime.datetime.now(datetime.timezone.utc)

        m = NUMBER_RE.match(t["number"])
        self.assertIsNotNone(m, t["number"])
        self.assertTrue(talon_valid(t["number"]),
                        "%s: the Damm check digit is wrong" % t["number"])
        self.assertRegex(t["access-code"], ACCESS_RE)
        self.assertGreaterEqual(t["journal-number"], 1)

        am = ACCEPTED_RE.match(t["accepted-at"])
        self.assertIsNotNone(am, "accepted-at %r is not local time with "
                             "+05:00" % t["accepted-at"])
        accepted = parse_accepted(t["accepted-at"])
        self.assertGreaterEqual(accepted, before.replace(microsecond=0) -
                                datetime.timedelta(seconds=1))
        self.assertLessEqual(accepted, after + datetime.timedelta(seconds=1))
        year = int(am.group(1))
        self.assertEqual(t["journal-year"], year)
        self.assertEqual(int(m.group(1)), year)

        self.assertEqual(t["body-code"], "almaty-bostandyk")
        self.assertEqual(t["body-name"], "Бостандық ауданының білім бөлімі")
        self.assertEqual(t["body-name-ru"],
                         "Отдел образования Бостандыкского района")
        self.assertEqual(t["accepted-by-name"], "Жұмабекова Динара Асқарқызы")
        self.assertEqual(t["accepted-by-position"],
                         "кіріс хат-хабарлар жөніндегі маман")
        self.assertEqual(t["service"], 4)

        due = datetime.date.fromisoformat(t["due"])
        local_day = accepted.astimezone(ALMATY).date()
        self.assertGreater(due, local_day)
        self.assertLessEqual(due, local_day + datetime.timedelta(days=70))
        self.assertTrue(t["rules"])

    def test_stored_as_sent(self):
        """The journal row keeps the Kazakh text byte for byte and the
        access code only as a keyed hash."""
        surname = "Құрманғазиева-Өтегенова"
        reasons = ("Мектепке дейінгі ұйымға жолдама беру кезегі "
                   "негізсіз өзгертілді.\nЕкінші жол: «тырнақша» & <белгі>.")
        t = self.register_ok(surname=surname, reasons=reasons,
                             body="almaty-auezov", service=1,
                             channel="post",
                             attachments=[("өтініш-көшірмесі.pdf",
                                           "application/pdf", "a" * 64),
                                          ("анықтама.jpg", "image/jpeg",
                                           "0123456789abcdef" * 4)])
        rows = self.daemon.query(
            "SELECT c.surname, c.reasons, c.channel, c.service, "
            "c.journal_no, c.journal_year, b.code, c.access_hash, c.id "
            "FROM complaint c JOIN body b ON b.id = c.body_id "
            "WHERE c.talon = ?", (t["number"],))
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row[0], surname)
        self.assertEqual(row[1], reasons)
        self.assertEqual(row[2], "post")
        self.assertEqual(row[3], 1)
        self.assertEqual((row[4], row[5], row[6]),
                         (t["journal-number"], t["journal-year"],
                          "almaty-auezov"))
        self.assertNotEqual(bytes(row[7]), t["access-code"].encode())
        self.assertNotIn(t["access-code"].encode(), bytes(row[7]))
        atts = self.daemon.query(
            "SELECT seq, name, media_type FROM attachment "
            "WHERE complaint_id = ? ORDER BY seq", (row[8],))
        self.assertEqual(atts, [(1, "өтініш-көшірмесі.pdf", "application/pdf"),
                                (2, "анықтама.jpg", "image/jpeg")])
        # Nowhere in the files in plain text.
        for name in os.listdir(self.daemon.data_dir):
            with open(os.path.join(self.daemon.data_dir, name), "rb") as f:
                self.assertNotIn(t["access-code"].encode(), f.read(), name)

    def test_status_has_no_personal_data(self):
        fields = dict(surname="Жақсылықова", name="Гүлназ",
                      patronymic="Ерланқызы",
                      address="Алматы қ., Медеу ауданы, Достық даңғылы, 5",
                      email="gulnaz.zh@example.kz", phone="+7 707 111-22-33",
                      reasons="Құпия себеп: балабақша кезегі жоғалды.",
                      demands="Құпия талап: кезекті қалпына келтіру.",
                      body="almaty-almaly")
        t = self.register_ok(**fields)
        r = self.daemon.status(t["number"])
        self.assertEqual(r.status, 200, r)
        self.assertXmlResponse(r)
        self.assertValid(r.body, "status")
        root = r.xml()
        self.assertEqual(root.tag, "status")
        self.assertEqual(text_of(root, "number"), t["number"])
        self.assertEqual(text_of(root, "state"), "registered")
        self.assertEqual(root.find("body").get("code"), "almaty-almaly")
        self.assertEqual(text_of(root, "accepted-at"), t["accepted-at"])
        self.assertEqual(text_of(root, "due"), t["due"])
        text = r.text
        for k in ("surname", "name", "patronymic", "address", "email",
                  "phone", "reasons", "demands"):
            self.assertNotIn(fields[k], text, "status shows the %s" % k)
        self.assertNotIn(t["access-code"], text)

    def test_talon_again_without_access_code(self):
        t = self.register_ok(body="almaty-zhetysu", service=7)
        r = self.daemon.talon(t["number"])
        root = self.assertTalon(r, 200)
        self.assertIsNone(root.find("access-code"))
        again = talon_fields(root)
        t.pop("access-code")
        again.pop("access-code")
        self.assertEqual(again, t)

    def test_number_as_typed_without_hyphens(self):
        t = self.register_ok(body="almaty-alatau")
        r = self.daemon.status(talon_digits(t["number"]))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(text_of(r.xml(), "number"), t["number"])

    def check_mistyped(self, numbers):
        self.assertTrue(numbers)
        con = self.daemon.connection()
        try:
            for n in numbers:
                for path in ("/api/v1/talons/%s" % n,
                             "/api/v1/talons/%s/talon" % n):
                    r = self.daemon.get(path, conn=con)
                    code, msg = self.assertError(
                        r, 400, "bad-check-digit",
                        schema_valid=(n == numbers[0]))
                    self.assertTrue(msg.startswith("check digit does not "
                                                   "match"), msg)
        finally:
            con.close()

    def test_mistyped_one_digit(self):
        t = self.register_ok(body="almaty-alatau")
        typos = single_digit_typos(t["number"])
        self.assertEqual(len(typos), 14 * 9)
        self.check_mistyped(typos)

    def test_mistyped_adjacent_swap(self):
        t = self.register_ok(body="almaty-alatau")
        swaps = adjacent_swaps(t["number"])
        self.check_mistyped(swaps)
        # And more numbers, some swaps crossing the hyphens.
        rng = random.Random(4)
        for _ in range(5):
            n = make_talon(2026, rng)
            self.assertTrue(talon_valid(n))
            self.check_mistyped(adjacent_swaps(n))

    def test_unknown_number(self):
        rng = random.Random(1097)
        known = set(r[0] for r in self.daemon.query(
            "SELECT talon FROM complaint"))
        for _ in range(5):
            n = make_talon(datetime.date.today().year, rng)
            if n in known:
                continue
            self.assertTrue(talon_valid(n))
            for path in ("/api/v1/talons/%s" % n,
                         "/api/v1/talons/%s/talon" % n):
                code, msg = self.assertError(self.daemon.get(path), 404,
                                             "talon-not-found")
                self.assertIn(n, msg)

    def test_malformed_number(self):
        for n in ("2026-12345678-9", "2026-1234567890-12", "20261234567",
                  "abcd-efghijklm-n", "2026_123456789_0", "2026-12345678x-0",
                  "1" * 40):
            for path in ("/api/v1/talons/%s" % n,
                         "/api/v1/talons/%s/talon" % n):
                self.assertError(self.daemon.get(path), 400,
                                 "malformed-talon-number")

    def test_journal_numbers_per_body(self):
        """Gap-free 1, 2, 3... per body and year, separate per body."""
        seq = []
        for body in ["almaty-medeu", "almaty-turksib", "almaty-medeu",
                     "almaty-medeu", "almaty-turksib"]:
            t = self.register_ok(body=body)
            seq.append((body, t["journal-number"], t["journal-year"]))
        self.assertEqual([s[:2] for s in seq],
                         [("almaty-medeu", 1), ("almaty-turksib", 1),
                          ("almaty-medeu", 2), ("almaty-medeu", 3),
                          ("almaty-turksib", 2)])
        rows = self.daemon.query(
            "SELECT b.code, c.journal_year, c.journal_no FROM complaint c "
            "JOIN body b ON b.id = c.body_id WHERE b.code IN "
            "('almaty-medeu', 'almaty-turksib') ORDER BY c.id")
        self.assertEqual([(b, n) for b, _, n in rows],
                         [s[:2] for s in seq])

    def test_every_body_accepts(self):
        for body in BODIES:
            if body in ("almaty-medeu", "almaty-turksib"):
                continue
            t = self.register_ok(body=body)
            self.assertEqual(t["body-code"], body)
            self.assertTrue(t["body-name"])

    def test_every_service_and_channel(self):
        channels = ["post", "in-person", "electronic", "phone", "oral"]
        for service in range(1, 12):
            t = self.register_ok(body="almaty-edu", service=service,
                                 channel=channels[service % 5])
            self.assertEqual(t["service"], service)

    def test_optional_fields_left_out(self):
        """Only what the schema requires: anonymous-looking, unsigned."""
        t = self.register_ok(body="almaty-edu", official=None,
                             patronymic=None, address=None, email=None,
                             phone=None, signed="false")
        rows = self.daemon.query("SELECT patronymic, address, signed FROM "
                                 "complaint WHERE talon = ?", (t["number"],))
        self.assertEqual(rows, [(None, None, 0)])


class RestartTest(DaemonTestCase):
    """The journal survives SIGTERM and SIGKILL."""

    def register_some(self, n, rng):
        out = []
        con = self.daemon.connection()
        try:
            for i in range(n):
                body = BODIES[i % 3 + 2]
                r = self.daemon.register(random_complaint(rng, body),
                                         conn=con)
                root = self.assertTalon(r, 201)
                out.append(talon_fields(root))
        finally:
            con.close()
        return out

    def check_all_found(self, talons):
        con = self.daemon.connection()
        try:
            for t in talons:
                r = self.daemon.status(t["number"], conn=con)
                self.assertEqual(r.status, 200, (t["number"], r))
                self.assertEqual(text_of(r.xml(), "number"), t["number"])
                r = self.daemon.talon(t["number"], conn=con)
                self.assertEqual(r.status, 200, (t["number"], r))
                again = talon_fields(r.xml())
                for k in ("journal-number", "journal-year", "body-code",
                          "accepted-at", "due", "service"):
                    self.assertEqual(again[k], t[k], (t["number"], k))
        finally:
            con.close()
        self.check_gap_free()

    def check_gap_free(self):
        for code, year, n, lo, hi, distinct in self.daemon.query(
                "SELECT b.code, c.journal_year, count(*), min(journal_no), "
                "max(journal_no), count(DISTINCT journal_no) FROM complaint "
                "c JOIN body b ON b.id = c.body_id GROUP BY 1, 2"):
            self.assertEqual((lo, hi, distinct), (1, n, n), (code, year))

    def next_numbers_continue(self, talons, rng):
        last = {}
        for t in talons:
            k = t["body-code"]
            last[k] = max(last.get(k, 0), t["journal-number"])
        more = self.register_some(3, rng)
        for t in more:
            k = t["body-code"]
            self.assertEqual(t["journal-number"], last[k] + 1, t)
            last[k] += 1
        return more

    def test_sigterm_restart(self):
        rng = random.Random(1)
        talons = self.register_some(30, rng)
        rc = self.daemon.stop()
        self.assertEqual(rc, 0, "complaintsd exit status on SIGTERM")
        self.assertIn("stopped", self.daemon.log())
        self.daemon.start()
        self.check_all_found(talons)
        talons += self.next_numbers_continue(talons, rng)
        self.check_all_found(talons)

    def test_sigkill_restart(self):
        rng = random.Random(2)
        talons = self.register_some(30, rng)
        self.assertEqual(self.daemon.kill(), -9)
        self.daemon.start()
        self.check_all_found(talons)
        talons += self.next_numbers_continue(talons, rng)
        self.daemon.kill()
        self.daemon.start()
        self.check_all_found(talons)

    def test_sigterm_with_requests_in_flight(self):
        """Every talon handed out before the stop is found after it; the
        journal stays gap-free."""
        got = []
        lock = threading.Lock()
        stop = threading.Event()

        def client(seed):
            rng = random.Random(seed)
            while not stop.is_set():
                try:
                    r = self.daemon.register(random_complaint(
                        rng, rng.choice(BODIES)))
                except OSError:
                    return
                if r.status == 201:
                    with lock:
                        got.append(talon_fields(r.xml()))
                elif r.status != 503:
                    with lock:
                        got.append(("unexpected", r))
                    return

        threads = [threading.Thread(target=client, args=(i,))
                   for i in range(4)]
        for th in threads:
            th.start()
        time.sleep(0.5)
        rc = self.daemon.stop()
        stop.set()
        for th in threads:
            th.join(30)
        bad = [g for g in got if isinstance(g, tuple)]
        self.assertEqual(bad, [])
        self.assertEqual(rc, 0)
        self.assertGreater(len(got), 0)
        self.daemon.start()
        self.check_all_found(got)
        self.assertGreaterEqual(self.daemon.count_complaints(), len(got))


class ConcurrencyTest(DaemonTestCase):
    """8 clients, 2,000 complaints: distinct talons, gap-free journals."""

    CLIENTS = 8
    TOTAL = 2000
    BODY_SET = ["almaty-edu", "almaty-alatau", "almaty-bostandyk",
                "almaty-medeu"]

    def test_concurrent_registrations(self):
        per = self.TOTAL // self.CLIENTS
        results = [[] for _ in range(self.CLIENTS)]
        errors = []

        def client(i):
            rng = random.Random(i)
            con = self.daemon.connection()
            try:
                for k in range(per):
                    body = self.BODY_SET[(i + k) % len(self.BODY_SET)]
                    doc = random_complaint(rng, body)
                    try:
                        r = self.daemon.register(doc, conn=con)
                    except OSError as e:
                        errors.append("client %d: request %d: %r" %
                                      (i, k, e))
                        return
                    if r.status != 201:
                        errors.append("client %d: %r" % (i, r))
                        return
                    results[i].append(talon_fields(r.xml()))
            finally:
                con.close()

        t0 = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,))
                   for i in range(self.CLIENTS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(300)
        elapsed = time.monotonic() - t0
        self.assertEqual(errors, [])
        talons = [t for rs in results for t in rs]
        self.assertEqual(len(talons), self.TOTAL)
        numbers = [t["number"] for t in talons]
        self.assertEqual(len(set(numbers)), self.TOTAL, "duplicate talons")
        for n in numbers:
            self.assertTrue(talon_valid(n), n)
        self.assertEqual(len(set(t["access-code"] for t in talons)),
                         self.TOTAL)

        # Through the responses.
        by = {}
        for t in talons:
            by.setdefault((t["body-code"], t["journal-year"]),
                          []).append(t["journal-number"])
        for key, nos in by.items():
            self.assertEqual(sorted(nos), list(range(1, len(nos) + 1)), key)
        self.assertEqual(sum(len(v) for v in by.values()), self.TOTAL)

        # Through the file.
        self.assertEqual(self.daemon.count_complaints(), self.TOTAL)
        rows = self.daemon.query(
            "SELECT b.code, c.journal_year, c.journal_no FROM complaint c "
            "JOIN body b ON b.id = c.body_id")
        fby = {}
        for code, year, no in rows:
            fby.setdefault((code, year), []).append(no)
        for key, nos in fby.items():
            self.assertEqual(sorted(nos), list(range(1, len(nos) + 1)), key)
        self.assertEqual({k: sorted(v) for k, v in fby.items()},
                         {k: sorted(v) for k, v in by.items()})
        stored = set(r[0] for r in self.daemon.query(
            "SELECT talon FROM complaint"))
        self.assertEqual(stored, set(numbers))
        # Every registration has its "register" event.
        ev = self.daemon.query("SELECT count(*) FROM event WHERE action = "
                               "'register'")[0][0]
        self.assertEqual(ev, self.TOTAL)
        print("\n  %d registrations from %d clients in %.1f s" %
              (self.TOTAL, self.CLIENTS, elapsed), end=" ", flush=True)


class NewYearTest(PerTestDaemonCase):
    """Journal numbers restart at 1 in a new year (test_clock_offset)."""

    def reg(self, body):
        r = self.daemon.register(body=body)
        self.assertEqual(r.status, 201, r)
        return talon_fields(r.xml())

    def test_new_year_restarts_journal(self):
        d = self.daemon = self.new_daemon(start=False)
        now = time.time()
        year = datetime.datetime.now(ALMATY).year
        # 11:00 local on 15 January of the next year: a working day.
        target = datetime.datetime(year + 1, 1, 15, 11, 0, tzinfo=ALMATY)
        d.start()
        a = [self.reg("almaty-edu"), self.reg("almaty-edu")]
        self.assertEqual([t["journal-number"] for t in a], [1, 2])
        d.stop()
        d.extra["test_clock_offset"] = int(target.timestamp() - now)
        d.start()
        self.assertIn("test_clock_offset", d.log())
        b = [self.reg("almaty-edu"), self.reg("almaty-edu"),
             self.reg("almaty-medeu")]
        for t in b:
            self.assertEqual(t["journal-year"], year + 1, t)
            self.assertTrue(t["number"].startswith("%d-" % (year + 1)), t)
            skew = abs((parse_accepted(t["accepted-at"]) -
                        target).total_seconds())
            self.assertLess(skew, 120, t)
            self.assertTrue(t["accepted-at"].endswith("+05:00"), t)
            self.assertGreater(t["due"], "%d-01-15" % (year + 1))
        self.assertEqual([t["journal-number"] for t in b], [1, 2, 1])
        for t in a:
            r = d.status(t["number"])
            self.assertEqual(r.status, 200, r)


class NamePartsTest(PerTestDaemonCase):
    """Service 11, clause 20: the talon names the employee who accepted
    the complaint by surname, name and patronymic.  An account opened
    with the parts of a Kazakh name (the patronymic where there is one)
    has them in full, in that order."""

    def add_user(self, d, login, *name):
        p = subprocess.run(
            [CTL_BIN, "user", "add", login] + list(name) +
            ["--position", "кіріс хат-хабарлар жөніндегі маман", "--body",
             "almaty-almaly", "--role", "registrar", "--data-dir",
             d.data_dir, "--schema-dir", SCHEMA_DIR, "--password-stdin"],
            input=PASSWORD + "\n", capture_output=True, text=True,
            timeout=60)
        return p

    def registered_by(self, d, login):
        tok = d.sign_in(login)
        r = d.post_xml("/api/v1/complaints",
                       complaint_xml(body="almaty-almaly", service=11),
                       headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 201, r)
        return text_of(r.xml(), "accepted-by/name")

    def test_name_in_parts(self):
        d = self.new_daemon()
        p = self.add_user(d, "dinara", "--surname", "Жұмабекова",
                          "--given-name", "Динара", "--patronymic",
                          "Асқарқызы")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.registered_by(d, "dinara"),
                         "Жұмабекова Динара Асқарқызы")
        # No patronymic: surname and name.
        p = self.add_user(d, "john", "--surname", "Смит", "--given-name",
                          "Джон")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.registered_by(d, "john"), "Смит Джон")
        # A name without its surname, or both forms at once: usage.
        for bad in (["--given-name", "Динара"],
                    ["--name", "Жұмабекова Динара", "--surname", "Ж"]):
            p = self.add_user(d, "bad", *bad)
            self.assertEqual(p.returncode, 2, p.stderr)
        # The account keeps the parts.
        row = d.query("SELECT full_name, surname, given_name, patronymic "
                      "FROM staff WHERE login = 'dinara'")[0]
        self.assertEqual(tuple(row), ("Жұмабекова Динара Асқарқызы",
                                      "Жұмабекова", "Динара", "Асқарқызы"))
        # Over HTTP, an administrator gives the parts.
        doc = ("<account><login>aigul</login><surname>Серікбаева</surname>"
               "<given-name>Айгүл</given-name><position>бас маман"
               "</position><body>almaty-almaly</body><role>registrar"
               "</role><password>%s</password></account>" % PASSWORD)
        r = d.post_xml("/api/v1/users", doc, headers={
            "Authorization": "Bearer " + d.account_token("admin")})
        self.assertEqual(r.status, 201, r)
        row = d.query("SELECT full_name, surname, given_name, patronymic "
                      "FROM staff WHERE login = 'aigul'")[0]
        self.assertEqual(tuple(row), ("Серікбаева Айгүл", "Серікбаева",
                                      "Айгүл", None))
        self.assertEqual(self.registered_by(d, "aigul"), "Серікбаева Айгүл")
        # Neither the name nor its parts: refused by the schema.
        r = d.post_xml("/api/v1/users", doc.replace(
            "<surname>Серікбаева</surname><given-name>Айгүл</given-name>",
            "").replace("aigul", "nobody"), headers={
            "Authorization": "Bearer " + d.account_token("admin")})
        self.assertEqual(r.status, 400, r)


class DeadlineTest(PerTestDaemonCase):
    """The due date on the talon follows the configured calendar and rule
    sets: the one in force on the registration date."""

    def start(self, local, extra=None):
        target = datetime.datetime(*local, tzinfo=ALMATY)
        conf = {"calendar": os.path.join(SCHEMA_DIR, "data",
                                         "calendar-kz.xml"),
                "rules_file": os.path.join(SCHEMA_DIR, "data", "rules.xml"),
                "test_clock_offset": int(target.timestamp() - time.time())}
        conf.update(extra or {})
        self.daemon = self.new_daemon(conf)
        return target

    def due_of(self):
        r = self.daemon.register(body="almaty-edu")
        self.assertEqual(r.status, 201, r)
        return talon_fields(r.xml())

    def test_state_services_by_default(self):
        """A complaint about a state service heard at the city department:
        the State Services Law, art. 25: 5 working days from registration.
        Wednesday 4 February 2026: 5, 6, 9, 10, 11 February."""
        self.start((2026, 2, 4, 11, 0))
        t = self.due_of()
        self.assertEqual(t["rules"], "state-services-2013", t)
        self.assertEqual(t["due"], "2026-02-11", t)
        self.assertEqual(t["clause"], "art. 25 p. 2", t)
        self.assertEqual(t["counted-from"], "registration", t)
        self.assertIn("state service", t["basis"])

    def test_received_before_registration(self):
        """Received on Friday 4 December 2026 at 17:30, registered on
        Monday 7 December at 10:00 at a district office: the State
        Services Law counts from registration (Tuesday 8 .. Monday 14);
        the talon shows when it was received beside the registration."""
        self.start((2026, 12, 7, 10, 0))
        r = self.daemon.register(body="almaty-almaly", service=5,
                                 received_at="2026-12-04T17:30:00+05:00")
        self.assertEqual(r.status, 201, r)
        t = talon_fields(r.xml())
        self.assertEqual(t["due"], "2026-12-14", t)
        self.assertEqual(t["counted-from"], "registration", t)
        self.assertEqual(t["received-at"], "2026-12-04T17:30:00+05:00", t)
        self.assertTrue(t["accepted-at"].startswith("2026-12-07T"), t)
        # The talon looked up later says the same.
        again = talon_fields(self.daemon.talon(t["number"]).xml())
        self.assertEqual(again["received-at"], t["received-at"])
        self.assertEqual(again["clause"], "art. 25 p. 2")

    def test_appc_counts_from_receipt(self):
        """Pinned to the Code, the same complaint counts from receipt on
        Friday 4 December (before closing): 7-11, 14-15, (16 December
        off), 17-18, 21-25, 28 December is the 15th working day."""
        self.start((2026, 12, 7, 10, 0), {"rules": "appc-2020"})
        r = self.daemon.register(body="almaty-almaly", service=5,
                                 received_at="2026-12-04T17:30:00+05:00")
        self.assertEqual(r.status, 201, r)
        t = talon_fields(r.xml())
        self.assertEqual(t["rules"], "appc-2020", t)
        self.assertEqual(t["due"], "2026-12-28", t)
        self.assertEqual(t["counted-from"], "receipt", t)
        self.assertEqual(t["clause"], "art. 76", t)

    def test_quality_complaint_service_5(self):
        """Service 5, clause 31: a complaint about the quality of the
        service goes to the head of the city education department; one
        registered at the school's district office (school-14, Alatau) is
        proposed for forwarding there
        within 3 working days (Tuesday 8, Wednesday 9, Thursday 10)."""
        self.start((2026, 12, 7, 10, 0))
        r = self.daemon.register(body="almaty-alatau", service=5,
                                 subject_institution="school-14",
                                 ground="quality")
        self.assertEqual(r.status, 201, r)
        t = registered_fields(r.xml())
        self.assertEqual(t["forward-proposed"], "almaty-edu", t)
        self.assertEqual(t["forward-by"], "2026-12-10", t)
        self.assertEqual(t["ground"], "quality", t)
        # On the decision ground the school's district office is
        # competent.
        r = self.daemon.register(body="almaty-alatau", service=5,
                                 subject_institution="school-14")
        t = registered_fields(r.xml())
        self.assertIsNone(t["forward-proposed"], t)
        self.assertEqual(t["ground"], "decision", t)

    def test_intake_warns_never_refuses(self):
        """Service 3, clause 22: an identity document.  Not checked, the
        complaint is registered with a warning; checked, no warning; the
        record keeps what was checked."""
        self.start((2026, 12, 7, 10, 0))
        r = self.daemon.register(body="almaty-almaly", service=3)
        self.assertEqual(r.status, 201, r)
        t = registered_fields(r.xml())
        self.assertIn("identity-document", t["intake-missing"])
        self.assertIn("Регламент 3, 22-тармақ", t["intake-missing"])
        row = self.daemon.query("SELECT intake FROM complaint WHERE "
                                "talon = ?", (t["number"],))[0][0]
        self.assertEqual(row, "identity-document: not checked "
                         "(Регламент 3, 22-тармақ)")
        r = self.daemon.register(body="almaty-almaly", service=3,
                                 intake={"identity-document": True})
        t = registered_fields(r.xml())
        self.assertIsNone(t["intake-missing"], t)
        self.assertEqual(t["intake"], "identity-document: yes "
                         "(Регламент 3, 22-тармақ)")
        r = self.daemon.register(body="almaty-almaly", service=3,
                                 intake={"identity-document": False})
        self.assertEqual(r.status, 201, r)
        t = registered_fields(r.xml())
        self.assertIn("identity-document", t["intake-missing"])

    def test_appc_working_days(self):
        """Wednesday 4 February 2026, 11:00: 15 working days under the
        Administrative Procedural Code end on 25 February."""
        self.start((2026, 2, 4, 11, 0), {"rules": "appc-2020"})
        t = self.due_of()
        self.assertTrue(t["accepted-at"].startswith("2026-02-04T11:0"), t)
        self.assertEqual(t["rules"], "appc-2020", t)
        self.assertEqual(t["due"], "2026-02-25", t)

    def test_appc_holiday_moved(self):
        """Tuesday 6 October 2026: Republic Day (25 October, a Sunday)
        moves to Monday 26 October, so the 15th working day is the 28th."""
        self.start((2026, 10, 6, 11, 0), {"rules": "appc-2020"})
        t = self.due_of()
        self.assertEqual(t["rules"], "appc-2020", t)
        self.assertEqual(t["due"], "2026-10-28", t)

    def test_appc_after_hours(self):
        """At 19:00, after the office closes, the application counts as
        registered on the next working day (APPK art. 64)."""
        self.start((2026, 2, 4, 19, 0), {"rules": "appc-2020"})
        t = self.due_of()
        self.assertEqual(t["rules"], "appc-2020", t)
        self.assertEqual(t["due"], "2026-02-26", t)


if __name__ == "__main__":
    unittest.main()
