# SPDX-License-Identifier: MIT
# bash completion for faultline(1): commands, each command's options, kernel presets and
# behaviour switches.  Presets and switches come from the installed binary itself
# (`faultline run --help`, `faultline policies`), so they are never out of date.

_faultline_presets()
{
	"$1" run --help 2>/dev/null | sed -n 's/^kernel presets: \(.*\) (`faultline policies`)$/\1/p'
}

_faultline_switches()
{
	# A switch's block starts "NAME  (read in ...)"; its values are the lines after "timeline:"
	# whose first word is a value name, up to the blank line.
	"$1" policies 2>/dev/null | awk '
		/^[a-z_0-9]+  \(read in / { sw = $1; inv = 0; next }
		/^  timeline:/ { inv = sw != ""; next }
		/^$/ { inv = 0; sw = ""; next }
		inv && /^  [a-z_0-9]+ / { print sw "=" $1 }'
}

_faultline()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion -n = || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cword=$COMP_CWORD
		words=("${COMP_WORDS[@]}")
	fi
	local fl=${words[0]}
	local commands="run replay test policies bench conform gen help"

	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help" -- "$cur"))
		return
	fi
	local cmd=${words[1]}
	case $prev in
	--kernel)
		COMPREPLY=($(compgen -W "$(_faultline_presets "$fl") host" -- "$cur"))
		return ;;
	--set)
		COMPREPLY=($(compgen -W "$(_faultline_switches "$fl")" -- "$cur"))
		return ;;
	--strategy)
		COMPREPLY=($(compgen -W "exhaustive dfs random" -- "$cur"))
		return ;;
	--preemptions)
		COMPREPLY=($(compgen -W "0 1 2 3 none" -- "$cur"))
		return ;;
	--html | --junit | --known)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--out)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--schedule | --seed | --max-executions | --runs | --timeout | --count | --index | --ops)
		return ;;
	esac
	local opts
	case $cmd in
	run) opts="--kernel --set --preemptions --strategy --seed --max-executions --json --html --quiet --help" ;;
	replay) opts="--kernel --set --schedule --json --html --help" ;;
	test) opts="--preemptions --max-executions --json --tap --junit --quiet --help" ;;
	policies) opts="--markdown --help" ;;
	bench) opts="--preemptions --max-executions --quiet --help" ;;
	conform) opts="--kernel --set --preemptions --max-executions --runs --timeout --json --help" ;;
	gen)
		if [ "$cword" -eq 2 ]; then
			COMPREPLY=($(compgen -W "seq conc print recheck --help" -- "$cur"))
			return
		fi
		opts="--count --seed --index --ops --kernel --timeout --preemptions --max-executions --known --out --no-minimise --minimise --verbose --help" ;;
	help)
		COMPREPLY=($(compgen -W "run replay test policies bench conform gen" -- "$cur"))
		return ;;
	*) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		# .litmus files and directories
		COMPREPLY=($(compgen -f -X '!*.litmus' -- "$cur") $(compgen -d -- "$cur"))
	fi
}
complete -F _faultline faultline
