// The record tcpconnect's BPF side sends its user side (same layout on both sides).
#ifndef TCPCONNECT_H
#define TCPCONNECT_H

struct connect_event {
  unsigned int pid;
  unsigned int uid;
  unsigned short family;  // 2: IPv4 (the first 4 bytes of the addresses), 10: IPv6
  unsigned short dport;   // host byte order
  unsigned short sport;
  unsigned short padding;
  unsigned char saddr[16];  // network order
  unsigned char daddr[16];
  char comm[16];
};

#endif
