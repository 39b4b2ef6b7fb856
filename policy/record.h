/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.h - the byte layout of the store's records (store.c only)
 */
#ifndef OPTIN_RECORD_H
#define OPTIN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define REC_VERSION	1

/* an encoder into a fixed buffer; OVERFLOW is set when it did not fit */
struct enc {
	unsigned char buf[2048];
	size_t	len;
	int	overflow;
};

/* enc_init - empty E; its buffer is not cleared (only LEN bytes count) */
void	enc_init(struct enc *);
void	enc_u8(struct enc *, unsigned);
void	enc_i64(struct enc *, int64_t);
void	enc_str(struct enc *, const char *);

/*
 * rec_encode_supp - R as a suppression record, with CHANGED, SOURCE and
 * EVIDENCE, and the unsubscribe-all kept under it when it has one
 */
void	rec_encode_supp(struct enc *, const struct supp_rec *r, int64_t changed,
	    const char *source, const char *evidence);

/* decoders: 0, or -1 for a malformed record */
int	rec_decode_consent(const void *, size_t, struct consent_rec *);
int	rec_decode_supp(const void *, size_t, struct supp_rec *);
int	rec_decode_history(const void *key, size_t keylen, const void *val,
	    size_t vallen, struct history_rec *);

#endif
