"""Open311 GeoReport v2: a conformance test written from the
specification's field lists (http://wiki.open311.org/GeoReport_v2 and
its Service Discovery page), and the filing behind it.

Checked for every method, in XML and JSON: the root and item elements
the specification names; every field of an answer is one the
specification lists for that method, and those it requires are there;
booleans are "true"/"false", datetimes ISO 8601 with a zone, status is
"open" or "closed"; errors are <errors><error><code/><description/>
(a JSON array of {code, description}) with the HTTP status in code.
Behind it: services.xml lists the services whose routing.xml channels
include "electronic"; POST requests.xml without a key stores a draft
confirmed by email exactly as /file does; with a partner's api_key (an
API token of an account of the role partner) it registers at once, and
requests/{talon}.xml answers the journal's status.

    /usr/bin/python3 tests/integration/run.py test_open311
"""

import json
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from harness import (SCHEMA_DIR, PerTestDaemonCase, captured_mails,
                     catalogue)

STATUS_URL = "https://complaints.example.kz/status/"
SCHOOL = "school-10"
EMAIL = "dauren.seitkali@example.kz"

# The specification's fields, by method.
DISCOVERY = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT = {"specification", "url", "changeset", "type", "formats"}
SERVICE = {"service_code", "service_name", "description", "metadata",
           "type", "keywords", "group"}
SERVICE_REQUIRED = {"service_code", "service_name", "metadata", "type"}
SERVICE_TYPES = {"realtime", "batch", "blackbox"}
DEFINITION = {"service_code", "attributes"}
ATTRIBUTE = {"variable", "code", "datatype", "required",
             "datatype_description", "order", "description", "values"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist",
             "multivaluelist"}
POST_ANSWER = {"service_request_id", "token", "service_notice",
               "account_id"}
REQUEST = {"service_request_id", "status", "status_notes", "service_name",
           "service_code", "description", "agency_responsible",
           "service_notice", "requested_datetime", "updated_datetime",
           "expected_datetime", "address", "address_id", "zipcode", "lat",
           "long", "media_url"}
REQUEST_REQUIRED = {"service_request_id", "status", "service_code",
                    "requested_datetime"}
