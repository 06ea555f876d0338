/*
 * config.h - the one configuration of every sofa program and script.
 *
 * Each key has a built-in default, may be set in the INI file, overridden
 * by the environment variable SOFASCORE_<KEY> (ENV also sets env), and
 * overridden again by a command-line option of the program.  The file is
 * the one named by --config, else by SOFASCORE_CONFIG, else ./etc/sofa.ini
 * if it exists, else SYSCONFDIR/sofa/sofa.ini if it exists, else none.
 *
 * Path keys are resolved: ${key} is replaced by that key's value, and a
 * relative path is taken relative to the root (the key root, itself
 * relative to the config file's directory when set in the file, else to the
 * current directory).  docs/setup.md lists every key.
 */
#ifndef SOFA_CONFIG_H
#define SOFA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum sofa_ktype {
	SOFA_K_STR,
	SOFA_K_PATH,
	SOFA_K_URL,
	SOFA_K_INT,
	SOFA_K_REAL,
	SOFA_K_BOOL,
	SOFA_K_LIST	/* words separated by blanks or commas */
};

struct sofa_key {
	const char *name;
	const char *section;
	enum sofa_ktype type;
	const char *def;
	double min, max;	/* numbers only */
	const char *doc;
};

/* A [competition NAME] section: tournament = ID, seasons = LIST. */
struct sofa_comp {
	const char *name;
	long long tournament;
	const char *seasons;	/* "current" when not given */
	const char *file;
	unsigned line;
};

struct sofa_config;

/* The table of every key, in documentation order; static. */
const struct sofa_key *sofa_config_keys(size_t *n);

/*
 * Load the configuration: defaults, the file (path, or the search above
 * when NULL), the environment.  Returns a new config (sofa_config_free),
 * or NULL with a message "FILE:LINE: ..." in err.  Unknown
 * SOFASCORE_* variables are warned about on stderr.
 */
struct sofa_config *sofa_config_load(const char *path, char *err,
    size_t errlen);

/* As sofa_config_load(), but a bad configuration exits 2 with the message. */
struct sofa_config *sofa_config_xload(const char *path);

void sofa_config_free(struct sofa_config *cfg);

/*
 * Set key from a command-line option (origin "option OPT"); the value is
 * checked as the file's would be.  A bad value or unknown key exits 2
 * naming OPT.
 */
void sofa_config_xset(struct sofa_config *cfg, const char *key,
    const char *value, const char *opt);

/*
 * The effective value of key, resolved (paths absolute); borrowed until
 * the next set or free.  An unknown key is a programming error and aborts.
 */
const char *sofa_cfg_str(struct sofa_config *cfg, const char *key);
long long sofa_cfg_int(struct sofa_config *cfg, const char *key);
double sofa_cfg_real(struct sofa_config *cfg, const char *key);
bool sofa_cfg_bool(struct sofa_config *cfg, const char *key);

/* Does the list key hold word? */
bool sofa_cfg_has(struct sofa_config *cfg, const char *key, const char *word);

/* Whether key names a known key. */
bool sofa_cfg_known(const char *key);

/*
 * Where the value of key came from: "default", "FILE:LINE",
 * "environment SOFASCORE_KEY" or "option OPT"; borrowed.
 */
const char *sofa_cfg_origin(struct sofa_config *cfg, const char *key);

/* The config file read, or NULL when none was. */
const char *sofa_cfg_file(const struct sofa_config *cfg);

/* The competitions of the file, in file order. */
size_t sofa_cfg_ncomp(const struct sofa_config *cfg);
const struct sofa_comp *sofa_cfg_comp(const struct sofa_config *cfg,
    size_t i);

/* "SOFASCORE_RAW_BASE" for "raw_base" into buf (at least 64 bytes). */
void sofa_cfg_envname(const char *key, char *buf, size_t len);

#endif
