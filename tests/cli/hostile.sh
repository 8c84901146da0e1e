#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# hostile.sh - what a hostile user tries across the tools: outputs onto
# devices, FIFOs, links, folders and inputs; inputs that are FIFOs or
# endless devices; file names with newlines; an initrd written inside its
# own tree; a socket in the tree.  Every case must fail cleanly (exit 1,
# one line naming the path) or succeed without harm, and never hang.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gen.sh"
cd "$T" || exit 1
TO="timeout 20"

# Devices of our own, when root: a test that regresses must not replace
# the real /dev/null or /dev/full.
if [ "$(id -u)" = 0 ]; then
	mknod null c 1 3; mknod full c 1 7; chmod 666 null full
	NULL=$T/null; FULL=$T/full
else
	NULL=/dev/null; FULL=/dev/full
fi

"$MKKERNEL" bzimage bz 200000 0x020f 3 255
B="build --kernel bz --cmdline console=ttyS0 --vmm qemu --platform snp"
# shellcheck disable=SC2086
"$IGVMGEN" $B -o a.igvm

# ---- outputs onto what is not a regular file -----------------------------
# shellcheck disable=SC2086
run $TO "$IGVMGEN" $B -o "$FULL"
expect_rc 1 "build -o a full device exits 1"
expect_err_has "No space left on device" "the full device's error is reported"
check "the full device is still a device" test -c "$FULL"
# shellcheck disable=SC2086
run $TO "$IGVMGEN" $B -o "$NULL"
expect_rc 0 "build -o a null device is written directly"
check "the null device is still a device" test -c "$NULL"
run $TO "$MEASURE" snp --igvm a.igvm --log "$NULL"
expect_rc 0 "measure snp --log onto a null device"
check "the null device is still a device after --log" test -c "$NULL"
mkfifo fifo
# shellcheck disable=SC2086
run $TO "$IGVMGEN" $B -o fifo
expect_rc 1 "build -o a FIFO is refused (and does not hang)"
expect_err_has "fifo: is a FIFO or pipe" "the FIFO is named"
check "the FIFO is still a FIFO" test -p fifo
mkdir dir
# shellcheck disable=SC2086
run $TO "$IGVMGEN" $B -o dir
expect_rc 1 "build -o a folder is refused"
check "the folder is empty" test -z "$(ls -A dir)"
echo old >target
ln -s target link
# shellcheck disable=SC2086
run $TO "$IGVMGEN" $B -o link
expect_rc 1 "build -o a symbolic link is refused"
expect_err_has "link: is a symbolic link" "the link is named"
check "the link is still a link to its target" test "$(readlink link)" = target
check "the link's target is unchanged" test "$(cat target)" = old
run $TO "$IGVMGEN" initrd --root dir -o link
expect_rc 1 "initrd -o a symbolic link is refused"
check "no temporary file is left" test "$(ls -A | grep -c '^\.')" = 0

# ---- inputs that are not regular files -----------------------------------
run $TO "$IGVMGEN" check fifo
expect_rc 1 "check of a FIFO is refused at once (no hang)"
expect_err_has "fifo: is a FIFO or pipe, expected a regular file" "the FIFO input is named"
ln -s /dev/zero zero
run $TO "$IGVMGEN" check zero
expect_rc 1 "check of a link to /dev/zero is refused at once"
expect_err_has "zero: is a character device" "the device input is named"
run $TO "$MEASURE" snp --igvm zero
expect_rc 1 "measure snp --igvm of a link to /dev/zero is refused at once"
run $TO "$VERITYSETUP" format --salt=ab zero h
expect_rc 1 "veritysetup format of /dev/zero's link: exit 1"
run $TO "$VERITYSETUP" format --salt=ab a.igvm fifo
expect_rc 1 "veritysetup format onto a FIFO is refused"
check "the FIFO is still a FIFO after format" test -p fifo

# ---- messages are one line ------------------------------------------------
nl=$'bad\nname'
run "$IGVMGEN" check "$nl"
expect_rc 1 "check of a missing file with a newline in its name"
check "the error is one line" test "$(wc -l <"$T/err")" = 1
expect_err_has 'bad\nname: cannot open' "the newline is escaped as \\n"
printf 'x' >"$nl"
run "$IGVMGEN" check "$nl"
check "a malformed file with a newline in its name: one line" test "$(wc -l <"$T/err")" = 1
rm -f "$nl"

# ---- initrd -o inside --root ---------------------------------------------
mkdir -p tree/etc
echo hello >tree/etc/motd
run "$IGVMGEN" initrd --root tree -o tree/out.cpio
expect_rc 0 "initrd -o inside --root"
cp tree/out.cpio first.cpio
run "$IGVMGEN" initrd --root tree -o tree/out.cpio
expect_rc 0 "initrd -o inside --root, again (over the first)"
check "two runs give the same bytes" cmp -s first.cpio tree/out.cpio
check "the archive holds neither itself nor its temporary" \
	test "$(zcat tree/out.cpio | cpio -it 2>/dev/null | tr '\n' ' ')" = "etc etc/motd "
"$IGVMGEN" initrd --root tree -o elsewhere.cpio --compress none
run "$IGVMGEN" initrd --root tree -o tree/raw.cpio --compress none
check "inside or outside the tree, the same archive" cmp -s elsewhere.cpio tree/raw.cpio
rm -f tree/raw.cpio

# ---- a socket in the tree -------------------------------------------------
mkdir -p stree/run
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' stree/run/s
for z in gzip none; do
	run "$IGVMGEN" initrd --root stree --compress $z -o s.cpio
	expect_rc 1 "initrd of a tree with a socket ($z) exits 1"
	expect_err_has "stree/run/s: is a socket" "the socket is named ($z), not a zlib error"
	check "no archive is left ($z)" test ! -e s.cpio
done

# ---- an output that is one of the command's inputs -----------------------
# Every PATH_IN option is noted by the option table (core/cli.h) and every
# output of the command is checked against it, whatever the tool.
cp a.igvm in.igvm
ln -s in.igvm in-link.igvm
run "$MEASURE" snp --igvm in-link.igvm --log in.igvm
expect_rc 1 "measure snp --log onto its --igvm input (through a link) is refused"
expect_err_has "in.igvm: the output is the input in-link.igvm" "the refusal names both"
run "$MEASURE" snp --igvm in.igvm --log in.igvm
expect_rc 1 "measure snp --log onto its --igvm input is refused"
check "the input IGVM is unchanged" cmp -s a.igvm in.igvm
gen_cca_inputs Image initrd
cp Image Image2
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k Image2 -i initrd -m 256M -c 1
expect_rc 0 "measure cca of the generated Image works"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k Image2 -i initrd -m 256M -c 1 --dump-dtb Image2
expect_rc 1 "measure cca --dump-dtb onto its kernel is refused"
expect_err_has "the output is the input" "the refusal says why"
check "the kernel is unchanged" cmp -s Image Image2

finish
