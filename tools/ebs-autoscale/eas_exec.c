/* eas_exec.c — fork/exec a tool, keep the tail of its stderr. */
#include "eas_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"

int eas_exec_exists(const char *name)
{
	if (strchr(name, '/')) return access(name, X_OK) == 0;
	const char *path = getenv("PATH");
	if (!path || !*path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char buf[4096];
	for (const char *p = path; *p;) {
		const char *c = strchr(p, ':');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, name);
		struct stat st;
		if (n && !stat(buf, &st) && S_ISREG(st.st_mode) && !access(buf, X_OK)) return 1;
		p += n + (c ? 1 : 0);
		if (!c) break;
	}
	return 0;
}

/* the last two non-empty lines of s joined by "; " (tools often end with a
 * generic "Run 'X --help'" after the real reason) */
static void last_line(const char *s, char *out, size_t n)
{
	const char *ln[2] = { NULL, NULL };
	size_t ll[2] = { 0, 0 };
	for (const char *p = s; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *a = p;
		size_t k = len;
		while (k && (*a == ' ' || *a == '\t')) a++, k--;
		while (k && (a[k - 1] == '\r' || a[k - 1] == ' ')) k--;
		if (k) {
			ln[0] = ln[1];
			ll[0] = ll[1];
			ln[1] = a;
			ll[1] = k;
		}
		p += len + (e ? 1 : 0);
	}
	if (ln[0]) snprintf(out, n, "%.*s; %.*s", (int)ll[0], ln[0], (int)ll[1], ln[1]);
	else if (ln[1]) snprintf(out, n, "%.*s", (int)ll[1], ln[1]);
	else out[0] = 0;
}

int eas_exec_run(char *const argv[], char **out, gsa_err_t *err)
{
	gsa_strbuf_t cmd;
	gsa_strbuf_init(&cmd);
	for (int i = 0; argv[i]; i++) gsa_strbuf_appendf(&cmd, "%s%s", i ? " " : "", argv[i]);
	if (!eas_exec_exists(argv[0])) {
		gsa_err_set(err, GSA_EIO, "%s: not found (install it or put it in PATH)", argv[0]);
		gsa_strbuf_free(&cmd);
		return -1;
	}
	int pfd[2], ofd[2] = { -1, -1 };
	if (out && pipe(ofd)) {
		gsa_err_errno(err, errno, "%s: pipe", cmd.s);
		gsa_strbuf_free(&cmd);
		return -1;
	}
	if (pipe(pfd)) {
		if (out) close(ofd[0]), close(ofd[1]);
		gsa_err_errno(err, errno, "%s: pipe", cmd.s);
		gsa_strbuf_free(&cmd);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		gsa_err_errno(err, errno, "%s: fork", cmd.s);
		close(pfd[0]);
		close(pfd[1]);
		if (out) close(ofd[0]), close(ofd[1]);
		gsa_strbuf_free(&cmd);
		return -1;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		dup2(pfd[1], 2);
		if (out) {
			dup2(ofd[1], 1);
			close(ofd[0]);
			close(ofd[1]);
		}
		close(pfd[0]);
		close(pfd[1]);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	if (out) close(ofd[1]);
	gsa_strbuf_t errs, outs;
	gsa_strbuf_init(&errs);
	gsa_strbuf_init(&outs);
	/* both pipes: poll so neither fills while the other is read */
	struct pollfd pf[2] = { { pfd[0], POLLIN, 0 }, { out ? ofd[0] : -1, POLLIN, 0 } };
	int open_n = out ? 2 : 1;
	char buf[4096];
	while (open_n > 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR) continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents) continue;
			ssize_t n = read(pf[i].fd, buf, sizeof buf);
			if (n < 0 && errno == EINTR) continue;
			if (n <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_n--;
				continue;
			}
			gsa_strbuf_t *b = i ? &outs : &errs;
			if (b->len < (1u << 20)) gsa_strbuf_append_len(b, buf, (size_t)n);
		}
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
	int rc = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char tail[512];
		last_line(errs.s ? errs.s : "", tail, sizeof tail);
		if (WIFSIGNALED(status))
			gsa_err_set(err, GSA_EIO, "%s: killed by signal %d%s%s", cmd.s, WTERMSIG(status), *tail ? ": " : "", tail);
		else
			gsa_err_set(err, GSA_EIO, "%s: exit %d%s%s", cmd.s, WEXITSTATUS(status), *tail ? ": " : "", tail);
		rc = -1;
	}
	if (out && rc == 0) *out = gsa_strbuf_detach(&outs);
	gsa_strbuf_free(&outs);
	gsa_strbuf_free(&errs);
	gsa_strbuf_free(&cmd);
	return rc;
}
