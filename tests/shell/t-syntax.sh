# Control structures, expansions, builtins.
s=
for w in a b c; do s="$s$w"; done
check for_loop abc "$s"
n=0
until [ $n -ge 3 ]; do n=$((n + 1)); done
check until_loop 3 "$n"
classify() { case "$1" in [0-9]*) echo number;; *.txt) echo text;; *) echo other;; esac; }
check case_patterns "number text other" "$(classify 42) $(classify a.txt) $(classify x)"
v=hello.tar.gz
check param_length 12 "${#v}"
check param_strip_suffix hello.tar "${v%.*}"
check param_strip_longest_suffix hello "${v%%.*}"
check param_strip_prefix tar.gz "${v#*.}"
unset u
check param_default dflt "${u:-dflt}"
check param_assign_default set "${u:=set}$( : )"
check param_alternate alt "${v:+alt}"
check param_substring ell "${v:1:3}"
check param_replace "hexxo.tar.gz" "${v//l/x}"
set -- one "two three" four
check positional_count 3 "$#"
check positional_quoted "two three" "$2"
shift
check positional_shift "two three" "$1"
check positional_all "two three four" "$*"
IFS=: read -r a b c <<XEND
x:y:z
XEND
check read_with_ifs "x y z" "$a $b $c"
mkdir -p "$T/g" && touch "$T/g/a.c" "$T/g/b.c" "$T/g/c.h"
check glob_star "a.c b.c" "$(cd "$T/g" && echo *.c)"
check glob_no_match '*.zz' "$(cd "$T/g" && echo *.zz)"
check test_strings yes "$( [ abc = abc ] && [ abc != abd ] && [ -n x ] && [ -z '' ] && echo yes)"
check test_numbers yes "$( [ 10 -gt 9 ] && [ 3 -le 3 ] && [ 2 -ne 3 ] && echo yes)"
check test_files yes "$( [ -d "$T" ] && [ -f "$T/g/a.c" ] && [ ! -e "$T/nope" ] && [ -r /etc/passwd ] && echo yes)"
check printf_formats "007|ff|  ab|3.14" "$(printf '%03d|%x|%4s|%.2f' 7 255 ab 3.14159)"
check echo_n "ab" "$(echo -n a; echo b)"
check eval_builtin 3 "$(eval 'x=3; echo $x')"
check command_v yes "$(case $(command -v ls) in */ls) echo yes;; esac)"
check type_builtin yes "$(type cd | grep -q builtin && echo yes)"
alias hi='echo hi there'
check alias_not_in_scripts_expanded_later "hi there" "$(eval 'hi')"
check getopts_parses "a:b=1:" "$(set -- -a -b 1; while getopts ab: o; do printf '%s' "$o"; [ -n "$OPTARG" ] && printf '=%s' "$OPTARG"; printf ':'; done)"
