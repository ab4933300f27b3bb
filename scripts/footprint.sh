#!/usr/bin/env bash
# The firmware footprint report: flash, static RAM, stack high-water mark
# and instructions per handshake, against the budget of spec'd targets.
#
#   scripts/footprint.sh            report; fail only on a regression
#   FOOTPRINT_ENFORCE_BUDGET=1 scripts/footprint.sh   also fail while over budget
#
# Images (all opt-level z, LTO, panic=abort, compact SHA-256 where linked):
#   codec only                 tests/nostd-link          (thumbv7em-none-eabihf)
#   codec + descriptor + interaction
#                              tests/size-interaction    (thumbv7em-none-eabihf)
#   whole appliance            examples/firmware         (thumbv7em-none-eabihf, the
#                              budget's Cortex-M4F; thumbv7m-none-eabi and
#                              riscv32imac-unknown-none-elf, the two QEMU boards)
#
# flash = every section loaded into flash: .vector_table + .text + .rodata +
#         .data (its load image) + .init.rust + .ARM.exidx
# RAM   = .data + .bss + .uninit (static), plus the stack high-water mark
#         the firmware measures under QEMU (it paints its stack at boot and
#         serves `qemu_probe.stack_peak` / `stack_boot`; tests/firmware.rs
#         reads them after a wrong-code attempt, a pairing, a session with a
#         subscription, a resumption and a session on it).
# instructions: the same run under `qemu -icount shift=0` (one emulated ns
#         per instruction); the firmware times the frames of each handshake
#         (`qemu_probe.pair_ns`, `resume_ns`).
#
# Needs QEMU and the targets `.ci/run` installs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The budget (issue 12 / the brief) and the aim, on the Cortex-M4F.
BUDGET_FLASH=$((64 * 1024))       # whole appliance
BUDGET_RAM=$((16 * 1024))         # static RAM + stack high-water
BUDGET_INTERACTION=$((16 * 1024)) # codec + descriptor + interaction, flash
AIM_FLASH=$((48 * 1024))
AIM_RAM=$((12 * 1024))
# Ceilings: where an image is over budget, today's number plus a little
# headroom, so that growing further is a regression that fails CI; lower
# them as the images shrink. Where it is within budget, the budget itself.
# The security hardening (pairing administration messages, the proof of
# the static key, the resumption mac, hints, tentative sessions, zeroized
# keys) raised them: about 11 KiB of flash, 0.6 KiB of static RAM and
# 1.1 KiB of stack on the M4F; the RAM + stack of the whole appliance is
# over its 16 KiB budget by 1.5 KiB since. Descriptors by catalog
# reference (the demo's 1,161-byte descriptor is 90 bytes on the wire) added
# about 4.2 KiB of flash: the build-time checks of optional elements, the
# compact serializer and the serving of one capability's full definition.
# Wire efficiency raised them again: the one-pass codec (hand-written
# decoders of the hot types and messages, the writer that moves a list's
# elements when its length prefix grows, which links memmove) added about
# 3.7 KiB to the codec-only image and took about 0.7 KiB out of the
# interaction image; batched requests (two messages, the batch runner)
# added about 3.2 KiB to the interaction image; the whole appliance grew
# by about 4 KiB.
CEIL_CODEC=27648
CEIL_INTERACTION=61440
CEIL_FLASH_M4=136192
CEIL_RAM_M4=18432
CEIL_FLASH_RV=149504
CEIL_RAM_RV=18432

sysroot=$(rustc --print sysroot)
tool() { find "$sysroot" -name "$1" -type f -print -quit; }
SIZE=$(tool llvm-size)
NM=$(tool llvm-nm)
[ -n "$SIZE" ] && [ -n "$NM" ] || { echo "llvm-tools missing: rustup component add llvm-tools" >&2; exit 1; }

flash_of() {
  "$SIZE" -A "$1" | awk '$1 ~ /^\.(vector_table|text|rodata|data|init\.rust|ARM\.exidx)$/ {s += $2} END {print s + 0}'
}
ram_of() {
  "$SIZE" -A "$1" | awk '$1 ~ /^\.(data|bss|uninit)$/ {s += $2} END {print s + 0}'
}
kib() { awk -v b="$1" 'BEGIN {printf "%.1f KiB", b / 1024}'; }

failed=0
check_ceiling() { # name value ceiling
  if [ "$2" -gt "$3" ]; then
    echo "REGRESSION: $1 is $2 bytes, above its ceiling of $3 (scripts/footprint.sh)" >&2
    failed=1
  fi
}

