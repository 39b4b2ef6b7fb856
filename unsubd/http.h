/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * http.h - what optin-unsubd's route files share (libmicrohttpd types)
 *
 * DESCRIPTION
 *	Responses are queued with respond() or one of the error pages;
 *	refuse() also closes the connection. evidence() describes the
 *	client for the history. open_token() opens a token that names a
 *	person and a configured list; anything else is answered with
 *	bad_link() by the caller.
 */
#ifndef OPTIN_HTTP_H
#define OPTIN_HTTP_H

#include <stddef.h>

#include <microhttpd.h>

#include "client.h"
#include "token.h"
#include "unsubd.h"

/* a request and its body, kept across the handler's calls */
struct req {
	char	body[BODY_MAX + 1];
	size_t	len;
	int	too_big;
	int	chunked;	/* answered with the connection closed */
};

enum MHD_Result respond(struct MHD_Connection *, unsigned status,
	    const char *ctype, struct buf *, const char *allow);
enum MHD_Result respond_close(struct MHD_Connection *, unsigned status,
	    const char *ctype, struct buf *, const char *allow, int close);
enum MHD_Result error_page(struct MHD_Connection *, unsigned status,
	    const char *title, const char *text, const char *allow);
enum MHD_Result refuse(struct MHD_Connection *, unsigned status,
	    const char *title, const char *text);
enum MHD_Result bad_link(struct MHD_Connection *);
enum MHD_Result unavailable(struct MHD_Connection *);

/* client_of - the remote address, and the client behind a trusted proxy */
void	client_of(struct MHD_Connection *, const struct conf *,
	    char ip[CLIENT_IP_MAX], char fwd[CLIENT_IP_MAX]);
/* header_text - header NAME escaped by the rule of text.h ("" absent) */
void	header_text(struct MHD_Connection *, const char *name, char *out,
	    size_t len);
/* evidence - "route=R ip=A [fwd=F] ua=\"U\"" for the history */
void	evidence(struct MHD_Connection *, const struct conf *, const char *route,
	    char *out, size_t len);
/* open_token - 1: a valid token for a person and a configured list */
int	open_token(const struct unsubd_env *, const char *tok, struct token *);
/* describe - the list's description, or its name */
const char *describe(const struct conf *, const char *list);

/* the routes */
enum MHD_Result home_get(struct MHD_Connection *, const struct unsubd_env *);
/* u_unsubscribed - 1: the token's person has left its list; 0; -1 unknown */
int	u_unsubscribed(const struct unsubd_env *, const struct token *);
enum MHD_Result u_get(struct MHD_Connection *, const struct unsubd_env *,
	    const char *tok);
enum MHD_Result u_post(struct MHD_Connection *, const struct unsubd_env *,
	    const char *tok, const struct req *);
enum MHD_Result p_get(struct MHD_Connection *, const struct unsubd_env *,
	    const char *tok);
enum MHD_Result p_post(struct MHD_Connection *, const struct unsubd_env *,
	    const char *tok, const struct req *);
enum MHD_Result s_get(struct MHD_Connection *, const struct unsubd_env *);
enum MHD_Result s_post(struct MHD_Connection *, const struct unsubd_env *,
	    const struct req *);
enum MHD_Result c_get(struct MHD_Connection *, const struct unsubd_env *,
	    const char *tok);
enum MHD_Result c_post(struct MHD_Connection *, const struct unsubd_env *,
	    const char *tok, const struct req *);

/*
 * mailbox_ok - 1 when a confirmation for LIST may go to ADDR's mailbox
 * now (one per mailbox, list and confirm-interval; counted when 1)
 */
int	mailbox_ok(const struct conf *, const char *addr, const char *list);

/*
 * mailbox_gate - mailbox_ok() as the gate of confirm_request(), asked
 * inside the transaction so that what it holds back is not recorded
 * either; ARG is a struct mailbox_gate whose ASKED has one zeroed entry
 * per list of CONF, so that a transaction that runs again (store_write())
 * gets the same answer without counting twice
 */
struct mailbox_gate {
	const struct conf *conf;
	const char *addr;
	unsigned char *asked;		/* per list: 0, 1 refused, 2 sent */
};
int	mailbox_gate(void *, const struct conf_list *);

/*
 * when this process started (main.c): a confirmation it had not sent
 * when the one before it stopped is gone, so a request made before then
 * may be sent again (struct confirm_limit)
 */
extern int64_t unsubd_started;

/*
 * confirm_send - after a commit: seal a confirmation token for each of
 * the N lists and queue one message to ADDR (subscribe.c). 0 / -1.
 */
int	confirm_send(const struct unsubd_env *, const char *addr,
	    const struct conf_list *const *lists, size_t n);

/* libmicrohttpd's callbacks (http.c) and the guard's slot (listen.c) */
/*
 * http_unescape - %XX in the path and the query, as libmicrohttpd's own,
 * but %00 becomes 0x01: a NUL would cut the path short of what follows
 * it, and http_handler() refuses a path with a control character
 */
size_t	http_unescape(void *, struct MHD_Connection *, char *);
enum MHD_Result http_handler(void *, struct MHD_Connection *, const char *url,
	    const char *method, const char *version, const char *upload_data,
	    size_t *upload_data_size, void **con_cls);
void	http_completed(void *, struct MHD_Connection *, void **con_cls,
	    enum MHD_RequestTerminationCode);
struct guard_slot;
struct guard_slot *http_slot(struct MHD_Connection *);

#endif
