# bash completion for hark(1): commands, their options, and rule ids.
# The commands and options come from hark itself (hark help, hark CMD --help),
# the rule ids from `hark rules` on the configuration of the line (-c) or the
# default one, so that they never drift from the installed hark.
# Installed as share/bash-completion/completions/hark.

# The -c CONFIG of the line so far, as an argument list for hark.
_hark_conf() {
	local i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-c | --config)
			printf '%s\n' -c "${COMP_WORDS[i + 1]}"
			return
			;;
		--config=*)
			printf '%s\n' -c "${COMP_WORDS[i]#--config=}"
			return
			;;
		esac
	done
}

_hark_commands() {
	"$1" help 2>/dev/null | awk '/^commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 } c && /^$/ { exit }'
}

# Every option of a command: the -x and --long of its help lines.
_hark_options() {
	"$1" help "$2" 2>/dev/null | sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z][a-z-]*\).*/\1 \2/p; s/^  \(--[a-z][a-z-]*\).*/\1/p'
	echo --help
}

_hark_rule_ids() {
	local -a conf
	mapfile -t conf < <(_hark_conf)
	"$1" "${conf[@]}" rules 2>/dev/null | cut -d' ' -f1
}

_hark() {
	local cur prev cmd i hark=${COMP_WORDS[0]}
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	# the command: the first word that is not an option of hark or -c's value
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-c | --config) ((i++)) ;;
		-*) ;;
		*)
			cmd=${COMP_WORDS[i]}
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		-c | --config)
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-c --config -h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_hark_commands "$hark")" -- "$cur"))
		fi
		return
	fi

	case $cmd:$prev in
	hits:--rule | help:help)
		if [[ $prev == --rule ]]; then
			COMPREPLY=($(compgen -W "$(_hark_rule_ids "$hark")" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_hark_commands "$hark")" -- "$cur"))
		fi
		return
		;;
	*:-r | *:--rules | *:--spool | *:--secret-file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	*:--lang | *:--since | *:--until | *:--limit | *:--before | *:--tag | *:--source | \
		*:--port | *:--secret | *:--max-age | *:--interval | *:--charset)
		return # a value of the user's
		;;
	*:--color)
		COMPREPLY=($(compgen -W 'never always auto' -- "$cur"))
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_hark_options "$hark" "$cmd")" -- "$cur"))
		return
	fi
	case $cmd in
	help) COMPREPLY=($(compgen -W "$(_hark_commands "$hark")" -- "$cur")) ;;
	ingest | match | extract | feed | import-opml | check | backup)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
}
complete -o default -F _hark hark
