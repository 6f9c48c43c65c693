# bash completion for cachelab-cli
_cachelab_cli()
{
    local cur prev words cword
    _init_completion || return

    local commands="run lesson simulate compare"
    local command="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            run | lesson | simulate | compare) command=${words[i]}; break ;;
        esac
    done

    case $prev in
        --lang) COMPREPLY=($(compgen -W "en de" -- "$cur")); return ;;
        --pattern)
            COMPREPLY=($(compgen -W "cache-aside write-through write-behind refresh-ahead around multi-level circuit-breaker" -- "$cur"))
            return ;;
        --dist) COMPREPLY=($(compgen -W "uniform zipf: hot:" -- "$cur")); compopt -o nospace; return ;;
        --mermaid | --trace | --db | --answers) _filedir; return ;;
        --redis | --prefix | --max-events | --option | --requests | --keys | --write-ratio | --clients | --seed | --rate)
            return ;;
    esac

    local options
    case $command in
        "") COMPREPLY=($(compgen -W "$commands --lang --help" -- "$cur")); return ;;
        run) options="--json --mermaid --trace --db --redis --prefix --keep-cache --keep-db --max-events --help" ;;
        lesson) options="--answers --json --help" ;;
        simulate) options="--pattern --option --requests --keys --dist --write-ratio --clients --seed --rate --crash-halfway --max-events --json --help" ;;
        compare) options="--option --requests --keys --dist --write-ratio --clients --seed --rate --max-events --json --csv --markdown --help" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [[ $command == run || $command == lesson ]]; then
        _filedir cls
    fi
}
complete -F _cachelab_cli cachelab-cli
