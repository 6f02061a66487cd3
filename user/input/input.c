// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Trace input: open, detect the codec (xz, gzip) and the format (trace.dat
 * or text) by their magic bytes, decode through a stdio cookie
 * (fopencookie) so that the rest reads one FILE, and read bounded lines.
 * A pipe is read once: a look-ahead (input_mark .. input_rewind) is
 * spooled to a temporary file, a regular file is sought back instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include "input/input.h"
#include "report/names.h"

/* in->fast_lim, from in->nul and in->spooling (input.h) */
static void input_lim(struct input *in)
{
	in->fast_lim = in->spooling ? 0 : in->nul == SIZE_MAX ? SIZE_MAX : in->nul + 1;
}

#define BUF_SIZE 65536
/* xz -9 needs 65 MiB; a header asking for more is not a trace of ours */
#define XZ_MEMLIMIT (512ULL << 20)

static const unsigned char xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const unsigned char gz_magic[] = { 0x1f, 0x8b };
/* trace-cmd's trace.dat, all versions: "\027\010\104tracing" */
static const unsigned char dat_magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

/* Decoder behind the cookie FILE: raw bytes -> ibuf -> decoder -> obuf */
struct input_src {
	int fd;			/* of the raw file */
	enum input_codec codec;
	lzma_stream xz;
	z_stream gz;
	bool in_eof, out_eof;
	int err;		/* errno of the failed read */
	const char *what;	/* what the decoder found wrong */
	size_t opos, olen;
	unsigned char ibuf[BUF_SIZE], obuf[BUF_SIZE];
};

const char *input_codec_name(enum input_codec c)
{
	return c == INPUT_XZ ? "xz" : c == INPUT_GZIP ? "gzip" : "plain";
}

static bool has_magic(const unsigned char *b, size_t n, const unsigned char *m, size_t mlen)
{
	return n >= mlen && !memcmp(b, m, mlen);
}

/* read(2), not stdio: returns what a pipe holds at once, and EINTR on a signal */
static ssize_t raw_read(struct input_src *s, void *buf, size_t size)
{
	ssize_t n = read(s->fd, buf, size);

	if (n < 0)
		s->err = errno;
	return n;
}

/* More raw bytes into ibuf once the decoder took all; -1 on a read error */
static int fill_in(struct input_src *s, const unsigned char **next, size_t *avail)
{
	ssize_t n;

	if (*avail || s->in_eof)
		return 0;
	n = raw_read(s, s->ibuf, sizeof(s->ibuf));
	if (n < 0)
		return -1;
	s->in_eof = !n;
	*next = s->ibuf;
	*avail = n;
	return 0;
}

static int decode_xz(struct input_src *s)
{
	lzma_ret ret;

	if (fill_in(s, &s->xz.next_in, &s->xz.avail_in))
		return -1;
	s->xz.next_out = s->obuf + s->olen;
	s->xz.avail_out = sizeof(s->obuf) - s->olen;
	ret = lzma_code(&s->xz, s->in_eof ? LZMA_FINISH : LZMA_RUN);
	s->olen = sizeof(s->obuf) - s->xz.avail_out;
	if (ret == LZMA_STREAM_END)
		s->out_eof = true;
	else if (ret != LZMA_OK) {
		s->what = ret == LZMA_MEM_ERROR ? "out of memory decoding xz" :
			  ret == LZMA_MEMLIMIT_ERROR ? "xz data needs more than 512 MiB to decode" :
			  ret == LZMA_BUF_ERROR ? "xz data truncated" : "corrupt xz data";
		return -1;
	}
	return 0;
}

