# bash completion for trackprint: commands, each command's options, and the values of
# --progress, --format and --color. Installed as share/bash-completion/completions/trackprint; to try
# it from a checkout: `source completions/trackprint.bash`. tests/cli/test_cli.py checks that
# it offers exactly the options each command's --help lists.

_trackprint() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="analyze decode dimensions scan watch status show export report map help"
  # --opt=value arrives as three words: --opt, =, value.
  if [[ $cur == = ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    cur=""
  elif [[ $prev == = ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi

  local command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -* | =) ;;
      *)
        command=${COMP_WORDS[i]}
        break
        ;;
    esac
  done
  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "$commands -h --help -V --version" -- "$cur"))
    return
  fi

  case $prev in
    --progress)
      COMPREPLY=($(compgen -W "bar plain json" -- "$cur"))
      return
      ;;
    --format)
      COMPREPLY=($(compgen -W "csv jsonl" -- "$cur"))
      return
      ;;
    --color | --colour)
      COMPREPLY=($(compgen -W "album genre lufs tempo_bpm" -- "$cur"))
      return
      ;;
    -j | --jobs | --threads | --channel | --max-duration | --settle | --poll)
      return  # a number
      ;;
    --db | -o | --out)
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
  esac

  local options=""
  case $command in
    analyze) options="--json --csv -j --jobs --threads --max-duration" ;;
    decode) options="--channel" ;;
    dimensions) options="--json" ;;
    scan)
      options="--db -j --jobs --max-duration --retry-failed --prune --sidecars -q --quiet"
      options+=" --progress"
      ;;
    watch)
      options="--db -j --jobs --max-duration --retry-failed --prune --sidecars -q --quiet"
      options+=" --progress --settle --poll"
      ;;
    status) options="--db --json" ;;
    show) options="--db --json" ;;
    export) options="--db --format" ;;
    report) options="-o --out --db --threads" ;;
    map) options="--db -o --out --color" ;;
    help)
      COMPREPLY=($(compgen -W "${commands% help}" -- "$cur"))
      return
      ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options -h --help" -- "$cur"))
  fi
  # Otherwise nothing here: `-o default` completes file names (FILE, DIR, KEY).
}
complete -o default -F _trackprint trackprint
