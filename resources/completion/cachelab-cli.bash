# bash completion for cachelab-cli
_cachelab_cli()
{
    local cur prev words cword
    _init_completion || return

    local commands="run lesson simulate compare sweep"
    local command="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            run | lesson | simulate | compare | sweep) command=${words[i]}; break ;;
        esac
    done

    case $prev in
        --lang) COMPREPLY=($(compgen -W "en de" -- "$cur")); return ;;
        --vary)
            COMPREPLY=($(compgen -W "ttl= jitter= batch= flush= threshold= l1-ttl= l1-capacity= write-ratio= keys= clients= rate= latency.cache= latency.db= latency.db-read= latency.db-write=" -- "$cur"))
            compopt -o nospace
            return ;;
        --pattern)
            COMPREPLY=($(compgen -W "all cache-aside write-through write-behind refresh-ahead around multi-level circuit-breaker" -- "$cur"))
            return ;;
        --dist) COMPREPLY=($(compgen -W "uniform zipf: hot:" -- "$cur")); compopt -o nospace; return ;;
        --mermaid | --trace | --db | --answers) _filedir; return ;;
        --redis | --prefix | --max-events | --option | --requests | --keys | --write-ratio | --clients | --seed | --rate | --seeds | --jobs)
            return ;;
    esac

    local options
    case $command in
        "") COMPREPLY=($(compgen -W "$commands --lang --help" -- "$cur")); return ;;
        run) options="--json --mermaid --trace --db --redis --prefix --keep-cache --keep-db --max-events --help" ;;
        lesson) options="--answers --json --help" ;;
        simulate) options="--pattern --option --requests --keys --dist --write-ratio --clients --seed --rate --crash-halfway --max-events --json --help" ;;
        compare) options="--option --requests --keys --dist --write-ratio --clients --seed --rate --seeds --jobs --max-events --json --csv --markdown --help" ;;
        sweep) options="--vary --pattern --option --requests --keys --dist --write-ratio --clients --seed --rate --seeds --jobs --max-events --json --csv --markdown --help" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [[ $command == run || $command == lesson ]]; then
        _filedir cls
    fi
}
complete -F _cachelab_cli cachelab-cli
