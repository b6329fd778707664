# bash completion for trackprint: commands, each command's options, and the values of
# --progress, --format, --color and --metric. Installed as
# share/bash-completion/completions/trackprint; to try it from a checkout:
# `source completions/trackprint.bash`. tests/cli/test_cli.py checks that it offers exactly the
# options each command's --help lists.

_trackprint() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="analyze decode dimensions scan watch status show export import report map"
  commands+=" similar playlist duplicates help"
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
      COMPREPLY=($(compgen -W "csv jsonl parquet" -- "$cur"))
      return
      ;;
    --color | --colour)
      COMPREPLY=($(compgen -W "album genre lufs tempo_bpm" -- "$cur"))
      return
      ;;
    --metric)
      COMPREPLY=($(compgen -W "auralis equal auralis-zscore equal-zscore" -- "$cur"))
      return
      ;;
    -j | --jobs | --threads | --channel | --max-duration | -n | --count | --max-per-artist | \
      --max-per-album | --min-distance | --settle | --poll)
      return  # a number
      ;;
    --db | -o | --out | --output)
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
    export) options="--db --format --out" ;;
    import) options="--db" ;;
    report) options="-o --out --db --metric --threads" ;;
    map) options="--db -o --out --color --metric" ;;
    similar) options="--db -n --count --metric --explain --json --all" ;;
    playlist)
      options="--db -n --count --to --max-per-artist --max-per-album --min-distance --metric"
      options+=" --json -o --output"
      ;;
    duplicates) options="--db --json" ;;
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
