# SPDX-License-Identifier: Apache-2.0
# podvm's flake: packages.<system>.default (./default.nix from the nixpkgs
# given as input) and a development shell with the tools of the build, the
# tests and the image pipeline's oracles.
#
#   nix build ./nix          nix develop ./nix
{
  description = "podvm: build and measure confidential pod-VM images";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAll (pkgs: rec {
        podvm = pkgs.callPackage ./default.nix { };
        default = podvm;
      });

      devShells = forAll (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ self.packages.${pkgs.system}.podvm ];
          packages = with pkgs; [ clang gdb jq xxd cryptsetup openssl ];
        };
      });
    };
}
