# bash completion for vigil. It asks the binary itself (`vigil __complete -- WORDS`), so the
# verbs, flags and watcher names offered are always those of the installed version and config.
_vigil() {
  local IFS=$'\n'
  local words=("${COMP_WORDS[@]:1:COMP_CWORD}")
  COMPREPLY=($(vigil __complete -- "${words[@]}" 2>/dev/null))
  if [ ${#COMPREPLY[@]} -eq 0 ]; then
    compopt -o default 2>/dev/null
  fi
  return 0
}
complete -F _vigil vigil
