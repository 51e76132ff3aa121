// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runner self-check, so that scripts/kunit.sh --selfcheck can prove both
 * ways a run turns red: a test that fails, and a test that passes but
 * leaves a WARNING in the kernel log (the splat scan must catch it).
 * Built only with CONFIG_IRQCAP_KUNIT_SELFCHECK, never in normal runs.
 */
#include <kunit/test.h>
#include <linux/bug.h>

static void injected_failure_test(struct kunit *test)
{
	KUNIT_FAIL(test, "injected failure (CONFIG_IRQCAP_KUNIT_SELFCHECK)");
}

static void injected_warning_test(struct kunit *test)
{
	WARN(1, "irqcap selfcheck: injected warning (CONFIG_IRQCAP_KUNIT_SELFCHECK)\n");
	KUNIT_SUCCEED(test);
}

static struct kunit_case irqcap_selfcheck_cases[] = {
	KUNIT_CASE(injected_failure_test),
	KUNIT_CASE(injected_warning_test),
	{}
};

static struct kunit_suite irqcap_selfcheck_suite = {
	.name = "irqcap_selfcheck",
	.test_cases = irqcap_selfcheck_cases,
};

kunit_test_suite(irqcap_selfcheck_suite);

MODULE_LICENSE("GPL");
