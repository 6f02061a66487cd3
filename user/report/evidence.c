// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include "report/evidence.h"
#include "report/names.h"
#include "report/summary.h"

#define U64(v) json_object_new_uint64((uint64_t)(v))

static const char dir_fix[] = "give --evidence a new directory, or an empty one that you own "
			      "(not a symlink)";

/* Entries other than . and .. in the directory open as fd: 0 none, 1 some, -errno */
static int dir_has_entries(int fd)
{
	int dfd = dup(fd), found = 0;
	struct dirent *d;
	DIR *dir;

	if (dfd < 0)
		return -errno;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -errno;
	}
	while (!found && (d = readdir(dir)))
		found = strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
	closedir(dir);
	return found;
}

int evidence_dir_open(struct evidence *e)
{
	bool made = !mkdir(e->dir, 0755);
	int err = made || errno == EEXIST ? 0 : -errno;
	struct stat st;

	e->dir_fd = -1;
	if (err) {
		fprintf(stderr, "Failed to create the evidence directory %s: %s: %s\n", name_safe(e->dir),
			strerror(-err), dir_fix);
		return err;
	}
	e->dir_fd = open(e->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (e->dir_fd < 0) {
		err = -errno;
		if (!lstat(e->dir, &st) && S_ISLNK(st.st_mode))
			err = -ELOOP;	/* O_DIRECTORY says ENOTDIR first */
		fprintf(stderr, "Failed to open the evidence directory %s: %s: %s\n", name_safe(e->dir),
			err == -ELOOP ? "it is a symlink" : err == -ENOTDIR ? "not a directory" :
			strerror(-err), dir_fix);
		return err;
	}
	if (made)
		return 0;
	if (fstat(e->dir_fd, &st)) {
		err = -errno;
	} else if (st.st_uid != geteuid()) {
		fprintf(stderr, "Failed to use the evidence directory %s: it belongs to uid %u, not "
			"to this process (uid %u): %s\n", name_safe(e->dir), (unsigned)st.st_uid,
			(unsigned)geteuid(), dir_fix);
		err = -EPERM;
	} else if ((err = dir_has_entries(e->dir_fd)) > 0) {
		fprintf(stderr, "Failed to use the evidence directory %s: it is not empty (nothing "
			"there is replaced): %s\n", name_safe(e->dir), dir_fix);
		err = -EEXIST;
	}
	if (err < 0 && err != -EPERM && err != -EEXIST)
		fprintf(stderr, "Failed to read the evidence directory %s: %s\n", name_safe(e->dir),
			strerror(-err));
	if (err) {
		close(e->dir_fd);
		e->dir_fd = -1;
	}
	return err;
}

/* A new file in the directory: never an existing one, never through a symlink */
static FILE *new_file(const struct evidence *e, const char *name)
{
	int fd = openat(e->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0644);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f) {
		fprintf(stderr, "Failed to create %s/%s: %s: %s\n", name_safe(e->dir), name, strerror(errno),
			dir_fix);
		if (fd >= 0)
			close(fd);
	}
	return f;
}

static int end_file(const struct evidence *e, const char *name, FILE *f)
{
	int err = ferror(f) ? EIO : 0;

	if (fclose(f) && !err)
		err = errno;
	if (err)
		fprintf(stderr, "Failed to write %s/%s: %s\n", name_safe(e->dir), name, strerror(err));
	return -err;
}

