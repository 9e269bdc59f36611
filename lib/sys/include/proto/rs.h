/*
 * What rs says to the services it watches. A service's server loop
 * (ax_serve) answers RS_PING by itself, so every service on lib/sys is
 * pingable with no code of its own; a service that must check its own
 * health first puts an RS_PING entry in its call table.
 */
#ifndef PROTO_RS_H
#define PROTO_RS_H

enum {
	RS_PING = 0x600, /* rs -> service: answer i64[0] = 0 while you are well (heartbeats) */
};

#endif