echo "== building (opt-level z) =="
(cd tests/nostd-link && cargo build --release --quiet)
(cd tests/size-interaction && cargo build --release --quiet --target thumbv7em-none-eabihf)
for t in thumbv7em-none-eabihf thumbv7m-none-eabi riscv32imac-unknown-none-elf; do
  (cd examples/firmware && cargo build --release --quiet --target "$t")
done
codec=tests/nostd-link/target/thumbv7em-none-eabihf/release/applink-nostd-link
interaction=tests/size-interaction/target/thumbv7em-none-eabihf/release/applink-size-interaction
fw() { echo "examples/firmware/target/$1/release/applink-firmware"; }

echo "== measuring stack and instructions under QEMU (-icount shift=0) =="
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
APPLINK_QEMU_ICOUNT=1 timeout 600 cargo test --quiet --test firmware -- --ignored --test-threads=1 \
  --nocapture lm3s6965evb riscv_virt 2>&1 | tee "$runs" | grep -E '^(FIRMWARE|test result)' || true
field() { # board key
  awk -v b="board=$1" -v k="$2" '$1 == "FIRMWARE" && $2 == b {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$runs"
}
for b in lm3s6965evb riscv-virt; do
  if [ -z "$(field "$b" stack_peak)" ]; then
    echo "no measurement from the $b firmware under QEMU:" >&2
    tail -n 40 "$runs" >&2
    exit 1
  fi
done
stack_of() { # the deepest of the boot and the serving marks
  local peak boot
  peak=$(field "$1" stack_peak)
  boot=$(field "$1" stack_boot)
  echo $((peak > boot ? peak : boot))
}

codec_flash=$(flash_of "$codec")
interaction_flash=$(flash_of "$interaction")
m4_flash=$(flash_of "$(fw thumbv7em-none-eabihf)")
m4_ram=$(ram_of "$(fw thumbv7em-none-eabihf)")
m3_flash=$(flash_of "$(fw thumbv7m-none-eabi)")
m3_ram=$(ram_of "$(fw thumbv7m-none-eabi)")
rv_flash=$(flash_of "$(fw riscv32imac-unknown-none-elf)")
rv_ram=$(ram_of "$(fw riscv32imac-unknown-none-elf)")
m3_stack=$(stack_of lm3s6965evb)
rv_stack=$(stack_of riscv-virt)
# The M4F image is the M3 one with other instructions: its stack is the M3's.
m4_stack=$m3_stack

status() { # value budget aim
  if [ "$1" -gt "$2" ]; then
    echo "OVER by $(($1 - $2)) B ($(kib $(($1 - $2))))"
  elif [ "$1" -gt "$3" ]; then
    echo "within budget, above aim"
  else
    echo "within aim"
  fi
}

echo
echo "== footprint =="
echo
echo "| image | target | flash | static RAM | stack high-water | RAM + stack | pairing | resumption |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
echo "| codec + COBS + segmentation | thumbv7em-none-eabihf | $codec_flash | $(ram_of "$codec") | | | | |"
echo "| codec + descriptor + interaction (3 capabilities) | thumbv7em-none-eabihf | $interaction_flash | $(ram_of "$interaction") | | | | |"
echo "| whole appliance (lamp firmware) | thumbv7em-none-eabihf | $m4_flash | $m4_ram | ($m4_stack) | $((m4_ram + m4_stack)) | | |"
echo "| whole appliance, QEMU lm3s6965evb | thumbv7m-none-eabi | $m3_flash | $m3_ram | $m3_stack | $((m3_ram + m3_stack)) | $(field lm3s6965evb pair_ns) insns | $(field lm3s6965evb resume_ns) insns |"
echo "| whole appliance, QEMU RISC-V virt | riscv32imac-unknown-none-elf | $rv_flash | $rv_ram | $rv_stack | $((rv_ram + rv_stack)) | $(field riscv-virt pair_ns) insns | $(field riscv-virt resume_ns) insns |"
echo
echo "Sizes in bytes. Stack: deepest of boot (building the node: $(field lm3s6965evb stack_boot) / $(field riscv-virt stack_boot) B)"
echo "and serving ($(field lm3s6965evb stack_peak) / $(field riscv-virt stack_peak) B) on lm3s6965evb / virt."
echo "Instructions: pairing = the appliance's PairRequest + PairFinish, resumption = its ResumeRequest."
echo
echo "== budget (Cortex-M4F, opt-level z) =="
echo "whole appliance flash        $m4_flash B ($(kib "$m4_flash")) / budget $(kib $BUDGET_FLASH), aim $(kib $AIM_FLASH): $(status "$m4_flash" $BUDGET_FLASH $AIM_FLASH)"
echo "static RAM + stack           $((m4_ram + m4_stack)) B ($(kib $((m4_ram + m4_stack)))) / budget $(kib $BUDGET_RAM), aim $(kib $AIM_RAM): $(status $((m4_ram + m4_stack)) $BUDGET_RAM $AIM_RAM)"
echo "RISC-V: flash $rv_flash B ($(kib "$rv_flash")): $(status "$rv_flash" $BUDGET_FLASH $AIM_FLASH); RAM + stack $((rv_ram + rv_stack)) B: $(status $((rv_ram + rv_stack)) $BUDGET_RAM $AIM_RAM)"
echo "codec + interaction flash    $interaction_flash B ($(kib "$interaction_flash")) / budget $(kib $BUDGET_INTERACTION): $(status "$interaction_flash" $BUDGET_INTERACTION $BUDGET_INTERACTION)"

