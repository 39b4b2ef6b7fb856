/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * token.c - sealed unsubscribe tokens (libsodium)
 *
 * DESCRIPTION
 *	See token.h for the format. Keys are wiped with explicit_bzero()
 *	when freed; a key file that others can read, or that the group can
 *	write, is refused.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "token.h"

#define TOKEN_VERSION	1	/* unsubscribe: base64url */
#define TOKEN_FEEDBACK	2	/* return path: base32 */
#define TOKEN_CONFIRM	3	/* confirmation of a subscription: base64url */
#define HDR_LEN		(1 + 4)
#define NONCE_LEN	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN		crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEY_LEN		crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define PLAIN_MAX	(8 + 1 + CONF_NAME_MAX + 1 + ADDR_MAX)
#define RAW_MAX		(HDR_LEN + NONCE_LEN + PLAIN_MAX + TAG_LEN)

struct token_keys {
	size_t	n;
	unsigned char key[TOKEN_KEYS_MAX][KEY_LEN];
	uint32_t id[TOKEN_KEYS_MAX];
};

/* key_id - the first four bytes of BLAKE2b(key), big-endian */
static uint32_t
key_id(const unsigned char *key)
{
	unsigned char h[16];

	crypto_generichash(h, sizeof(h), key, KEY_LEN, NULL, 0);
	return ((uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3]);
}

