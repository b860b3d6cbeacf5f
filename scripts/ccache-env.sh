# Sourced by the build scripts: compile through ccache when it is installed, with paths made
# relative to the checkout (CCACHE_BASEDIR) and the working directory left out of the hash, so
# two clones in different folders (CI's fresh clone, a worktree) share one cache. A user's own
# CCACHE_* settings win. Sets `launcher` to the CMake arguments to add.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(pwd)} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  # Three builds share the cache (build/, build-fuzz/ with clang, worktrees): at ccache's 5 GB
  # default it evicted itself and a CI run rebuilt from cold (2860 s instead of about 650 s).
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
