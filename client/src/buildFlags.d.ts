/**
 * True only in the test build (`vite build --mode testing` → dist-testing),
 * which the browser tests and benchmarks serve. The production build folds
 * it to false and drops every branch and module it guards; a test checks
 * that no test hook reaches client/dist.
 */
declare const __PARLEY_TEST_BUILD__: boolean;
