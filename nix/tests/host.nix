# SPDX-License-Identifier: Apache-2.0
# A tiny package set for testing ../default.nix without nixpkgs (which
# cannot be fetched here): each nixpkgs dependency maps to this machine's
# installation under /usr (a Debian system with ./build.sh deps), and
# stdenv.mkDerivation is a plain derivation running meson from the host.
# Build with the sandbox off (tests/cli/nix.sh):
#
#   nix-build --option sandbox false --option build-users-group '' nix/tests/host.nix
{ doCheck ? false }:
let
  system = builtins.currentSystem;
  host = name: { inherit name; outPath = "/usr"; };
  names = [ "meson" "ninja" "pkg-config" "openssl" "zlib" "libarchive" "cryptsetup"
            "dtc" "jansson" "cmocka" "scdoc" "jq" "xxd" ];
  lib = {
    optional = c: x: if c then [ x ] else [ ];
    hasPrefix = p: s: builtins.substring 0 (builtins.stringLength p) s == p;
    mesonBool = k: v: "-D${k}=${if v then "true" else "false"}";
    mesonEnable = k: v: "-D${k}=${if v then "enabled" else "disabled"}";
    licenses.asl20 = "Apache-2.0";
    platforms.linux = [ "x86_64-linux" "aarch64-linux" ];
  };
  stdenv = {
    hostPlatform.isx86_64 = system == "x86_64-linux";
    mkDerivation = a: derivation {
      name = "${a.pname}-${a.version}";
      inherit system;
      inherit (a) src;
      builder = "/bin/sh";
      # what the derivation says it needs, by name (the host provides all)
      inputNames = map (p: p.name) (a.nativeBuildInputs ++ a.buildInputs ++ a.checkInputs);
      args = [ "-ec" ''
        export PATH=/usr/bin:/bin HOME=$TMPDIR
        meson setup "$TMPDIR/build" "$src" --prefix="$out" ${toString a.mesonFlags}
        meson compile -C "$TMPDIR/build"
        ${if a.doCheck then "meson test -C \"$TMPDIR/build\" --num-processes 1 ${toString a.mesonCheckFlags}" else ""}
        meson install -C "$TMPDIR/build"
      '' ];
    };
  };
  ipsec = if builtins.pathExists /usr/include/intel-ipsec-mb.h then host "intel-ipsec-mb" else null;
in
import ../default.nix ({ inherit lib stdenv doCheck; intel-ipsec-mb = ipsec; }
  // builtins.listToAttrs (map (n: { name = n; value = host n; }) names))
