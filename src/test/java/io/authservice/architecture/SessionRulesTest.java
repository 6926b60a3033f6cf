package io.authservice.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Sessions below the use cases: keys know nothing of sessions (withdrawing a key and ending its
 * sessions is one use case, admin/KeyAdministration), and within sessions/ only the store speaks
 * SQL.
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

    static final ArchRule SQL_ONLY_IN_SESSION_STORES =
            noClasses()
                    .that()
                    .resideInAPackage("io.authservice.sessions..")
                    .and(not(belongToAStore()))
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "io.vertx.sqlclient..",
                            "io.vertx.mutiny.sqlclient..",
                            "io.vertx.pgclient..",
                            "io.vertx.mutiny.pgclient..")
                    .because(
                            "every statement on sessions is in SessionStore; the codec and the rotation policy stay free of SQL");

    @Test
    void keysDoNotDependOnSessions() {
        KEYS_DO_NOT_DEPEND_ON_SESSIONS.check(NativeRulesTest.APPLICATION);
    }

    @Test
    void withinSessionsOnlyStoresUseTheSqlClient() {
        SQL_ONLY_IN_SESSION_STORES.check(NativeRulesTest.APPLICATION);
    }

    /** A class named *Store, or one nested in it. */
    private static DescribedPredicate<JavaClass> belongToAStore() {
        return DescribedPredicate.describe(
                "belong to a *Store class",
                javaClass -> {
                    JavaClass top = javaClass;
                    while (top.getEnclosingClass().isPresent()) {
                        top = top.getEnclosingClass().get();
                    }
                    return top.getSimpleName().endsWith("Store");
                });
    }
}
