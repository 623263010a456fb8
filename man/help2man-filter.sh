#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# What help2man runs in place of a program: --version as the program says it;
# --help as the program says it, with its headings ("OPTIONS" at the start of a
# line) written as help2man reads a section ("Options:") and the indentation
# under them taken off, so the page is made from the real --help and cannot
# drift from it. dupg-sim's --help is a list of commands: --include prints
# it, and every command's own --help, as help2man's include file.
#   man/help2man-filter.sh PROGRAM --help|--version|--include
prog=$1
shift
case "${1:-}" in
--version)
	exec "$prog" --version
	;;
--help)
	if [ "$(basename "$prog")" = dupg-sim ]; then
		"$prog" --help | sed -n '1s/^usage:/Usage:/p' | sed 's/ *(libdupg.*//'
		exit 0
	fi
	"$prog" --help | awk '
		# NAME is help2man'"'"'s own (--name); SYNOPSIS is its "Usage:"
		/^NAME$/ { skip = 1; next }
		skip && /^$/ { skip = 0; next }
		skip { next }
		/^SYNOPSIS$/ { sect = "usage"; line = ""; n = 0; next }
		# a usage entry per line, its continuation lines joined on
		sect == "usage" && /^    [^ ]/ { if (line != "") use[n++] = line; sub(/^ +/, ""); line = $0; next }
		sect == "usage" && /^     +[^ ]/ { sub(/^ +/, " "); line = line $0; next }
		sect == "usage" {
			if (line != "") use[n++] = line
			for (i = 0; i < n; i++) print (i == 0 ? "Usage: " : "  or:  ") use[i]
			sect = ""
		}
		# text after the usage is help2man'"'"'s DESCRIPTION already
		/^DESCRIPTION$/ { sect = "text"; next }
		/^[A-Z][A-Z ]+$/ { sect = $0; h = tolower($0); print toupper(substr(h, 1, 1)) substr(h, 2) ":"; next }
		sect == "OPTIONS" { print; next }
		{ sub(/^    /, ""); print }'
	;;
--include)
	# help2man --include: the command list as the program prints it, then each
	# command's own --help, verbatim (roff no-fill, its dots and backslashes escaped)
	esc() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }
	echo "[DESCRIPTION]"
	echo ".nf"
	"$prog" --help | sed 1d | esc
	echo ".fi"
	echo "[COMMANDS]"
	for c in $("$prog" --help | sed -n 's/^  dupg-sim \([a-z][a-z-]*\).*/\1/p' | sort -u); do
		echo ".SS \"dupg-sim $c\""
		echo ".nf"
		"$prog" "$c" --help | esc
		echo ".fi"
	done
	;;
*)
	echo "usage: $0 PROGRAM --help|--version|--include" >&2
	exit 2
	;;
esac
