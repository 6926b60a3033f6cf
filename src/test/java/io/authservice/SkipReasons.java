package io.authservice;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test was skipped (disabled, or aborted by an assumption) on the console, where the
 * build's reader sees it; the test reports alone keep the reason in their XML.
 */
public class SkipReasons implements TestExecutionListener {

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(
                    test,
                    result.getThrowable().map(Throwable::getMessage).orElse("aborted, no reason"));
        }
    }

    private static void print(TestIdentifier test, String reason) {
        String name =
                test.getSource()
                        .filter(MethodSource.class::isInstance)
                        .map(MethodSource.class::cast)
                        .map(m -> simpleName(m.getClassName()) + "." + m.getMethodName())
                        .orElse("");
        // A parameterized test's invocation, a class: its display name says which.
        String display = test.getDisplayName();
        if (!display.endsWith(")") || name.isEmpty()) {
            name = (name + " " + display).trim();
        }
        System.out.println("[SKIPPED] " + name + ": " + reason);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
