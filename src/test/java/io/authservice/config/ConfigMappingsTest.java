package io.authservice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One mapping per capability, each option declared once with its default in {@code @WithDefault},
 * and application.properties holding only what differs from the defaults.
 */
public class ConfigMappingsTest {

    /** Every {@code auth.*} mapping. */
    public static final List<Class<?>> MAPPINGS =
            List.of(
                    ClientsConfig.class,
                    CryptoConfig.class,
                    DatabaseConfig.class,
                    HttpConfig.class,
                    KeysConfig.class,
                    LoginConfig.class,
                    PasswordsConfig.class,
                    SessionsConfig.class,
                    TokensConfig.class,
                    UsersConfig.class);

    /** An option of a mapping: its property name and its default, or null. */
    public record Option(String name, String defaultValue) {}

    /** Every option of {@link #MAPPINGS}, in the order found (duplicates kept). */
    public static List<Option> options() {
        List<Option> options = new ArrayList<>();
        for (Class<?> mapping : MAPPINGS) {
            collect(mapping, mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), options);
        }
        return options;
    }

    private static void collect(Class<?> root, Class<?> group, String prefix, List<Option> into) {
        for (Method method : group.getDeclaredMethods()) {
            String name =
                    prefix
                            + "."
                            + method.getName()
                                    .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                                    .toLowerCase(Locale.ROOT);
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getName().startsWith(root.getName() + "$")) {
                collect(root, type, name, into);
            } else {
                WithDefault value = method.getAnnotation(WithDefault.class);
                into.add(new Option(name, value == null ? null : value.value()));
            }
        }
    }

    @Test
    void everyMappingOfTheConfigPackageIsListed() {
        Set<String> annotated =
                new ClassFileImporter()
                        .importPackages("io.authservice.config").stream()
                                .filter(type -> type.isAnnotatedWith(ConfigMapping.class))
                                .map(JavaClass::getName)
                                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(
                annotated,
                MAPPINGS.stream()
                        .map(Class::getName)
                        .collect(Collectors.toCollection(java.util.TreeSet::new)));
    }

    @Test
    void eachOptionIsDeclaredByOneMapping() {
        Map<String, Long> counts =
                options().stream()
                        .collect(
                                Collectors.groupingBy(
                                        Option::name, TreeMap::new, Collectors.counting()));
        assertTrue(counts.size() > 40, "the options were found: " + counts.keySet());
        counts.values().removeIf(count -> count == 1);
        assertEquals(Map.of(), counts, "options declared by more than one mapping");
    }

    /** Profiles ({@code %test.}) may differ; the unprofiled lines must not restate a default. */
    @Test
    void applicationPropertiesRestatesNoDefault() throws IOException {
        Properties application = new Properties();
        try (Reader in =
                Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            application.load(in);
        }
        Map<String, String> defaults = new TreeMap<>();
        for (Option option : options()) {
            if (option.defaultValue() != null) {
                defaults.put(option.name(), option.defaultValue());
            }
        }
        List<String> restated = new ArrayList<>();
        for (String key : application.stringPropertyNames()) {
            if (Objects.equals(defaults.get(key), application.getProperty(key))) {
                restated.add(key);
            }
        }
        assertEquals(List.of(), restated, "application.properties restates these defaults");
    }
}