static int decode_gz(struct input_src *s)
{
	int ret;

	if (fill_in(s, (const unsigned char **)&s->gz.next_in, (size_t *)&s->gz.avail_in))
		return -1;
	if (s->in_eof && !s->gz.avail_in) {
		s->what = "gzip data truncated";
		return -1;
	}
	s->gz.next_out = s->obuf + s->olen;
	s->gz.avail_out = sizeof(s->obuf) - s->olen;
	ret = inflate(&s->gz, Z_NO_FLUSH);
	s->olen = sizeof(s->obuf) - s->gz.avail_out;
	if (ret == Z_STREAM_END) {	/* another member may follow (cat a.gz b.gz) */
		if (fill_in(s, (const unsigned char **)&s->gz.next_in, (size_t *)&s->gz.avail_in))
			return -1;
		if (!s->gz.avail_in)
			s->out_eof = true;
		else if (inflateReset(&s->gz) != Z_OK)
			return s->what = "cannot restart the gzip decoder", -1;
	} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
		s->what = s->gz.msg ? s->gz.msg : "corrupt gzip data";
		return -1;
	}
	return 0;
}

static int decode_plain(struct input_src *s)
{
	ssize_t n;

	n = raw_read(s, s->obuf + s->olen, sizeof(s->obuf) - s->olen);
	if (n < 0)
		return -1;
	s->olen += n;
	s->out_eof = !n;
	return 0;
}

/* Appends decoded bytes to obuf until at least want are held or the end */
static int decode_to(struct input_src *s, size_t want)
{
	if (s->opos) {
		memmove(s->obuf, s->obuf + s->opos, s->olen - s->opos);
		s->olen -= s->opos;
		s->opos = 0;
	}
	while (s->olen < want && !s->out_eof) {
		int err = s->codec == INPUT_XZ ? decode_xz(s) :
			  s->codec == INPUT_GZIP ? decode_gz(s) : decode_plain(s);
		if (err)
			return -1;
	}
	return 0;
}

static ssize_t src_read(void *cookie, char *buf, size_t size)
{
	struct input_src *s = cookie;
	size_t n;

	if (s->opos == s->olen && decode_to(s, 1)) {
		errno = s->err ? s->err : EIO;
		return -1;
	}
	n = s->olen - s->opos < size ? s->olen - s->opos : size;
	memcpy(buf, s->obuf + s->opos, n);
	s->opos += n;
	return n;
}

static int src_close(void *cookie)
{
	struct input_src *s = cookie;

	if (s->codec == INPUT_XZ)
		lzma_end(&s->xz);
	else if (s->codec == INPUT_GZIP)
		inflateEnd(&s->gz);
	free(s);
	return 0;
}

