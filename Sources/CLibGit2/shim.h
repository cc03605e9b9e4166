// Wrappers for libgit2 functions Swift cannot call (variadic) or macros it cannot import.
#ifndef TS_CLIBGIT2_SHIM_H
#define TS_CLIBGIT2_SHIM_H
#include <git2.h>

/// git_libgit2_opts is variadic: turns libgit2's re-hashing of every object it reads on or off.
static inline int ts_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
#endif