echo
echo "== where the whole appliance's flash goes (thumbv7em-none-eabihf) =="
# Rust's legacy symbol names, made readable: `_$LT$a..B$u20$as$u20$c..D$GT$::f`
# becomes `<a::B as c::D>::f`; `owner` is the crate (or applink module) of
# the type or function a symbol belongs to.
symbols() { # elf kinds
  "$NM" --size-sort -S --radix=d -C "$1" | awk -v kinds="$2" '
    $3 ~ kinds {
      name = $0; sub(/^[^ ]+ +[^ ]+ +[^ ]+ +/, "", name)
      gsub(/\$LT\$/, "<", name); gsub(/\$GT\$/, ">", name); gsub(/\$u20\$/, " ", name)
      gsub(/\$RF\$/, "\\&", name); gsub(/\$C\$/, ",", name); gsub(/\$u5b\$/, "[", name)
      gsub(/\$u5d\$/, "]", name); gsub(/\$u7b\$/, "{", name); gsub(/\$u7d\$/, "}", name)
      gsub(/\.\./, "::", name); sub(/::h[0-9a-f]+$/, "", name); sub(/^_</, "<", name)
      owner = name
      while (owner ~ /^(<|&|\[|\*const |\*mut |mut |dyn )/) sub(/^(<|&|\[|\*const |\*mut |mut |dyn )/, "", owner)
      n = split(owner, part, "::")
      key = part[1]; sub(/[<> ,].*/, "", key)
      if (key == "applink" && n > 1) { m = part[2]; sub(/[<> ,].*/, "", m); key = key "::" m }
      printf "%d\t%s\t%s\n", $2, key, name
    }'
}
echo "-- by crate / applink module (named symbols; .rodata literals and panic locations are unnamed) --"
symbols "$(fw thumbv7em-none-eabihf)" '^[tTrRdD]$' |
  awk -F '\t' '{ sum[$2] += $1 } END { for (k in sum) printf "%8d  %s\n", sum[k], k }' | sort -rn | awk 'NR <= 20'
echo "-- largest symbols --"
symbols "$(fw thumbv7em-none-eabihf)" '^[tTrR]$' | sort -rn | awk 'NR <= 15' |
  awk -F '\t' '{ printf "%8d  %.120s\n", $1, $3 }'
echo "-- RAM (.bss, .data) --"
symbols "$(fw thumbv7em-none-eabihf)" '^[bBdD]$' | sort -rn | awk -F '\t' '$1 >= 32 { printf "%8d  %s\n", $1, $3 }'

check_ceiling "codec only flash" "$codec_flash" $CEIL_CODEC
check_ceiling "codec + interaction flash" "$interaction_flash" $CEIL_INTERACTION
check_ceiling "whole appliance flash (M4F)" "$m4_flash" $CEIL_FLASH_M4
check_ceiling "whole appliance RAM + stack (M4F)" $((m4_ram + m4_stack)) $CEIL_RAM_M4
check_ceiling "whole appliance flash (RISC-V)" "$rv_flash" $CEIL_FLASH_RV
check_ceiling "whole appliance RAM + stack (RISC-V)" $((rv_ram + rv_stack)) $CEIL_RAM_RV
if [ "${FOOTPRINT_ENFORCE_BUDGET:-0}" = 1 ]; then
  [ "$m4_flash" -le $BUDGET_FLASH ] || failed=1
  [ $((m4_ram + m4_stack)) -le $BUDGET_RAM ] || failed=1
  [ "$interaction_flash" -le $BUDGET_INTERACTION ] || failed=1
fi
exit "$failed"
