// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report/names.h"
#include "report/outfile.h"

static int fail(const char *what, const char *path, int err, const char *fix)
{
	fprintf(stderr, "Failed to write %s %s: %s%s\n", what, name_safe(path), strerror(err), fix);
	return -err;
}

/*
 * Write in place what lstat() saw as *was: a character device or a FIFO
 * (never created, truncated or replaced), or a regular file with other hard
 * links (truncated: they all see the report)
 */
static int open_in_place(struct outfile *o, const char *what, const struct stat *was)
{
	struct stat st;
	int fd = open(o->path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC |
			       (S_ISREG(was->st_mode) ? O_TRUNC : 0));

	if (fd < 0)
		return fail(what, o->path, errno, "");
	if (fstat(fd, &st) || st.st_dev != was->st_dev || st.st_ino != was->st_ino) {
		close(fd);	/* replaced between lstat and open */
		return fail(what, o->path, EAGAIN, ": it changed while being opened; try again");
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		return fail(what, o->path, errno, "");
	}
	return 0;
}

/* "DIR/.BASE.XXXXXX" beside path */
static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0, n = strlen(path) + 9;
	char *t = malloc(n);

	if (t)
		snprintf(t, n, "%.*s.%s.XXXXXX", (int)dir, path, path + dir);
	return t;
}

int outfile_open(struct outfile *o, const char *path, const char *what)
{
	struct stat st;
	bool exists;
	mode_t mask;
	int fd, err;

	o->f = NULL;
	o->path = path;
	o->tmp = NULL;
	exists = !lstat(path, &st);
	if (!exists && errno != ENOENT)
		return fail(what, path, errno, "");
	if (exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		return open_in_place(o, what, &st);
	if (exists && S_ISDIR(st.st_mode))
		return fail(what, path, EISDIR, ": give a file name");
	if (exists && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return fail(what, path, EINVAL, ": not a regular file, character device or FIFO; "
			    "give another file name");
	if (exists && S_ISREG(st.st_mode) && st.st_nlink > 1) {
		if (st.st_uid != geteuid())	/* a link planted to a file of another user */
			return fail(what, path, EPERM, ": it has other hard links and another "
				    "owner; remove it or give another file name");
		return open_in_place(o, what, &st);
	}
	o->tmp = temp_name(path);
	if (!o->tmp)
		return fail(what, path, ENOMEM, "");
	fd = mkstemp(o->tmp);	/* O_EXCL: never through a planted file or symlink */
	if (fd < 0) {
		int err = errno;

		free(o->tmp);
		o->tmp = NULL;
		return fail(what, path, err, ": its directory must be writable");
	}
	mask = umask(0);
	umask(mask);
	/* as fopen(path, "w") left it: the old file's mode and owner, else 0666 & ~umask */
	if (exists && S_ISREG(st.st_mode)) {
		if (fchown(fd, st.st_uid, st.st_gid) && errno != EPERM)
			goto err;
		if (fchmod(fd, st.st_mode & 07777))
			goto err;
	} else if (fchmod(fd, 0666 & ~mask)) {
		goto err;
	}
	o->f = fdopen(fd, "w");
	if (o->f)
		return 0;
err:
	err = errno;
	close(fd);
	unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return fail(what, path, err, "");
}

int outfile_close(struct outfile *o, const char *what, int err)
{
	if (!o->f)
		return err;
	if (ferror(o->f) && !err)
		err = -EIO;
	if (fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	if (o->tmp && !err && rename(o->tmp, o->path))
		err = -errno;
	if (err)
		fprintf(stderr, "Failed to write %s %s: %s\n", what, name_safe(o->path), strerror(-err));
	if (o->tmp && err)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return err;
}

int outfile_same(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
	       S_ISREG(sa.st_mode);
}

int outfile_in_dir(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	char *parent = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : NULL;
	struct stat sp, sd;
	int same;

	if (slash && !parent)
		return 0;
	same = !stat(parent ? parent : ".", &sp) && !stat(dir, &sd) && sp.st_dev == sd.st_dev &&
	       sp.st_ino == sd.st_ino;
	free(parent);
	return same;
}
