package io.authservice.architecture.cycle.b;

import io.authservice.architecture.cycle.a.A;

/** The other half of the circle CycleRulesTest plants. */
public class B {
    public A a;
}
