package io.authservice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.core.domain.JavaParameterizedType;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.enterprise.context.Initialized;
import java.lang.annotation.Annotation;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.Test;

/**
 * What the native executable needs of the application's classes, checked here without GraalVM.
 * Quarkus initialises application classes while it builds the image: a generator in a static field
 * would be seeded once, in the build, and every copy of the executable would start from that state
 * (GraalVM refuses it: "Detected an instance of Random/SplittableRandom class in the image heap").
 */
class NativeRulesTest {

    /** Generators, and the JCA objects that keep the generator they were given. */
    private static final List<Class<?>> SEEDED =
            List.of(
                    RandomGenerator.class,
                    KeyPairGenerator.class,
                    KeyGenerator.class,
                    Cipher.class,
                    Signature.class);

    static final ArchRule NO_STATIC_GENERATOR =
            noFields()
                    .that(holdSeededState())
                    .should()
                    .haveModifier(JavaModifier.STATIC)
                    .as("no static field holds a random generator (or a ThreadLocal of one)")
                    .because(
                            "a generator in a static field is seeded once, at the native image's build: hold it in a bean");

    /**
     * Native images fire it during static init, in the build; Quarkus warns ("may vary between JVM
     * and native").
     */
    static final ArchRule NO_INITIALIZED_OBSERVER =
            noMethods()
                    .should(observe(Initialized.class))
                    .because(
                            "start-up work observes StartupEvent (or runs when Flyway is configured), at run time in both modes");

    /**
     * A native executable keeps only the fields registered for reflection: one class reaches the
     * internals of the libraries, and registers what it reads (web/VertxInternals).
     */
    static final ArchRule ONE_CLASS_REACHES_INTERNALS =
            noClasses()
                    .that()
                    .doNotHaveFullyQualifiedName("io.authservice.api.http.VertxInternals")
                    .should()
                    .callMethod(
                            java.lang.reflect.AccessibleObject.class,
                            "setAccessible",
                            boolean.class)
                    .orShould()
                    .callMethod(java.lang.reflect.Field.class, "setAccessible", boolean.class)
                    .orShould()
                    .callMethod(Class.class, "getDeclaredField", String.class)
                    .because(
                            "its @RegisterForReflection keeps those fields in the native executable, and it stops the service if they moved");

    /** The application's classes (not the tests'), imported once for every rule test. */
    static final JavaClasses APPLICATION =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.authservice");

    @Test
    void noApplicationClassHoldsAGeneratorInAStaticField() {
        assertTrue(
                APPLICATION.size() > 100,
                "the application's classes were imported: " + APPLICATION.size());
        NO_STATIC_GENERATOR.check(APPLICATION);
    }

    @Test
    void onlyOneClassReachesLibraryInternalsByReflection() {
        ONE_CLASS_REACHES_INTERNALS.check(APPLICATION);
    }

    @Test
    void noStartUpWorkObservesTheContextsInitialization() {
        NO_INITIALIZED_OBSERVER.check(APPLICATION);
    }

    /**
     * The rule itself: it finds each kind of static generator, and leaves instance fields alone.
     */
    @Test
    void theRuleFindsAStaticGenerator() {
        EvaluationResult planted =
                NO_STATIC_GENERATOR.evaluate(new ClassFileImporter().importClasses(Planted.class));
        assertEquals(
                4,
                planted.getFailureReport().getDetails().size(),
                planted.getFailureReport().toString());
        assertTrue(
                planted.getFailureReport().toString().contains("Planted.RANDOM"),
                planted.getFailureReport().toString());
    }

    @SuppressWarnings("unused")
    static final class Planted {
        private static final SecureRandom RANDOM = new SecureRandom();
        private static final SplittableRandom SPLITTABLE = new SplittableRandom();
        private static final ThreadLocal<SecureRandom> PER_THREAD =
                ThreadLocal.withInitial(SecureRandom::new);
        private static Cipher cipher;
        private final SecureRandom fine = new SecureRandom();
        private final ThreadLocal<String> alsoFine = new ThreadLocal<>();
    }

    private static ArchCondition<JavaMethod> observe(Class<? extends Annotation> qualifier) {
        return new ArchCondition<>("observe @" + qualifier.getSimpleName()) {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                for (JavaParameter parameter : method.getParameters()) {
                    if (parameter.isAnnotatedWith(qualifier)) {
                        events.add(
                                SimpleConditionEvent.satisfied(
                                        method,
                                        method.getFullName()
                                                + " observes @"
                                                + qualifier.getSimpleName()
                                                + " "
                                                + parameter.getRawType().getSimpleName()));
                    }
                }
            }
        };
    }

    private static DescribedPredicate<JavaField> holdSeededState() {
        return DescribedPredicate.describe(
                "hold a random generator", field -> seeded(field.getType()));
    }

    /**
     * A generator's type, or a type whose type arguments are one ({@code
     * ThreadLocal<SecureRandom>}, an array).
     */
    private static boolean seeded(JavaType type) {
        if (SEEDED.stream().anyMatch(seeded -> type.toErasure().isAssignableTo(seeded))) {
            return true;
        }
        if (type.toErasure().isArray()) {
            return seeded(type.toErasure().getComponentType());
        }
        return type instanceof JavaParameterizedType parameterized
                && parameterized.getActualTypeArguments().stream()
                        .anyMatch(NativeRulesTest::seeded);
    }
}
