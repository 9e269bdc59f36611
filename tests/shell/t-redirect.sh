# Redirections and here-documents.
echo one > "$T/f"
echo two >> "$T/f"
check redirect_out_and_append "one two" "$(tr '\n' ' ' < "$T/f" | sed 's/ $//')"
check redirect_in 2 "$(wc -l < "$T/f" | tr -d ' ')"
check redirect_stderr_to_stdout "err" "$( { echo err >&2; } 2>&1 )"
check redirect_stderr_away "" "$( { echo err >&2; } 2>/dev/null )"
{ echo out; echo err >&2; } > "$T/both" 2>&1
check redirect_both_to_file "out err" "$(tr '\n' ' ' < "$T/both" | sed 's/ $//')"
exec 3> "$T/fd3"
echo via3 >&3
exec 3>&-
check redirect_fd3 via3 "$(cat "$T/fd3")"
exec 4< "$T/f"
read -r first <&4
exec 4<&-
check redirect_read_fd4 one "$first"
check redirect_dev_null_reads_empty "" "$(cat /dev/null)"
check redirect_dev_zero 16 "$(head -c 16 /dev/zero | wc -c | tr -d ' ')"
(set -C; echo x > "$T/f") 2>/dev/null
check redirect_noclobber_refuses 1 "$?"
check redirect_noclobber_kept "one" "$(head -n 1 "$T/f")"
echo rw > "$T/rw"
exec 5<> "$T/rw"
read -r got <&5
exec 5>&-
check redirect_read_write rw "$got"
name=world
check heredoc_expands "hello world" "$(cat <<END
hello $name
END
)"
check heredoc_quoted_verbatim 'hello $name' "$(cat <<'END'
hello $name
END
)"
check heredoc_tabs_stripped "indented" "$(cat <<-END
		indented
	END
)"
check heredoc_into_loop "a-b-c" "$(while read -r w; do printf '%s-' "$w"; done <<END | sed 's/-$//'
a
b
c
END
)"
check heredoc_arithmetic "3" "$(cat <<END
$((1 + 2))
END
)"
