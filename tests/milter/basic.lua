-- SPDX-License-Identifier: BSD-2-Clause
-- basic.lua - enforce, denied strip: every action, header and reply
dofile(lib)

-- 1. one recipient with consent, one without: strip, personal headers
mt.echo("# section 1")
local c = open()
local r = envelope(c, "Q1", "<news@example.com>", nil,
    "<alice@example.org>", "<Carol@EXAMPLE.org>")
ok(r[1] == SMFIR_CONTINUE and r[2] == SMFIR_CONTINUE, "strip: RCPT accepted")
ok(headers(c, {{"From", " news@example.com"}, {"Subject", " News"},
    {"X-Optin-List", " marketing"}}) == SMFIR_CONTINUE, "strip: eoh")
ok(eom(c) == SMFIR_ACCEPT or mt.getreply(c) == SMFIR_CONTINUE, "strip: eom accepts")
ok(mt.eom_check(c, MT_RCPTDELETE, "<Carol@EXAMPLE.org>"),
    "strip: Carol deleted exactly as given")
ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice@example.org>"),
    "strip: alice kept")
ok(mt.eom_check(c, MT_HDRDELETE, "X-Optin-List"), "strip: list header removed")
local lu = mt.getheader(c, "List-Unsubscribe", 0)
ok(startswith(lu, " <https://lists.example.com/u/"),
    "strip: List-Unsubscribe URL with one leading space: " .. tostring(lu))
ok(lu ~= nil and string.find(lu, "<mailto:unsubscribe@example.com%?subject=unsubscribe%%20") ~= nil,
    "strip: List-Unsubscribe mailto: " .. tostring(lu))
ok(lu ~= nil and string.find(lu, "alice") == nil, "strip: token hides the address")
ok(lu ~= nil and string.find(lu, "[\r]") == nil, "strip: no CR in the value")
ok(mt.eom_check(c, MT_HDRADD, "List-Unsubscribe-Post", " List-Unsubscribe=One-Click"),
    "strip: List-Unsubscribe-Post")
local lid = mt.getheader(c, "List-Id", 0)
ok(lid == ' "Best practices, events and product news"\n\t<marketing.lists.example.com>',
    "strip: List-Id folded before <: " .. tostring(lid))
-- the token for the mailto test
local f = io.open(tokfile, "w")
if f == nil then
	fail("cannot write " .. tostring(tokfile))
else
	f:write(tostring(lu))
	f:close()
end

-- 2. several on one connection: two delivered -> list-only mailto, no Post
mt.echo("# section 2")
r = envelope(c, "Q2", "<news@example.com>", nil,
    "<alice@example.org>", "<dave@example.org>", "<eve@example.org>")
headers(c, {{"Subject", " two"}, {"List-Unsubscribe", " <https://old.example/x>"},
    {"List-Unsubscribe-Post", " List-Unsubscribe=One-Click"},
    {"List-Id", " old <old.example.com>"}, {"List-Unsubscribe", " <mailto:old@x>"}})
eom(c)
ok(mt.eom_check(c, MT_RCPTDELETE, "<eve@example.org>"), "two: eve deleted")
lu = mt.getheader(c, "List-Unsubscribe", 0)
ok(startswith(lu, " <mailto:unsubscribe@example.com?subject=unsubscribe%20"),
    "two: mailto only: " .. tostring(lu))
ok(not mt.eom_check(c, MT_HDRADD, "List-Unsubscribe-Post"), "two: no Post")
ok(mt.eom_check(c, MT_HDRDELETE, "List-Unsubscribe"), "two: old List-Unsubscribe removed")
ok(mt.eom_check(c, MT_HDRDELETE, "List-Unsubscribe-Post"), "two: old Post removed")
ok(mt.eom_check(c, MT_HDRDELETE, "List-Id"), "two: old List-Id removed")
-- the list-only token, for the mailto test
f = io.open(tokfile .. ".list", "w")
if f == nil then
	fail("cannot write " .. tostring(tokfile) .. ".list")
else
	f:write(tostring(lu))
	f:close()
end

-- 3. nobody left under strip: discarded, never queued empty
mt.echo("# section 3")
r = envelope(c, "Q3", "<news@example.com>", nil, "<carol@example.org>",
    "<pending@example.org>")
headers(c, {{"Subject", " none"}})
ok(eom(c) == SMFIR_DISCARD, "none left: discarded")

