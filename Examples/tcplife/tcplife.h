// The record tcplife's BPF side sends its user side (same layout on both sides).
#ifndef TCPLIFE_H
#define TCPLIFE_H

struct tcp_life {
  unsigned long long duration_ns;     // from established to closed
  unsigned long long bytes_sent;      // acknowledged by the peer
  unsigned long long bytes_received;
  unsigned int family;                // 2: IPv4 (first 4 bytes of the addresses), 10: IPv6
  unsigned short local_port;          // host byte order
  unsigned short remote_port;         // host byte order
  unsigned char local_address[16];    // network order
  unsigned char remote_address[16];
  unsigned int active;                // 1: this side connected; 0: it accepted
};

#endif
