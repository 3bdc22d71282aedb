"""Crash consistency: SIGKILL the daemon under concurrent load, again and
again, and check that nothing it acknowledged was lost.

Several client threads register complaints (service 11, which allows
answers by email, each with its own email address) and act on them
(assign, extend, decide, forward) while the main thread kills the daemon
with SIGKILL after a random delay; the daemon is restarted on the same
data folder each time.  After every round:

- every talon a client received (201, or the new talon of a forward) is
  in the journal with the data that was sent;
- every acknowledged action (200) is reflected: the complaint's state is
  the one the answer gave or one reachable from it;
- journal numbers are gap-free per body and year, and so are outgoing
  numbers; PRAGMA integrity_check is ok; GET /api/v1/verify and
  "complaintctl verify" say ok.

At the end, after a clean restart and once the outbox has drained, no
notification is lost or sent twice: every email notification is sent
and captured (mail_capture), and a Message-ID appears more than once only
when the kill fell between the send and its record (notify/outbox.c:
the daemon then sends again with the same Message-ID); such duplicates
are counted and reported.

    CRASH_ROUNDS   number of kills (default 30)
    CRASH_SEED     the seed, to replay a failure (printed at the start)
    CRASH_CLIENTS  client threads (default 4)

The seed fixes the kill delays and the clients' choices; the
interleaving of threads is the scheduler's.  The SQLite file is read
read-only (harness.db_query)."""

import email.parser
import http.client
import os
import random
import subprocess
import sys
import threading
import time
import unittest
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import harness  # noqa: E402
from harness import (CTL_BIN, PerTestDaemonCase, ctl_available,  # noqa: E402
                     text_of, xmllint_validate)

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "30"))
CLIENTS = int(os.environ.get("CRASH_CLIENTS", "4"))
SEED = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(
    1, 2 ** 31))
# Load before each kill, in seconds.
DELAY_MIN, DELAY_MAX = 0.15, 1.4
REQUEST_TIMEOUT = 10
DRAIN_TIMEOUT = 60

OFFICES = ["almaty-alatau", "almaty-almaly", "almaty-auezov",
           "almaty-bostandyk", "almaty-zhetysu", "almaty-medeu",
           "almaty-turksib"]
SERVICE = 11    # answers by email allowed (schemas/data/routing.xml)

# The state machine (complaints/lifecycle.c), plus the outbox's answer.
NEXT = {
    "registered": {"in-review", "forwarded", "left-without-consideration"},
    "in-review": {"in-review", "forwarded", "extended", "decided",
                  "left-without-consideration"},
    "extended": {"extended", "decided", "left-without-consideration"},
    "decided": {"decided", "answered"},
    "answered": {"answered", "closed"},
}
DONE = {"decided", "answered", "closed", "forwarded",
        "left-without-consideration"}


def reachable(state):
    out, todo = {state}, [state]
    while todo:
        for n in NEXT.get(todo.pop(), ()):
            if n not in out:
                out.add(n)
                todo.append(n)
    return out


def action_xml(root, body, fields):
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<%s>" % root,
             "  <by>", "    <name>Оспанов Ерлан Маратұлы</name>",
             "    <position>бөлім басшысы</position>",
             "    <body>%s</body>" % body, "  </by>"]
    for tag, value in fields:
        lines.append("  <%s>%s</%s>" % (tag, escape(value), tag))
    lines.append("</%s>" % root)
    return "\n".join(lines) + "\n"


