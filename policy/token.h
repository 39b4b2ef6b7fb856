/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * token.h - unsubscribe tokens
 *
 * SYNOPSIS
 *	struct token_keys *k;
 *	token_keys_load("/etc/optin-milter/secret.key", &k, err, sizeof(err));
 *	token_seal(k, "marketing", "bob@example.org", time(NULL), buf, sizeof(buf));
 *	token_open(k, buf, strlen(buf), &tok, err, sizeof(err));
 *	token_keys_free(k);
 *
 * DESCRIPTION
 *	A token is base64url (no padding) of
 *	    version(1) keyid(4) nonce(24) XChaCha20-Poly1305(payload)
 *	with version and key id as associated data, and the payload
 *	    issued(8, big-endian) listlen(1) list rcptlen(1) rcpt.
 *	Nobody without the key can make one, change one, or read the
 *	address in it. The version byte is the token's type: 1 unsubscribe
 *	(base64url), 2 feedback (base32), 3 confirmation of a subscription
 *	(base64url, expires); each opens only as its own type. The key
 *	file holds one key per line (64 hex digits); the first seals, all
 *	open (rotation: put the new key first). Unsubscribe tokens do not
 *	expire; confirmation tokens do, after confirm-ttl.
 *
 *	A feedback token (the return path of a message, see
 *	token_seal_feedback()) has the same payload under version 2, so
 *	that neither kind opens as the other, and is written in base32
 *	(lower case, no padding): it travels in the local part of an
 *	envelope sender, where some systems fold case.
 */
#ifndef OPTIN_TOKEN_H
#define OPTIN_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"

#define TOKEN_KEYS_MAX	16
#define TOKEN_BUFSIZE	512	/* enough for any token, with NUL */
#define TOKEN_FEEDBACK_BUFSIZE 640	/* the same for a feedback token */
#define TOKEN_KEYLINE	65	/* 64 hex digits and NUL */

struct token_keys;

struct token {
	int	version;
	uint32_t keyid;
	int64_t	issued;
	char	list[CONF_NAME_MAX + 1];
	char	rcpt[ADDR_BUFSIZE];	/* "" for a list-only token */
};

/*
 * token_keys_load - read FILE; refused when others may read it. The
 * result is freed (and wiped) by token_keys_free().
 */
int	token_keys_load(const char *file, struct token_keys **out, char *err,
	    size_t errlen) __attribute__((warn_unused_result));
/* token_keys_parse - the same from a buffer (no permission check) */
int	token_keys_parse(const char *buf, size_t len, struct token_keys **out,
	    char *err, size_t errlen) __attribute__((warn_unused_result));
void	token_keys_free(struct token_keys *);
size_t	token_keys_count(const struct token_keys *);

/* token_keygen - a new random key as 64 hex digits in LINE */
int	token_keygen(char line[TOKEN_KEYLINE]);

/* token_seal - a token for (LIST, RCPT) into OUT; RCPT "" for list-only */
int	token_seal(const struct token_keys *, const char *list,
	    const char *rcpt, int64_t issued, char *out, size_t outlen)
	    __attribute__((warn_unused_result));

/*
 * token_seal_feedback - a feedback token for (LIST, RCPT) sent at
 * ISSUED, into OUT (about 1.6 characters per byte of payload plus 88)
 */
int	token_seal_feedback(const struct token_keys *, const char *list,
	    const char *rcpt, int64_t issued, char *out, size_t outlen)
	    __attribute__((warn_unused_result));

/* token_open_feedback - token_open() for a feedback token (any case) */
int	token_open_feedback(const struct token_keys *, const char *tok,
	    size_t len, struct token *out, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/*
 * token_seal_confirm - a confirmation token for (LIST, RCPT) issued at
 * ISSUED, into OUT: the link of a confirmation message. A type of its
 * own, so that it never opens as an unsubscribe token or the reverse.
 */
int	token_seal_confirm(const struct token_keys *, const char *list,
	    const char *rcpt, int64_t issued, char *out, size_t outlen)
	    __attribute__((warn_unused_result));

/*
 * token_open_confirm - check and decrypt a confirmation token at NOW:
 * 0 valid; 1 authentic but TTL seconds or more old (*OUT is filled, ERR
 * says expired); -1 not valid (ERR says why, for logs only).
 */
int	token_open_confirm(const struct token_keys *, const char *tok,
	    size_t len, int64_t now, int64_t ttl, struct token *out, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

/*
 * token_open - check and decrypt TOK (LEN bytes). Returns 0, or -1 with
 * the reason in ERR (for logs only: never show it to the requester).
 */
int	token_open(const struct token_keys *, const char *tok, size_t len,
	    struct token *out, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

#endif
