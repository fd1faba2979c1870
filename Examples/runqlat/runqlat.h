// What runqlat's BPF side and user side share.
#ifndef RUNQLAT_H
#define RUNQLAT_H

// Slot i of the histogram counts waits of [2^i, 2^(i+1)) microseconds (slot 0 also
// counts 0); the last slot counts everything longer.
#define RUNQLAT_SLOTS 27

#endif
