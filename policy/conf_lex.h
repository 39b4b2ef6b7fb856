/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf_lex.h - the configuration lexer (conf.c only)
 *
 * DESCRIPTION
 *	Words, "strings" with \" and \\, braces and newlines; '#' starts a
 *	comment; CRLF is a newline, a lone CR or another control character
 *	an error. conf_read_stmt() collects the words of one statement, up
 *	to a newline or a brace.
 */
#ifndef OPTIN_CONF_LEX_H
#define OPTIN_CONF_LEX_H

#include <stddef.h>

#define TOK_MAX		1024
#define MAX_ARGS	16

enum tok_type { TOK_WORD, TOK_STRING, TOK_LBRACE, TOK_RBRACE, TOK_NL,
	TOK_EOF };

struct lexer {
	const char *p, *end;
	int	line;
	const char *name;
	char	*err;
	size_t	errlen;
	int	errline;	/* the line conf_perr() named, 0 before */
};

struct stmt {
	char	arg[MAX_ARGS][TOK_MAX];
	int	nargs;
	int	line;
	enum tok_type term;	/* TOK_NL, TOK_EOF, TOK_LBRACE, TOK_RBRACE */
};

/* conf_perr - "NAME:LINE: message" into the lexer's error buffer; -1 */
int	conf_perr(struct lexer *, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* conf_lex - the next token; TEXT (TOK_MAX bytes) holds words and strings */
int	conf_lex(struct lexer *, enum tok_type *, char *text);
/* conf_read_stmt - the words of one statement */
int	conf_read_stmt(struct lexer *, struct stmt *);

#endif
