// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runner self-check: a suite whose only test fails, so that
 * scripts/kunit.sh --selfcheck can prove a failure turns the run red.
 * Built only with CONFIG_IRQCAP_KUNIT_SELFCHECK, never in normal runs.
 */
#include <kunit/test.h>

static void injected_failure_test(struct kunit *test)
{
	KUNIT_FAIL(test, "injected failure (CONFIG_IRQCAP_KUNIT_SELFCHECK)");
}

static struct kunit_case irqcap_selfcheck_cases[] = {
	KUNIT_CASE(injected_failure_test),
	{}
};

static struct kunit_suite irqcap_selfcheck_suite = {
	.name = "irqcap_selfcheck",
	.test_cases = irqcap_selfcheck_cases,
};

kunit_test_suite(irqcap_selfcheck_suite);

MODULE_LICENSE("GPL");
