#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# dt-check.sh: validate irqcap's Device Tree material.
#
#  - yamllint (kernel rules) and dt-doc-validate on dts/irqcap,event-capture.yaml
#  - the schema's examples, built as the kernel's dt_binding_check builds them
#    (dt-extract-example, cpp with the kernel's dt-bindings headers, dtc),
#    pass dt-validate and are matched by the schema
#  - negative checks: temp copies of the example with one broken property each
#    must be rejected by dt-validate with a message naming the property
#  - every dts/*.dtso compiles with dtc -@ with no warnings, and once applied
#    (fdtoverlay) to a small stand-in for its board's base tree, its irqcap
#    node passes dt-validate against the schema
#
# Usage: scripts/dt-check.sh [--keep]
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last; exits non-zero on
# any failure.  Installs dt-schema, device-tree-compiler and yamllint with
# apt-get when they are missing (Debian).

set -u
export LC_ALL=C

TOP=$(cd "$(dirname "$0")/.." && pwd)
SCHEMA=$TOP/dts/irqcap,event-capture.yaml
KEEP=0
[ "${1:-}" = --keep ] && KEEP=1

. "$TOP/scripts/lib/ktap.sh"
ktap_print_header
W=$(mktemp -d /tmp/irqcap-dt-check.XXXXXX)
finish() {
	if [ "$KEEP" = 1 ]; then echo "# work directory kept: $W"; else rm -rf "$W"; fi
	ktap_finished
	exit $?
}
indent() { sed 's/^/#   /'; }

# ------------------------------------------------------------------ tools
# dt-schema, device-tree-compiler, yamllint and cpp: scripts/deps.sh's list.
"$TOP/scripts/deps.sh" test >"$W/apt.log" 2>&1 || { cat "$W/apt.log"; ktap_fail "tools installed (scripts/deps.sh test)"; finish; }

