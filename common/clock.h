/* clock.h — elapsed-time measurement. */
#ifndef GSA_CLOCK_H
#define GSA_CLOCK_H

/* Seconds on the monotonic clock (arbitrary origin): subtract two readings
 * for an elapsed time that wall-clock changes cannot disturb. */
double gsa_monotonic_seconds(void);

#endif
