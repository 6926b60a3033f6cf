package io.authservice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Sessions below the use cases: keys know nothing of sessions (withdrawing a key and ending its
 * sessions is one use case, admin/KeyAdministration).
 */
class SessionRulesTest {

    static final ArchRule KEYS_DO_NOT_DEPEND_ON_SESSIONS =
            noClasses()
                    .that()
                    .resideInAPackage("io.authservice.keys..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("io.authservice.sessions..")
                    .because(
                            "a use case that changes both (admin/KeyAdministration) calls each; keys must not call up into sessions");

    @Test
    void keysDoNotDependOnSessions() {
        KEYS_DO_NOT_DEPEND_ON_SESSIONS.check(NativeRulesTest.APPLICATION);
    }
}