/* The cookie FILE over raw, whose first n bytes were read into head already */
static int src_open(struct input *in, const unsigned char *head, size_t n)
{
	static const cookie_io_functions_t io = { .read = src_read, .close = src_close };
	struct input_src *s = calloc(1, sizeof(*s));
	lzma_stream xz_init = LZMA_STREAM_INIT;

	if (!s)
		return -ENOMEM;
	s->fd = fileno(in->raw);
	s->codec = in->codec;
	s->xz = xz_init;
	if (s->codec == INPUT_PLAIN) {
		memcpy(s->obuf, head, n);
		s->olen = n;
	} else {
		memcpy(s->ibuf, head, n);
		s->xz.next_in = s->ibuf;
		s->xz.avail_in = n;
		s->gz.next_in = s->ibuf;
		s->gz.avail_in = n;
	}
	if ((s->codec == INPUT_XZ &&
	     lzma_stream_decoder(&s->xz, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) ||
	    (s->codec == INPUT_GZIP && inflateInit2(&s->gz, 15 + 16) != Z_OK)) {
		free(s);
		return -ENOMEM;
	}
	in->f = fopencookie(s, "r", io);
	if (!in->f) {
		src_close(s);
		return -ENOMEM;
	}
	in->src = s;
	return 0;
}

static int read_failed(const struct input *in, int err)
{
	const char *what = in->src && in->src->what ? in->src->what : strerror(-err);

	if (in->lineno)
		fprintf(stderr, "Failed to read trace %s after line %llu: %s\n", in->name,
			(unsigned long long)in->lineno, what);
	else
		fprintf(stderr, "Failed to read trace %s: %s\n", in->name, what);
	return err;
}

/* The format from the first decoded bytes (peeked: they are read again) */
static int sniff_format(struct input *in, const unsigned char *head, size_t n)
{
	if (in->src) {
		if (decode_to(in->src, sizeof(dat_magic)))
			return read_failed(in, -(in->src->err ? in->src->err : EIO));
		head = in->src->obuf;
		n = in->src->olen;
	}
	in->format = has_magic(head, n, dat_magic, sizeof(dat_magic)) ? INPUT_TRACEDAT : INPUT_TEXT;
	return 0;
}

int input_open(const char *path, struct input *in)
{
	bool use_stdin = !path || !strcmp(path, "-");
	unsigned char head[16];
	struct stat st;
	off_t start;
	ssize_t rd;
	size_t n;
	int err;

	memset(in, 0, sizeof(*in));
	in->nul = SIZE_MAX;
	input_lim(in);
	/* any bytes a file name holds reach the messages escaped (docs/security.md) */
	in->name = in->name_buf = use_stdin ? NULL : strdup(name_safe(path));
	if (!use_stdin && !in->name_buf) {
		fprintf(stderr, "Failed to open trace %s: %s\n", name_safe(path), strerror(ENOMEM));
		return -ENOMEM;
	}
	if (use_stdin)
		in->name = "<stdin>";
	in->raw = use_stdin ? stdin : fopen(path, "r");
	if (!in->raw) {
		err = -errno;
		fprintf(stderr, "Failed to open trace %s: %s\n", in->name, strerror(-err));
		return err;
	}
	in->buf = malloc(INPUT_BUF_SIZE);
	if (!in->buf || fstat(fileno(in->raw), &st)) {
		err = in->buf ? -errno : -ENOMEM;
		fprintf(stderr, "Failed to open trace %s: %s\n", in->name, strerror(-err));
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "Failed to open trace %s: %s: give a trace file (trace.dat, or the text "
			"of /sys/kernel/tracing/trace or of 'trace-cmd report')\n", in->name,
			strerror(EISDIR));
		return -EISDIR;
	}
	start = S_ISREG(st.st_mode) ? lseek(fileno(in->raw), 0, SEEK_CUR) : -1;
	for (n = 0; n < sizeof(head); n += rd) {	/* stdio not used yet: read(2) */
		rd = read(fileno(in->raw), head + n, sizeof(head) - n);
		if (rd < 0)	/* EINTR: a signal before anything was read */
			return errno == EINTR ? -EINTR : read_failed(in, -errno);
		if (!rd)
			break;
	}
	in->codec = has_magic(head, n, xz_magic, sizeof(xz_magic)) ? INPUT_XZ :
		    has_magic(head, n, gz_magic, sizeof(gz_magic)) ? INPUT_GZIP : INPUT_PLAIN;
	/* a plain file from its start is read in place, and sought back */
	in->seekable = start == 0 && in->codec == INPUT_PLAIN &&
		       lseek(fileno(in->raw), 0, SEEK_SET) == 0;
	if (in->seekable) {
		in->f = in->raw;
	} else {
		err = src_open(in, head, n);
		if (err) {
			fprintf(stderr, "Failed to open a %s decoder for trace %s: %s\n",
				input_codec_name(in->codec), in->name, strerror(-err));
			return err;
		}
	}
	return sniff_format(in, head, n);
}

void input_close(struct input *in)
{
	if (in->f && in->f != in->raw)
		fclose(in->f);
	if (in->raw && in->raw != stdin)
		fclose(in->raw);
	if (in->spool)
		fclose(in->spool);
	free(in->buf);
	free(in->name_buf);
	memset(in, 0, sizeof(*in));
}

/*
 * Up to size bytes of the current source, as they come (a pipe is not
 * waited on until size bytes are there): the spool, the plain file itself,
 * or the decoder's output.  Bytes read, 0 at its end, -1 with errno.
 */
