package io.authservice.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authservice.config.AuthConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every overlay with {@code kubectl kustomize} and checks (1) that each object is a valid
 * Kubernetes object of its kind, unknown fields included, and (2) that the manifests agree with the
 * application: ports, probe paths, environment variables, Ingress and NetworkPolicy ports.
 */
class ManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kinds the manifests may use, with the model class that defines each. */
    private static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class));

    /** The public contract's paths: all the Ingress may route. */
    private static final Set<String> PUBLIC_PATHS = Set.of("/oauth2/token", "/oauth2/revoke", "/users",
            "/.well-known/jwks.json", "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectIsValidForItsKind(String overlay) throws Exception {
        List<String> errors = new ArrayList<>();
        List<JsonNode> documents = new ArrayList<>(render(overlay));
        documents.add(YAML.readTree(Path.of("deploy/base/secret.template.yaml").toFile()));
        for (JsonNode document : documents) {
            String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            String where = kind + " " + document.path("metadata").path("name").asText();
            Class<?> model = KINDS.get(kind);
            if (model == null) {
                errors.add(where + ": not a kind these manifests are checked for");
                continue;
            }
            try {
                unknownFields(JSON.treeToValue(document, model), where, errors);
            } catch (IOException e) {
                errors.add(where + ": " + e.getMessage());
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void manifestsAgreeWithTheApplication(String overlay) throws Exception {
        Map<String, List<Object>> objects = typed(render(overlay));
        Properties application = new Properties();
        application.load(Files.newBufferedReader(Path.of("src/main/resources/application.properties")));
        int httpPort = Integer.parseInt(application.getProperty("quarkus.http.port"));
        int managementPort = Integer.parseInt(application.getProperty("quarkus.management.port"));

        Deployment deployment = only(objects, Deployment.class);
        assertTrue(deployment.getSpec().getReplicas() >= 2, "at least two replicas");
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Integer> ports = new HashMap<>();
        for (ContainerPort port : container.getPorts()) {
            ports.put(port.getName(), port.getContainerPort());
        }
        assertEquals(httpPort, ports.get("http"), "container port http = quarkus.http.port");
        assertEquals(managementPort, ports.get("management"), "container port management = quarkus.management.port");

        probe(container.getStartupProbe(), "/q/health/started", ports, managementPort);
        probe(container.getLivenessProbe(), "/q/health/live", ports, managementPort);
        probe(container.getReadinessProbe(), "/q/health/ready", ports, managementPort);

        Map<String, String> env = environment(container, objects);
        Set<String> known = knownVariables(application);
        for (String name : env.keySet()) {
            assertTrue(known.contains(name), name + " is set but the service reads no such property");
        }
        assertEquals(String.valueOf(httpPort), env.getOrDefault("QUARKUS_HTTP_PORT", String.valueOf(httpPort)));
        assertEquals(String.valueOf(managementPort),
                env.getOrDefault("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort)));
        for (String required : List.of("AUTH_ISSUER", "AUTH_KEYS_ENCRYPTION_KEY", "QUARKUS_DATASOURCE_REACTIVE_URL",
                "QUARKUS_DATASOURCE_JDBC_URL")) {
            assertTrue(env.containsKey(required) || secretTemplateKeys().contains(required), required + " is not set");
        }

        Service service = objects.get("Service").stream().map(Service.class::cast)
                .filter(s -> s.getSpec().getSelector().equals(deployment.getSpec().getSelector().getMatchLabels()))
                .findFirst().orElseThrow(() -> new AssertionError("no Service selects the Deployment's pods"));
        Map<String, ServicePort> servicePorts = new HashMap<>();
        for (ServicePort port : service.getSpec().getPorts()) {
            servicePorts.put(port.getName(), port);
            assertTrue(ports.containsKey(port.getName()), "Service port " + port.getName() + " has no container port");
            assertEquals(ports.get(port.getName()), resolve(port.getTargetPort(), ports), "Service " + port.getName());
        }

        Ingress ingress = only(objects, Ingress.class);
        assertTrue(ingress.getSpec().getIngressClassName() != null, "ingressClassName");
        assertTrue(!ingress.getSpec().getTls().isEmpty(), "TLS");
        for (var rule : ingress.getSpec().getRules()) {
            assertTrue(ingress.getSpec().getTls().get(0).getHosts().contains(rule.getHost()), "TLS covers " + rule.getHost());
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                assertTrue(PUBLIC_PATHS.contains(path.getPath()), path.getPath() + " is not a public path");
                var backend = path.getBackend().getService();
                assertEquals(service.getMetadata().getName(), backend.getName(), "Ingress backend service");
                ServicePort target = backend.getPort().getName() != null
                        ? servicePorts.get(backend.getPort().getName())
                        : servicePorts.values().stream().filter(p -> p.getPort().equals(backend.getPort().getNumber()))
                                .findFirst().orElse(null);
                assertTrue(target != null, "Ingress port " + backend.getPort() + " is not a Service port");
                assertEquals(httpPort, resolve(target.getTargetPort(), ports), "the Ingress reaches the API port");
            }
        }

        NetworkPolicy policy = objects.get("NetworkPolicy").stream().map(NetworkPolicy.class::cast)
                .filter(p -> deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                        .containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .findFirst().orElseThrow(() -> new AssertionError("no NetworkPolicy for the service's pods"));
        Set<Integer> allowedIn = new HashSet<>();
        policy.getSpec().getIngress().forEach(rule -> rule.getPorts().forEach(p -> allowedIn.add(resolve(p.getPort(), ports))));
        assertEquals(Set.of(httpPort, managementPort), allowedIn, "NetworkPolicy ingress ports = the container ports");
        Set<Integer> allowedOut = new HashSet<>();
        policy.getSpec().getEgress().forEach(rule -> rule.getPorts().stream().map(NetworkPolicyPort::getPort)
                .forEach(p -> allowedOut.add(p.getIntVal())));
        assertEquals(Set.of(5432, 53), allowedOut, "egress only to PostgreSQL and DNS");
        assertTrue(policy.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress")));

        var pod = deployment.getSpec().getTemplate().getSpec();
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        assertEquals(Boolean.TRUE, container.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, container.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertTrue(container.getResources().getRequests() != null && container.getResources().getLimits() != null);
        long shutdown = java.time.Duration.parse(application.getProperty("quarkus.shutdown.timeout")).toSeconds();
        assertTrue(pod.getTerminationGracePeriodSeconds() > shutdown, "grace period longer than the shutdown timeout");
    }

    // ---- rendering and typing ----

    private static List<JsonNode> render(String overlay) throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", "deploy/overlays/" + overlay)
                .redirectErrorStream(true).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, kubectl.waitFor(), "kubectl kustomize failed: " + out);
        return YAML.readValues(YAML.getFactory().createParser(out), JsonNode.class).readAll().stream()
                .filter(n -> !n.isNull() && !n.isMissingNode()).toList();
    }

    private static Map<String, List<Object>> typed(List<JsonNode> documents) throws IOException {
        Map<String, List<Object>> objects = new HashMap<>();
        for (JsonNode document : documents) {
            Class<?> model = KINDS.get(document.path("apiVersion").asText() + "/" + document.path("kind").asText());
            if (model != null) {
                objects.computeIfAbsent(document.path("kind").asText(), k -> new ArrayList<>())
                        .add(JSON.treeToValue(document, model));
            }
        }
        return objects;
    }

    private static <T> T only(Map<String, List<Object>> objects, Class<T> type) {
        List<Object> all = objects.getOrDefault(type.getSimpleName(), List.of());
        assertEquals(1, all.size(), "exactly one " + type.getSimpleName());
        return type.cast(all.get(0));
    }

    /** Fails on every field the model does not know (Jackson puts them in additionalProperties). */
    private static void unknownFields(Object value, String path, List<String> errors) throws Exception {
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", errors);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                unknownFields(entry.getValue(), path + "." + entry.getKey(), errors);
            }
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || Modifier.isStatic(getter.getModifiers()) || getter.getName().equals("getClass")) {
                continue;
            }
            Object field = getter.invoke(value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    errors.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else {
                unknownFields(field, path + "." + getter.getName().substring(3), errors);
            }
        }
    }

    // ---- the application's side ----

    private static void probe(Probe probe, String path, Map<String, Integer> ports, int managementPort) {
        assertTrue(probe != null && probe.getHttpGet() != null, path + " probe");
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals(managementPort, resolve(probe.getHttpGet().getPort(), ports), path + " on the management port");
    }

    private static Integer resolve(IntOrString port, Map<String, Integer> named) {
        return port.getIntVal() != null ? port.getIntVal() : named.get(port.getStrVal());
    }

    /** Every variable the container gets: env, and the keys of the ConfigMaps and Secrets it loads. */
    private static Map<String, String> environment(Container container, Map<String, List<Object>> objects)
            throws IOException {
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            if (source.getConfigMapRef() != null) {
                ConfigMap map = objects.get("ConfigMap").stream().map(ConfigMap.class::cast)
                        .filter(c -> c.getMetadata().getName().equals(source.getConfigMapRef().getName()))
                        .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + source.getConfigMapRef()));
                env.putAll(map.getData());
            }
            if (source.getSecretRef() != null) {
                List<Object> secrets = objects.getOrDefault("Secret", List.of());
                Set<String> keys = secrets.stream().map(Secret.class::cast)
                        .filter(s -> s.getMetadata().getName().equals(source.getSecretRef().getName()))
                        .findFirst().map(ManifestsTest::keys).orElse(secretTemplateKeys());
                keys.forEach(k -> env.put(k, "(secret)"));
            }
        }
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), variable.getValue());
        }
        return env;
    }

    private static Set<String> keys(Secret secret) {
        Set<String> keys = new TreeSet<>();
        if (secret.getData() != null) {
            keys.addAll(secret.getData().keySet());
        }
        if (secret.getStringData() != null) {
            keys.addAll(secret.getStringData().keySet());
        }
        return keys;
    }

    private static Set<String> secretTemplateKeys() {
        try {
            return keys(JSON.treeToValue(YAML.readTree(Path.of("deploy/base/secret.template.yaml").toFile()), Secret.class));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The environment variables of properties the service reads: every {@code auth.*} option of
     * {@link AuthConfig}, and every property of application.properties or of the README's
     * configuration table.
     */
    private static Set<String> knownVariables(Properties application) throws IOException {
        Set<String> properties = new TreeSet<>();
        authOptions(AuthConfig.class, "auth.", properties);
        for (String key : application.stringPropertyNames()) {
            properties.add(key.replaceFirst("^%[^.]+\\.", ""));
        }
        Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)`(?:, `\\.?([a-z0-9.-]+)`)?").matcher(
                Files.readString(Path.of("README.md")));
        while (row.find()) {
            properties.add(row.group(1));
            if (row.group(2) != null) {
                properties.add(row.group(1).substring(0, row.group(1).lastIndexOf('.') + 1) + row.group(2));
            }
        }
        Set<String> variables = new TreeSet<>();
        for (String property : properties) {
            variables.add(property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
        }
        return variables;
    }

    private static void authOptions(Class<?> mapping, String prefix, Set<String> into) {
        for (Method method : mapping.getDeclaredMethods()) {
            String name = prefix + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == AuthConfig.class) {
                authOptions(method.getReturnType(), name + ".", into);
            } else {
                into.add(name);
            }
        }
    }

}
