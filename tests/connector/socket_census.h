// Counts this process's TCP sockets on one local port, by state, from /proc/net/tcp{,6}
// and /proc/self/fd: how a test sees whether a server leaves connections open or in
// CLOSE_WAIT (the peer closed, the server never did). Linux only.
#pragma once

namespace tenantsync::test {

struct SocketCensus {
  int open = 0;        // file descriptors of this process bound to the port locally
  int close_wait = 0;  // of those, in CLOSE_WAIT
};

SocketCensus sockets_on_local_port(int port);

// Every socket file descriptor of this process, whatever its kind.
int open_socket_fds();

}  // namespace tenantsync::test
