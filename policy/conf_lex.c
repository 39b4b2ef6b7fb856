/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf_lex.c - the configuration lexer; see conf_lex.h
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf_lex.h"

/* perr - "NAME:LINE: message" into the lexer's error buffer */
int
conf_perr(struct lexer *lx, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)snprintf(lx->err, lx->errlen, "%s:%d: %s", lx->name, line, msg);
	lx->errline = line;
	return (-1);
}

/* lex - the next token; TEXT (TOK_MAX bytes) holds words and strings */
int
conf_lex(struct lexer *lx, enum tok_type *type, char *text)
{
	size_t n = 0;
	unsigned char c;

	for (;;) {
		if (lx->p >= lx->end) {
			*type = TOK_EOF;
			return (0);
		}
		c = (unsigned char)*lx->p;
		if (c == ' ' || c == '\t' || (c == '\r' && lx->p + 1 < lx->end &&
		    lx->p[1] == '\n')) {
			lx->p++;
			continue;
		}
		if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		if (c == '\r')
			return (conf_perr(lx, lx->line, "control character"));
		break;
	}
	if (c == '\n') {
		lx->p++;
		*type = TOK_NL;
		return (0);
	}
	if (c == '{' || c == '}') {
		lx->p++;
		*type = c == '{' ? TOK_LBRACE : TOK_RBRACE;
		return (0);
	}
	if (c == '"') {
		lx->p++;
		for (;;) {
			if (lx->p >= lx->end || *lx->p == '\n')
				return (conf_perr(lx, lx->line, "unterminated string"));
			c = (unsigned char)*lx->p++;
			if (c == '"')
				break;
			if (c == '\\') {
				if (lx->p >= lx->end || *lx->p == '\n')
					return (conf_perr(lx, lx->line,
					    "unterminated string"));
				c = (unsigned char)*lx->p++;
			}
			if (c < 0x20 || c == 0x7f)
				return (conf_perr(lx, lx->line,
				    "control character in string"));
			if (n + 1 >= TOK_MAX)
				return (conf_perr(lx, lx->line, "string too long"));
			text[n++] = (char)c;
		}
		text[n] = '\0';
		*type = TOK_STRING;
		return (0);
	}
	while (lx->p < lx->end) {
		c = (unsigned char)*lx->p;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '#' || c == '{' || c == '}' || c == '"')
			break;
		if (c < 0x20 || c == 0x7f)
			return (conf_perr(lx, lx->line, "control character"));
		if (n + 1 >= TOK_MAX)
			return (conf_perr(lx, lx->line, "word too long"));
		text[n++] = (char)c;
		lx->p++;
	}
	if (c == '\r' && !(lx->p + 1 < lx->end && lx->p[1] == '\n'))
		return (conf_perr(lx, lx->line, "control character"));
	text[n] = '\0';
	*type = TOK_WORD;
	return (0);
}

/* read_stmt - the words of one statement, up to a newline or brace */
int
conf_read_stmt(struct lexer *lx, struct stmt *st)
{
	enum tok_type t;

	st->nargs = 0;
	st->line = lx->line;
	for (;;) {
		char text[TOK_MAX];

		if (conf_lex(lx, &t, text) < 0)
			return (-1);
		if (t == TOK_WORD || t == TOK_STRING) {
			if (st->nargs == 0)
				st->line = lx->line;
			if (st->nargs >= MAX_ARGS)
				return (conf_perr(lx, lx->line, "too many values"));
			memcpy(st->arg[st->nargs++], text, strlen(text) + 1);
			continue;
		}
		st->term = t;
		if (t == TOK_NL) {
			lx->line++;
			if (st->nargs == 0) {
				st->line = lx->line;
				continue;
			}
		}
		return (0);
	}
}