int
token_keys_parse(const char *buf, size_t len, struct token_keys **out,
    char *err, size_t errlen)
{
	struct token_keys *k;
	const char *p = buf, *end = buf + len, *eol;
	int line = 0;

	*out = NULL;
	if (sodium_init() < 0) {
		(void)snprintf(err, errlen, "libsodium failed to start");
		return (-1);
	}
	if ((k = sodium_malloc(sizeof(*k))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (-1);
	}
	memset(k, 0, sizeof(*k));
	for (; p < end; p = eol + 1) {
		const char *s, *e;
		size_t bin_len;

		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		for (s = p; s < eol && (*s == ' ' || *s == '\t'); s++)
			;
		for (e = eol; e > s && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r'); e--)
			;
		if (s == e || *s == '#')
			continue;
		if (k->n >= TOKEN_KEYS_MAX) {
			(void)snprintf(err, errlen, "line %d: more than %d keys",
			    line, TOKEN_KEYS_MAX);
			goto fail;
		}
		if (e - s != 2 * KEY_LEN || sodium_hex2bin(k->key[k->n],
		    KEY_LEN, s, (size_t)(e - s), NULL, &bin_len, NULL) != 0 ||
		    bin_len != KEY_LEN) {
			(void)snprintf(err, errlen, "line %d: a key is 64 "
			    "hexadecimal digits", line);
			goto fail;
		}
		k->id[k->n] = key_id(k->key[k->n]);
		k->n++;
	}
	if (k->n == 0) {
		(void)snprintf(err, errlen, "no key");
		goto fail;
	}
	*out = k;
	return (0);
fail:
	token_keys_free(k);
	return (-1);
}

int
token_keys_load(const char *file, struct token_keys **out, char *err,
    size_t errlen)
{
	char buf[4096], perr[128];
	struct stat sb;
	ssize_t n;
	int fd, rc;

	*out = NULL;
	/* O_NONBLOCK: a FIFO at the path must not hang a reload */
	if ((fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) < 0) {
		(void)snprintf(err, errlen, "secret-file %s: %s", file,
		    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		(void)snprintf(err, errlen, "secret-file %s: not a regular file",
		    file);
		(void)close(fd);
		return (-1);
	}
	if (sb.st_mode & (S_IRWXO | S_IWGRP)) {
		(void)snprintf(err, errlen, "secret-file %s: mode %04o lets "
		    "others read or change it (chmod 0600)", file,
		    (unsigned)(sb.st_mode & 07777));
		(void)close(fd);
		return (-1);
	}
	n = read(fd, buf, sizeof(buf));
	(void)close(fd);
	if (n < 0 || (size_t)n == sizeof(buf)) {
		(void)snprintf(err, errlen, "secret-file %s: %s", file,
		    n < 0 ? strerror(errno) : "too large");
		explicit_bzero(buf, sizeof(buf));
		return (-1);
	}
	rc = token_keys_parse(buf, (size_t)n, out, perr, sizeof(perr));
	explicit_bzero(buf, sizeof(buf));
	if (rc < 0)
		(void)snprintf(err, errlen, "secret-file %s: %s", file, perr);
	return (rc);
}

void
token_keys_free(struct token_keys *k)
{
	if (k == NULL)
		return;
	sodium_free(k);		/* zeroes the memory */
}

size_t
token_keys_count(const struct token_keys *k)
{
	return (k->n);
}

int
token_keygen(char line[TOKEN_KEYLINE])
{
	unsigned char key[KEY_LEN];

	if (sodium_init() < 0)
		return (-1);
	crypto_aead_xchacha20poly1305_ietf_keygen(key);
	(void)sodium_bin2hex(line, TOKEN_KEYLINE, key, sizeof(key));
	explicit_bzero(key, sizeof(key));
	return (0);
}

/*
 * seal_raw - version, key id, nonce and the sealed payload into RAW;
 * returns the length, or 0 when the fields do not fit
 */
static size_t
seal_raw(const struct token_keys *k, int version, const char *list,
    const char *rcpt, int64_t issued, unsigned char raw[RAW_MAX])
{
	unsigned char plain[PLAIN_MAX];
	unsigned long long clen;
	size_t ll = strlen(list), rl = strlen(rcpt), plen = 0;
	uint64_t u = (uint64_t)issued;
	int i;

	if (ll == 0 || ll > CONF_NAME_MAX || rl > ADDR_MAX)
		return (0);
	for (i = 7; i >= 0; i--) {
		plain[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
	plen = 8;
	plain[plen++] = (unsigned char)ll;
	memcpy(plain + plen, list, ll);
	plen += ll;
	plain[plen++] = (unsigned char)rl;
	memcpy(plain + plen, rcpt, rl);
	plen += rl;

	raw[0] = (unsigned char)version;
	raw[1] = (unsigned char)(k->id[0] >> 24);
	raw[2] = (unsigned char)(k->id[0] >> 16);
	raw[3] = (unsigned char)(k->id[0] >> 8);
	raw[4] = (unsigned char)k->id[0];
	randombytes_buf(raw + HDR_LEN, NONCE_LEN);
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(raw + HDR_LEN +
	    NONCE_LEN, &clen, plain, plen, raw, HDR_LEN, NULL, raw + HDR_LEN,
	    k->key[0]) != 0)
		return (0);
	return (HDR_LEN + NONCE_LEN + (size_t)clen);
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * seal_b64 - a token of type VERSION in base64url without padding. The
 * octets are sealed already, so the encoding need not hide them: a
 * table, not sodium_bin2base64()'s constant-time arithmetic.
 */
static int
seal_b64(const struct token_keys *k, int version, const char *list,
    const char *rcpt, int64_t issued, char *out, size_t outlen)
{
	unsigned char raw[RAW_MAX];
	size_t rawlen, i, o = 0;
	uint32_t v;

	if ((rawlen = seal_raw(k, version, list, rcpt, issued, raw)) == 0)
		return (-1);
	if ((rawlen * 4 + 2) / 3 + 1 > outlen)
		return (-1);
	for (i = 0; i + 3 <= rawlen; i += 3) {
		v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 |
		    raw[i + 2];
		out[o++] = b64url[v >> 18];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		out[o++] = b64url[v & 63];
	}
	if (rawlen - i == 1) {
		v = (uint32_t)raw[i] << 16;
		out[o++] = b64url[v >> 18];
		out[o++] = b64url[(v >> 12) & 63];
	} else if (rawlen - i == 2) {
		v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8;
		out[o++] = b64url[v >> 18];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
	}
	out[o] = '\0';
	return (0);
}

int
token_seal(const struct token_keys *k, const char *list, const char *rcpt,
    int64_t issued, char *out, size_t outlen)
{
	return (seal_b64(k, TOKEN_VERSION, list, rcpt, issued, out, outlen));
}

int
token_seal_confirm(const struct token_keys *k, const char *list,
    const char *rcpt, int64_t issued, char *out, size_t outlen)
{
	if (*rcpt == '\0')
		return (-1);		/* a confirmation names a person */
	return (seal_b64(k, TOKEN_CONFIRM, list, rcpt, issued, out, outlen));
}

static int open_raw(const struct token_keys *, int, const unsigned char *,
    size_t, struct token *, char *, size_t);

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

int
token_seal_feedback(const struct token_keys *k, const char *list,
    const char *rcpt, int64_t issued, char *out, size_t outlen)
{
	unsigned char raw[RAW_MAX];
	size_t rawlen, i, o = 0;
	unsigned bits = 0, acc = 0;

	if ((rawlen = seal_raw(k, TOKEN_FEEDBACK, list, rcpt, issued,
	    raw)) == 0)
		return (-1);
	if ((rawlen * 8 + 4) / 5 + 1 > outlen)
		return (-1);
	for (i = 0; i < rawlen; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return (0);
}

/* b32_decode - base32 (either case, no padding) into RAW; -1 when malformed */
static int
b32_decode(const char *tok, size_t len, unsigned char *raw, size_t rawmax,
    size_t *rawlen)
{
	size_t i, o = 0;
	unsigned bits = 0, acc = 0;

	for (i = 0; i < len; i++) {
		int c = tok[i], v;

		if (c >= 'a' && c <= 'z')
			v = c - 'a';
		else if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= '2' && c <= '7')
			v = c - '2' + 26;
		else
			return (-1);
		acc = ((acc << 5) | (unsigned)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			if (o >= rawmax)
				return (-1);
			raw[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return (-1);	/* not what the encoder makes */
	*rawlen = o;
	return (0);
}

/* open_b64 - check and decrypt the base64url token TOK of type VERSION */
static int
open_b64(const struct token_keys *k, int version, const char *tok, size_t len,
    struct token *out, char *err, size_t errlen)
{
	unsigned char raw[RAW_MAX];
	size_t rawlen, i;
	const char *end;

	if (len == 0 || len > (RAW_MAX * 4 + 2) / 3 + 1) {
		(void)snprintf(err, errlen, "token of bad length");
		return (-1);
	}
	for (i = 0; i < len; i++) {
		char c = tok[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			(void)snprintf(err, errlen, "token is not base64url");
			return (-1);
		}
	}
	if (sodium_base642bin(raw, sizeof(raw), tok, len, NULL, &rawlen, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != tok + len) {
		(void)snprintf(err, errlen, "token is not base64url");
		return (-1);
	}
	return (open_raw(k, version, raw, rawlen, out, err, errlen));
}

int
token_open(const struct token_keys *k, const char *tok, size_t len,
    struct token *out, char *err, size_t errlen)
{
	return (open_b64(k, TOKEN_VERSION, tok, len, out, err, errlen));
}

int
token_open_confirm(const struct token_keys *k, const char *tok, size_t len,
    int64_t now, int64_t ttl, struct token *out, char *err, size_t errlen)
{
	if (open_b64(k, TOKEN_CONFIRM, tok, len, out, err, errlen) < 0)
		return (-1);
	if (out->rcpt[0] == '\0') {
		(void)snprintf(err, errlen, "confirmation token without an "
		    "address");
		memset(out, 0, sizeof(*out));
		return (-1);
	}
	if (out->issued > now + 300) {
		(void)snprintf(err, errlen, "confirmation token from the "
		    "future");
		memset(out, 0, sizeof(*out));
		return (-1);
	}
	if (now - out->issued >= ttl) {
		(void)snprintf(err, errlen, "confirmation token expired");
		return (1);	/* *OUT stays filled: say which list */
	}
	return (0);
}

int
token_open_feedback(const struct token_keys *k, const char *tok, size_t len,
    struct token *out, char *err, size_t errlen)
{
	unsigned char raw[RAW_MAX];
	size_t rawlen;

	if (len == 0 || len > (RAW_MAX * 8 + 4) / 5) {
		(void)snprintf(err, errlen, "token of bad length");
		return (-1);
	}
	if (b32_decode(tok, len, raw, sizeof(raw), &rawlen) < 0) {
		(void)snprintf(err, errlen, "token is not base32");
		return (-1);
	}
	return (open_raw(k, TOKEN_FEEDBACK, raw, rawlen, out, err, errlen));
}

/* open_raw - check and decrypt RAW, a token of type VERSION */
static int
open_raw(const struct token_keys *k, int version, const unsigned char *raw,
    size_t rawlen, struct token *out, char *err, size_t errlen)
{
	unsigned char plain[PLAIN_MAX];
	unsigned long long plen;
	size_t i, ll, rl, pos;
	uint32_t id;
	char check[ADDR_BUFSIZE], aerr[64];

	if (rawlen < HDR_LEN + NONCE_LEN + TAG_LEN + 8 + 2) {
		(void)snprintf(err, errlen, "token too short");
		return (-1);
	}
	if (raw[0] != version) {
		(void)snprintf(err, errlen, "unknown token version %u", raw[0]);
		return (-1);
	}
	id = (uint32_t)raw[1] << 24 | (uint32_t)raw[2] << 16 |
	    (uint32_t)raw[3] << 8 | raw[4];
	for (i = 0; i < k->n; i++)
		if (k->id[i] == id)
			break;
	if (i == k->n) {
		(void)snprintf(err, errlen, "token made with an unknown key");
		return (-1);
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL,
	    raw + HDR_LEN + NONCE_LEN, rawlen - HDR_LEN - NONCE_LEN, raw,
	    HDR_LEN, raw + HDR_LEN, k->key[i]) != 0) {
		(void)snprintf(err, errlen, "token fails authentication");
		return (-1);
	}

	/* the payload: issued, list, recipient */
	memset(out, 0, sizeof(*out));
	out->version = raw[0];
	out->keyid = id;
	for (pos = 0; pos < 8; pos++)
		out->issued = (int64_t)(((uint64_t)out->issued << 8) | plain[pos]);
	ll = plain[pos++];
	if (ll == 0 || ll > CONF_NAME_MAX || pos + ll + 1 > plen)
		goto bad;
	memcpy(out->list, plain + pos, ll);
	out->list[ll] = '\0';
	pos += ll;
	rl = plain[pos++];
	if (rl > ADDR_MAX || pos + rl != plen)
		goto bad;
	memcpy(out->rcpt, plain + pos, rl);
	out->rcpt[rl] = '\0';
	if (!conf_valid_list_name(out->list) || memchr(out->list, '\0', ll) ||
	    memchr(out->rcpt, '\0', rl))
		goto bad;
	if (rl > 0 && (addr_normalize(out->rcpt, rl, ADDR_ALLOW_DOMAIN, check,
	    sizeof(check), aerr, sizeof(aerr)) < 0 ||
	    strcmp(check, out->rcpt) != 0))
		goto bad;
	return (0);
bad:
	(void)snprintf(err, errlen, "token payload malformed");
	memset(out, 0, sizeof(*out));
	return (-1);
}
