-- SPDX-License-Identifier: BSD-2-Clause
-- reject.lua - denied reject: 550 at RCPT over SMTP when the list is
-- known then; the whole message on the sendmail(1) path
dofile(lib)
local c = open()
-- refused at RCPT only when no list could let the recipient through: a
-- list header read later may name any list (here support or
-- transactional, which honour only some suppressions)
local r = envelope(c, "R1", "<news@example.com>", nil, "<dave@example.org>",
    "<carol@example.org>", "<gone@example.org>")
ok(r[1] == SMFIR_CONTINUE, "reject: dave accepted at RCPT")
ok(r[2] == SMFIR_CONTINUE, "reject: carol not refused yet (a header may still name a list she may get)")
ok(r[3] == SMFIR_REPLYCODE, "reject: gone (legal suppression) refused at RCPT: no list would let it through")
headers(c, {{"Subject", " news"}})
local e = eom(c)
ok(e == SMFIR_ACCEPT or e == SMFIR_CONTINUE, "reject: message goes to dave")
ok(not mt.eom_check(c, MT_RCPTDELETE, "<dave@example.org>"), "reject: dave not stripped")
ok(mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"), "reject: carol stripped at the end")
ok(mt.eom_check(c, MT_HDRADD, "List-Unsubscribe-Post"), "reject: personal headers")

-- the sender's list is marketing, the list header names status, for
-- which cto has consent: not refused at RCPT, delivered
r = envelope(c, "R1b", "<news@example.com>", nil, "<cto@customer.example>")
ok(r[1] == SMFIR_CONTINUE, "header wins: cto accepted at RCPT")
ok(headers(c, {{"X-Optin-List", " status"}}) == SMFIR_CONTINUE, "header wins: eoh")
e = eom(c)
ok(e == SMFIR_ACCEPT or e == SMFIR_CONTINUE, "header wins: accepted")
ok(not mt.eom_check(c, MT_RCPTDELETE, "<cto@customer.example>"), "header wins: cto kept")

-- the list header in another case names the same list
r = envelope(c, "R1c", "<news@example.com>", nil, "<dave@example.org>",
    "<carol@example.org>")
local h = headers(c, {{"X-Optin-List", " MarKeting"}})
ok(h == SMFIR_CONTINUE, "case: the same list, no conflict")
eom(c)
ok(mt.eom_check(c, MT_HDRADD, "List-Unsubscribe-Post"), "case: classified as marketing")

-- list known only from a header: strip at end of message instead
r = envelope(c, "R2", "<ops@example.com>", nil, "<x@other.example>",
    "<cto@customer.example>")
ok(r[1] == SMFIR_CONTINUE, "header list: not refused at RCPT")
headers(c, {{"X-Optin-List", " status"}})
eom(c)
ok(mt.eom_check(c, MT_RCPTDELETE, "<x@other.example>"), "header list: stripped")

-- nobody left: rejected, never queued empty
r = envelope(c, "R3", "<ops@example.com>", nil, "<x@other.example>")
headers(c, {{"X-Optin-List", " status"}})
ok(eom(c) == SMFIR_REPLYCODE, "nobody left: rejected")
ok(mt.eom_check(c, MT_SMTPREPLY, "550", "5.7.1",
    "no recipient has consent for list status"), "nobody left: 550 5.7.1")

mt.disconnect(c)

-- sendmail(1) path: never refuse a RCPT; reject the message instead
c = open_local()
r = envelope(c, "R4", "news@example.com", nil, "dave@example.org",
    "carol@example.org")
ok(r[2] == SMFIR_CONTINUE, "sendmail: RCPT not refused")
headers(c, {{"Subject", " local"}})
ok(eom(c) == SMFIR_REPLYCODE, "sendmail: message rejected")
ok(mt.eom_check(c, MT_SMTPREPLY, "550", "5.7.1",
    "no consent for list marketing for 1 recipient; mail submitted with sendmail(1) is refused whole"),
    "sendmail: 550 5.7.1")
ok(not mt.eom_check(c, MT_RCPTDELETE, "carol@example.org"), "sendmail: nothing stripped")
mt.disconnect(c)
finish()
