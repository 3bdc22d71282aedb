"""The life of a complaint over HTTP: the chain of every service walked
to its last level, forwarding, extension, decisions and their notices,
refused actions, the deadline watch with the test clock, repeated
complaints, the audit trail, the journal export and the directory.

The notification outbox and the event table are read from the SQLite
file read-only (harness.db_query)."""

import csv
import datetime
import io
import os
import random
import re
import subprocess
import time
import unittest
import urllib.parse
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from harness import (CTL_BIN, SCHEMA_DIR, DaemonTestCase, PerTestDaemonCase,
                     ctl_available, talon_valid, text_of)

ALMATY = datetime.timezone(datetime.timedelta(hours=5))
ACCESS_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{8}$")
CSV_HEADER = ["number", "date", "applicant", "address", "subject",
              "summary", "assigned_to", "due", "outcome", "answered_on",
              "talon", "state", "service"]

# --- Reference data, read the way a registrar reads it ---------------------

ROUTING_XML = os.path.join(SCHEMA_DIR, "data", "routing.xml")
DIRECTORY_XML = os.path.join(SCHEMA_DIR, "data", "directory.xml")


def load_routing():
    """service -> {"levels": [(kind, code)], "channels": [...],
    "answers": [...]} from the general chain of routing.xml."""
    out = {}
    for svc in ET.parse(ROUTING_XML).getroot().findall("service"):
        chain = [c for c in svc.findall("chain") if c.get("ground") is None]
        levels = []
        for lv in chain[0]:
            if lv.tag == "institution":
                levels.append(("institution", None))
            elif lv.tag == "parent-body":
                levels.append(("parent-body", lv.get("default")))
            elif lv.tag == "body":
                levels.append(("body", lv.get("code")))
        out[int(svc.get("number"))] = {
            "levels": levels,
            "channels": [c.get("type") for c in svc.find("channels")],
            "answers": [a.get("type") for a in svc.find("answers")],
        }
    return out


# Bodies that ended, and who took their place (written by hand, not read
# from routing.xml): in June 2022 the Ministry of Education and Science
# was divided, and school and preschool education went to the Ministry of
# Enlightenment, which exists from 11 June 2022.
ENDED = {"mes": (datetime.date(2022, 6, 10), "mop")}


def body_on(code, day):
    """The body that stands for code on day."""
    while code in ENDED and day > ENDED[code][0]:
        code = ENDED[code][1]
    return code


def load_directory():
    """code -> {"parent", "district", "services", "kind"} for every
    institution, in file order."""
    out = {}
    root = ET.parse(DIRECTORY_XML).getroot()
    for inst in root.iter("institution"):
        out[inst.get("code")] = {
            "parent": inst.get("parent"),
            "district": inst.get("district"),
            "kind": inst.get("kind"),
            "services": [int(p.get("service"))
                         for p in inst.findall("provides")],
        }
    return out


ROUTING = load_routing()
DIRECTORY = load_directory()
DISTRICT_OFFICES = {"almaty-alatau", "almaty-almaly", "almaty-auezov",
                    "almaty-bostandyk", "almaty-zhetysu", "almaty-medeu",
                    "almaty-turksib"}


def institution_for(service, parent=None):
    """An institution that provides the service: one under a district
    office when there is one (a longer chain), else the first."""
    cands = [c for c, i in DIRECTORY.items() if service in i["services"]]
    if parent is not None:
        cands = [c for c in cands if DIRECTORY[c]["parent"] == parent]
    for c in cands:
        if DIRECTORY[c]["parent"] in DISTRICT_OFFICES:
            return c
    return cands[0]


def chain_for(service, institution):
    """The bodies that consider the complaint, lowest first."""
    parent = DIRECTORY[institution]["parent"]
    out = []
    for kind, code in ROUTING[service]["levels"]:
        if kind == "institution":
            code = institution
        elif kind == "parent-body":
            code = parent or code
        if code is None or (out and out[-1] == code):
            continue
        out.append(code)
    return out


# --- Documents and dates ----------------------------------------------------

_seq = [0]


def applicant():
    """A new applicant, so that no test's complaint is a repeat of
    another's by accident."""
    _seq[0] += 1
    n = _seq[0] * 1000 + random.randint(0, 999)
    return {"surname": "Сейітқалиева%d" % n, "name": "Ғалия",
            "address": "Алматы қ., Абай даңғылы, %d үй" % n}