/* A name or text into a comment line: no control characters (one line) */
static void put_printable(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void snippet_name(const struct evidence_item *it, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%03zu-%s.trace", i + 1, rule_name(it->v.rule));
}

/* What the line numbers of an item count (index.json "numbered", docs/evidence.md) */
static const char *numbered(const struct evidence *e)
{
	return e->live ? "window_event" : e->records ? "record" : "line";
}

static int write_snippet(const struct evidence *e, size_t i)
{
	const struct evidence_item *it = &e->items[i];
	char name[64];
	FILE *f;

	snippet_name(it, i, name, sizeof(name));
	f = new_file(e, name);
	if (!f)
		return -errno;
	fprintf(f, "# tracer: nop\n# pinscope evidence %zu: %s: %s\n# from ", i + 1,
		rule_name(it->v.rule), reason_text(it->v.reason));
	if (e->live)	/* which events the lines are: the mode (docs/evidence.md) */
		fprintf(f, "the flight recorder (live, %s mode)", e->mode ? e->mode : "?");
	else
		put_printable(f, e->input);
	fprintf(f, ", cpu %u, %s %llu-%llu: %zu of the window's %llu events kept (%s)\n",
		it->v.cpu, e->live ? "window events" : e->records ? "records" : "lines",
		(unsigned long long)it->window_first,
		(unsigned long long)it->window_last, it->nr_lines, (unsigned long long)it->window,
		it->minimized ? "minimized" : it->reproduced ? "not minimized" :
		"does not reproduce alone");
	for (size_t k = 0; k < it->nr_lines; k++)
		fprintf(f, "%s\n", it->lines[k].text);
	return end_file(e, name, f);
}

static json_object *item_json(const struct evidence *e, size_t i)
{
	const struct evidence_item *it = &e->items[i];
	json_object *o = violation_json(&it->v), *lines = json_object_new_array(), *w;
	char name[64], mm[24];

	snippet_name(it, i, name, sizeof(name));
	json_object_object_add(o, "file", json_object_new_string(name));
	snprintf(mm, sizeof(mm), "0x%llx", (unsigned long long)it->mm);
	json_object_object_add(o, "mm", it->mm ? json_object_new_string(mm) : NULL);
	json_object_object_add(o, "input", json_object_new_string(e->input));
	for (size_t k = 0; k < it->nr_lines; k++)
		json_object_array_add(lines, U64(it->lines[k].lineno));
	json_object_object_add(o, "lines", lines);
	w = json_object_new_object();
	json_object_object_add(w, "events", U64(it->window));
	json_object_object_add(w, "first_line", U64(it->window_first));
	json_object_object_add(w, "last_line", U64(it->window_last));
	json_object_object_add(w, "cut", json_object_new_boolean(it->window_cut));
	json_object_object_add(o, "window", w);
	json_object_object_add(o, "events", U64(it->nr_lines));
	json_object_object_add(o, "reproduced", json_object_new_boolean(it->reproduced));
	json_object_object_add(o, "minimized", json_object_new_boolean(it->minimized));
	json_object_object_add(o, "replays", U64(it->tests));
	return o;
}

int evidence_write(const struct evidence *e)
{
	json_object *idx = json_object_new_object(), *list = json_object_new_array();
	int err = 0;
	FILE *f;

	for (size_t i = 0; i < e->nr && !err; i++) {
		err = write_snippet(e, i);
		json_object_array_add(list, item_json(e, i));
	}
	json_object_object_add(idx, "input", json_object_new_string(e->input));
	json_object_object_add(idx, "numbered", json_object_new_string(numbered(e)));
	json_object_object_add(idx, "max_per_kind", U64(e->max));
	json_object_object_add(idx, "evidence", list);
	json_object_object_add(idx, "not_kept", U64(e->not_kept + e->over_items));
	if (e->live) {		/* the flight recorder's windows (docs/evidence.md) */
		json_object *fl = json_object_new_object();

		json_object_object_add(fl, "mode", json_object_new_string(e->mode ? e->mode : "?"));
		json_object_object_add(fl, "windows", U64(e->windows));
		json_object_object_add(fl, "dropped", U64(e->no_window));
		json_object_object_add(fl, "events_without_line", U64(e->unprintable));
		json_object_object_add(idx, "flight", fl);
	}
	if (!err && !(f = new_file(e, "index.json")))
		err = -EIO;
	if (!err) {
		fprintf(f, "%s\n", json_object_to_json_string_ext(idx, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		err = end_file(e, "index.json", f);
	}
	json_object_put(idx);
	return err;
}

void evidence_free(struct evidence *e)
{
	for (size_t i = 0; i < e->nr; i++) {
		for (size_t k = 0; k < e->items[i].nr_lines; k++)
			free(e->items[i].lines[k].text);
		free(e->items[i].lines);
	}
	e->nr = 0;
	if (e->dir_fd >= 0)
		close(e->dir_fd);
	e->dir_fd = -1;
}
