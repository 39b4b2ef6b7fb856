/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nullfilter - a libmilter filter that does nothing: the floor
 *
 * SYNOPSIS
 *	nullfilter -s SOCKET [-d] [-N] [-D RCPT] [-R N] [-a N]
 *
 * DESCRIPTION
 *	Negotiates as optin-milter does (the same actions, the same steps
 *	skipped, no replies to connect, the headers and their end, the same
 *	macro lists), answers every other step with continue and changes
 *	nothing. Whatever a message costs beyond this is optin-milter's own
 *	work.
 *
 *	As optin-milter, it sets TCP_NODELAY on an inet listening socket
 *	(-N leaves it off) and answers DATA rather than skipping it (-d
 *	skips it when the MTA allows), so that both can be compared on the
 *	same terms. It runs in the foreground until SIGTERM or SIGINT; it
 *	writes nothing.
 *
 *	With -D, -R and -a it makes the changes optin-milter makes, without
 *	deciding anything: at the end of every message it deletes RCPT
 *	(-D), or the first N recipients of the message (-R, at most 16),
 *	and adds N headers of 160 octets (-a), so that what the MTA spends
 *	on applying them can be told from what optin-milter spends on its
 *	decisions.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "sockopt.h"

static int skip_data, no_nodelay, add_headers, del_first;
static char *del_rcpt;
static char hdr_value[161];

#define FIRST_MAX	16

/* the first recipients of the message on a connection, for -R */
struct first {
	int	n;
	char	*rcpt[FIRST_MAX];
};

/* forget - drop the recipients remembered for the last message */
static void
forget(struct first *f)
{
	while (f->n > 0)
		free(f->rcpt[--f->n]);
}

static sfsistat
nf_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)f2;
	(void)f3;
	/* as optin-milter: the return path may be changed (its VERP) */
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_DELRCPT |
	    SMFIF_CHGFROM);
	*pf1 = f1 & (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NOBODY |
	    SMFIP_NR_HDR | SMFIP_NR_CONN | SMFIP_NR_EOH | SMFIP_HDR_LEADSPC);
	if (skip_data)
		*pf1 |= f1 & SMFIP_NODATA;
	if (f0 & SMFIF_SETSYMLIST) {
		*pf0 |= SMFIF_SETSYMLIST;
		(void)smfi_setsymlist(ctx, SMFIM_CONNECT, "j {daemon_name}");
		(void)smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}");
		(void)smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i");
		(void)smfi_setsymlist(ctx, SMFIM_EOH, "i");
		(void)smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	*pf2 = 0;
	*pf3 = 0;
	return (SMFIS_CONTINUE);
}

/*
 * nf_connect, nf_eoh - no reply: libmilter offers to skip both (it
 * answers for the filter when the MTA cannot), and they are taken
 */
static sfsistat
nf_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)ctx;
	(void)host;
	(void)sa;
	return (SMFIS_NOREPLY);
}

static sfsistat
nf_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return (SMFIS_NOREPLY);
}

/* nf_from - a new message: forget the recipients of the last one */
static sfsistat
nf_from(SMFICTX *ctx, char **argv)
{
	struct first *f;

	(void)argv;
	if (del_first == 0)
		return (SMFIS_CONTINUE);
	if ((f = smfi_getpriv(ctx)) == NULL) {
		if ((f = calloc(1, sizeof(*f))) == NULL ||
		    smfi_setpriv(ctx, f) != MI_SUCCESS) {
			free(f);
			return (SMFIS_TEMPFAIL);
		}
	}
	forget(f);
	return (SMFIS_CONTINUE);
}

/* nf_rcpt - remember the first -R recipients */
static sfsistat
nf_rcpt(SMFICTX *ctx, char **argv)
{
	struct first *f = smfi_getpriv(ctx);

	if (f == NULL || argv[0] == NULL || f->n >= del_first)
		return (SMFIS_CONTINUE);
	if ((f->rcpt[f->n] = strdup(argv[0])) == NULL)
		return (SMFIS_TEMPFAIL);
	f->n++;
	return (SMFIS_CONTINUE);
}

static sfsistat
nf_close(SMFICTX *ctx)
{
	struct first *f = smfi_getpriv(ctx);

	if (f != NULL) {
		forget(f);
		free(f);
		(void)smfi_setpriv(ctx, NULL);
	}
	return (SMFIS_CONTINUE);
}

static sfsistat
nf_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return (SMFIS_NOREPLY);
}

static sfsistat
nf_step(SMFICTX *ctx)
{
	(void)ctx;
	return (SMFIS_CONTINUE);
}

/* nf_eom - the changes -D and -a ask for */
static sfsistat
nf_eom(SMFICTX *ctx)
{
	struct first *f = smfi_getpriv(ctx);
	int i;

	if (del_rcpt != NULL)
		(void)smfi_delrcpt(ctx, del_rcpt);
	for (i = 0; f != NULL && i < f->n; i++)
		(void)smfi_delrcpt(ctx, f->rcpt[i]);
	for (i = 0; i < add_headers; i++)
		(void)smfi_addheader(ctx, "X-Null-Filter", hdr_value);
	return (SMFIS_CONTINUE);
}

static struct smfiDesc desc = {
	.xxfi_name = "nullfilter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_DELRCPT |
	    SMFIF_CHGFROM,
	.xxfi_connect = nf_connect,
	.xxfi_envfrom = nf_from,
	.xxfi_envrcpt = nf_rcpt,
	.xxfi_header = nf_header,
	.xxfi_eoh = nf_eoh,
	.xxfi_eom = nf_eom,
	.xxfi_abort = nf_step,
	.xxfi_close = nf_close,
	.xxfi_data = nf_step,
	.xxfi_negotiate = nf_negotiate,
};

int
main(int argc, char **argv)
{
	const char *sock = NULL;
	int ch, bad = 0;

	const char *errstr;

	while ((ch = getopt(argc, argv, "a:dD:NR:s:")) != -1) {
		switch (ch) {
		case 'a':
			add_headers = (int)strtonum(optarg, 0, 100, &errstr);
			if (errstr != NULL)
				bad = 1;
			break;
		case 'D':
			del_rcpt = optarg;
			break;
		case 'd':
			skip_data = 1;
			break;
		case 'N':
			no_nodelay = 1;
			break;
		case 'R':
			del_first = (int)strtonum(optarg, 0, FIRST_MAX,
			    &errstr);
			if (errstr != NULL)
				bad = 1;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			bad = 1;
			break;
		}
	}
	if (bad || sock == NULL || optind != argc) {
		fprintf(stderr, "usage: nullfilter -s SOCKET [-d] [-N] "
		    "[-D RCPT] [-R N] [-a N]\n");
		return (64);
	}
	memset(hdr_value, 'x', sizeof(hdr_value) - 1);
	(void)umask(0);
	if (smfi_setconn((char *)sock) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullfilter: cannot listen on %s\n", sock);
		return (69);
	}
	if (!no_nodelay && listen_nodelay() < 0) {
		perror("nullfilter: TCP_NODELAY");
		return (71);
	}
	return (smfi_main() == MI_SUCCESS ? 0 : 70);
}