-- 4. unclassified mail is left alone
mt.echo("# section 4")
r = envelope(c, "Q4", "<someone@example.com>", nil, "<carol@example.org>")
headers(c, {{"Subject", " hello"}, {"List-Id", " keep <keep.example.com>"}})
local rep = eom(c)
ok(rep == SMFIR_ACCEPT or rep == SMFIR_CONTINUE, "unclassified: accepted")
ok(not mt.eom_check(c, MT_HDRADD), "unclassified: no header added")
ok(not mt.eom_check(c, MT_HDRDELETE), "unclassified: no header removed")
ok(not mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"), "unclassified: no recipient removed")

-- 5. a list header naming an unknown list: 550 at end of headers
mt.echo("# section 5")
r = envelope(c, "Q5", "<someone@example.com>", nil, "<alice@example.org>")
-- decided at the end of the header; the MTA (as Postfix) asked for no
-- reply there, so the verdict is the reply to the end of the message
headers(c, {{"X-Optin-List", " nosuchlist"}})
ok(eom(c) == SMFIR_REPLYCODE, "unknown list: rejected")
ok(mt.eom_check(c, MT_SMTPREPLY, "550", "5.7.1", 'unknown list "nosuchlist"'),
    "unknown list: 550 5.7.1")
ok(not mt.eom_check(c, MT_HDRADD, "List-Unsubscribe"),
    "unknown list: no header added")
-- the same verdict, then an abort before the end of the message: the
-- next message on the connection is not refused with it
r = envelope(c, "Q5b", "<someone@example.com>", nil, "<alice@example.org>")
headers(c, {{"X-Optin-List", " nosuchlist"}})
step(mt.abort(c), "abort after the header")
r = envelope(c, "Q5c", "<news@example.com>", nil, "<alice@example.org>")
headers(c, {{"X-Optin-List", " marketing"}})
local e5 = eom(c)
ok(e5 == SMFIR_ACCEPT or e5 == SMFIR_CONTINUE, "after an abort: accepted")
ok(mt.eom_check(c, MT_HDRADD, "List-Unsubscribe"), "after an abort: list mail")

-- 6. abort mid-message, then a new message on the same connection
mt.echo("# section 6")
r = envelope(c, "Q6", "<news@example.com>", nil, "<alice@example.org>")
step(mt.abort(c), "abort")
r = envelope(c, "Q7", "<x@example.com>", "marketing-app", "<alice+promo@Example.org>")
headers(c, {{"Subject", " after abort"}})
eom(c)
ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice+promo@Example.org>"), "auth match: tagged alice kept")
ok(mt.eom_check(c, MT_HDRADD, "List-Unsubscribe-Post"), "auth match: classified")

-- 7. domain-wide relationship; list chosen by a header match
mt.echo("# section 7")
r = envelope(c, "Q8", "<ops@example.com>", nil, "<cto@customer.example>",
    "<ops@customer.example>", "<x@other.example>")
headers(c, {{"X-Optin-List", " status"}})
eom(c)
ok(not mt.eom_check(c, MT_RCPTDELETE, "<cto@customer.example>"), "domain: cto kept")
ok(mt.eom_check(c, MT_RCPTDELETE, "<ops@customer.example>"), "domain: opted-out ops removed")
ok(mt.eom_check(c, MT_RCPTDELETE, "<x@other.example>"), "domain: other removed")

-- 8. the sendmail(1) path: Postfix matches a deletion against the
-- recipient as typed, the milter sees it rewritten: nothing is deleted,
-- a list message with a denied recipient is refused whole
mt.echo("# section 8")
local s = open_local()
r = envelope(s, "Q9", "news@example.com", nil, "Erin@mx.test.example",
    "bob@mx.test.example", "Frank@Example.org")
ok(r[2] == SMFIR_CONTINUE, "sendmail: RCPT never refused")
headers(s, {{"Subject", " local"}})
ok(eom(s) == SMFIR_REPLYCODE, "sendmail: mixed consent refused whole")
ok(mt.eom_check(s, MT_SMTPREPLY, "550", "5.7.1",
    "no consent for list marketing for 2 recipients; mail submitted with sendmail(1) is refused whole"),
    "sendmail: 550 5.7.1 names the count and why")
ok(not mt.eom_check(s, MT_RCPTDELETE, "bob@mx.test.example") and
    not mt.eom_check(s, MT_RCPTDELETE, "bob") and
    not mt.eom_check(s, MT_RCPTDELETE, "<bob@mx.test.example>") and
    not mt.eom_check(s, MT_RCPTDELETE, "Frank@Example.org"),
    "sendmail: nothing deleted")
-- everybody with consent: goes on untouched
r = envelope(s, "Q9b", "news@example.com", nil, "Erin@mx.test.example")
headers(s, {{"Subject", " local ok"}})
local e8 = eom(s)
ok(e8 == SMFIR_ACCEPT or e8 == SMFIR_CONTINUE, "sendmail: consented accepted")
ok(not mt.eom_check(s, MT_RCPTDELETE, "Erin@mx.test.example"),
    "sendmail: consented not deleted")
ok(mt.eom_check(s, MT_HDRADD, "List-Unsubscribe-Post"), "sendmail: personal headers")
-- nobody with consent under strip: discarded, nothing left to leak
r = envelope(s, "Q9c", "news@example.com", nil, "bob@mx.test.example")
headers(s, {{"Subject", " local none"}})
ok(eom(s) == SMFIR_DISCARD, "sendmail: nobody left discarded")
mt.disconnect(s)

-- 9. transactional (consent none): delivered, but a bounce is honoured
mt.echo("# section 9")
r = envelope(c, "Q10", "<noreply@example.com>", nil, "<carol@example.org>",
    "<bounced@example.org>")
headers(c, {{"Subject", " receipt"}})
eom(c)
ok(not mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"), "none: carol kept")
ok(mt.eom_check(c, MT_RCPTDELETE, "<bounced@example.org>"), "none: bounce removed")
ok(not mt.eom_check(c, MT_HDRADD, "List-Unsubscribe"), "none: no unsubscribe header")

-- 10. an address Postfix would never pass, and a hostile header value
mt.echo("# section 10")
r = envelope(c, "Q11", "<news@example.com>", nil, "<alice@example.org>",
    "<bad\r\nBcc: x@y.z>")
ok(r[2] == SMFIR_REPLYCODE, "hostile: CRLF address refused at RCPT")
headers(c, {{"X-Optin-List", " marketing\r\nBcc: evil@example.org"}})
ok(eom(c) == SMFIR_REPLYCODE, "hostile: list header with CRLF refused as unknown")
-- a bare local part: Postfix takes it, the milter cannot normalise it;
-- decided at the end (no consent) and deleted as Postfix stored it
r = envelope(c, "Q11b", "<news@example.com>", nil, "<alice@example.org>",
    "<nobody>", '<"x verdict=deliver reason=opt-in"@example.org>')
ok(r[2] == SMFIR_CONTINUE, "bad address: accepted at RCPT")
ok(r[3] == SMFIR_CONTINUE, "quoted local part: accepted at RCPT")
headers(c, {{"X-Optin-List", " marketing"}})
eom(c)
ok(mt.eom_check(c, MT_RCPTDELETE, "<nobody>"), "bad address: deleted")
ok(mt.eom_check(c, MT_RCPTDELETE, '<"x verdict=deliver reason=opt-in"@example.org>'),
    "quoted local part: deleted")
ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice@example.org>"), "bad address: alice kept")
mt.disconnect(c)

-- 11. a port probe: connect and close without a word
mt.echo("# section 11")
local p = mt.connect(sock, 100, 0.05)
ok(p ~= nil, "probe: connect")
mt.disconnect(p, false)
c = open()
r = envelope(c, "Q12", "<news@example.com>", nil, "<alice@example.org>")
headers(c, {{"Subject", " after probe"}})
eom(c)
ok(mt.eom_check(c, MT_HDRADD, "List-Unsubscribe"), "probe: still serving")
mt.disconnect(c)

-- 12. an MTA that does not let the filter skip the replies to connect
-- and to the end of the header (one of milter protocol 2, say):
-- libmilter answers those two with continue for the filter, and the
-- verdicts come where they come from Postfix, at the end of the message
mt.echo("# section 12")
c = open(0x001FFFFF - SMFIP_NR_CONN - SMFIP_NR_EOH)
ok(mt.getreply(c) == SMFIR_CONTINUE, "replies: connect answered")
r = envelope(c, "Q13", "<someone@example.com>", nil, "<alice@example.org>")
ok(headers(c, {{"X-Optin-List", " nosuchlist"}}) == SMFIR_CONTINUE,
    "replies: the end of the header answered")
ok(eom(c) == SMFIR_REPLYCODE, "replies: unknown list rejected")
ok(mt.eom_check(c, MT_SMTPREPLY, "550", "5.7.1", 'unknown list "nosuchlist"'),
    "replies: 550 5.7.1")
r = envelope(c, "Q14", "<news@example.com>", nil, "<alice@example.org>",
    "<carol@example.org>")
ok(headers(c, {{"X-Optin-List", " marketing"}}) == SMFIR_CONTINUE,
    "replies: list mail goes on at the end of the header")
eom(c)
ok(mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"), "replies: carol stripped")
ok(not mt.eom_check(c, MT_RCPTDELETE, "<alice@example.org>"), "replies: alice kept")
ok(mt.eom_check(c, MT_HDRADD, "List-Unsubscribe"), "replies: personal headers")
mt.disconnect(c)

finish()
