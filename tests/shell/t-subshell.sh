# Subshells, command substitution, functions, arithmetic.
cd "$T"
(cd /; true)
check subshell_keeps_cwd "$T" "$(pwd)"
v=outer
(v=inner)
check subshell_keeps_variables outer "$v"
check subshell_sees_parent_variables outer "$(echo "$v")"
check subst_nested deep "$(echo "$(echo "$(echo deep)")")"
check subst_backticks back "`echo back`"
check subst_strips_trailing_newlines "x" "$(printf 'x\n\n\n')"
check subst_status 3 "$(sh -c 'exit 3'; echo $?)"
check subst_in_words "a-b" "$(echo a)-$(echo b)"
check group_in_current_shell set "$( { g=set; }; echo $g )"
add() { echo $(($1 + $2)); }
check function_args 5 "$(add 2 3)"
count() { echo $#; }
check function_arg_count 3 "$(count a "b c" d)"
isroot() { return 7; }
isroot
check function_return_status 7 "$?"
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi; }
check function_recursion 120 "$(fact 5)"
lv=global
setlocal() { local lv=local; echo $lv; }
check function_local "local global" "$(setlocal) $lv"
check arith_precedence 14 "$((2 + 3 * 4))"
check arith_division 3 "$((7 / 2))"
check arith_modulo 1 "$((7 % 3))"
check arith_shift 1024 "$((1 << 10))"
check arith_hex 16 "$((0x10))"
check arith_negative -6 "$((-2 * 3))"
check arith_compare 1 "$((3 > 2 && 2 >= 2))"
check arith_ternary yes "$( [ $((5 > 3 ? 1 : 0)) = 1 ] && echo yes)"
i=0
while [ $i -lt 10 ]; do i=$((i + 1)); done
check arith_loop_counter 10 "$i"
check arith_64_bit 9223372036854775807 "$((9223372036854775806 + 1))"
x=5
: $((x += 2))
check arith_assign 7 "$x"
