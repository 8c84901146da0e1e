# SPDX-License-Identifier: Apache-2.0
# podvm as a nixpkgs package: igvmgen, measure and veritysetup, their man
# pages, and the test suite run by the build.
#
#   nix-build -E 'with import <nixpkgs> {}; callPackage ./nix {}'
#
# Every argument is a nixpkgs attribute name.  intel-ipsec-mb is the fast
# hash engine of veritysetup on x86_64; elsewhere (or when null) meson
# builds with OpenSSL EVP only.  The CLI tests call jq, openssl, xxd and
# cryptsetup's veritysetup as oracles (nativeCheckInputs).
{
  lib,
  stdenv,
  meson,
  ninja,
  pkg-config,
  openssl,
  zlib,
  libarchive,
  cryptsetup,
  dtc,
  jansson,
  cmocka,
  scdoc,
  intel-ipsec-mb ? null,
  jq ? null,
  xxd ? null,
  doCheck ? true,
}:

let
  withIpsecMb = intel-ipsec-mb != null && stdenv.hostPlatform.isx86_64;
  # The source tree without build folders, release output and VCS data.
  root = toString ./..;
  skip = [ ".git" "build" "build-asan" "build-evp" "build-fuzz" "out" "result" ];
  src = builtins.path {
    path = ./..;
    name = "podvm-source";
    filter = path: type:
      !(builtins.any (d: toString path == "${root}/${d}") skip)
      && !(lib.hasPrefix "${root}/out." (toString path));
  };
in
stdenv.mkDerivation {
  pname = "podvm";
  version = "0.1.0";
  inherit src doCheck;

  nativeBuildInputs = [ meson ninja pkg-config scdoc ];
  buildInputs = [ openssl zlib libarchive cryptsetup dtc jansson ]
    ++ lib.optional withIpsecMb intel-ipsec-mb;
  nativeCheckInputs = [ openssl cryptsetup ]
    ++ lib.optional (jq != null) jq
    ++ lib.optional (xxd != null) xxd;
  checkInputs = [ cmocka ];

  mesonFlags = [
    (lib.mesonBool "tests" doCheck)
    (lib.mesonEnable "man" true)
    (lib.mesonEnable "ipsec_mb" withIpsecMb)
  ];
  # the slow suite (large images, peak memory) is left to CI
  mesonCheckFlags = [ "--no-suite" "slow" ];

  meta = {
    description = "Build and measure confidential pod-VM images (SEV-SNP, Arm CCA, dm-verity)";
    license = lib.licenses.asl20;
    platforms = lib.platforms.linux;
    mainProgram = "measure";
  };
}