# The kernel's dt-bindings headers, for the examples' #includes: any installed
# linux-headers-*-common has them (the arm64 test's cache does too).
DTBINC=
for d in /usr/src/linux-headers-*-common/include \
	 "${IRQCAP_CACHE:-/var/cache/irqcap}"/arm64/*/usr/src/linux-headers-*-common/include; do
	[ -f "$d/dt-bindings/gpio/gpio.h" ] && { DTBINC=$d; break; }
done

# ----------------------------------------------------------------- schema
# yamllint with the rules of the kernel's Documentation/devicetree/bindings/.yamllint
cat >"$W/yamllint.conf" <<'EOF'
extends: relaxed
rules:
  quoted-strings:
    required: only-when-needed
    extra-allowed:
      - '[$^,[]'
      - '^/$'
  line-length:
    max: 110
    allow-non-breakable-words: true
    allow-non-breakable-inline-mappings: true
  document-start:
    present: true
  indentation:
    spaces: 2
    indent-sequences: true
    check-multi-line-strings: false
  trailing-spaces: false
EOF
if out=$(yamllint -f parsable -c "$W/yamllint.conf" "$SCHEMA" 2>&1) && [ -z "$out" ]; then
	ktap_ok "yamllint (kernel binding rules): irqcap,event-capture.yaml"
else
	ktap_fail "yamllint (kernel binding rules): irqcap,event-capture.yaml"; echo "$out" | indent
fi

# dt-doc-validate exits 0 even when it prints errors: any output is a failure.
# -u dts makes $id be checked against the file's path relative to dts/.
if out=$(cd "$TOP" && dt-doc-validate -u dts "dts/irqcap,event-capture.yaml" 2>&1) && [ -z "$out" ]; then
	ktap_ok "dt-doc-validate: schema conforms to the dt-schema meta-schema, \$id matches"
else
	ktap_fail "dt-doc-validate: schema conforms to the dt-schema meta-schema, \$id matches"; echo "$out" | indent
fi

mkdir -p "$W/schemas"
cp "$SCHEMA" "$W/schemas/"
if out=$(dt-mk-schema -j "$W/schemas" -o "$W/processed.json" 2>&1) && [ -s "$W/processed.json" ]; then
	ktap_ok "dt-mk-schema: processed schema with the core schemas"
else
	ktap_fail "dt-mk-schema: processed schema with the core schemas"; echo "$out" | indent; finish
fi

# validate DTB [LABEL]: dt-validate against our schema only; prints errors
validate() {
	dt-validate -l irqcap -s "$W/processed.json" "$1" 2>&1
}
# matched DTB: the schema matched at least one node
matched() {
	dt-validate -M -l irqcap -s "$W/processed.json" "$1" 2>&1 |
		grep -c 'schemas/irqcap,event-capture.yaml#'
}
# build_dts IN.dts OUT.dtb: cpp (kernel flags) + dtc, as dt_binding_check does
build_dts() {
	cpp -nostdinc ${DTBINC:+-I "$DTBINC"} -undef -D__DTS__ -x assembler-with-cpp -P \
		"$1" >"${2%.dtb}.pp.dts" 2>"$W/cpp.err" &&
	dtc -Wno-avoid_unnecessary_addr_size -Wno-unit_address_vs_reg -O dtb \
		-o "$2" "${2%.dtb}.pp.dts" 2>"$W/dtc.err"
}

# ------------------------------------------- schema agrees with the driver
# The schema restates the driver's names, ranges and defaults: catch drift.
if out=$(/usr/bin/python3 - "$SCHEMA" "$TOP/src" 2>&1 <<'PYEOF'
import glob, re, sys, yaml
schema = yaml.safe_load(open(sys.argv[1]))
src = {f: open(f).read() for f in glob.glob(sys.argv[2] + "/*.[ch]")}
allsrc = "\n".join(src.values())
props = schema["properties"]
errs = []

def define(name):
    m = re.search(r"#define\s+%s\s+\(?([0-9]+)U?(?:\s*<<\s*([0-9]+))?" % name, allsrc)
    if not m:
        errs.append("no #define %s in src/" % name)
        return None
    v = int(m.group(1))
    return v << int(m.group(2)) if m.group(2) else v

def strings(array):
    m = re.search(r"%s\[[^]]*\]\s*=\s*\{(.*?)\};" % array, allsrc, re.S)
    if not m:
        errs.append("no array %s in src/" % array)
        return []
    return re.findall(r'"([a-z]+)"', m.group(1))

def same(what, schema_val, driver_val):
    if schema_val != driver_val:
        errs.append("%s: schema %r, driver %r" % (what, schema_val, driver_val))

lo, hi, dflt = define("IRQCAP_RING_MIN"), define("IRQCAP_RING_MAX"), define("IRQCAP_RING_DEFAULT")
if None not in (lo, hi):
    same("irqcap,ring-size values", props["irqcap,ring-size"]["enum"],
         [1 << i for i in range(lo.bit_length() - 1, hi.bit_length()) if lo <= 1 << i <= hi])
same("irqcap,ring-size default", props["irqcap,ring-size"]["default"], dflt)
same("irqcap,debounce-us maximum", props["irqcap,debounce-us"]["maximum"], define("IRQCAP_DEBOUNCE_MAX_US"))
same("irqcap,idle-timeout-ms maximum", props["irqcap,idle-timeout-ms"]["maximum"],
     define("IRQCAP_IDLE_TIMEOUT_MAX_MS"))
same("irqcap,wakeup-holdoff-us maximum", props["irqcap,wakeup-holdoff-us"]["maximum"],
     define("IRQCAP_WAKEUP_HOLDOFF_MAX_US"))
same("irqcap,bottom-half values", props["irqcap,bottom-half"]["enum"], strings("irqcap_bh_names"))
m = re.search(r"int\s+irqcap_default_bh\s*=\s*IRQCAP_BH_([A-Z]+)\s*;", allsrc)
if m and m.group(1) == "DEFAULT":  # through #define IRQCAP_BH_DEFAULT IRQCAP_BH_X
    m = re.search(r"#define\s+IRQCAP_BH_DEFAULT\s+IRQCAP_BH_([A-Z]+)\b", allsrc)
same("irqcap,bottom-half default", props["irqcap,bottom-half"]["default"], m and m.group(1).lower())
same("irqcap,trigger values", props["irqcap,trigger"]["enum"], strings("irqcap_trigger_names"))
same("compatible", [props["compatible"]["const"]],
     re.findall(r'\.compatible\s*=\s*"([^"]+)"', allsrc))
same("vendor properties", sorted(p for p in props if p.startswith("irqcap,")),
     sorted(set(re.findall(r'"(irqcap,[a-z-]+)"', allsrc)) - {props["compatible"]["const"]}))
for e in errs:
    print(e)
sys.exit(1 if errs else 0)
PYEOF
); then
	ktap_ok "schema agrees with src/: compatible, property names, enums, ranges, defaults"
else
	ktap_fail "schema agrees with src/: compatible, property names, enums, ranges, defaults"; echo "$out" | indent
fi

# ---------------------------------------------------------------- example
dt-extract-example "$SCHEMA" >"$W/example.dts" 2>"$W/extract.err"
if [ -z "$DTBINC" ]; then
	ktap_fail "example built: no dt-bindings headers found (install linux-headers-amd64)"
elif build_dts "$W/example.dts" "$W/example.dtb"; then
	ktap_ok "example built (dt-extract-example, cpp with $DTBINC, dtc)"
else
	ktap_fail "example built"; cat "$W/extract.err" "$W/cpp.err" "$W/dtc.err" | indent
fi
if [ -s "$W/example.dtb" ]; then
	out=$(validate "$W/example.dtb")
	n=$(matched "$W/example.dtb")
	if [ -z "$out" ] && [ "$n" -ge 2 ]; then
		ktap_ok "dt-validate: the schema's $n examples are valid"
	else
		ktap_fail "dt-validate: the schema's examples are valid ($n matched)"; echo "$out" | indent
	fi
fi

# ------------------------------------------------------- negative checks
# negative NAME SED-EXPRESSION EXPECTED-MESSAGE-REGEX
negative() {
	local name=$1 expr=$2 want=$3 out msg
	sed "$expr" "$W/example.pp.dts" >"$W/bad.dts"
	if cmp -s "$W/bad.dts" "$W/example.pp.dts"; then
		ktap_fail "negative: $name (the edit did not apply)"; return
	fi
	if ! dtc -q -O dtb -o "$W/bad.dtb" "$W/bad.dts" 2>"$W/dtc.err"; then
		ktap_fail "negative: $name (did not compile)"; indent <"$W/dtc.err"; return
	fi
	out=$(validate "$W/bad.dtb")
	# the first error line that matches, with its short detail lines
	msg=$(echo "$out" | awk -v re="$want" '
		found && /^\t'"'"'/ && length($0) < 100 { sub(/^\t/, ""); sub(/:$/, "", m); m = m "; " $0; next }
		found { exit }
		$0 ~ re { found = 1; sub(/^[^:]*: /, ""); m = $0 }
		END { print m }')
	if [ -n "$msg" ]; then
		ktap_ok "negative: $name rejected: $msg"
	else
		ktap_fail "negative: $name not rejected with /$want/"; echo "${out:-(dt-validate printed nothing)}" | indent
	fi
}
if [ -s "$W/example.pp.dts" ]; then
	negative 'irqcap,ring-size = <1000> (not a power of two)' \
		's/irqcap,ring-size = <4096>/irqcap,ring-size = <1000>/' \
		"irqcap,ring-size.*1000 is not one of"
	negative 'irqcap,trigger = "high" (level, or a typo)' \
		's/irqcap,trigger = "both"/irqcap,trigger = "high"/' \
		"irqcap,trigger.*'high' is not one of"
	negative 'irqcap,debounce-us = <2000000> (over 1 s)' \
		's/irqcap,debounce-us = <200>/irqcap,debounce-us = <2000000>/' \
		"irqcap,debounce-us.*2000000 is greater than the maximum of 1000000"
	negative 'irqcap,idle-timeout-ms = <3600001> (over 1 h)' \
		's/irqcap,idle-timeout-ms = <5000>/irqcap,idle-timeout-ms = <3600001>/' \
		"irqcap,idle-timeout-ms.*3600001 is greater than the maximum of 3600000"
	negative 'irqcap,wakeup-holdoff-us = <100001> (over 100 ms)' \
		's/irqcap,wakeup-holdoff-us = <100>/irqcap,wakeup-holdoff-us = <100001>/' \
		"irqcap,wakeup-holdoff-us.*100001 is greater than the maximum of 100000"
	negative 'irqcap,bottom-half = "softirq" (unknown mode)' \
		's/irqcap,bottom-half = "workqueue"/irqcap,bottom-half = "softirq"/' \
		"irqcap,bottom-half.*'softirq' is not one of"
	negative 'irqcap,ringsize misspelt' \
		's/irqcap,ring-size = /irqcap,ringsize = /' \
		"'irqcap,ringsize' was unexpected"
	negative 'label = "door/switch" (not one file name)' \
		's|label = "door-switch"|label = "door/switch"|' \
		"label.*'door/switch' does not match"
	negative 'neither interrupts nor gpios' \
		'/gpios = </d' \
		"'oneOf' conditional failed"
	negative 'both interrupts and gpios' \
		's|interrupts = <5 \(.*\)>;|interrupts = <5 \1>; gpios = <\&intc 1 0>;|' \
		"More than one condition true in oneOf schema"
fi

# --------------------------------------------------------------- overlays
# A stand-in for each board's base tree: just the nodes and labels the
# overlay refers to (the real trees come from the boards' kernels).
base_for() {
	case "$1" in
	*bcm2711*) cat <<-'EOF'
		/dts-v1/;
		/ { compatible = "raspberrypi,4-model-b", "brcm,bcm2711"; model = "stand-in";
		    #address-cells = <2>; #size-cells = <1>;
		    gpio: gpio@7e200000 { compatible = "brcm,bcm2711-gpio"; reg = <0 0x7e200000 0xb4>;
			gpio-controller; #gpio-cells = <2>; interrupt-controller; #interrupt-cells = <2>; }; };
		EOF
		;;
	*bcm2712*) cat <<-'EOF'
		/dts-v1/;
		/ { compatible = "raspberrypi,5-model-b", "brcm,bcm2712"; model = "stand-in";
		    #address-cells = <2>; #size-cells = <1>;
		    rp1_gpio: gpio@d0000 { compatible = "raspberrypi,rp1-gpio"; reg = <0 0xd0000 0xc000>;
			gpio-controller; #gpio-cells = <2>; interrupt-controller; #interrupt-cells = <2>; }; };
		EOF
		;;
	*BB-*) cat <<-'EOF'
		/dts-v1/;
		/ { compatible = "ti,am335x-bone-black", "ti,am33xx"; model = "stand-in";
		    #address-cells = <1>; #size-cells = <1>;
		    am33xx_pinmux: pinmux@44e10800 { compatible = "pinctrl-single"; reg = <0x44e10800 0x238>;
			#pinctrl-cells = <2>; };
		    gpio1: gpio@4804c000 { compatible = "ti,omap4-gpio"; reg = <0x4804c000 0x1000>;
			gpio-controller; #gpio-cells = <2>; interrupt-controller; #interrupt-cells = <2>; }; };
		EOF
		;;
	*) cat <<-'EOF'
		/dts-v1/;
		/ { compatible = "vendor,board"; model = "stand-in"; #address-cells = <1>; #size-cells = <1>;
		    intc: interrupt-controller@1000 { compatible = "arm,gic-400"; reg = <0x1000 0x1000>;
			interrupt-controller; #interrupt-cells = <3>; };
		    gpio0: gpio@2000 { compatible = "vendor,gpio"; reg = <0x2000 0x100>;
			gpio-controller; #gpio-cells = <2>; interrupt-controller; #interrupt-cells = <2>; }; };
		EOF
		;;
	esac
}

for src in "$TOP"/dts/*.dtso; do
	name=$(basename "$src" .dtso)
	if dtc -@ -I dts -O dtb -o "$W/$name.dtbo" "$src" 2>"$W/$name.err" && [ ! -s "$W/$name.err" ]; then
		ktap_ok "dtc -@ $name.dtso: no warnings ($(stat -c %s "$W/$name.dtbo") bytes)"
	else
		ktap_fail "dtc -@ $name.dtso: no warnings"; indent <"$W/$name.err"; continue
	fi
	base_for "$name" >"$W/base-$name.dts"
	if ! dtc -q -@ -I dts -O dtb -o "$W/base-$name.dtb" "$W/base-$name.dts" ||
	   ! fdtoverlay -i "$W/base-$name.dtb" -o "$W/merged-$name.dtb" "$W/$name.dtbo" 2>"$W/$name.err"; then
		ktap_fail "$name applies to a stand-in base tree (fdtoverlay)"; indent <"$W/$name.err"; continue
	fi
	out=$(validate "$W/merged-$name.dtb")
	n=$(matched "$W/merged-$name.dtb")
	if [ -z "$out" ] && [ "$n" -ge 1 ]; then
		ktap_ok "$name applied (fdtoverlay) and its $n irqcap node(s) pass dt-validate"
	else
		ktap_fail "$name applied (fdtoverlay) and its irqcap node(s) pass dt-validate ($n matched)"
		echo "$out" | indent
	fi
done

finish
