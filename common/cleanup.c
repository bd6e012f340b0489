#include "cleanup.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

enum { SLOT_FREE = 0, SLOT_BUSY, SLOT_FILE, SLOT_DIR };

typedef struct {
	volatile sig_atomic_t state;
	char path[GSA_CLEANUP_PATH_MAX];
} slot_t;

/* Process-wide by necessity: the signal handler must reach it. */
static slot_t g_slots[GSA_CLEANUP_SLOTS];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static void block_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

int gsa_cleanup_add(const char *path, int is_dir)
{
	sigset_t old;
	size_t n = strlen(path);
	int i, id = -1;
	if (n >= GSA_CLEANUP_PATH_MAX) return -1;
	block_signals(&old);
	pthread_mutex_lock(&g_lock);
	for (i = 0; i < GSA_CLEANUP_SLOTS; i++) {
		if (g_slots[i].state != SLOT_FREE) continue;
		g_slots[i].state = SLOT_BUSY;
		memcpy(g_slots[i].path, path, n + 1);
		g_slots[i].state = is_dir ? SLOT_DIR : SLOT_FILE;
		id = i;
		break;
	}
	pthread_mutex_unlock(&g_lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return id;
}

void gsa_cleanup_forget(int id)
{
	sigset_t old;
	if (id < 0 || id >= GSA_CLEANUP_SLOTS) return;
	/* under the lock: another thread may be scanning the slots in
	 * gsa_cleanup_add (a data race ThreadSanitizer reports otherwise) */
	block_signals(&old);
	pthread_mutex_lock(&g_lock);
	g_slots[id].state = SLOT_FREE;
	pthread_mutex_unlock(&g_lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void gsa_cleanup_run(void)
{
	int i;
	for (i = 0; i < GSA_CLEANUP_SLOTS; i++)
		if (g_slots[i].state == SLOT_FILE) {
			unlink(g_slots[i].path);
			g_slots[i].state = SLOT_FREE;
		}
	for (i = GSA_CLEANUP_SLOTS - 1; i >= 0; i--)
		if (g_slots[i].state == SLOT_DIR) {
			rmdir(g_slots[i].path);
			g_slots[i].state = SLOT_FREE;
		}
}

static void on_signal(int sig)
{
	gsa_cleanup_run();
	_exit(128 + sig);
}

void gsa_cleanup_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