static ssize_t read_chunk(struct input *in, char *buf, size_t size)
{
	if (in->from_spool)
		return read(fileno(in->spool), buf, size);
	if (in->src)
		return src_read(in->src, buf, size);
	return read(fileno(in->raw), buf, size);
}

/* The first NUL byte of buf[from, end) for in->nul */
static size_t find_nul(const struct input *in, size_t from)
{
	const char *z = memchr(in->buf + from, 0, in->end - from);

	return z ? (size_t)(z - in->buf) : SIZE_MAX;
}

/*
 * The line buf[pos, stop) is returned (pos moves past its newline, at next):
 * the NUL bytes it holds, if any, noted for input_line_nul()
 */
static void take_line(struct input *in, size_t stop, size_t next)
{
	in->line_nul = NULL;
	if (in->nul < stop) {	/* corrupt input only: the next NUL searched for again */
		in->line_nul = in->buf + in->nul;
		in->nul = find_nul(in, next);
		input_lim(in);
	}
	in->pos = next;
}

/*
 * 1 a line (NUL-terminated in place, newline cut), 0 the end, -1 a read
 * error, -2 a line too long.  One memchr() per line for its end, no copy:
 * the per-byte getc() loop this replaces took half of replay's
 * instructions; the NUL bytes a line may hold are found once per read.
 */
static int read_line(struct input *in, const char **line, size_t *len)
{
	for (;;) {
		char *s = in->buf + in->pos, *nl = memchr(s, '\n', in->end - in->pos);
		size_t from;
		ssize_t n;

		if (nl) {
			*nl = 0;
			*line = s;
			*len = nl - s;
			take_line(in, nl - in->buf, nl + 1 - in->buf);
			return *len > INPUT_LINE_MAX ? -2 : 1;
		}
		if (in->end - in->pos > INPUT_LINE_MAX)
			return -2;
		if (in->eof && in->from_spool) {
			/* the look-ahead was read again (it ends with the start of
			 * the line being read, input_rewind): the rest follows,
			 * unless only the spool is read (input_spooled_line) */
			in->from_spool = false;
			in->eof = false;
			if (in->spool_only)
				return 0;
			continue;
		}
		if (in->eof) {		/* a last line without its newline */
			if (in->pos == in->end)
				return 0;
			in->buf[in->end] = 0;
			*line = s;
			*len = in->end - in->pos;
			take_line(in, in->end, in->end);
			return 1;
		}
		memmove(in->buf, s, in->end - in->pos);
		in->end -= in->pos;
		if (in->nul != SIZE_MAX)
			in->nul -= in->pos;
		input_lim(in);
		in->pos = 0;
		errno = 0;
		n = read_chunk(in, in->buf + in->end, INPUT_BUF_SIZE - 1 - in->end);
		if (n < 0)
			return -1;
		in->eof = !n;
		from = in->end;
		in->end += n;
		if (in->nul == SIZE_MAX)
			in->nul = find_nul(in, from);
		input_lim(in);
	}
}

/* Forget what was read ahead of the lines returned (the source restarts) */
static void buf_reset(struct input *in)
{
	in->pos = in->end = 0;
	in->nul = SIZE_MAX;
	input_lim(in);
	in->eof = false;
}

static int spool_failed(struct input *in, int err)
{
	fprintf(stderr, "Failed to spool trace %s to a temporary file (it is not seekable): %s; "
		"give the trace as a file, or free space in /tmp\n", in->name, strerror(-err));
	return err;
}

