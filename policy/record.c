/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.c - the byte layout of the store's records
 *
 * DESCRIPTION
 *	A version byte, then big-endian integers and strings of a 16-bit
 *	length and their bytes. Decoding checks every length and refuses
 *	NUL bytes inside strings, an unknown version, and out-of-range
 *	statuses and reasons. Only store.c uses this; it sees bytes, not
 *	LMDB values, so that a fuzzer can drive it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "record.h"


static void
enc_bytes(struct enc *e, const void *p, size_t n)
{
	if (e->len + n > sizeof(e->buf)) {
		e->overflow = 1;
		return;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

void
enc_init(struct enc *e)
{
	e->len = 0;
	e->overflow = 0;
}

void
enc_u8(struct enc *e, unsigned v)
{
	unsigned char b = (unsigned char)v;

	enc_bytes(e, &b, 1);
}

void
enc_i64(struct enc *e, int64_t v)
{
	unsigned char b[8];
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
	enc_bytes(e, b, 8);
}

void
enc_str(struct enc *e, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	unsigned char b[2];

	if (n > 0xffff) {
		e->overflow = 1;
		return;
	}
	b[0] = (unsigned char)(n >> 8);
	b[1] = (unsigned char)(n & 0xff);
	enc_bytes(e, b, 2);
	if (n > 0)
		enc_bytes(e, s, n);
}

struct dec {
	const unsigned char *p;
	size_t	left;
	int	bad;
};

static unsigned
dec_u8(struct dec *d)
{
	if (d->left < 1) {
		d->bad = 1;
		return (0);
	}
	d->left--;
	return (*d->p++);
}

static int64_t
dec_i64(struct dec *d)
{
	uint64_t u = 0;
	int i;

	if (d->left < 8) {
		d->bad = 1;
		return (0);
	}
	for (i = 0; i < 8; i++)
		u = (u << 8) | d->p[i];
	d->p += 8;
	d->left -= 8;
	return ((int64_t)u);
}

/* dec_str - copy a string into OUT (LEN bytes), truncating if need be */
static void
dec_str(struct dec *d, char *out, size_t len)
{
	const unsigned char *nul;
	size_t n, c;

	out[0] = '\0';
	if (d->left < 2) {
		d->bad = 1;
		return;
	}
	n = ((size_t)d->p[0] << 8) | d->p[1];
	d->p += 2;
	d->left -= 2;
	if (n > d->left) {
		d->bad = 1;
		return;
	}
	/* up to a NUL (a damaged record) and truncated, as snprintf() did */
	if ((nul = memchr(d->p, '\0', n)) != NULL) {
		d->bad = 1;
		c = (size_t)(nul - d->p);
	} else
		c = n;
	if (c >= len)
		c = len - 1;
	memcpy(out, d->p, c);
	out[c] = '\0';
	d->p += n;
	d->left -= n;
}

static void
dec_init(struct dec *d, const void *p, size_t len)
{
	d->p = p;
	d->left = len;
	d->bad = 0;
	if (dec_u8(d) != REC_VERSION)
		d->bad = 1;
}

int
rec_decode_consent(const void *p, size_t len, struct consent_rec *r)
{
	struct dec d;

	dec_init(&d, p, len);
	r->status = (int)dec_u8(&d);
	r->changed = dec_i64(&d);
	r->expires = dec_i64(&d);
	dec_str(&d, r->source, sizeof(r->source));
	dec_str(&d, r->evidence, sizeof(r->evidence));
	if (r->status < STATUS_MIN || r->status > STATUS_MAX)
		d.bad = 1;
	return (d.bad ? -1 : 0);
}

void
rec_encode_supp(struct enc *e, const struct supp_rec *r, int64_t changed,
    const char *source, const char *evidence)
{
	enc_u8(e, REC_VERSION);
	enc_u8(e, (unsigned)r->reason);
	enc_i64(e, changed);
	enc_str(e, source);
	enc_str(e, evidence);
	/* the tail rec_decode_supp() reads when there is more */
	if (r->all_changed != 0 && r->reason != SUPP_UNSUBSCRIBE_ALL) {
		enc_i64(e, r->all_changed);
		enc_str(e, r->all_source);
		enc_str(e, r->all_evidence);
	}
}

int
rec_decode_supp(const void *p, size_t len, struct supp_rec *r)
{
	struct dec d;

	dec_init(&d, p, len);
	r->reason = (int)dec_u8(&d);
	r->changed = dec_i64(&d);
	dec_str(&d, r->source, sizeof(r->source));
	dec_str(&d, r->evidence, sizeof(r->evidence));
	/* an unsubscribe-all kept under another reason follows, or not */
	r->all_changed = 0;
	r->all_source[0] = r->all_evidence[0] = '\0';
	if (!d.bad && d.left > 0) {
		r->all_changed = dec_i64(&d);
		dec_str(&d, r->all_source, sizeof(r->all_source));
		dec_str(&d, r->all_evidence, sizeof(r->all_evidence));
		if (r->all_changed <= 0 || r->reason == SUPP_UNSUBSCRIBE_ALL)
			d.bad = 1;
	}
	if (r->reason < SUPP_MIN || r->reason > SUPP_MAX)
		d.bad = 1;
	return (d.bad ? -1 : 0);
}

int
rec_decode_history(const void *k, size_t klen, const void *v, size_t vlen,
    struct history_rec *r)
{
	struct dec d;
	int i;

	if (klen != 8)
		return (-1);
	r->seq = 0;
	for (i = 0; i < 8; i++)
		r->seq = (r->seq << 8) | ((const unsigned char *)k)[i];
	dec_init(&d, v, vlen);
	r->time = dec_i64(&d);
	r->actor = (int)dec_u8(&d);
	dec_str(&d, r->address, sizeof(r->address));
	dec_str(&d, r->list, sizeof(r->list));
	dec_str(&d, r->old_state, sizeof(r->old_state));
	dec_str(&d, r->new_state, sizeof(r->new_state));
	dec_str(&d, r->source, sizeof(r->source));
	dec_str(&d, r->evidence, sizeof(r->evidence));
	return (d.bad ? -1 : 0);
}

