/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Test board for irqcap under QEMU (pc-testdev drives ISA IRQ lines):
 *   IQC0  IRQ 5, threaded, 256-record ring           -> /dev/irqcap0
 *   IQC1  IRQ 7, workqueue, 200 ms idle timeout,     -> /dev/irqcap1
 *         label "doorbell" (/dev/irqcap/by-label/doorbell)
 * The policy properties (bottom-half, ring-size, idle-timeout-ms) are
 * deprecated in the binding and still honoured: this board is also the test
 * that 0.1.0's firmware keeps working (and gets the deprecation notice).
 * and devices whose properties are wrong, each of which must fail probe
 * with a message naming the property:
 *   BAD0  irqcap,ring-size 1000 (not a power of two)
 *   BAD1  irqcap,bottom-half "fast"
 *   BAD2  irqcap,debounce-us 5000000 (out of range)
 *   BAD3  no interrupt at all
 *   BAD4  level-triggered interrupt
 *   BAD5  irqcap,ring-size given as a string
 *   BAD6  label "door/bell" (not a file name)
 *   BAD7  label given as an integer
 */
DefinitionBlock ("ssdt.aml", "SSDT", 2, "IRQCAP", "TESTBRD", 1)
{
    External (\_SB, DeviceObj)

    Scope (\_SB)
    {
        Device (IQC0)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 0)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 5 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "irqcap,bottom-half", "threaded" },
                    Package () { "irqcap,ring-size", 256 },
                }
            })
        }

        Device (IQC1)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 1)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 7 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "irqcap,bottom-half", "workqueue" },
                    Package () { "irqcap,idle-timeout-ms", 200 },
                    Package () { "label", "doorbell" },
                }
            })
        }

        Device (BAD0)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 10)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Shared) { 10 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "irqcap,ring-size", 1000 },
                }
            })
        }

        Device (BAD1)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 11)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Shared) { 10 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "irqcap,bottom-half", "fast" },
                }
            })
        }

        Device (BAD2)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 12)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Shared) { 10 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "irqcap,debounce-us", 5000000 },
                }
            })
        }

        Device (BAD3)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 13)
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                }
            })
        }

        Device (BAD4)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 14)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { 11 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                }
            })
        }

        Device (BAD5)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 15)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Shared) { 10 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "irqcap,ring-size", "big" },
                }
            })
        }
        Device (BAD6)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 16)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Shared) { 10 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "label", "door/bell" },
                }
            })
        }

        Device (BAD7)
        {
            Name (_HID, "PRP0001")
            Name (_UID, 17)
            Name (_CRS, ResourceTemplate () {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Shared) { 10 }
            })
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "compatible", "irqcap,event-capture" },
                    Package () { "label", 42 },
                }
            })
        }
    }
}