def action_xml(root, body, fields=(), name="Оспанов Ерлан Маратұлы",
               position="бөлім басшысы"):
    """An action document: <by> first, then the fields in the order
    given; a field whose value is None is left out."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<%s>" % root,
             "  <by>", "    <name>%s</name>" % escape(name),
             "    <position>%s</position>" % escape(position),
             "    <body>%s</body>" % escape(body), "  </by>"]
    for tag, value in fields:
        if value is not None:
            lines.append("  <%s>%s</%s>" % (tag, escape(str(value)), tag))
    lines.append("</%s>" % root)
    return "\n".join(lines) + "\n"


def almaty_today():
    return datetime.datetime.now(ALMATY).date()


def iso_date(s):
    return datetime.date.fromisoformat(s)


def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    for day in range(d.day, 0, -1):
        try:
            return datetime.date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


REASONS = {
    "assign": [("assignee", "Нұрланова Айжан, бас маман"),
               ("note", "Құжаттарды тексеру")],
    "decide": [("outcome", "rejected"),
               ("reasoning", "Шағымда көрсетілген мән-жайлар расталмады; "
                "құжаттар заңда белгіленген мерзімде қаралды.")],
    "appeal": [("channel", "post"),
               ("reasons", "Шешіммен келіспеймін: менің дәлелдерім "
                "қаралмады.")],
    "answer": [("channel", "post"), ("note", "Хат поштамен жіберілді")],
    "close": [("reason", "Іс аяқталды")],
    "note": [("text", "Өтініш берушіге телефон арқылы хабарланды")],
}


class LifecycleMixin:
    """Helpers on self.d, the daemon under test."""

    # --- HTTP ---------------------------------------------------------------

    def get(self, path, **kw):
        """GET; a failed connection says whether the daemon still runs."""
        try:
            return self.d.get(path, **kw)
        except OSError as e:
            rc = self.d.proc.poll() if self.d.proc is not None else None
            self.fail("GET %s: %r; the daemon %s" % (
                path, e, "is running" if rc is None else
                "exited with %s" % rc))

    def register_ok(self, body, service, institution=None, **fields):
        who = applicant()
        who.update(fields)
        r = self.d.register(body=body, service=service,
                            subject_institution=institution, **who)
        root = self.assertTalon(r, 201)
        return root

    def act(self, ref, root, body, fields=None, **kw):
        if fields is None:
            fields = REASONS.get(root, [])
        return self.d.post_xml("/api/v1/complaints/%s/actions" % ref,
                               action_xml(root, body, fields, **kw))

    def act_ok(self, ref, root, body, fields=None, state=None, **kw):
        r = self.act(ref, root, body, fields, **kw)
        self.assertEqual(r.status, 200, r)
        self.assertXmlResponse(r)
        self.assertValid(r.body, "action-result")
        x = r.xml()
        self.assertEqual(text_of(x, "action"), root)
        if state is not None:
            self.assertEqual(text_of(x, "state"), state, r)
        return x

    def record(self, ref):
        r = self.get("/api/v1/complaints/%s" % ref)
        self.assertEqual(r.status, 200, r)
        self.assertXmlResponse(r)
        self.assertValid(r.body, "complaint-record")
        return r

    def status(self, number, code=None):
        path = "/api/v1/talons/%s" % number
        if code:
            path += "?code=%s" % code
        r = self.get(path)
        self.assertEqual(r.status, 200, r)
        self.assertXmlResponse(r)
        self.assertValid(r.body, "status")
        return r.xml()

    def verify(self):
        r = self.get("/api/v1/verify")
        self.assertEqual(r.status, 200, r)
        self.assertXmlResponse(r)
        self.assertValid(r.body, "verify")
        return r.xml()

    # --- Storage (read-only) ------------------------------------------------

    def notifications(self, complaint_id, kind=None):
        sql = ("SELECT kind, channel, recipient, due_by, state FROM "
               "notification WHERE complaint_id = ?")
        args = [int(complaint_id)]
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        return self.d.query(sql + " ORDER BY id", args)

    def events(self, complaint_id, action=None):
        sql = "SELECT action, detail FROM event WHERE complaint_id = ?"
        args = [int(complaint_id)]
        if action:
            sql += " AND action = ?"
            args.append(action)
        return self.d.query(sql + " ORDER BY id", args)

    def journal_count(self, body, year):
        return self.d.query(
            "SELECT count(*) FROM complaint c JOIN body b ON "
            "b.id = c.body_id WHERE b.code = ? AND c.journal_year = ?",
            (body, year))[0][0]

    def snapshot(self, ref):
        """What a refused action must leave as it was."""
        r = self.d.get("/api/v1/complaints/%s" % ref)
        self.assertEqual(r.status, 200, r)
        return (r.body,
                self.d.query("SELECT count(*) FROM event")[0][0],
                self.d.query("SELECT count(*) FROM notification")[0][0],
                self.d.query("SELECT count(*) FROM complaint")[0][0])

    def assertRefused(self, ref, root, body, status, code, fields=None,
                      **kw):
        before = self.snapshot(ref)
        r = self.act(ref, root, body, fields, **kw)
        self.assertError(r, status, code)
        after = self.snapshot(ref)
        self.assertEqual(before[0], after[0],
                         "%s refused with %d changed the record" %
                         (root, status))
        self.assertEqual(before[1:], after[1:],
                         "%s refused with %d changed the event, "
                         "notification or complaint count" % (root, status))
        return r


def new_talon(test, result):
    """The <new-talon> of an action-result, checked."""
    nt = result.find("new-talon")
    test.assertIsNotNone(nt, ET.tostring(result, encoding="unicode"))
    number = text_of(nt, "number")
    test.assertTrue(talon_valid(number), number)
    test.assertRegex(text_of(nt, "access-code"), ACCESS_RE)
    jn = nt.find("journal-number")
    return {"id": int(text_of(nt, "id")), "number": number,
            "access-code": text_of(nt, "access-code"),
            "journal-number": int(jn.text), "year": int(jn.get("year")),
            "body": nt.find("body").get("code"), "due": text_of(nt, "due")}


def talon_info(root):
    jn = root.find("journal-number")
    return {"number": text_of(root, "number"),
            "access-code": text_of(root, "access-code"),
            "journal-number": int(jn.text), "year": int(jn.get("year")),
            "body": root.find("body").get("code"),
            "due": text_of(root, "due"),
            "forward-proposed": text_of(root, "forward-proposed")}


class LifecycleTest(LifecycleMixin, DaemonTestCase):
    """One daemon for the class, without the deadline watch, so that the
    event and notification counts move only by the tests' actions.
    test_zz_* run last: they tamper with the store."""

    CONF = {"watch_interval": 0}

    def setUp(self):
        self.d = self.daemon

    def id_of(self, number):
        return self.d.query("SELECT id FROM complaint WHERE talon = ?",
                            (number,))[0][0]

    # --- 1. Every service through its whole chain ---------------------------

    def test_routing_reference_data(self):
        """The chains this file derives from routing.xml are the ones the
        regulations give (so the walk below tests the daemon, not a copy
        of its mistakes)."""
        self.assertEqual(sorted(ROUTING), list(range(1, 12)))
        for service in range(1, 12):
            inst = institution_for(service)
            chain = chain_for(service, inst)
            if service in (8, 9, 10):
                self.assertEqual(chain[0], inst, service)
            else:
                self.assertEqual(chain[0], DIRECTORY[inst]["parent"],
                                 service)
        self.assertEqual(chain_for(5, "school-14"), ["almaty-alatau", "mes"])
        self.assertEqual(chain_for(10, "school-14"),
                         ["school-14", "almaty-alatau"])
        self.assertEqual(chain_for(9, "tvet-4-lyceum"), ["tvet-4-lyceum"])
        self.assertEqual(chain_for(8, "tvet-4-lyceum"),
                         ["tvet-4-lyceum", "almaty-edu"])
        self.assertEqual(chain_for(1, "special-1"), ["almaty-edu", "mes"])

    def test_chain_of_every_service(self):
        for service in range(1, 12):
            with self.subTest(service=service):
                self.walk_chain(service)

    def walk_chain(self, service):
        inst = institution_for(service)
        # The appeals go to the bodies of the day.
        chain = [body_on(b, almaty_today())
                 for b in chain_for(service, inst)]
        channel = ROUTING[service]["channels"][0]
        email = "galiya.%d@example.kz" % service
        t = talon_info(self.register_ok(chain[0], service, inst,
                                        channel=channel, email=email))
        self.assertEqual(t["body"], chain[0])
        self.assertIsNone(t["forward-proposed"],
                          "service %d at %s, the first level of its chain, "
                          "is told to forward to %s" %
                          (service, chain[0], t["forward-proposed"]))
        first = t
        first_id = self.id_of(t["number"])
        talons = [(first_id, t["number"], chain[0])]
        cur_id = first_id
        for level, body in enumerate(chain):
            self.act_ok(cur_id, "assign", body, state="in-review")
            res = self.act_ok(cur_id, "decide", body, state="decided")
            self.assertIsNone(res.find("new-talon"))
            rec = self.record(cur_id).xml()
            self.assertEqual(rec.find("body").get("code"), body)
            self.assertEqual(text_of(rec, "decision/outcome"), "rejected")
            told = text_of(rec, "decision/court-rights-told")
            last = level == len(chain) - 1
            if last:
                self.assertEqual(told, "true", "service %d: the decision "
                                 "at %s, the last level, does not record "
                                 "that the applicant was told of the court"
                                 % (service, body))
            else:
                self.assertIn(told, (None, "false"), "service %d: %s is "
                              "not the last level" % (service, body))
            # The decision's notice: by email only where the rules allow.
            want = "email" if "email" in ROUTING[service]["answers"] \
                else "post"
            rows = self.notifications(cur_id, "decision")
            self.assertEqual(len(rows), 1, rows)
            self.assertEqual(rows[0][1], want, "service %d" % service)
            if want == "email":
                self.assertEqual(rows[0][2], email)
            if last:
                break
            # The appeal, registered by the next level.
            nxt = chain[level + 1]
            k = self.journal_count(nxt, first["year"])
            res = self.act_ok(cur_id, "appeal", nxt, state="decided")
            self.assertEqual(text_of(res, "state-before"), "decided")
            nt = new_talon(self, res)
            self.assertEqual(nt["body"], nxt)
            self.assertEqual(nt["journal-number"], k + 1,
                             "the appeal's number in %s's journal" % nxt)
            self.assertNotIn(nt["number"], [x[1] for x in talons])
            talons.append((nt["id"], nt["number"], nxt))
            rec = self.record(nt["id"]).xml()
            self.assertEqual(text_of(rec, "state"), "registered")
            self.assertEqual(rec.find("body").get("code"), nxt)
            self.assertEqual(text_of(rec, "subject/institution"), inst)
            case = [(int(e.get("id")), e.get("number"), e.get("body"))
                    for e in rec.find("case")]
            self.assertEqual(case, talons)
            links = [e.get("link") for e in rec.find("case")]
            self.assertEqual(links, [None] + ["appeal-of"] * level +
                             ["appeal-of"])
            # The first talon's status names the body handling it now.
            st = self.status(first["number"])
            hb = st.find("handled-by")
            self.assertIsNotNone(hb, "no handled-by after the appeal to "
                                 "%s" % nxt)
            self.assertEqual(hb.find("body-ref").get("code"), nxt)
            self.assertEqual(text_of(hb, "state"), "registered")
            self.assertEqual(text_of(hb, "due"), nt["due"])
            # The new talon's own status.
            st2 = self.status(nt["number"])
            self.assertEqual(text_of(st2, "state"), "registered")
            self.assertEqual(st2.find("body").get("code"), nxt)
            cur_id = nt["id"]
        # The last level: the court, not another body.
        r = self.act(cur_id, "appeal", chain[-1])
        self.assertError(r, 409, "no-higher-body")
        st = self.status(first["number"])
        if len(chain) > 1:
            hb = st.find("handled-by")
            self.assertIsNotNone(hb)
            self.assertEqual(hb.find("body-ref").get("code"), chain[-1])
            others = [(e.get("number"), e.get("body")) for e in
                      st.find("case")]
            self.assertEqual(others, [(n, b) for _, n, b in talons[1:]])
        else:
            self.assertIsNone(st.find("handled-by"))
            self.assertIsNone(st.find("case"))
        # The outcome with the access code.
        st = self.status(first["number"], first["access-code"])
        self.assertEqual(text_of(st, "decision/outcome"), "rejected")
        # Every record of the case is still a valid document, also those
        # of the entries appealed.
        for cid, _, _ in talons[:-1]:
            rows = self.d.query("SELECT CAST(state_before AS BLOB) FROM "
                                "event WHERE complaint_id = ? AND action = "
                                "'appeal'", (cid,))
            self.assertEqual(rows, [(b"decided",)], "service %d: the "
                             "appeal event of complaint %d" % (service, cid))
        for cid, _, _ in talons:
            self.record(cid)

    # --- 2. Forwarding ------------------------------------------------------

    def test_forwarding(self):
        # Service 10 goes to the institution first: its district office
        # is not competent yet and proposes forwarding to the school.
        inst = institution_for(10, parent="almaty-turksib")
        t = talon_info(self.register_ok("almaty-turksib", 10, inst))
        self.assertEqual(t["forward-proposed"], inst)
        orig = self.id_of(t["number"])
        ev = self.events(orig, "register")
        self.assertIn(inst, ev[0][1] or "")
        k = self.journal_count(inst, t["year"])
        res = self.act_ok(orig, "forward", "almaty-turksib",
                          [("to", inst),
                           ("reason", "Телнұсқаны мектеп береді")],
                          state="forwarded")
        self.assertEqual(text_of(res, "state-before"), "registered")
        nt = new_talon(self, res)
        self.assertEqual(nt["body"], inst)
        self.assertEqual(nt["journal-number"], k + 1)
        self.assertEqual(nt["year"], t["year"])
        self.assertNotEqual(nt["number"], t["number"])
        # The receiving body's own talon and journal, numbered from 1.
        r = self.d.talon(nt["number"])
        tal = self.assertTalon(r, 200)
        self.assertIsNone(text_of(tal, "access-code"))
        self.assertEqual(int(tal.find("journal-number").text), k + 1)
        self.assertEqual(tal.find("body").get("code"), inst)
        st = self.status(nt["number"], nt["access-code"])
        self.assertEqual(text_of(st, "state"), "registered")
        self.assertEqual(st.find("body").get("code"), inst)
        nos = [int(x) for (x,) in self.d.query(
            "SELECT c.journal_no FROM complaint c JOIN body b ON "
            "b.id = c.body_id WHERE b.code = ? AND c.journal_year = ? "
            "ORDER BY c.journal_no", (inst, t["year"]))]
        self.assertEqual(nos, list(range(1, len(nos) + 1)))
        r = self.d.get("/api/v1/journal?body=%s&year=%d" % (inst, t["year"]))
        self.assertEqual(r.status, 200, r)
        self.assertValid(r.body, "journal")
        self.assertEqual([int(text_of(e, "number")) for e in
                          r.xml().findall("entry")], nos)
        # The original is forwarded and points to the receiving body.
        st = self.status(t["number"])
        self.assertEqual(text_of(st, "state"), "forwarded")
        hb = st.find("handled-by")
        self.assertIsNotNone(hb)
        self.assertEqual(hb.find("body-ref").get("code"), inst)
        self.assertEqual(text_of(hb, "state"), "registered")
        case = [(e.get("number"), e.get("body"), e.get("link"))
                for e in st.find("case")]
        self.assertEqual(case, [(nt["number"], inst, "forwarded-from")])
        rec = self.record(nt["id"]).xml()
        self.assertEqual(text_of(rec, "state"), "registered")
        self.assertEqual(text_of(rec, "subject/institution"), inst)
        self.assertEqual([e.get("number") for e in rec.find("case")],
                         [t["number"], nt["number"]])
        # The applicant is told, within the rule set's 3 working days.
        rows = self.notifications(orig, "forwarded")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][1], "post")
        due_by = iso_date(rows[0][3])
        today = almaty_today()
        self.assertGreaterEqual(due_by, today)
        self.assertLessEqual(due_by, today + datetime.timedelta(days=10))
        # A forwarded complaint is no longer the sender's to act on.
        self.assertRefused(orig, "assign", "almaty-turksib", 409,
                           "transition-not-allowed")
        self.assertRefused(orig, "forward", "almaty-turksib", 409,
                           "transition-not-allowed",
                           [("to", "almaty-medeu"), ("reason", "Тағы")])
        # The receiving body works on its entry; an appeal of its
        # decision goes to the district office.
        self.act_ok(nt["id"], "assign", inst, state="in-review")
        self.act_ok(nt["id"], "decide", inst, state="decided")
        res = self.act_ok(nt["id"], "appeal", "almaty-turksib")
        self.assertEqual(new_talon(self, res)["body"], "almaty-turksib")

    def test_events_of_forward_and_appeal(self):
        """The event a forward or an appeal appends to the original
        names the state before it, and the original's record is still a
        valid document."""
        inst = institution_for(10, parent="almaty-medeu")
        t = talon_info(self.register_ok("almaty-medeu", 10, inst))
        orig = self.id_of(t["number"])
        self.act_ok(orig, "forward", "almaty-medeu",
                    [("to", inst), ("reason", "Мектепке")])
        inst5 = institution_for(5, parent="almaty-medeu")
        a = talon_info(self.register_ok("almaty-medeu", 5, inst5))
        appealed = self.id_of(a["number"])
        self.act_ok(appealed, "assign", "almaty-medeu")
        self.act_ok(appealed, "decide", "almaty-medeu")
        self.act_ok(appealed, "appeal", body_on("mes", almaty_today()))
        for cid, action, before, after in (
                (orig, "forward", "registered", "forwarded"),
                (appealed, "appeal", "decided", "decided")):
            with self.subTest(action=action):
                rows = self.d.query(
                    "SELECT CAST(state_before AS BLOB), state_after FROM "
                    "event WHERE complaint_id = ? AND action = ?",
                    (cid, action))
                self.assertEqual(len(rows), 1, rows)
                self.assertEqual(rows[0][0], before.encode(),
                                 "the %s event's state_before" % action)
                self.assertEqual(rows[0][1], after)
                self.record(cid)

    def test_forward_proposed_at_a_higher_level(self):
        # Service 5 at the ministry (of the day: the Ministry of
        # Enlightenment): the district office comes first.
        inst = institution_for(5, parent="almaty-almaly")
        t = talon_info(self.register_ok("mop", 5, inst))
        self.assertEqual(t["forward-proposed"], "almaty-almaly")
        # Service 8 at the city department: the TVET institution first.
        inst = institution_for(8)
        t = talon_info(self.register_ok("almaty-edu", 8, inst))
        self.assertEqual(t["forward-proposed"], inst)
        res = self.act_ok(t["number"], "forward", "almaty-edu",
                          [("to", inst), ("reason", "Колледжге")],
                          state="forwarded")
        self.assertEqual(new_talon(self, res)["body"], inst)

    def test_forward_proposed_at_another_district_office(self):
        """A complaint about a Turksib school's admissions handed in at
        the Auezov district office: routing.xml gives the institution's
        own district office (parent-body) as the first level, and
        talon.xsd says forward-proposed names "the body the routing rules
        name when it is not this one"."""
        inst = institution_for(5, parent="almaty-turksib")
        self.assertEqual(chain_for(5, inst)[0], "almaty-turksib")
        t = talon_info(self.register_ok("almaty-auezov", 5, inst))
        self.assertEqual(t["forward-proposed"], "almaty-turksib",
                         "registered at almaty-auezov about %s (parent "
                         "almaty-turksib): no forwarding proposed" % inst)

    # --- 3. Extension -------------------------------------------------------

    def test_extension(self):
        t = talon_info(self.register_ok("almaty-almaly", 4,
                                        institution_for(4, "almaty-almaly")))
        cid = self.id_of(t["number"])
        due = iso_date(t["due"])
        # A state service: at most 10 working days more (State Services
        # Law art. 25, see rules.xml); a week is within them.
        ok_until = due + datetime.timedelta(days=7)
        reason = [("reason", "Қосымша тексеру қажет: мектептен құжаттар "
                   "сұратылды.")]
        # Not before the complaint is taken up.
        self.assertRefused(cid, "extend", "almaty-almaly", 409,
                           "transition-not-allowed",
                           reason + [("until", ok_until.isoformat())])
        self.act_ok(cid, "assign", "almaty-almaly", state="in-review")
        # The reason is required.
        self.assertRefused(cid, "extend", "almaty-almaly", 400, None,
                           [("until", ok_until.isoformat())])
        # Beyond the bound.
        self.assertRefused(cid, "extend", "almaty-almaly", 400,
                           "extension-too-long",
                           reason + [("until",
                                      add_months(due, 3).isoformat())])
        self.assertRefused(cid, "extend", "almaty-almaly", 400,
                           "extension-too-short",
                           reason + [("until", (due - datetime.timedelta(
                               days=1)).isoformat())])
        res = self.act_ok(cid, "extend", "almaty-almaly",
                          reason + [("until", ok_until.isoformat())],
                          state="extended")
        self.assertEqual(text_of(res, "due"), ok_until.isoformat())
        rec = self.record(cid).xml()
        self.assertEqual(text_of(rec, "due"), ok_until.isoformat())
        self.assertEqual(text_of(rec, "extension-reason"), reason[0][1])
        self.assertEqual(text_of(self.status(t["number"]), "due"),
                         ok_until.isoformat())
        rows = self.notifications(cid, "extended")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][1], "post")
        self.assertIsNotNone(rows[0][3])
        # Only once.
        self.assertRefused(cid, "extend", "almaty-almaly", 409,
                           "already-extended",
                           reason + [("until", (ok_until + datetime.
                                      timedelta(days=5)).isoformat())])
        self.assertRefused(cid, "extend", "almaty-almaly", 409,
                           "already-extended", reason)
        # An extended complaint is decided as any other.
        self.act_ok(cid, "decide", "almaty-almaly", state="decided")

    def test_extension_to_the_bound(self):
        t = talon_info(self.register_ok("almaty-almaly", 5,
                                        institution_for(5, "almaty-almaly")))
        cid = self.id_of(t["number"])
        due = iso_date(t["due"])
        self.act_ok(cid, "assign", "almaty-almaly")
        res = self.act_ok(cid, "extend", "almaty-almaly",
                          [("reason", "Сараптама қажет")], state="extended")
        new = iso_date(text_of(res, "due"))
        # 10 working days: two weeks at least, three with holidays at
        # most.
        self.assertGreaterEqual(new, due + datetime.timedelta(days=14))
        self.assertLessEqual(new, due + datetime.timedelta(days=21),
                             "extended from %s to %s: more than 10 working "
                             "days" % (due, new))

    # --- 4. Decisions -------------------------------------------------------

    def test_decision_needs_reasoning(self):
        t = talon_info(self.register_ok("almaty-bostandyk", 6,
                                        institution_for(6,
                                                        "almaty-bostandyk")))
        cid = self.id_of(t["number"])
        self.act_ok(cid, "assign", "almaty-bostandyk")
        self.assertRefused(cid, "decide", "almaty-bostandyk", 400, None,
                           [("outcome", "upheld")])
        self.assertRefused(cid, "decide", "almaty-bostandyk", 400, None,
                           [("outcome", "upheld"), ("reasoning", "   ")])
        self.assertRefused(cid, "decide", "almaty-bostandyk", 400, None,
                           [("outcome", "granted"),
                            ("reasoning", "Негізделген")])
        self.assertEqual(self.notifications(cid, "decision"), [])
        self.act_ok(cid, "decide", "almaty-bostandyk",
                    [("outcome", "upheld"),
                     ("reasoning", "Шағым негізді: бала мектепке "
                      "қабылдансын.")], state="decided")
        rows = self.notifications(cid, "decision")
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][1], "post")
        self.assertEqual(rows[0][2], text_of(self.record(cid).xml(),
                                             "applicant/address"))

    def test_decision_notice_channel(self):
        inst = institution_for(11, "almaty-bostandyk")
        cases = [(11, "meals.parent@example.kz", "email"),
                 (11, None, "post"),
                 (5, "school.parent@example.kz", "post")]
        for service, email, want in cases:
            with self.subTest(service=service, email=email):
                t = talon_info(self.register_ok(
                    "almaty-bostandyk", service,
                    inst if service == 11 else
                    institution_for(5, "almaty-bostandyk"), email=email))
                cid = self.id_of(t["number"])
                self.act_ok(cid, "assign", "almaty-bostandyk")
                self.act_ok(cid, "decide", "almaty-bostandyk")
                rows = self.notifications(cid, "decision")
                self.assertEqual(len(rows), 1, rows)
                self.assertEqual(rows[0][1], want)
                if email and want == "email":
                    self.assertEqual(rows[0][2], email)

    # --- 5. Refusals --------------------------------------------------------

    def test_refusals(self):
        inst = institution_for(5, "almaty-zhetysu")
        t = talon_info(self.register_ok("almaty-zhetysu", 5, inst))
        cid = self.id_of(t["number"])
        # Another body's complaint.
        for root in ("assign", "decide", "note", "close", "withdraw"):
            with self.subTest(action=root):
                self.assertRefused(cid, root, "almaty-medeu", 403,
                                   "other-body")
        self.assertRefused(cid, "forward", "almaty-medeu", 403, "other-body",
                           [("to", "almaty-medeu"), ("reason", "Бізге")])
        # Forwarding to no body, or to itself.
        self.assertRefused(cid, "forward", "almaty-zhetysu", 400,
                           "unknown-body",
                           [("to", "almaty-nowhere"), ("reason", "Қате")])
        self.assertRefused(cid, "forward", "almaty-zhetysu", 409,
                           "same-body",
                           [("to", "almaty-zhetysu"), ("reason", "Қате")])
        # Not allowed in this state.
        self.assertRefused(cid, "decide", "almaty-zhetysu", 409,
                           "transition-not-allowed")
        self.assertRefused(cid, "appeal", "almaty-zhetysu", 409,
                           "transition-not-allowed")
        # Through to closed.
        self.act_ok(t["number"], "assign", "almaty-zhetysu",
                    state="in-review")
        self.act_ok(cid, "decide", "almaty-zhetysu", state="decided")
        # An appeal registered by a third body.
        self.assertRefused(cid, "appeal", "almaty-medeu", 403, "other-body")
        self.act_ok(cid, "answer", "almaty-zhetysu", state="answered")
        self.act_ok(cid, "close", "almaty-zhetysu", state="closed")
        for root in ("assign", "decide", "note", "close", "answer",
                     "withdraw", "appeal"):
            with self.subTest(closed=root):
                self.assertRefused(cid, root, "almaty-zhetysu", 409, None)
        self.assertRefused(cid, "extend", "almaty-zhetysu", 409, None,
                           [("reason", "Кеш")])
        self.assertRefused(cid, "forward", "almaty-zhetysu", 409, None,
                           [("to", "almaty-medeu"), ("reason", "Кеш")])
        self.assertRefused(cid, "leave-without-consideration",
                           "almaty-zhetysu", 409, None,
                           [("ground", "repeated")])
        # Another body's closed complaint: still 403.
        self.assertRefused(cid, "note", "almaty-medeu", 403, "other-body")
        # An unknown document and an unknown complaint.
        r = self.d.post_xml("/api/v1/complaints/%d/actions" % cid,
                            action_xml("approve", "almaty-zhetysu"))
        self.assertError(r, 400, "unknown-action")
        r = self.act(999999, "note", "almaty-zhetysu")
        self.assertError(r, 404)
        self.assertEqual(text_of(self.record(cid).xml(), "state"), "closed")

    # --- 7. Repeated complaints ----------------------------------------------

    def test_repeated_complaints(self):
        inst = institution_for(5, "almaty-medeu")
        who = applicant()
        first = talon_info(self.register_ok("almaty-medeu", 5, inst, **who))
        first_id = self.id_of(first["number"])
        shouted = {k: v.upper() for k, v in who.items()}
        again = talon_info(self.register_ok("almaty-medeu", 5, inst,
                                            **shouted))
        again_id = self.id_of(again["number"])
        rec = self.record(again_id).xml()
        self.assertEqual(text_of(rec, "repeat-of"), str(first_id),
                         "the same applicant (letter case aside) on the "
                         "same institution and service is not a repeat")
        self.assertIsNone(text_of(self.record(first_id).xml(), "repeat-of"))
        # Another service or another institution: not a repeat.
        other_svc = talon_info(self.register_ok("almaty-medeu", 4, inst,
                                                **who))
        self.assertIsNone(text_of(self.record(self.id_of(
            other_svc["number"])).xml(), "repeat-of"))
        other_inst = [c for c, i in DIRECTORY.items()
                      if i["parent"] == "almaty-medeu" and 5 in i["services"]
                      and c != inst][0]
        oi = talon_info(self.register_ok("almaty-medeu", 5, other_inst,
                                         **who))
        self.assertIsNone(text_of(self.record(self.id_of(
            oi["number"])).xml(), "repeat-of"))
        # Left without consideration as repeated: only a repeat.
        lwc = [("ground", "repeated"),
               ("reason", "Осы мәселе бойынша шешім бұрын берілген")]
        self.assertRefused(first_id, "leave-without-consideration",
                           "almaty-medeu", 409, "not-repeated", lwc)
        self.act_ok(again_id, "leave-without-consideration", "almaty-medeu",
                    lwc, state="left-without-consideration")
        rec = self.record(again_id).xml()
        self.assertEqual(text_of(rec, "left-without-consideration"),
                         "repeated")
        self.assertEqual(text_of(self.status(again["number"]), "state"),
                         "left-without-consideration")

    # --- 9. Journal export --------------------------------------------------

    def test_journal_export(self):
        body = "almaty-bostandyk"
        mine = []
        for service in (3, 5, 11):
            t = talon_info(self.register_ok(
                body, service, institution_for(service, body),
                surname="Қасымов, \"Ержан\""))
            mine.append(t["number"])
        year = t["year"]
        self.act_ok(mine[0], "assign", body)
        path = "/api/v1/journal?body=%s&year=%d" % (body, year)
        r = self.d.get(path)
        self.assertEqual(r.status, 200, r)
        self.assertXmlResponse(r)
        self.assertValid(r.body, "journal")
        root = r.xml()
        self.assertEqual(root.get("body"), body)
        self.assertEqual(root.get("year"), str(year))
        entries = root.findall("entry")
        n = self.journal_count(body, year)
        self.assertEqual(len(entries), n)
        self.assertEqual([int(text_of(e, "number")) for e in entries],
                         list(range(1, n + 1)))
        talons = [text_of(e, "talon") for e in entries]
        for number in mine:
            self.assertIn(number, talons)
        e0 = entries[talons.index(mine[0])]
        self.assertEqual(text_of(e0, "assigned-to"),
                         REASONS["assign"][0][1])
        self.assertIn("Қасымов", text_of(e0, "applicant"))
        # The same journal as CSV.
        r = self.d.get(path, headers={"Accept": "text/csv"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue((r.header("Content-Type") or "").startswith(
            "text/csv"), r.header("Content-Type"))
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"),
                                           newline="")))
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual(len(rows), n + 1)
        for row in rows[1:]:
            self.assertEqual(len(row), len(CSV_HEADER), row)
        self.assertEqual([int(x[0]) for x in rows[1:]],
                         list(range(1, n + 1)))
        self.assertEqual([x[10] for x in rows[1:]], talons)
        row0 = rows[1 + talons.index(mine[0])]
        self.assertIn('Қасымов, "Ержан"', row0[2])
        self.assertEqual(row0[11], "in-review")
        # An unknown body; a bad year.
        r = self.d.get("/api/v1/journal?body=nowhere&year=%d" % year)
        self.assertError(r, 400)
        r = self.d.get("/api/v1/journal?body=%s&year=20x6" % body)
        self.assertError(r, 400)

    # --- 10. Directory ------------------------------------------------------

    def directory(self, q, status=200):
        r = self.d.get("/api/v1/directory?q=%s&limit=200" %
                       urllib.parse.quote(q))
        self.assertEqual(r.status, status, r)
        self.assertValid(r.body, "directory-result")
        return r.xml().findall("entry")

    def test_directory_search(self):
        found = self.directory("түрксіб")
        codes = [e.get("code") for e in found]
        self.assertIn("almaty-turksib", codes)
        for e in found:
            text = " ".join(filter(None, [text_of(e, "name"),
                                          text_of(e, "address")])).lower()
            self.assertTrue("түрксіб" in text or
                            e.get("district") == "turksib", codes)
        self.assertIn("almaty-turksib",
                      [e.get("code") for e in self.directory("турксибского")])
        self.assertIn("almaty-turksib",
                      [e.get("code") for e in
                       self.directory("отдел образования турксибского")])
        # Part of an institution's name, in lower case.
        found = self.directory("14 жалпы білім")
        self.assertIn("school-14", [e.get("code") for e in found])
        # A number typed whole comes before the numbers it begins
        # (No. 14 before No. 149, whose "149" also begins with "14").
        found = [e.get("code") for e in self.directory("мектеп 14")]
        self.assertIn("school-149", found)
        self.assertEqual(found[0], "school-14", found)
        self.assertEqual(self.directory("жоқмекемеатауы"), [])

    def test_directory_entry(self):
        r = self.d.get("/api/v1/directory/school-14")
        self.assertEqual(r.status, 200, r)
        self.assertValid(r.body, "directory-result")
        e = r.xml().findall("entry")
        self.assertEqual(len(e), 1)
        self.assertEqual(e[0].get("code"), "school-14")
        self.assertEqual(e[0].get("parent"), "almaty-alatau")
        self.assertEqual(e[0].get("district"), "alatau")
        self.assertIn("5", (text_of(e[0], "services") or "").split())
        r = self.d.get("/api/v1/directory/almaty-alatau")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.xml().find("entry").get("parent"), "almaty-edu")
        r = self.d.get("/api/v1/directory/school-999999")
        self.assertError(r, 404)

    # --- 8. Audit (last: it tampers with the store) -------------------------

    def tamper(self):
        """Edits complaint 3 behind the daemon's back, once."""
        while self.d.count_complaints() < 3:
            self.register_ok("almaty-medeu", 5)
        if text_of(self.verify(), "result") == "ok":
            subprocess.run(["sqlite3", self.d.db_path,
                            "UPDATE complaint SET surname='X' WHERE id=3"],
                           check=True, timeout=30, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)

    def test_zz_audit(self):
        while self.d.count_complaints() < 3:
            self.register_ok("almaty-medeu", 5)
        v = self.verify()
        self.assertEqual(text_of(v, "result"), "ok", ET.tostring(
            v, encoding="unicode"))
        self.assertIsNone(v.find("first-bad"))
        self.assertEqual(int(text_of(v, "complaints")),
                         self.d.count_complaints())
        self.assertEqual(int(text_of(v, "events")),
                         self.d.query("SELECT count(*) FROM event")[0][0])
        self.tamper()
        v = self.verify()
        self.assertEqual(text_of(v, "result"), "tampered")
        self.assertIn("complaint 3", text_of(v, "first-bad") or "")

    def test_zz_audit_ctl_verify(self):
        if not ctl_available():
            self.skipTest("complaintctl is not built")
        p = subprocess.run([CTL_BIN, "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        if not re.search(r"^\s+verify\b", p.stdout.decode("utf-8",
                                                          "replace"), re.M):
            self.skipTest("complaintctl has no verify command yet")
        self.tamper()
        p = subprocess.run([CTL_BIN, "-u", self.d.url(), "verify"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        self.assertEqual(p.returncode, 1, "complaintctl verify on a "
                         "tampered store: exit %d\n%s%s" %
                         (p.returncode, p.stdout.decode(),
                          p.stderr.decode()))


class DeadlineWatchTest(LifecycleMixin, PerTestDaemonCase):
    """The deadline watch, with the daemon's clock moved by
    test_clock_offset between restarts on the same data folder."""

    WAIT = 6.0

    def restart_at(self, day, **conf):
        """Restarts with the clock moved so that Almaty's date is day."""
        self.d.stop()
        offset = (day - almaty_today()).days * 86400
        self.d.extra["test_clock_offset"] = offset
        self.d.extra.update(conf)
        self.d.start()

    def wait_for(self, what, fn):
        deadline = time.monotonic() + self.WAIT
        while time.monotonic() < deadline:
            if fn():
                return
            time.sleep(0.1)
        self.fail("within %.0f s: %s" % (self.WAIT, what))

    def test_forwarding_watch(self):
        """A complaint registered at a body the routing rules do not name
        must be forwarded within 3 working days (stored at registration).
        Registered on Monday 7 December 2026: by Thursday 10 December
        (8, 9, 10).  The watch reminds the body and marks the complaint
        overdue, each once; one forwarded in time and one taken up are
        left alone."""
        start = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=ALMATY)
        self.d = self.new_daemon({"watch_interval": 1, "remind_days": 0,
                                  "test_clock_offset":
                                  int(start.timestamp() - time.time())})
        inst = institution_for(5, "almaty-alatau")
        ids = {}
        for k in ("x", "y", "z"):
            t = talon_info(self.register_ok("almaty-almaly", 5, inst))
            self.assertEqual(t["forward-proposed"], "almaty-alatau", t)
            ids[k] = self.d.query("SELECT id FROM complaint WHERE talon=?",
                                  (t["number"],))[0][0]
            self.assertEqual(self.d.query(
                "SELECT forward_due FROM complaint WHERE id = ?",
                (ids[k],))[0][0], "2026-12-10")
        self.act_ok(ids["y"], "forward", "almaty-almaly",
                    [("to", "almaty-alatau"),
                     ("reason", "Алатау ауданының мектебі")],
                    state="forwarded")
        self.act_ok(ids["z"], "assign", "almaty-almaly")
        rec = self.record(ids["x"]).xml()
        self.assertEqual(text_of(rec, "law/forward-by"), "2026-12-10")
        items = {int(i.get("id")): i for i in
                 self.d.get("/api/v1/complaints?body=almaty-almaly")
                 .xml().findall("item")}
        self.assertEqual(text_of(items[ids["x"]], "forward-by"),
                         "2026-12-10")
        self.assertIsNone(items[ids["z"]].find("forward-by"))

        # Wednesday 9 December, reminders one working day ahead.
        self.restart_at(datetime.date(2026, 12, 9), remind_days=1)
        self.wait_for("a forward-remind event",
                      lambda: self.events(ids["x"], "forward-remind"))
        time.sleep(2.5)
        self.assertEqual(len(self.events(ids["x"], "forward-remind")), 1)
        self.assertEqual(self.events(ids["x"], "forward-overdue"), [])
        # The body is told, as for the main deadline: internal, naming
        # the forwarding deadline.
        rows = self.notifications(ids["x"], "reminder")
        self.assertEqual([(r[1], r[2], r[3]) for r in rows],
                         [("internal", "almaty-almaly", "2026-12-10")])
        for k in ("y", "z"):
            self.assertEqual(self.events(ids[k], "forward-remind"), [], k)

        # Friday 11 December: overdue, once.
        self.restart_at(datetime.date(2026, 12, 11), remind_days=1)
        self.wait_for("a forward-overdue event",
                      lambda: self.events(ids["x"], "forward-overdue"))
        time.sleep(2.5)
        ev = self.events(ids["x"], "forward-overdue")
        self.assertEqual(len(ev), 1, ev)
        self.assertIn("2026-12-10", ev[0][1])
        for k in ("y", "z"):
            self.assertEqual(self.events(ids[k], "forward-overdue"), [], k)
            self.assertEqual(self.notifications(ids[k], "overdue"), [], k)
        rows = self.notifications(ids["x"], "overdue")
        self.assertEqual([(r[1], r[3]) for r in rows],
                         [("internal", "2026-12-10")])
        rec = self.record(ids["x"]).xml()
        self.assertIsNotNone(rec.find("law/forward-overdue-since"))
        items = {int(i.get("id")): i for i in
                 self.d.get("/api/v1/complaints?body=almaty-almaly")
                 .xml().findall("item")}
        self.assertEqual(text_of(items[ids["x"]], "forward-overdue"),
                         "true")
        # The audit trail still verifies.
        r = self.d.get("/api/v1/verify")
        self.assertEqual(r.status, 200, r)

    def test_overdue_and_reminders(self):
        self.d = self.new_daemon({"watch_interval": 1, "remind_days": 0})
        inst = institution_for(5, "almaty-alatau")
        x = talon_info(self.register_ok("almaty-alatau", 5, inst))
        y = talon_info(self.register_ok("almaty-alatau", 11,
                                        institution_for(11, "almaty-alatau")))
        z = talon_info(self.register_ok("almaty-alatau", 4,
                                        institution_for(4, "almaty-alatau")))
        self.assertEqual(x["due"], y["due"])
        self.assertEqual(x["due"], z["due"])
        ids = {}
        for k, t in (("x", x), ("y", y), ("z", z)):
            ids[k] = self.d.query("SELECT id FROM complaint WHERE talon=?",
                                  (t["number"],))[0][0]
        # z is decided: no longer watched.
        self.act_ok(ids["z"], "assign", "almaty-alatau")
        self.act_ok(ids["z"], "decide", "almaty-alatau", state="decided")
        due = iso_date(x["due"])

        # The day before the due date, reminders off (remind_days = 0).
        self.restart_at(due - datetime.timedelta(days=1))
        time.sleep(2.5)
        for k in ids:
            self.assertEqual(self.events(ids[k], "remind"), [], k)
            self.assertEqual(self.notifications(ids[k], "reminder"), [], k)

        # Reminders on: one, once.
        self.restart_at(due - datetime.timedelta(days=1), remind_days=1)
        self.wait_for("a remind event for both open complaints",
                      lambda: all(self.events(ids[k], "remind")
                                  for k in ("x", "y")))
        time.sleep(2.5)
        for k in ("x", "y"):
            self.assertEqual(len(self.events(ids[k], "remind")), 1, k)
            rows = self.notifications(ids[k], "reminder")
            self.assertEqual(len(rows), 1, rows)
            self.assertEqual(rows[0][1], "internal")
            self.assertEqual(rows[0][2], "almaty-alatau")
            self.assertEqual(self.events(ids[k], "overdue"), [])
            st = self.status(x["number"])
            self.assertIsNone(st.find("overdue"))
        self.assertEqual(self.events(ids["z"], "remind"), [])
        self.assertEqual(self.notifications(ids["z"], "reminder"), [])
        r = self.d.get("/api/v1/complaints?overdue=1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.xml().findall("item"), [])

        # Past the due date: overdue, on the escalation desk.
        self.restart_at(due + datetime.timedelta(days=1))
        self.wait_for("x is overdue in its status",
                      lambda: text_of(self.status(x["number"]),
                                      "overdue") == "true")
        self.wait_for("an overdue event for y",
                      lambda: self.events(ids["y"], "overdue"))
        time.sleep(2.5)
        for k in ("x", "y"):
            self.assertEqual(len(self.events(ids[k], "overdue")), 1, k)
            rows = self.notifications(ids[k], "overdue")
            self.assertEqual(len(rows), 1, rows)
            self.assertEqual(rows[0][1], "internal")
            self.assertEqual(len(self.events(ids[k], "remind")), 1, k)
            self.assertEqual(len(self.notifications(ids[k], "reminder")), 1)
            rec = self.record(ids[k]).xml()
            self.assertIsNotNone(rec.find("overdue-since"))
        self.assertEqual(text_of(self.status(y["number"]), "overdue"), "true")
        self.assertEqual(self.events(ids["z"], "overdue"), [])
        self.assertIsNone(self.status(z["number"]).find("overdue"))
        r = self.d.get("/api/v1/complaints?overdue=1")
        self.assertEqual(r.status, 200, r)
        self.assertValid(r.body, "complaints")
        items = r.xml().findall("item")
        self.assertEqual(sorted(int(i.get("id")) for i in items),
                         sorted([ids["x"], ids["y"]]))
        for i in items:
            self.assertEqual(text_of(i, "overdue"), "true")
        r = self.d.get("/api/v1/complaints?overdue=1&body=almaty-medeu")
        self.assertEqual(r.xml().findall("item"), [])
        # Deciding takes it off the desk.
        self.act_ok(ids["x"], "assign", "almaty-alatau")
        self.act_ok(ids["x"], "decide", "almaty-alatau")
        self.assertIsNone(self.status(x["number"]).find("overdue"))
        r = self.d.get("/api/v1/complaints?overdue=1")
        self.assertEqual([int(i.get("id")) for i in r.xml().findall("item")],
                         [ids["y"]])
        self.assertEqual(text_of(self.verify(), "result"), "ok")

    def test_watch_leaves_a_tampered_row(self):
        """A complaint edited behind the daemon's back is not marked
        overdue by the watch (that would record a new hash over the
        edited row), so verify still names it; the intact one beside it
        is marked."""
        self.d = self.new_daemon({"watch_interval": 1, "remind_days": 0})
        inst = institution_for(5, "almaty-alatau")
        x = talon_info(self.register_ok("almaty-alatau", 5, inst))
        y = talon_info(self.register_ok("almaty-alatau", 5, inst))
        ids = {}
        for k, t in (("x", x), ("y", y)):
            ids[k] = self.d.query("SELECT id FROM complaint WHERE talon=?",
                                  (t["number"],))[0][0]
        self.assertEqual(text_of(self.verify(), "result"), "ok")
        subprocess.run(["sqlite3", self.d.db_path,
                        "UPDATE complaint SET surname='X' WHERE id=%d" %
                        ids["x"]], check=True, timeout=30,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.restart_at(iso_date(x["due"]) + datetime.timedelta(days=1))
        self.wait_for("an overdue event for y",
                      lambda: self.events(ids["y"], "overdue"))
        time.sleep(2.5)
        self.assertEqual(self.events(ids["x"], "overdue"), [])
        self.assertEqual(self.notifications(ids["x"], "overdue"), [])
        v = self.verify()
        self.assertEqual(text_of(v, "result"), "tampered")
        self.assertIn("complaint %d" % ids["x"], text_of(v, "first-bad"))


if __name__ == "__main__":
    unittest.main()
