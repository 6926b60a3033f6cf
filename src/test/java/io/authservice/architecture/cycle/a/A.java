package io.authservice.architecture.cycle.a;

import io.authservice.architecture.cycle.b.B;

/** One half of the circle CycleRulesTest plants. */
public class A {
    public B b;
}
