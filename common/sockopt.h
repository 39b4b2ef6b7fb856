/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockopt.h - socket options the milters need that libmilter does not set
 */
#ifndef OPTIN_SOCKOPT_H
#define OPTIN_SOCKOPT_H

/* listen_nodelay - TCP_NODELAY on the listening TCP socket; 1, 0, -1 */
int	listen_nodelay(void);

#endif
