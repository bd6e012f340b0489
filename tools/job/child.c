#include "child.h"
#include "clock.h"

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

/* In the forked child: the pipeline's process group, stdin/stdout wired to
 * its neighbours, default signals, cwd, exec.  On failure the errno goes
 * back through the close-on-exec pipe. */
static void child_exec(char *const argv[], const char *cwd, pid_t pgid, int in_fd, int out_fd, int report_fd)
{
	sigset_t none;
	int e;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	setpgid(0, pgid);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((in_fd < 0 || dup2(in_fd, STDIN_FILENO) >= 0) && (out_fd < 0 || dup2(out_fd, STDOUT_FILENO) >= 0) &&
	    chdir(cwd) == 0)
		execvp(argv[0], argv);
	e = errno;
	while (write(report_fd, &e, sizeof e) < 0 && errno == EINTR) {}
	_exit(127);
}

/* Start command i of the pipeline.  Returns its pid, or -1 with err set. */
static pid_t start_one(char *const argv[], const char *cwd, pid_t pgid, int in_fd, int out_fd, int close_fd,
		       gsa_err_t *err)
{
	int report[2], child_errno = 0;
	ssize_t r;
	pid_t pid;
	if (pipe(report) < 0) return gsa_err_errno(err, errno, "cannot create pipe");
	fcntl(report[0], F_SETFD, FD_CLOEXEC);
	fcntl(report[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		char why[GSA_STRERROR_MAX];
		close(report[0]);
		close(report[1]);
		return gsa_err_set(err, GSA_EINTERNAL, "%s: cannot start: fork: %s", argv[0],
				   gsa_strerror(e, why, sizeof why));
	}
	if (pid == 0) {
		close(report[0]);
		if (close_fd >= 0) close(close_fd); /* the read end of our own stdout pipe */
		child_exec(argv, cwd, pgid, in_fd, out_fd, report[1]);
	}
	setpgid(pid, pgid ? pgid : pid); /* also in the parent, so kill(-pgid) works at once */
	close(report[1]);
	do r = read(report[0], &child_errno, sizeof child_errno); while (r < 0 && errno == EINTR);
	close(report[0]);
	if (r == (ssize_t)sizeof child_errno) {
		int st;
		char why[GSA_STRERROR_MAX];
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
		return gsa_err_set(err, child_errno == ENOENT ? 127 : 126, "%s: cannot run: %s", argv[0],
				   gsa_strerror(child_errno, why, sizeof why));
	}
	return pid;
}

int job_child_run(char **const cmds[], size_t ncmd, const char *cwd, int grace_seconds, const gsa_log_t *log,
		  job_child_result_t *res, gsa_err_t *err)
{
	pid_t pids[JOB_PIPE_MAX], pgid = 0;
	int status[JOB_PIPE_MAX], running = 0, in_fd = -1, failed = 0;
	size_t i;
	sigset_t waitset;
	double deadline = 0;
	const char *name = cmds[0][0];

	memset(res, 0, sizeof *res);
	if (ncmd == 0 || ncmd > JOB_PIPE_MAX)
		return gsa_err_set(err, GSA_EUSAGE, "a pipeline has 1 to %d commands, not %zu", JOB_PIPE_MAX, ncmd);
	for (i = 0; i < ncmd; i++) {
		int p[2] = { -1, -1 };
		if (i + 1 < ncmd) {
			if (pipe(p) < 0) {
				gsa_err_errno(err, errno, "cannot create pipe");
				failed = 1;
				break;
			}
			fcntl(p[0], F_SETFD, FD_CLOEXEC);
			fcntl(p[1], F_SETFD, FD_CLOEXEC);
		}
		pids[i] = start_one(cmds[i], cwd, pgid, in_fd, p[1], p[0], err);
		if (in_fd >= 0) close(in_fd);
		if (p[1] >= 0) close(p[1]);
		in_fd = p[0];
		if (pids[i] < 0) {
			failed = 1;
			break;
		}
		if (!pgid) pgid = pids[i];
		status[i] = -1;
		running++;
	}
	if (in_fd >= 0) close(in_fd);
	if (failed) {
		/* stop what already started and reap it; the start error stands */
		if (pgid) kill(-pgid, SIGKILL);
		while (running > 0) {
			int st;
			if (waitpid(-1, &st, 0) < 0 && errno != EINTR) break;
			running--;
		}
		return -1;
	}

	stop_set(&waitset);
	sigaddset(&waitset, SIGCHLD);
	while (running > 0) {
		struct timespec ts = { 1, 0 };
		int sig, st;
		pid_t w;
		/* reap every child, not just ours: as a container's PID 1, job
		 * inherits the command's orphans */
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			for (i = 0; i < ncmd; i++)
				if (w == pids[i] && status[i] < 0) {
					status[i] = st;
					running--;
				}
		if (running == 0) break;
		if (w < 0 && errno != EINTR)
			return gsa_err_errno(err, errno, "%s: cannot wait for the command", name);
		if (res->stop_signal && !res->killed) {
			double left = deadline - gsa_monotonic_seconds();
			if (left <= 0) {
				gsa_warn(log, "%s: still running %d s after %s, killing it", name, grace_seconds,
					 job_signal_name(res->stop_signal));
				kill(-pgid, SIGKILL);
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
			deadline = gsa_monotonic_seconds() + grace_seconds;
			gsa_warn(log, "received %s: passing it to %s (process group %ld), grace period %d s",
				 job_signal_name(sig), name, (long)pgid, grace_seconds);
			kill(-pgid, sig);
		}
	}
	if (res->stop_signal) kill(-pgid, SIGKILL); /* nothing of the group may outlive the job's cleanup */
	/* like a shell's pipefail: the status of the last command that failed */
	for (i = 0; i < ncmd; i++) {
		int st = status[i];
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) continue;
		res->failed_index = (int)i;
		res->term_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		res->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : GSA_EINTERNAL;
	}
	return 0;
}