ERROR = {"code", "description"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def electronic_services():
    root = ET.parse(os.path.join(SCHEMA_DIR, "data",
                                 "routing.xml")).getroot()
    return sorted(int(s.get("number")) for s in root.iter("service")
                  if s.get("number") and any(
                      c.get("type") == "electronic"
                      for c in s.iter("channel")))


def flat(el):
    """An element whose children are leaves, as a dict."""
    return {c.tag: (c.text or "") for c in el}


class Open311Test(PerTestDaemonCase):

    def start(self, mail=True):
        opts = {"status_url": STATUS_URL, "notify_interval": 1,
                "mail_host": "complaints.example.kz"}
        if mail:
            self.mail = tempfile.mkdtemp(prefix="cx-o311-mail-")
            self.addCleanup(shutil.rmtree, self.mail, True)
            opts["mail_capture"] = self.mail
        self.d = self.new_daemon(opts)
        return self.d

    def get(self, path):
        return self.d.request("GET", "/open311/v2/" + path, auth=False)

    def get_xml(self, path, root):
        r = self.get(path + ".xml")
        self.assertEqual(r.status, 200, r.text)
        self.assertTrue(r.header("Content-Type").startswith("text/xml"))
        self.assertTrue(r.body.startswith(b'<?xml version="1.0" '
                                          b'encoding="UTF-8"?>'), r.body[:60])
        x = ET.fromstring(r.body)
        self.assertEqual(x.tag, root)
        return x

    def get_json(self, path):
        r = self.get(path + ".json")
        self.assertEqual(r.status, 200, r.text)
        self.assertTrue(r.header("Content-Type").startswith(
            "application/json"))
        return json.loads(r.body)

    def post(self, fields, fmt="xml"):
        return self.d.request(
            "POST", "/open311/v2/requests." + fmt,
            urllib.parse.urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            auth=False)

    def request_fields(self, **over):
        f = {"service_code": "11", "first_name": "Дәурен",
             "last_name": "Сейітқали", "email": EMAIL,
             "phone": "+7 702 111 22 33",
             "description": "Балама тегін тамақ берілмеді.",
             "attribute[institution]": SCHOOL,
             "attribute[postal_address]": "Алматы, Абай даңғылы 1, 2",
             "attribute[demands]": "Тамақ берілсін.",
             "lat": "43.238", "long": "76.889"}
        f.update(over)
        return {k: v for k, v in f.items() if v is not None}

    def assertError(self, r, status):
        self.assertEqual(r.status, status, r.text)
        if r.header("Content-Type").startswith("application/json"):
            errs = json.loads(r.body)
            self.assertIsInstance(errs, list)
            for e in errs:
                self.assertEqual(set(e), ERROR)
                self.assertEqual(e["code"], status)
                self.assertTrue(e["description"])
            return errs
        x = ET.fromstring(r.body)
        self.assertEqual(x.tag, "errors")
        out = []
        for e in x.findall("error"):
            f = flat(e)
            self.assertEqual(set(f), ERROR)
            self.assertEqual(int(f["code"]), status)
            self.assertTrue(f["description"])
            out.append(f)
        self.assertTrue(out)
        return out

    # --- Discovery, services, definitions --------------------------------

    def test_discovery(self):
        self.start()
        x = self.get_xml("discovery", "discovery")
        self.assertLessEqual({c.tag for c in x}, DISCOVERY)
        [ep] = x.find("endpoints").findall("endpoint")
        self.assertLessEqual({c.tag for c in ep}, ENDPOINT)
        self.assertEqual(ep.findtext("specification"),
                         "http://wiki.open311.org/GeoReport_v2")
        self.assertEqual(ep.findtext("url"),
                         "https://complaints.example.kz/open311/v2")
        self.assertRegex(ep.findtext("changeset"), ISO)
        self.assertEqual([f.text for f in ep.find("formats")],
                         ["text/xml", "application/json"])
        j = self.get_json("discovery")
        self.assertEqual(j["endpoints"][0]["url"], ep.findtext("url"))

    def test_services_in_xml_and_json(self):
        self.start()
        want = electronic_services()
        x = self.get_xml("services", "services")
        got = []
        for s in x.findall("service"):
            f = flat(s)
            self.assertLessEqual(set(f), SERVICE)
            self.assertLessEqual(SERVICE_REQUIRED, set(f))
            self.assertIn(f["metadata"], ("true", "false"))
            self.assertIn(f["type"], SERVICE_TYPES)
            got.append(int(f["service_code"]))
        self.assertEqual(got, want)
        j = self.get_json("services")
        self.assertEqual([int(s["service_code"]) for s in j], want)
        self.assertTrue(all(s["metadata"] is True for s in j))
        # The names in the language asked for.
        for lang in ("kk", "ru", "en"):
            j = self.d.request("GET", "/open311/v2/services.json?lang=" +
                               lang, auth=False)
            names = [s["service_name"] for s in json.loads(j.body)]
            self.assertEqual(names, [catalogue(lang)["service.%d" % n]
                                     for n in want])

    def test_service_definition(self):
        self.start()
        for code in electronic_services():
            x = self.get_xml("services/%d" % code, "service_definition")
            self.assertLessEqual({c.tag for c in x}, DEFINITION)
            self.assertEqual(x.findtext("service_code"), str(code))
            attrs = x.find("attributes").findall("attribute")
            self.assertTrue(attrs)
            orders = []
            for a in attrs:
                f = flat(a)
                self.assertLessEqual(set(f), ATTRIBUTE)
                self.assertIn(f["datatype"], DATATYPES)
                self.assertIn(f["variable"], ("true", "false"))
                self.assertIn(f["required"], ("true", "false"))
                orders.append(int(f["order"]))
            self.assertEqual(orders, sorted(set(orders)))
            required = {a.findtext("code") for a in attrs
                        if a.findtext("required") == "true"}
            self.assertEqual(required, {"institution", "postal_address",
                                        "demands"})
            j = self.get_json("services/%d" % code)
            self.assertEqual(len(j["attributes"]), len(attrs))
        # A service that takes no complaint electronically, and none.
        paper = min(set(range(1, 12)) - set(electronic_services()))
        self.assertError(self.get("services/%d.xml" % paper), 404)
        self.assertError(self.get("services/99.json"), 404)
        self.assertError(self.get("services/11.html"), 404)

    # --- Requests ------------------------------------------------------

    def test_post_without_key_is_a_draft_confirmed_by_email(self):
        d = self.start()
        r = self.post(self.request_fields())
        self.assertEqual(r.status, 202, r.text)
        x = ET.fromstring(r.body)
        self.assertEqual(x.tag, "service_requests")
        [req] = x.findall("request")
        f = flat(req)
        self.assertLessEqual(set(f), POST_ANSWER)
        self.assertTrue(f["service_notice"])
        # No number until the applicant follows the link.
        self.assertEqual(d.count_complaints(), 0)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 1)
        [msg] = captured_mails(self.mail, 1)
        m = re.search(r"token=([0-9a-f]{64})",
                      msg.get_body(("plain",)).get_content())
        r = d.post_xml("/api/v1/drafts/confirm",
                       "<confirm><token>%s</token></confirm>" % m.group(1),
                       auth=False)
        self.assertEqual(r.status, 201, r.text)
        number = r.xml().findtext("number")
        row = d.query("SELECT surname, name, address, reasons, demands, "
                      "channel FROM complaint WHERE talon = ?", (number,))
        self.assertEqual(tuple(row[0]), (
            "Сейітқали", "Дәурен", "Алматы, Абай даңғылы 1, 2",
            "Балама тегін тамақ берілмеді.", "Тамақ берілсін.",
            "electronic"))
        # JSON as well.
        r = self.post(self.request_fields(email="other@example.kz"),
                      "json")
        self.assertEqual(r.status, 202, r.text)
        [j] = json.loads(r.body)
        self.assertLessEqual(set(j), POST_ANSWER)
        self.assertIsNone(j["account_id"])

    def partner_key(self):
        d = self.d
        token = d.account("partner", "almaty-edu")
        return token

    def test_post_with_partner_key_registers_and_status(self):
        d = self.start()
        key = self.partner_key()
        r = self.post(self.request_fields(api_key=key))
        self.assertEqual(r.status, 201, r.text)
        [req] = ET.fromstring(r.body).findall("request")
        f = flat(req)
        self.assertLessEqual(set(f), POST_ANSWER)
        number = f["service_request_id"]
        self.assertEqual(d.count_complaints(), 1)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 0)
        # Registered at the body routing.xml chooses (the school's
        # district office for service 11, read from directory.xml).
        dirx = ET.parse(os.path.join(SCHEMA_DIR, "data",
                                     "directory.xml")).getroot()
        parent = [e.get("parent") for e in dirx.iter()
                  if e.get("code") == SCHOOL][0]
        self.assertEqual(d.complaint_body(number), parent)
        # The talon went to the applicant.
        msgs = captured_mails(self.mail, 1)
        self.assertIn(number, msgs[0]["Subject"])
        # Its status, one and in a list, XML and JSON.
        x = self.get_xml("requests/%s" % number, "service_requests")
        [req] = x.findall("request")
        f = flat(req)
        self.assertLessEqual(set(f), REQUEST)
        self.assertLessEqual(REQUEST_REQUIRED, set(f))
        self.assertEqual(f["service_request_id"], number)
        self.assertEqual(f["status"], "open")
        self.assertEqual(f["service_code"], "11")
        self.assertRegex(f["requested_datetime"], ISO)
        self.assertRegex(f["expected_datetime"], ISO)
        due = d.query("SELECT due FROM complaint WHERE talon = ?",
                      (number,))[0][0]
        self.assertTrue(f["expected_datetime"].startswith(due))
        # Nothing of the applicant, in XML or JSON.
        fields = self.request_fields()
        for fmt in ("xml", "json"):
            body = self.get("requests/%s.%s" % (number, fmt)).text
            for k in ("last_name", "first_name", "email", "phone",
                      "description", "attribute[postal_address]",
                      "attribute[demands]"):
                self.assertNotIn(fields[k], body, k)
                self.assertNotIn(json.dumps(fields[k])[1:-1], body, k)
        r = self.get("requests.json?service_request_id=%s,%s" %
                     (number, "0" * 14))
        self.assertEqual(r.status, 200, r.text)
        j = json.loads(r.body)
        self.assertEqual([q["service_request_id"] for q in j], [number])
        # Decided and answered: closed.
        head = d.account("head", parent)
        for act in ("<assign><assignee>Иванова</assignee></assign>",
                    "<decide><outcome>upheld</outcome><reasoning>Тамақ "
                    "беріледі.</reasoning></decide>"):
            r = d.post_xml("/api/v1/complaints/%s/actions" % number, act,
                           headers={"Authorization": "Bearer " + head},
                           auth=False)
            self.assertEqual(r.status, 200, r.text)
        state, is_open = d.query("SELECT state, open FROM complaint WHERE "
                                 "talon = ?", (number,))[0]
        f = flat(self.get_xml("requests/%s" % number,
                              "service_requests").find("request"))
        self.assertEqual(f["status"], "open" if is_open else "closed")
        self.assertEqual(f["status_notes"], state)

    def test_keys_that_are_not_a_partners(self):
        d = self.start()
        for key in ("nonsense", d.account("registrar", "almaty-bostandyk")):
            r = self.post(self.request_fields(api_key=key))
            self.assertError(r, 403)
        self.assertEqual(d.count_complaints(), 0)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 0)

    def test_errors_in_open311_format(self):
        self.start()
        for missing in ("service_code", "last_name", "email",
                        "description", "attribute[institution]",
                        "attribute[postal_address]", "attribute[demands]"):
            for fmt in ("xml", "json"):
                r = self.post(self.request_fields(**{missing: None}), fmt)
                [e] = self.assertError(r, 400)
                self.assertIn(missing, e["description"])
        # A service without the electronic channel, a bad address.
        r = self.post(self.request_fields(service_code="5"))
        self.assertError(r, 400)
        r = self.post(self.request_fields(email="no-at-sign"), "json")
        self.assertError(r, 400)
        r = self.post(self.request_fields(description="x" * 4001))
        self.assertError(r, 400)
        # Unknown resources, a talon that is not one, no id given.
        self.assertError(self.get("nothing.xml"), 404)
        self.assertError(self.get("requests/12345.json"), 400)
        self.assertError(self.get("requests.xml"), 400)
        self.assertError(self.get("discovery.html"), 404)
        # Another media type: Open311's error, 415.
        r = self.d.request("POST", "/open311/v2/requests.xml", b"<x/>",
                           {"Content-Type": "application/xml"}, auth=False)
        self.assertError(r, 415)

    def test_without_mail_drafts_are_unavailable(self):
        self.start(mail=False)
        self.assertError(self.post(self.request_fields()), 503)


if __name__ == "__main__":
    unittest.main()