class Load:
    """What the clients sent and what they were told; shared."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seq = 0
        self.talons = {}        # talon -> what was sent, and the body
        self.acked = []         # (talon, action, state in the answer)
        self.owned = []         # per client: [{talon, body, state}]
        self.unexpected = []    # answers no correct daemon gives
        self.stats = {"register": 0, "assign": 0, "extend": 0,
                      "decide": 0, "forward": 0, "lost": 0}

    def next_seq(self):
        with self.lock:
            self.seq += 1
            return self.seq


class Client(threading.Thread):
    def __init__(self, d, load, idx, rng, stop):
        super().__init__(name="client-%d" % idx, daemon=True)
        self.d, self.load, self.idx, self.rng, self.stop = (d, load, idx,
                                                             rng, stop)
        self.mine = load.owned[idx]

    def run(self):
        while not self.stop.is_set():
            active = [c for c in self.mine if c["state"] is not None and
                      c["state"] not in DONE]
            try:
                if not active or self.rng.random() < 0.35:
                    self.register()
                else:
                    self.act(self.rng.choice(active))
            except (OSError, http.client.HTTPException):
                # The daemon was killed: what was in flight is unknown.
                with self.load.lock:
                    self.load.stats["lost"] += 1
                time.sleep(0.02)

    def register(self):
        n = self.load.next_seq()
        body = self.rng.choice(OFFICES)
        sent = {"body": body, "surname": "Қайтарбаева-%d" % n,
                "reasons": "Шағым № %d: өтінішім мерзімінде қаралмады." % n,
                "service": SERVICE, "email": "crash.%d@example.kz" % n}
        doc = harness.complaint_xml(body=body, service=SERVICE,
                                    surname=sent["surname"],
                                    reasons=sent["reasons"],
                                    email=sent["email"])
        r = self.d.post_xml("/api/v1/complaints", doc,
                            timeout=REQUEST_TIMEOUT)
        if r.status != 201:
            self.unexpected_answer("register at %s" % body, r)
            return
        number = text_of(r.xml(), "number")
        with self.load.lock:
            self.load.talons[number] = sent
            self.load.stats["register"] += 1
        self.mine.append({"talon": number, "body": body,
                          "state": "registered", "sent": sent})

    def act(self, c):
        st = c["state"]
        x = self.rng.random()
        if st == "registered":
            action = "assign" if x < 0.8 else "forward"
        elif st == "in-review":
            action = ("extend" if x < 0.3 else "decide" if x < 0.8 else
                      "forward")
        else:
            action = "decide"
        if action == "assign":
            fields = [("assignee", "Нұрланова Айжан, бас маман")]
        elif action == "extend":
            fields = [("reason", "Қосымша тексеру қажет")]
        elif action == "decide":
            fields = [("outcome", self.rng.choice(
                ["upheld", "partly-upheld", "rejected", "explained"])),
                ("reasoning", "Шағымда көрсетілген мән-жайлар тексерілді.")]
        else:
            to = self.rng.choice([b for b in OFFICES if b != c["body"]])
            fields = [("to", to), ("reason", "Құзыретті органға")]
        # Unknown until this is answered: a kill now leaves it unknown.
        c["state"] = None
        r = self.d.post_xml("/api/v1/complaints/%s/actions" % c["talon"],
                            action_xml(action, c["body"], fields),
                            timeout=REQUEST_TIMEOUT)
        if r.status != 200:
            self.unexpected_answer("%s %s (was %s)" % (action, c["talon"],
                                                       st), r)
            return
        x = r.xml()
        state = text_of(x, "state")
        new = None
        if action == "forward":
            nt = x.find("new-talon")
            new = {"talon": text_of(nt, "number"), "body": to,
                   "state": "registered", "sent": dict(c["sent"], body=to)}
        with self.load.lock:
            self.load.acked.append((c["talon"], action, state))
            self.load.stats[action] += 1
            if new is not None:
                self.load.talons[new["talon"]] = new["sent"]
        c["state"] = state
        if new is not None:
            self.mine.append(new)

    def unexpected_answer(self, what, r):
        with self.load.lock:
            self.load.unexpected.append("%s: %d %s" % (
                what, r.status, r.body[:300].decode("utf-8", "replace")))


@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class CrashTest(PerTestDaemonCase):

    def test_kill_under_load(self):
        t0 = time.monotonic()
        print("\ncrash: seed %d (CRASH_SEED=%d replays), %d rounds, %d "
              "clients" % (SEED, SEED, ROUNDS, CLIENTS), file=sys.stderr)
        rng = random.Random(SEED)
        d = self.new_daemon({"watch_interval": 0, "notify_interval": 1,
                             "mail_host": "crash.test"}, start=False)
        self.capture = os.path.join(d.tmp, "mail")
        os.mkdir(self.capture)
        d.extra["mail_capture"] = self.capture
        d.start()
        self.d = d
        # Every account the clients use, made and signed in now: the
        # clients' threads then only read the harness's token tables.
        for b in OFFICES:
            d.account("registrar", b)
            d.account("head", b)
        d.account("admin", "mop")
        load = Load()
        load.owned = [[] for _ in range(CLIENTS)]
        crng = [random.Random(rng.random()) for _ in range(CLIENTS)]
        for rnd in range(1, ROUNDS + 1):
            self.sync_states(load)
            stop = threading.Event()
            clients = [Client(d, load, i, crng[i], stop)
                       for i in range(CLIENTS)]
            for c in clients:
                c.start()
            time.sleep(rng.uniform(DELAY_MIN, DELAY_MAX))
            d.kill()
            stop.set()
            for c in clients:
                c.join(REQUEST_TIMEOUT + 5)
                self.assertFalse(c.is_alive(), "a client hangs")
            d.start()
            self.check_round(rnd, load)
        # The last, clean restart; then the outbox drains.
        d.restart()
        self.drain()
        self.check_round(ROUNDS + 1, load)
        dups, tmp = self.check_notifications(load)
        s = load.stats
        print("crash: %d rounds in %.1f s: %d registered, %d assigned, %d "
              "extended, %d decided, %d forwarded acknowledged; %d requests "
              "cut by a kill; %d notification(s) sent twice with the same "
              "Message-ID (kill between send and record); %d half-written "
              "capture file(s)" % (
                  ROUNDS, time.monotonic() - t0, s["register"], s["assign"],
                  s["extend"], s["decide"], s["forward"], s["lost"], dups,
                  tmp), file=sys.stderr)

    # --- Between rounds -----------------------------------------------------

    def sync_states(self, load):
        """The state of every complaint whose last action went
        unanswered, from the file."""
        for mine in load.owned:
            for c in mine:
                if c["state"] is None:
                    rows = self.d.query("SELECT state FROM complaint WHERE "
                                        "talon = ?", (c["talon"],))
                    c["state"] = rows[0][0] if rows else "gone"
            mine[:] = [c for c in mine if c["state"] not in DONE]

    def check_round(self, rnd, load):
        where = "round %d (CRASH_SEED=%d)" % (rnd, SEED)
        rows = {r[0]: r[1:] for r in self.d.query(
            "SELECT c.talon, b.code, c.surname, c.reasons, c.service, "
            "c.email, c.state FROM complaint c JOIN body b ON "
            "b.id = c.body_id")}
        # Every talon handed out is in the journal, as sent.
        for talon, sent in load.talons.items():
            self.assertTrue(talon in rows, "%s: talon %s was handed out but "
                            "is not in the journal" % (where, talon))
            got = dict(zip(("body", "surname", "reasons", "service",
                            "email"), rows[talon][:5]))
            self.assertEqual(got, sent, "%s: talon %s" % (where, talon))
        # Every acknowledged action is reflected.
        for talon, action, state in load.acked:
            now = rows[talon][5]
            self.assertIn(now, reachable(state), "%s: %s of %s was answered "
                          "%s, but the complaint is %s" % (
                              where, action, talon, state, now))
        acked = {}
        for talon, action, _ in load.acked:
            acked[(talon, action)] = acked.get((talon, action), 0) + 1
        events = {(t, a): n for t, a, n in self.d.query(
            "SELECT c.talon, e.action, count(*) FROM event e JOIN "
            "complaint c ON c.id = e.complaint_id GROUP BY 1, 2")}
        for k, n in acked.items():
            self.assertGreaterEqual(events.get(k, 0), n, "%s: %s of %s "
                                    "answered %d time(s), %d event(s)" % (
                                        where, k[1], k[0], n,
                                        events.get(k, 0)))
        # Gap-free numbers: the incoming journal and the outgoing one.
        for table, counter, no, year, extra in (
                ("complaint", "journal_counter", "journal_no",
                 "journal_year", ""),
                ("notification", "outgoing_counter", "out_no", "out_year",
                 "WHERE out_no IS NOT NULL")):
            got = self.d.query(
                "SELECT t.body_id, t.%s, count(*), count(DISTINCT t.%s), "
                "min(t.%s), max(t.%s), k.last FROM %s t LEFT JOIN %s k ON "
                "k.body_id = t.body_id AND k.year = t.%s %s GROUP BY 1, 2"
                % (year, no, no, no, table, counter, year, extra))
            for body_id, y, n, distinct, lo, hi, last in got:
                self.assertEqual((distinct, lo, hi, last), (n, 1, n, n),
                                 "%s: %s numbers of body %d in %d: %d rows, "
                                 "%d distinct, %d..%d, counter %s" % (
                                     where, table, body_id, y, n, distinct,
                                     lo, hi, last))
            self.assertEqual(self.d.query(
                "SELECT count(*) FROM %s k WHERE NOT EXISTS (SELECT 1 FROM "
                "%s t WHERE t.body_id = k.body_id AND t.%s = k.year)" % (
                    counter, table, year))[0][0], 0,
                "%s: a %s row without entries" % (where, counter))
        self.assertEqual(self.d.query("PRAGMA integrity_check"), [("ok",)],
                         where)
        r = self.d.get("/api/v1/verify")
        self.assertEqual(r.status, 200, "%s: %r" % (where, r))
        ok, msg = xmllint_validate(r.body, "verify")
        self.assertTrue(ok, msg)
        self.assertEqual(text_of(r.xml(), "result"), "ok", "%s: %r" % (
            where, r))
        env = dict(os.environ, COMPLAINTS_TOKEN=self.d.account("admin",
                                                               "mop"))
        p = subprocess.run([CTL_BIN, "-u", self.d.url(), "verify"],
                           capture_output=True, text=True, env=env,
                           timeout=60)
        self.assertEqual(p.returncode, 0, "%s: complaintctl verify: %s%s" % (
            where, p.stdout, p.stderr))
        if load.unexpected:
            self.fail("%s: %d answers no correct daemon gives, such as:\n%s"
                      % (where, len(load.unexpected),
                         "\n".join(load.unexpected[:5])))

    # --- The outbox ---------------------------------------------------------

    def drain(self):
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while True:
            n = self.d.query("SELECT count(*) FROM notification WHERE "
                             "channel = 'email' AND state IN ('pending', "
                             "'sending')")[0][0]
            if n == 0:
                return
            if time.monotonic() > deadline:
                self.fail("%d email notification(s) still unsent %d s after "
                          "the last restart" % (n, DRAIN_TIMEOUT))
            time.sleep(0.2)

    def captured(self):
        """Message-ID -> [(file, To)]; and the number of .tmp files (a
        kill between writing a capture file and renaming it)."""
        out, tmp = {}, 0
        parser = email.parser.BytesHeaderParser()
        for name in sorted(os.listdir(self.capture)):
            path = os.path.join(self.capture, name)
            if name.endswith(".tmp"):
                tmp += 1
                continue
            with open(path, "rb") as f:
                msg = parser.parse(f)
            mid = (msg["Message-ID"] or "").strip()
            self.assertTrue(mid, "%s: no Message-ID" % name)
            out.setdefault(mid, []).append((name, msg["To"]))
        return out, tmp

    def check_notifications(self, load):
        rows = self.d.query(
            "SELECT n.id, n.uid, n.kind, n.channel, n.state, n.attempts, "
            "n.recipient, c.talon, c.state, (SELECT count(*) FROM "
            "notification_attempt a WHERE a.notification_id = n.id AND "
            "a.result = 'sent') FROM notification n JOIN complaint c ON "
            "c.id = n.complaint_id")
        by_mid = {"<%s@crash.test>" % r[1]: r for r in rows}
        caps, tmp = self.captured()
        for mid, files in caps.items():
            self.assertTrue(mid in by_mid, "captured %s with Message-ID %s, "
                          "which no notification has: sent under another "
                          "Message-ID" % (files[0][0], mid))
        dups = 0
        decisions = {}
        for mid, (nid, uid, kind, channel, state, attempts, recipient,
                  talon, cstate, sent_attempts) in by_mid.items():
            if kind == "decision":
                decisions[talon] = decisions.get(talon, 0) + 1
            if channel != "email":
                continue
            what = "notification %d (%s of %s to %s)" % (nid, kind, talon,
                                                         recipient)
            self.assertEqual(state, "sent", "%s is %s" % (what, state))
            self.assertEqual(sent_attempts, 1, "%s: %d attempts recorded "
                             "as sent" % (what, sent_attempts))
            files = caps.get(mid, [])
            self.assertTrue(files, "%s is sent but was never captured "
                            "(Message-ID %s)" % (what, mid))
            for name, to in files:
                self.assertIn(recipient, to or "", "%s: %s went to %s" % (
                    what, name, to))
            if len(files) > 1:
                # Sent again after a kill between the send and its record:
                # each send was a claim, counted in attempts.
                self.assertLessEqual(len(files), attempts, "%s captured %d "
                                     "times in %d attempts: %s" % (
                                         what, len(files), attempts, files))
                dups += len(files) - 1
            if kind == "decision":
                self.assertIn(cstate, ("answered", "closed"), "%s is sent "
                              "but the complaint is %s" % (what, cstate))
        # Each acknowledged decision made one decision notification.
        for talon, action, _ in load.acked:
            if action == "decide":
                self.assertEqual(decisions.get(talon, 0), 1, "decided %s: "
                                 "%d decision notifications" % (
                                     talon, decisions.get(talon, 0)))
        for talon, n in decisions.items():
            self.assertEqual(n, 1, "%s: %d decision notifications" % (talon,
                                                                     n))
        return dups, tmp


if __name__ == "__main__":
    unittest.main()
