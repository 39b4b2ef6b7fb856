/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * client.c - the client named by X-Forwarded-For; see client.h
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

#include "client.h"

int
client_canonical(const char *ip, size_t len, char *out, size_t outlen)
{
	char tmp[CLIENT_IP_MAX];
	unsigned char bin[16];

	if (len == 0 || len >= sizeof(tmp))
		return (-1);
	memcpy(tmp, ip, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, bin) == 1)
		return (inet_ntop(AF_INET, bin, out, outlen) != NULL ? 0 : -1);
	if (inet_pton(AF_INET6, tmp, bin) == 1)
		return (inet_ntop(AF_INET6, bin, out, outlen) != NULL ? 0 : -1);
	return (-1);
}

void
client_key(const char *ip, char out[CLIENT_IP_MAX])
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	unsigned char bin[16];
	size_t n;

	if (inet_pton(AF_INET6, ip, bin) != 1 ||
	    memcmp(bin, mapped, sizeof(mapped)) == 0) {
		(void)strlcpy(out, ip, CLIENT_IP_MAX);
		return;
	}
	memset(bin + 8, 0, 8);
	if (inet_ntop(AF_INET6, bin, out, CLIENT_IP_MAX - 3) == NULL) {
		(void)strlcpy(out, ip, CLIENT_IP_MAX);
		return;
	}
	n = strlen(out);
	(void)strlcpy(out + n, "/64", CLIENT_IP_MAX - n);
}

static int
is_space(char c)
{
	return (c == ' ' || c == '\t');
}

int
client_forwarded(const char *const *vals, size_t nvals,
    int (*trusted)(void *, const char *), void *arg, char *out, size_t outlen)
{
	char hop[CLIENT_IP_MAX];
	size_t v, end, start, a, b;
	int found = 0;

	if (outlen > 0)
		out[0] = '\0';
	for (v = nvals; v-- > 0;) {
		const char *s = vals[v];

		if (s == NULL)
			continue;
		end = strlen(s);
		for (;;) {
			/* the hop between the previous comma and END */
			for (start = end; start > 0 && s[start - 1] != ','; start--)
				;
			for (a = start; a < end && is_space(s[a]); a++)
				;
			for (b = end; b > a && is_space(s[b - 1]); b--)
				;
			if (a == b && start == 0 && end == strlen(s))
				break;		/* an empty field adds no hop */
			if (client_canonical(s + a, b - a, hop, sizeof(hop)) < 0)
				return (found);	/* garbage: believe no more */
			if (strlcpy(out, hop, outlen) >= outlen) {
				out[0] = '\0';
				return (0);
			}
			found = 1;
			if (trusted == NULL || !trusted(arg, hop))
				return (1);
			if (start == 0)
				break;
			end = start - 1;
		}
	}
	return (found);
}
