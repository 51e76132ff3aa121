/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Benchmark board for scripts/bench.sh (pc-testdev drives ISA IRQ lines):
 *   BIQC  IRQ 5  irqcap, 65536-record ring     -> /dev/irqcap0
 *   BCNT  IRQ 6  irqcnt_bench (counting only)  -> sysfs "count"
 *   BUIO  IRQ 7  uio_pdrv_genirq (of_id=irqcap,bench-uio) -> /dev/uio0
 *   BCTR  IRQ 10 interrupt-cnt (counter chrdev)  -> /dev/counter0
 */
DefinitionBlock ("ssdt.aml", "SSDT", 2, "IRQCAP", "BENCHBRD", 1)
{
    External (\_SB, DeviceObj)

    Scope (\_SB)
    {
        Device (BIQC)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 20)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 5 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "irqcap,bottom-half", "threaded" },
                    Package () { "irqcap,ring-size", 65536 },
                }
            })
        }

        Device (BCNT)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 21)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 6 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,bench-count" },
                }
            })
        }

        Device (BUIO)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 22)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 7 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,bench-uio" },
                    Package () { "linux,uio-name", "irqcap-bench-uio" },
                }
            })
        }

        Device (BCTR)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 23)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 10 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "interrupt-counter" },
                }
            })
        }
    }
}