/* input_line() past its common case: a refill, the end, an error, a look-ahead */
int input_line_slow(struct input *in, const char **line, size_t *len)
{
	int rc = read_line(in, line, len);

	if (rc == -1) {
		int err = -(in->src && in->src->err ? in->src->err : errno ? errno : EIO);

		/* a signal: the caller decides (replay stops, marked partial) */
		return err == -EINTR ? err : read_failed(in, err);
	}
	if (rc == -2) {
		fprintf(stderr, "Failed to read trace %s: line %llu longer than %d bytes (not a "
			"text trace? give trace.dat, or the text of the tracefs 'trace' file or of "
			"'trace-cmd report')\n", in->name, (unsigned long long)in->lineno + 1,
			INPUT_LINE_MAX);
		return -E2BIG;
	}
	if (!rc)
		return 0;
	in->lineno++;
	if (in->spooling && (errno = 0, fwrite(*line, 1, *len, in->spool) != *len ||
			     putc('\n', in->spool) == EOF))
		return spool_failed(in, -(errno ? errno : EIO));
	return 1;
}

int input_spooled_line(struct input *in, const char **line, size_t *len)
{
	int rc;

	if (!in->from_spool)
		return 0;
	in->spool_only = true;
	rc = input_line(in, line, len);
	in->spool_only = false;
	return rc;
}

int input_mark(struct input *in)
{
	if (in->seekable)
		return 0;
	in->spool = tmpfile();
	if (!in->spool)
		return spool_failed(in, -errno);
	in->spooling = true;
	input_lim(in);
	return 0;
}

int input_rewind(struct input *in)
{
	in->lineno = 0;
	if (in->seekable) {
		buf_reset(in);
		if (lseek(fileno(in->raw), 0, SEEK_SET) < 0) {
			int err = -errno;

			fprintf(stderr, "Failed to seek back in trace %s: %s\n", in->name, strerror(-err));
			return err;
		}
		return 0;
	}
	in->spooling = false;
	input_lim(in);
	/* what was read past the last line returned is read again after it */
	if (in->end > in->pos &&
	    fwrite(in->buf + in->pos, 1, in->end - in->pos, in->spool) != in->end - in->pos)
		return spool_failed(in, -(errno ? errno : EIO));
	buf_reset(in);
	if (fflush(in->spool) || fseeko(in->spool, 0, SEEK_SET))
		return spool_failed(in, -(errno ? errno : EIO));
	in->from_spool = true;
	return 0;
}

int input_fd(struct input *in)
{
	char buf[BUF_SIZE];
	__u64 total = 0;
	size_t n;

	if (in->seekable || in->spool) {	/* the file, or the copy made before */
		int fd = fileno(in->seekable ? in->raw : in->spool);

		if (lseek(fd, 0, SEEK_SET) < 0)
			return spool_failed(in, -errno);
		return fd;
	}
	in->spool = tmpfile();
	if (!in->spool)
		return spool_failed(in, -errno);
	while ((n = fread(buf, 1, sizeof(buf), in->f)) > 0) {
		if ((total += n) > INPUT_SPOOL_MAX) {	/* a decompression bomb, /dev/zero */
			fprintf(stderr, "Failed to spool trace %s to a temporary file: it is more than "
				"%llu MiB (the limit for a trace.dat read from a pipe or decompressed): %s, "
				"and replay that file\n", in->name, INPUT_SPOOL_MAX >> 20,
				in->codec == INPUT_XZ ? "decompress it with 'xz -dk FILE'" :
				in->codec == INPUT_GZIP ? "decompress it with 'gunzip -k FILE'" :
				"save it to a file");
			return -EFBIG;
		}
		if (fwrite(buf, 1, n, in->spool) != n)
			return spool_failed(in, -(errno ? errno : EIO));
		/* a signal cut a read short: stdio would read on, until the writer ends */
		if (in->src->err == EINTR)
			break;
	}
	if (ferror(in->f) || in->src->err == EINTR) {
		int err = -(in->src->err ? in->src->err : EIO);

		return err == -EINTR ? err : read_failed(in, err);	/* a signal: see input_line */
	}
	if (fflush(in->spool) || lseek(fileno(in->spool), 0, SEEK_SET) < 0)
		return spool_failed(in, -(errno ? errno : EIO));
	return fileno(in->spool);
}
