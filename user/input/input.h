/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The bytes of a recorded trace: a file, a pipe or stdin, xz- or
 * gzip-compressed or not (detected by content, docs/input.md), read as
 * bounded lines (text traces) or handed over as one seekable file
 * descriptor (trace-cmd's trace.dat).  Every read error is reported with
 * the file name and line, never taken for the end of the trace.
 */
#ifndef PINSCOPE_INPUT_H
#define PINSCOPE_INPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

/* Longest line accepted (bytes, newline excluded): tracefs lines are < 1 KiB */
#define INPUT_LINE_MAX 65536
/* a longest line, its newline, the NUL after it, and as much again to read into */
#define INPUT_BUF_SIZE (2 * INPUT_LINE_MAX + 2)

enum input_format { INPUT_TEXT, INPUT_TRACEDAT };
enum input_codec { INPUT_PLAIN, INPUT_GZIP, INPUT_XZ };

struct input_src;

struct input {
	const char *name;	/* for messages: path (escaped: name_safe()) or "<stdin>" */
	char *name_buf;		/* the escaped path, owned */
	enum input_format format;
	enum input_codec codec;
	FILE *raw;		/* the file or stdin, as opened */
	FILE *f;		/* its content: raw, or decoded through src */
	struct input_src *src;	/* decoder state (fopencookie), NULL for plain files */
	bool seekable;		/* plain regular file: rewind() works */
	FILE *spool;		/* lines read ahead (input_mark .. input_rewind) */
	bool spooling, from_spool;
	bool spool_only;	/* input_spooled_line(): the end of the spool is the end */
	/* lines are cut out of buf in place (memchr): INPUT_BUF_SIZE bytes, [pos, end) unread */
	char *buf;
	size_t pos, end;
	size_t nul;		/* offset of the first NUL byte in [pos, end), or SIZE_MAX */
	/* input_line()'s common case takes a line whose newline is at an offset
	 * below this: nul + 1 (SIZE_MAX without a NUL), 0 while spooling;
	 * input_lim() sets it after each change of nul or spooling */
	size_t fast_lim;
	const char *line_nul;	/* the first NUL byte of the line last returned, or NULL */
	bool eof;		/* the current source returned its end */
	__u64 lineno;		/* of the line last returned */
};

/* Opens path (NULL or "-": stdin) and finds format and codec; 0 or -errno, message printed */
int input_open(const char *path, struct input *in);
void input_close(struct input *in);
/*
 * The next line without its newline, NUL-terminated, in *line (valid until
 * the next call), its length in *len (it may hold NUL bytes).
 * Returns 1, 0 at the end, or -errno after printing what and where.
 */
int input_line_slow(struct input *in, const char **line, size_t *len);
static inline int input_line(struct input *in, const char **line, size_t *len)
{
	char *s = in->buf + in->pos, *nl;

	/* the common case, inlined in the caller's loop: a whole line in buf,
	 * no NUL in it, nothing to spool; the rest (a refill, the end, an
	 * error, a look-ahead) in input_line_slow() */
	nl = memchr(s, '\n', in->end - in->pos);
	if (!nl || nl - s > INPUT_LINE_MAX || (size_t)(nl - in->buf) >= in->fast_lim)
		return input_line_slow(in, line, len);
	*nl = 0;
	*line = s;
	*len = nl - s;
	in->line_nul = NULL;
	in->pos = nl + 1 - in->buf;
	in->lineno++;
	return 1;
}
/*
 * The first NUL byte of the line input_line() returned last, or NULL: the
 * bytes are searched for NULs once per read, not once per line.
 */
static inline const char *input_line_nul(const struct input *in)
{
	return in->line_nul;
}

/*
 * input_line(), but only while the lines come from the look-ahead's spool:
 * 0 at its end, never a read of the input itself (after a signal: a pipe's
 * writer is not waited for)
 */
int input_spooled_line(struct input *in, const char **line, size_t *len);
/* Start of a look-ahead: the lines read from now on are read again after input_rewind() */
int input_mark(struct input *in);
int input_rewind(struct input *in);
/* Largest copy input_fd() makes of a pipe or of decompressed data (in /tmp) */
#define INPUT_SPOOL_MAX (1ULL << 30)
/*
 * The whole decoded content as a seekable file descriptor (the file itself,
 * or a temporary copy of a pipe or of decompressed data, at most
 * INPUT_SPOOL_MAX bytes), positioned at 0, owned by in; -errno after
 * printing why.
 */
int input_fd(struct input *in);
const char *input_codec_name(enum input_codec c);

#endif
