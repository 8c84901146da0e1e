# SPDX-License-Identifier: Apache-2.0
# verity-data.sh - shared by the veritysetup tests and
# tests/kat/verity/record.sh (sourced, not run).
#
#   gen_data BYTES FILE        the first BYTES of the AES-128-CTR keystream
#                              (key 000102..0f, IV 0): fixed pseudo-random data
#   matrix_cases FILE          "name|bytes|options" lines of matrix.txt
#   case_format TOOL DIR NAME BYTES OPTS
#                              run TOOL format for one case in DIR (files
#                              DIR/data and DIR/hash; stdout in DIR/out);
#                              sets $case_rc, $case_hash (the file holding
#                              the tree) and $case_verify_opts
VERITY_UUID=12345678-1234-1234-1234-123456789abc
VERITY_SALT=5eed0123456789abcdef

gen_data() {
	openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f \
		-iv 00000000000000000000000000000000 -nosalt -in /dev/zero 2>/dev/null |
		head -c "$1" >"$2"
}

matrix_cases() {
	sed -e '/^#/d' -e '/^$/d' -e 's/ *| */|/g' -e 's/ *$//' "$1"
}

case_format() {
	local tool=$1 dir=$2 name=$3 bytes=$4 opts=$5 o same=0 nosb=0
	local args=()
	rm -rf "$dir" && mkdir -p "$dir"
	gen_data "$bytes" "$dir/data"
	case_verify_opts=""
	for o in $opts; do
		case $o in
		@same) same=1 ;;
		--no-superblock) nosb=1; args+=("$o") ;;
		*) args+=("$o") ;;
		esac
	done
	for o in $opts; do
		case $o in
		--hash-offset=*) case_verify_opts="$case_verify_opts $o" ;;
		--no-superblock | --hash=* | --format=* | --salt=* | --data-block-size=* | \
		--hash-block-size=* | --data-blocks=*)
			[ $nosb -eq 1 ] && case_verify_opts="$case_verify_opts $o" ;;
		esac
	done
	case " $opts " in *" --salt="*) ;; *)
		args+=("--salt=$VERITY_SALT")
		[ $nosb -eq 1 ] && case_verify_opts="$case_verify_opts --salt=$VERITY_SALT" ;;
	esac
	[ $nosb -eq 1 ] || args+=("--uuid=$VERITY_UUID")
	if [ $same -eq 1 ]; then
		case_hash=$dir/data
		(cd "$dir" && "$tool" format "${args[@]}" data data >out 2>err)
	else
		case_hash=$dir/hash
		(cd "$dir" && "$tool" format "${args[@]}" data hash >out 2>err)
	fi
	case_rc=$?
}

# root hash printed by format in DIR/out
case_root() { sed -n 's/^Root hash:[[:space:]]*//p' "$1/out"; }
