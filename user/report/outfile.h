/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A file a report is written to (--html), safely when root writes into a
 * directory others can write (docs/security.md): a regular FILE is replaced
 * at once by rename() of a temporary file made by mkstemp() in its own
 * directory (never a fixed name, never through a symlink), with the old
 * file's mode and owner; a character device or FIFO (/dev/null, /dev/stdout,
 * a pipe) is written in place, never replaced; so is a FILE with other hard
 * links (they keep it) when the caller owns it, refused when not; anything
 * else (a directory, a block device, a socket) is refused.
 */
#ifndef PINSCOPE_OUTFILE_H
#define PINSCOPE_OUTFILE_H

#include <stdio.h>

struct outfile {
	FILE *f;
	const char *path;
	char *tmp;		/* the temporary file, NULL when written in place */
};

/* 0 or -errno, the reason printed ("Failed to write WHAT PATH: ...") */
int outfile_open(struct outfile *o, const char *path, const char *what);
/* Close (and rename into place): 0 or -errno, printed; the temporary file is
 * removed on any error, and when err (the writer's) is not 0 */
int outfile_close(struct outfile *o, const char *what, int err);
/* Are a and b the same file (an input given as its own output)? */
int outfile_same(const char *a, const char *b);
/* path names an entry of directory dir (the same directory, not only the same name) */
int outfile_in_dir(const char *path, const char *dir);

#endif
