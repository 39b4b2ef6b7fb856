/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_token - tokens: round trip, every byte tampered, wrong key,
 * rotation, malformed input, the key file's permissions
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>

#include <sodium.h>

#include "testutil.h"

#include "token.h"

static const char key_a[] =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";
static const char key_b[] =
    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n";

static struct token_keys *
keys(const char *text)
{
	struct token_keys *k;
	char err[256];

	if (token_keys_parse(text, strlen(text), &k, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	return (k);
}

static void
test_round_trip(void **state)
{
	struct token_keys *k = keys(key_a);
	struct token t;
	char tok[TOKEN_BUFSIZE], tok2[TOKEN_BUFSIZE], err[128];
	size_t i;

	(void)state;
	assert_int_equal(token_seal(k, "marketing", "bob@example.org",
	    1700000000, tok, sizeof(tok)), 0);
	/* URL-safe, no padding */
	for (i = 0; tok[i] != '\0'; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		    "opqrstuvwxyz0123456789-_", tok[i]));
	/* the address cannot be read out of it */
	assert_null(strstr(tok, "bob"));
	assert_int_equal(token_open(k, tok, strlen(tok), &t, err, sizeof(err)), 0);
	assert_string_equal(t.list, "marketing");
	assert_string_equal(t.rcpt, "bob@example.org");
	assert_true(t.issued == 1700000000);
	assert_int_equal(t.version, 1);
	/* random nonces: two tokens for the same thing differ */
	assert_int_equal(token_seal(k, "marketing", "bob@example.org",
	    1700000000, tok2, sizeof(tok2)), 0);
	assert_string_not_equal(tok, tok2);

	/* list-only token */
	assert_int_equal(token_seal(k, "news", "", 5, tok, sizeof(tok)), 0);
	assert_int_equal(token_open(k, tok, strlen(tok), &t, err, sizeof(err)), 0);
	assert_string_equal(t.list, "news");
	assert_string_equal(t.rcpt, "");
	/* the longest list name and address fit */
	{
		char a[ADDR_BUFSIZE], l[CONF_NAME_MAX + 1];

		memset(a, 'a', 64);
		a[64] = '@';
		memset(a + 65, 'b', 189);
		a[65 + 60] = '.';
		a[65 + 120] = '.';
		a[65 + 180] = '.';
		a[254] = '\0';
		memset(l, 'l', CONF_NAME_MAX);
		l[CONF_NAME_MAX] = '\0';
		assert_int_equal(token_seal(k, l, a, 1, tok, sizeof(tok)), 0);
		assert_int_equal(token_open(k, tok, strlen(tok), &t, err,
		    sizeof(err)), 0);
		assert_string_equal(t.rcpt, a);
		assert_string_equal(t.list, l);
	}
	/* too small an output buffer is refused */
	assert_int_equal(token_seal(k, "news", "bob@example.org", 1, tok, 20),
	    -1);
	token_keys_free(k);
}

static void
test_tamper_each_byte(void **state)
{
	struct token_keys *k = keys(key_a);
	struct token t;
	char tok[TOKEN_BUFSIZE], bad[TOKEN_BUFSIZE], err[128];
	size_t i, len, accepted = 0;

	(void)state;
	assert_int_equal(token_seal(k, "marketing", "bob@example.org", 1, tok,
	    sizeof(tok)), 0);
	len = strlen(tok);
	for (i = 0; i < len; i++) {
		memcpy(bad, tok, len + 1);
		/* change the character to another base64url character */
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		if (token_open(k, bad, len, &t, err, sizeof(err)) == 0)
			accepted++;
	}
	/*
	 * The last character carries 2 or 4 unused bits in unpadded base64;
	 * libsodium rejects non-zero trailing bits, so every change fails.
	 */
	assert_int_equal(accepted, 0);
	/* truncated at every length */
	for (i = 0; i < len; i++)
		assert_int_equal(token_open(k, tok, i, &t, err, sizeof(err)), -1);
	/* extended */
	memcpy(bad, tok, len);
	memcpy(bad + len, "AA", 3);
	assert_int_equal(token_open(k, bad, len + 2, &t, err, sizeof(err)), -1);
	token_keys_free(k);
}

static void
test_wrong_key_rotation(void **state)
{
	char both[256], tok_a[TOKEN_BUFSIZE], tok_b[TOKEN_BUFSIZE], err[128];
	struct token_keys *ka = keys(key_a), *kb = keys(key_b), *kab;
	struct token t;

	(void)state;
	assert_int_equal(token_seal(ka, "news", "amy@example.org", 1, tok_a,
	    sizeof(tok_a)), 0);
	assert_int_equal(token_open(kb, tok_a, strlen(tok_a), &t, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown key"));

	/* rotation: the new key first seals, the old one still opens */
	(void)snprintf(both, sizeof(both), "# new key first\n%s\n%s", key_b,
	    key_a);
	kab = keys(both);
	assert_int_equal(token_keys_count(kab), 2);
	assert_int_equal(token_open(kab, tok_a, strlen(tok_a), &t, err,
	    sizeof(err)), 0);
	assert_string_equal(t.rcpt, "amy@example.org");
	assert_int_equal(token_seal(kab, "news", "amy@example.org", 1, tok_b,
	    sizeof(tok_b)), 0);
	assert_int_equal(token_open(kb, tok_b, strlen(tok_b), &t, err,
	    sizeof(err)), 0);
	assert_int_equal(token_open(ka, tok_b, strlen(tok_b), &t, err,
	    sizeof(err)), -1);
	token_keys_free(ka);
	token_keys_free(kb);
	token_keys_free(kab);
}

static void
test_malformed(void **state)
{
	struct token_keys *k = keys(key_a), *k2;
	struct token t;
	char err[128], big[4096];
	const char *bad[] = { "", "!!!!", "a b", "AAAA", "AQ", "====",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "Ag" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "../../etc/passwd", "%2e%2e", NULL };
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		assert_int_equal(token_open(k, bad[i], strlen(bad[i]), &t, err,
		    sizeof(err)), -1);
	memset(big, 'A', sizeof(big));
	assert_int_equal(token_open(k, big, sizeof(big), &t, err, sizeof(err)),
	    -1);
	/* key files */
	assert_int_equal(token_keys_parse("", 0, &k2, err, sizeof(err)), -1);
	assert_string_equal(err, "no key");
	assert_int_equal(token_keys_parse("abc\n", 4, &k2, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: a key is 64 hexadecimal digits");
	assert_int_equal(token_keys_parse("# c\n\nzz112233445566778899aabbccddee"
	    "ff00112233445566778899aabbccddeeff\n", 70, &k2, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "line 3: a key is 64 hexadecimal digits");
	token_keys_free(k);
}

static void
test_key_file_mode(void **state)
{
	struct token_keys *k;
	char *dir, *path, err[512];

	(void)state;
	dir = tu_tmpdir();
	path = tu_write(dir, "secret.key", key_a);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(token_keys_load(path, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "chmod 0600"));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(token_keys_load(path, &k, err, sizeof(err)), 0);
	token_keys_free(k);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(token_keys_load(path, &k, err, sizeof(err)), 0);
	token_keys_free(k);
	free(path);
	tu_rmrf(dir);
	free(dir);
	token_keys_free(NULL);
}

static void
test_keygen(void **state)
{
	char a[TOKEN_KEYLINE], b[TOKEN_KEYLINE];

	(void)state;
	assert_int_equal(token_keygen(a), 0);
	assert_int_equal(token_keygen(b), 0);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
}

/* feedback tokens: base32, any case, and neither kind opens as the other */
static void
test_feedback(void **state)
{
	struct token_keys *k = keys(key_a);
	struct token t;
	char tok[TOKEN_FEEDBACK_BUFSIZE], up[TOKEN_FEEDBACK_BUFSIZE];
	char utok[TOKEN_BUFSIZE], err[128], big[ADDR_BUFSIZE];
	size_t i, n;

	(void)state;
	assert_int_equal(token_seal_feedback(k, "marketing", "bob@example.org",
	    1700000000, tok, sizeof(tok)), 0);
	n = strlen(tok);
	assert_true(strspn(tok, "abcdefghijklmnopqrstuvwxyz234567") == n);
	assert_int_equal(token_open_feedback(k, tok, n, &t, err, sizeof(err)),
	    0);
	assert_string_equal(t.list, "marketing");
	assert_string_equal(t.rcpt, "bob@example.org");
	assert_int_equal(t.issued, 1700000000);
	for (i = 0; i <= n; i++)
		up[i] = (char)toupper((unsigned char)tok[i]);
	assert_int_equal(token_open_feedback(k, up, n, &t, err, sizeof(err)),
	    0);
	/* a feedback token is no unsubscribe token, and the reverse */
	assert_int_equal(token_open(k, tok, n, &t, err, sizeof(err)), -1);
	assert_int_equal(token_seal(k, "marketing", "bob@example.org", 1,
	    utok, sizeof(utok)), 0);
	assert_int_equal(token_open_feedback(k, utok, strlen(utok), &t, err,
	    sizeof(err)), -1);
	/* every character changed, a character dropped or added */
	for (i = 0; i < n; i++) {
		memcpy(up, tok, n + 1);
		up[i] = up[i] == 'a' ? 'b' : 'a';
		assert_int_equal(token_open_feedback(k, up, n, &t, err,
		    sizeof(err)), -1);
	}
	assert_int_equal(token_open_feedback(k, tok, n - 1, &t, err,
	    sizeof(err)), -1);
	memcpy(up, tok, n);
	up[n] = 'a';
	assert_int_equal(token_open_feedback(k, up, n + 1, &t, err,
	    sizeof(err)), -1);
	assert_int_equal(token_open_feedback(k, "a+b", 3, &t, err,
	    sizeof(err)), -1);
	/* the longest address and list fit the buffer */
	memset(big, 'a', ADDR_MAX);
	memcpy(big + ADDR_MAX - 12, "@example.org", 12);
	big[ADDR_MAX] = '\0';
	memset(up, 'l', CONF_NAME_MAX);
	up[CONF_NAME_MAX] = '\0';
	assert_int_equal(token_seal_feedback(k, up, big, 1, tok, sizeof(tok)),
	    0);
	token_keys_free(k);
}

/* confirmation tokens: their own type, an address, expiry */
static void
test_confirm(void **state)
{
	struct token_keys *k = keys(key_a);
	struct token t;
	char tok[TOKEN_BUFSIZE], utok[TOKEN_BUFSIZE], err[128];
	const int64_t now = 2000000000LL, ttl = 7 * 86400;

	(void)state;
	assert_int_equal(token_seal_confirm(k, "news", "amy@example.org", now,
	    tok, sizeof(tok)), 0);
	assert_int_equal(token_open_confirm(k, tok, strlen(tok), now + 60, ttl,
	    &t, err, sizeof(err)), 0);
	assert_string_equal(t.list, "news");
	assert_string_equal(t.rcpt, "amy@example.org");
	assert_int_equal(t.issued, now);
	/* the last valid second, then expired (still says what it was for) */
	assert_int_equal(token_open_confirm(k, tok, strlen(tok), now + ttl - 1,
	    ttl, &t, err, sizeof(err)), 0);
	assert_int_equal(token_open_confirm(k, tok, strlen(tok), now + ttl, ttl,
	    &t, err, sizeof(err)), 1);
	assert_string_equal(t.list, "news");
	assert_non_null(strstr(err, "expired"));
	/* issued far in the future: refused */
	assert_int_equal(token_open_confirm(k, tok, strlen(tok), now - 3600,
	    ttl, &t, err, sizeof(err)), -1);
	/* a confirmation token is no unsubscribe token, and the reverse */
	assert_int_equal(token_open(k, tok, strlen(tok), &t, err, sizeof(err)),
	    -1);
	assert_int_equal(token_seal(k, "news", "amy@example.org", now, utok,
	    sizeof(utok)), 0);
	assert_int_equal(token_open_confirm(k, utok, strlen(utok), now, ttl, &t,
	    err, sizeof(err)), -1);
	/* it names a person */
	assert_int_equal(token_seal_confirm(k, "news", "", now, tok,
	    sizeof(tok)), -1);
	/* tampered */
	assert_int_equal(token_seal_confirm(k, "news", "amy@example.org", now,
	    tok, sizeof(tok)), 0);
	tok[30] = tok[30] == 'A' ? 'B' : 'A';
	assert_int_equal(token_open_confirm(k, tok, strlen(tok), now, ttl, &t,
	    err, sizeof(err)), -1);
	token_keys_free(k);
}

/*
 * the encoder is the milter's own: every remainder of three, checked
 * against libsodium's strict decoder and encoder, and the exact size
 */
static void
test_encoding(void **state)
{
	struct token_keys *k = keys(key_a);
	struct token t;
	char tok[TOKEN_BUFSIZE], again[TOKEN_BUFSIZE], rcpt[64], err[128];
	unsigned char raw[TOKEN_BUFSIZE];
	const char *end;
	size_t n, rawlen, len;

	(void)state;
	for (n = 0; n < 40; n++) {
		/* "" (a list-only token), then x@e.org, xx@e.org, ... */
		memset(rcpt, 'x', n);
		(void)strlcpy(rcpt + n, n > 0 ? "@e.org" : "", sizeof(rcpt) - n);
		assert_int_equal(token_seal(k, "m", rcpt, (int64_t)n * 77777,
		    tok, sizeof(tok)), 0);
		len = strlen(tok);
		assert_int_equal(sodium_base642bin(raw, sizeof(raw), tok, len,
		    NULL, &rawlen, &end,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
		assert_ptr_equal(end, tok + len);
		assert_int_equal(len, (rawlen * 4 + 2) / 3);
		(void)sodium_bin2base64(again, sizeof(again), raw, rawlen,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		assert_string_equal(again, tok);
		assert_int_equal(token_open(k, tok, len, &t, err,
		    sizeof(err)), 0);
		assert_string_equal(t.rcpt, rcpt);
		assert_true(t.issued == (int64_t)n * 77777);
		/* the exact size fits; one octet less does not */
		assert_int_equal(token_seal(k, "m", rcpt, 1, again, len + 1),
		    0);
		assert_int_equal(strlen(again), len);
		assert_int_equal(token_seal(k, "m", rcpt, 1, again, len), -1);
	}
	token_keys_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_tamper_each_byte),
		cmocka_unit_test(test_wrong_key_rotation),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_key_file_mode),
		cmocka_unit_test(test_keygen),
		cmocka_unit_test(test_feedback),
		cmocka_unit_test(test_confirm),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
