#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void stop_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static void on_signal_noop(int sig)
{
	(void)sig; /* never runs (the signals stay blocked); its presence keeps
		    * them from being discarded, also when job is PID 1 */
}

void job_signals_block(void)
{
	sigset_t set;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* A signal that is ignored (a shell starts background commands with
	 * SIGINT ignored) or left at its default in a container's PID 1 may be
	 * discarded instead of left pending: give TERM, INT and CHLD a handler.
	 * exec resets it to the default for the command. */
	sa.sa_handler = on_signal_noop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	stop_set(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int job_stop_requested(void *ctx)
{
	sigset_t pending;
	(void)ctx;
	if (sigpending(&pending) < 0) return 0;
	if (sigismember(&pending, SIGTERM)) return SIGTERM;
	if (sigismember(&pending, SIGINT)) return SIGINT;
	if (sigismember(&pending, SIGHUP)) return SIGHUP;
	return 0;
}

const char *job_signal_name(int sig)
{
	switch (sig) {
	case SIGTERM: return "SIGTERM";
	case SIGINT: return "SIGINT";
	case SIGHUP: return "SIGHUP";
	case SIGKILL: return "SIGKILL";
	default: return "a signal";
	}
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* In the forked child: own process group, default signals, cwd, exec.  On
 * failure the errno goes back through the close-on-exec pipe. */
static void child_exec(char *const argv[], const char *cwd, int report_fd)
{
	sigset_t none;
	int e;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (chdir(cwd) == 0) execvp(argv[0], argv);
	e = errno;
	while (write(report_fd, &e, sizeof e) < 0 && errno == EINTR) {}
	_exit(127);
}

int job_child_run(char *const argv[], const char *cwd, int grace_seconds, const gsa_log_t *log,
		  job_child_result_t *res, gsa_err_t *err)
{
	int pipefd[2], status = 0, child_errno = 0;
	ssize_t r;
	pid_t pid;
	sigset_t waitset;
	double deadline = 0;

	memset(res, 0, sizeof *res);
	if (pipe(pipefd) < 0) return gsa_err_errno(err, errno, "cannot create pipe");
	fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
	fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return gsa_err_set(err, GSA_EINTERNAL, "%s: cannot start: fork: %s", argv[0], strerror(e));
	}
	if (pid == 0) {
		close(pipefd[0]);
		child_exec(argv, cwd, pipefd[1]);
	}
	setpgid(pid, pid); /* also in the parent, so kill(-pid) works at once */
	close(pipefd[1]);
	do r = read(pipefd[0], &child_errno, sizeof child_errno); while (r < 0 && errno == EINTR);
	close(pipefd[0]);
	if (r == (ssize_t)sizeof child_errno) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
		return gsa_err_set(err, child_errno == ENOENT ? 127 : 126, "%s: cannot run: %s", argv[0],
				   strerror(child_errno));
	}

	stop_set(&waitset);
	sigaddset(&waitset, SIGCHLD);
	for (;;) {
		struct timespec ts = { 1, 0 };
		int sig, st, done = 0;
		pid_t w;
		/* reap every child, not just ours: as a container's PID 1, job
		 * inherits the command's orphans */
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == pid) {
				status = st;
				done = 1;
			}
		if (done) break;
		if (w < 0 && errno != EINTR)
			return gsa_err_errno(err, errno, "%s: cannot wait for the command", argv[0]);
		if (res->stop_signal && !res->killed) {
			double left = deadline - now_seconds();
			if (left <= 0) {
				gsa_warn(log, "%s: still running %d s after %s, killing it", argv[0], grace_seconds,
					 job_signal_name(res->stop_signal));
				kill(-pid, SIGKILL);
				res->killed = 1;
				continue;
			}
			if (left < 1) {
				ts.tv_sec = 0;
				ts.tv_nsec = (long)(left * 1e9) + 1;
			}
		}
		sig = sigtimedwait(&waitset, NULL, &ts);
		if ((sig == SIGTERM || sig == SIGINT || sig == SIGHUP) && !res->stop_signal) {
			res->stop_signal = sig;
			deadline = now_seconds() + grace_seconds;
			gsa_warn(log, "received %s: passing it to %s (pid %ld), grace period %d s",
				 job_signal_name(sig), argv[0], (long)pid, grace_seconds);
			kill(-pid, sig);
		}
	}
	if (res->stop_signal) kill(-pid, SIGKILL); /* nothing of the group may outlive the job's cleanup */
	if (WIFEXITED(status)) {
		res->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->term_signal = WTERMSIG(status);
		res->exit_code = 128 + res->term_signal;
	} else {
		res->exit_code = GSA_EINTERNAL;
	}
	return 0;
}
